"""The message viewer's rules: where it starts, its commands, the bounded buffer and its filter
(smart case on key, value and headers), and how a record's bytes are shown, inert.

Pure: no Kafka client, no UI.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import ClassVar

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.freezer import parse_duration
from kafkatui.domain.readings import escape_raw, utc_iso
from kafkatui.domain.text import inert, inert_lines


class StartMode(StrEnum):
    END = "end"
    BEGINNING = "beginning"
    OFFSET = "offset"
    TIMESTAMP = "timestamp"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class StartAt:
    """Where the message viewer starts. `value`: an offset, epoch ms, or N for LAST."""

    mode: StartMode = StartMode.END
    value: int = 0

    def describe(self) -> str:
        if self.mode is StartMode.END:
            return "from the end (live tail)"
        if self.mode is StartMode.BEGINNING:
            return "from the beginning"
        if self.mode is StartMode.OFFSET:
            return f"from offset {self.value}"
        if self.mode is StartMode.TIMESTAMP:
            return f"from {utc_iso(self.value / 1000.0)}"
        return f"the last {self.value} per partition"


@dataclass(frozen=True, slots=True)
class ViewMessages(Command):
    """Open the message viewer on `topic` (one `partition`, or all when None)."""

    topic: str
    partition: int | None = None
    start: StartAt = StartAt()
    filter: str = ""


@dataclass(frozen=True, slots=True)
class FilterMessages(Command):
    text: str


@dataclass(frozen=True, slots=True)
class StopMessages(Command):
    """Close the viewer's consumer."""


def parse_start(mode: StartMode, text: str, now: float) -> StartAt:
    """The viewer form's start field -> StartAt; ValueError with a sentence when bad.

    OFFSET: a number ≥ 0. LAST: N ≥ 1. TIMESTAMP: ISO time (UTC unless it has an offset),
    epoch milliseconds, or a duration ago such as ``10m``.
    """
    text = text.strip()
    if mode in (StartMode.END, StartMode.BEGINNING):
        return StartAt(mode)
    if mode is StartMode.OFFSET:
        if not text.isdigit():
            raise ValueError(f"'{text}' is not an offset (a whole number ≥ 0)")
        return StartAt(mode, int(text))
    if mode is StartMode.LAST:
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"'{text}' is not a count (a whole number ≥ 1)")
        return StartAt(mode, int(text))
    if not text:
        raise ValueError("give a time: 2026-11-21T08:00:00, epoch ms, or 10m (ago)")
    if text.isdigit() and len(text) >= 10:
        value = int(text)
        return StartAt(mode, value if len(text) >= 13 else value * 1000)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            ago = parse_duration(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a time: use 2026-11-21T08:00:00 (UTC), epoch ms, or 10m (ago)") from None
        return StartAt(mode, int((now - ago) * 1000))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return StartAt(mode, int(moment.timestamp() * 1000))


@dataclass(frozen=True, slots=True)
class Record:
    partition: int
    offset: int
    timestamp_ms: int  # -1: none
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...] = ()
    value_size: int = 0  # the original size when `value` was cut to MAX_VALUE bytes
    # Schema Registry records: the decoded key/value as one-line JSON, and which schema (or why not)
    key_decoded: str | None = None
    value_decoded: str | None = None
    schema: str = ""  # e.g. "value: Avro, schema id 3, subject t-value version 1"

    @property
    def row_key(self) -> str:
        return f"{self.partition}:{self.offset}"


MAX_VALUE = 256 * 1024  # bytes kept per record; the viewer says when a value was cut


def matches(record: Record, needle: bytes, fold: bool) -> bool:
    """Substring `needle` in key, value or any header name/value (`fold`: ASCII case-insensitive)."""
    parts: list[bytes] = [record.key or b"", record.value or b""]
    for decoded in (record.key_decoded, record.value_decoded):
        if decoded is not None:
            parts.append(decoded.encode("utf-8", "surrogateescape"))
    for name, value in record.headers:
        parts.append(name.encode("utf-8", "surrogateescape"))
        parts.append(value or b"")
    if fold:
        return any(needle in p.lower() for p in parts)
    return any(needle in p for p in parts)


def filter_needle(text: str) -> tuple[bytes, bool]:
    """Smart case: an all-lowercase filter ignores case, one with a capital does not."""
    return text.encode("utf-8"), text == text.lower()


class MessageBuffer:
    """The viewer's bounded rows: the last `size` records, and the last `size` that match."""

    def __init__(self, size: int = 500, recent: int = 5000) -> None:
        self.size = size
        self.recent: deque[Record] = deque(maxlen=recent)  # unfiltered, to re-filter on change
        self.shown: deque[Record] = deque(maxlen=size)
        self.filter = ""
        self._needle = b""
        self._fold = True
        self.consumed = 0
        self.matched = 0

    def set_filter(self, text: str) -> None:
        self.filter = text
        self._needle, self._fold = filter_needle(text)
        self.shown.clear()
        self.matched = 0
        for record in self.recent:
            if self.accept(record):
                self.shown.append(record)
                self.matched += 1

    def accept(self, record: Record) -> bool:
        return not self._needle or matches(record, self._needle, self._fold)

    def add(self, records: Sequence[Record], consumed: int | None = None) -> None:
        """`records`: the newest of a batch (the caller may drop older ones it will not show)."""
        self.consumed += len(records) if consumed is None else consumed
        self.recent.extend(records)
        if not self._needle:
            self.shown.extend(records)
            self.matched += len(records) if consumed is None else consumed
            return
        for record in records:
            if matches(record, self._needle, self._fold):
                self.shown.append(record)
                self.matched += 1

    def replace(self, records: Sequence[Record]) -> None:
        """Put new versions of rows already held (same partition and offset) in their places."""
        new = {r.row_key: r for r in records}
        for rows in (self.recent, self.shown):
            for i, old in enumerate(rows):
                found = new.get(old.row_key)
                if found is not None:
                    rows[i] = found

    def clear(self) -> None:
        self.recent.clear()
        self.shown.clear()
        self.consumed = self.matched = 0


@dataclass(frozen=True, slots=True)
class MessagesView(Event):
    COALESCE: ClassVar[bool] = True

    ts: float
    topic: str
    partition: int | None
    start: StartAt
    records: tuple[Record, ...]  # oldest first
    consumed: int
    matched: int
    rate: float  # records per second over the last seconds
    filter: str
    state: str  # "starting", "reading", or a sentence about what went wrong
    error: bool = False


def pretty(raw: bytes | None) -> tuple[str, str]:
    """A record field in full: ("json", indented), ("text", as is) or ("bytes", escaped).

    Whole, but inert: line breaks stay, every other control character (ESC, BEL, C1, bidi
    overrides — json.dumps leaves the last two as they are) shows as an escape."""
    if raw is None:
        return "null", "(null)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes", escape_raw(raw, max(1, len(raw) * 4 + 1))
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return "json", inert_lines(json.dumps(json.loads(stripped), indent=2, ensure_ascii=False))
        except ValueError:
            pass
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        return "bytes", escape_raw(raw, max(1, len(raw) * 4 + 1))
    return "text", inert_lines(text)


def headers_text(headers: Sequence[tuple[str, bytes | None]], limit: int = 60) -> str:
    if not headers:
        return ""
    joined = b", ".join(
        n.encode("utf-8", "surrogateescape") + b"=" + (v if v is not None else b"(null)") for n, v in headers
    )
    return escape_raw(joined, limit)


def record_cells(record: Record, value_width: int = 60) -> tuple[str, ...]:
    ts = utc_iso(record.timestamp_ms / 1000.0)[:23] if record.timestamp_ms >= 0 else "-"
    return (
        str(record.partition),
        str(record.offset),
        ts,
        inert(record.key_decoded, 24) if record.key_decoded is not None else escape_raw(record.key, 24),
        inert(record.value_decoded, value_width)
        if record.value_decoded is not None
        else escape_raw(record.value, value_width),
        headers_text(record.headers, 40),
    )
