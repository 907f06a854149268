"""The base of everything the worker tells the UI."""

from __future__ import annotations

from typing import ClassVar


class Event:
    """Base of every event a worker service emits (frozen dataclasses next to their domain code).

    A whole-state view (the newest replaces the older: `ClusterSnapshot`, `FreezerView`, ...) sets
    `COALESCE = True`: an older one still queued for the UI is dropped, so a slow frame never
    builds a backlog. One-off events (results, notices, alert batches) keep `COALESCE = False`.
    """

    __slots__ = ()
    COALESCE: ClassVar[bool] = False
