"""Small wording helpers for what the panes say."""

from __future__ import annotations

__all__ = ["count", "plural"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """`word` for one, `many` (default `word` + "s") otherwise: 1 group, 2 groups, 0 groups."""
    return word if n == 1 else (many if many is not None else word + "s")


def count(n: int, word: str, many: str | None = None) -> str:
    """The number and the word that agrees with it: '1 group', '3 partitions'."""
    return f"{n:,} {plural(n, word, many)}"
