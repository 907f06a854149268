"""Notifications: the only package that imports apprise (an import-linter contract says so)."""
