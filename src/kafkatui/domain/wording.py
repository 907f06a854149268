"""Small wording helpers for what the panes say."""

from __future__ import annotations

import re

__all__ = ["count", "plural", "short_reason"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """`word` for one, `many` (default `word` + "s") otherwise: 1 group, 2 groups, 0 groups."""
    return word if n == 1 else (many if many is not None else word + "s")


def count(n: int, word: str, many: str | None = None) -> str:
    """The number and the word that agrees with it: '1 group', '3 partitions'."""
    return f"{n:,} {plural(n, word, many)}"


_BROKER_PREFIX = re.compile(r"^\s*(?:[a-z]+://)?[\w.\-\[\]:]+:\d+/(?:\d+|bootstrap)\s*:\s*", re.IGNORECASE)
_AFTER = re.compile(r"\s*\(after \d+\s*ms in state \w+(?:, \d+ identical error\(s\) suppressed)?\)", re.IGNORECASE)
_SUPPRESSED = re.compile(r"\s*\(\d+ identical error\(s\) suppressed\)", re.IGNORECASE)


def short_reason(reason: str) -> str:
    """The gist of a librdkafka connection error, the same from one refresh to the next:
    '127.0.0.1:19092/2: Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after 0ms in
    state CONNECT, 3 identical error(s) suppressed)' -> 'Connection refused'. The whole line stays
    in the header and the log."""
    text = _BROKER_PREFIX.sub("", reason.strip())
    text = _SUPPRESSED.sub("", _AFTER.sub("", text))
    if text.lower().startswith("connect to ") and "failed: " in text:
        text = text.rsplit("failed: ", 1)[1]  # 'Connect to ipv4#<address> failed: <why>' names a broker
    return text.strip() or reason.strip()
