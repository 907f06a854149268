"""Export a range of a topic's records read straight from Kafka: what the dialog's FROM, TO and
partitions mean, the commands and the progress event, and which offsets of each partition go in.

Pure: no Kafka client, no UI, no file. The range is half open, like Kafka's own ends: FROM is
the first record in (the earliest, an offset, or the first record at or after a time), TO the
first record left out (the end as it is when the export starts, an offset, or the first record
at or after a time). FROM and TO are typed as the message viewer's start values are
(`message_viewer.parse_start`), so "10m", an ISO time and epoch ms mean the same in both places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.export import Format
from kafkatui.domain.message_viewer import StartAt, StartMode, parse_start
from kafkatui.domain.readings import utc_iso

FROM_MODES = (StartMode.BEGINNING, StartMode.OFFSET, StartMode.TIMESTAMP)
TO_MODES = (StartMode.END, StartMode.OFFSET, StartMode.TIMESTAMP)
EARLIEST = StartAt(StartMode.BEGINNING)
END = StartAt(StartMode.END)


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """What to export: `partitions` None means every partition of the topic."""

    start: StartAt = EARLIEST
    end: StartAt = END
    partitions: tuple[int, ...] | None = None

    def describe(self) -> str:
        where = "all partitions" if self.partitions is None else _partitions_text(self.partitions)
        return f"{where}, {_bound(self.start, True)} {_bound(self.end, False)}"


def _bound(at: StartAt, first: bool) -> str:
    if at.mode is StartMode.BEGINNING:
        return "from the earliest"
    if at.mode is StartMode.END:
        return "to the end"
    word = "from" if first else "to"
    if at.mode is StartMode.OFFSET:
        return f"{word} offset {at.value}"
    return f"{word} {utc_iso(at.value / 1000.0)}"


def _partitions_text(ids: Sequence[int]) -> str:
    if len(ids) == 1:
        return f"partition {ids[0]}"
    return "partitions " + ",".join(str(p) for p in ids)


def parse_partitions(text: str, known: Sequence[int]) -> tuple[int, ...] | None:
    """`all` (or nothing) -> None; `0` or `0,2` -> those partitions, each one the topic has."""
    text = text.strip().lower()
    if text in ("", "all", "*"):
        return None
    found: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit():
            raise ValueError(f"Partitions: '{part or text}' is not a partition number (use all, 0 or 0,2)")
        number = int(part)
        if number not in known:
            have = f"0–{max(known)}" if known and list(known) == list(range(max(known) + 1)) else _ids(known)
            raise ValueError(f"Partitions: the topic has no partition {number} (it has {have})")
        if number not in found:
            found.append(number)
    return tuple(sorted(found))


def _ids(known: Sequence[int]) -> str:
    return ",".join(str(p) for p in sorted(known)) or "none"


def parse_range(
    from_mode: StartMode,
    from_text: str,
    to_mode: StartMode,
    to_text: str,
    partitions_text: str,
    known: Sequence[int],
    now: float,
) -> RangeSpec:
    """The dialog's fields -> a RangeSpec; ValueError with one sentence when a field is bad.

    FROM is earliest, an offset or a time; TO the end, an offset or a time (each parsed as the
    message viewer parses its start value). A FROM at or after a TO of the same kind is refused:
    the range would hold nothing (TO is the first record left out)."""
    if from_mode not in FROM_MODES:
        raise ValueError(f"From: {from_mode.value} is not a start (earliest, an offset or a time)")
    if to_mode not in TO_MODES:
        raise ValueError(f"To: {to_mode.value} is not an end (the end, an offset or a time)")
    try:
        start = parse_start(from_mode, from_text, now)
    except ValueError as exc:
        raise ValueError(f"From: {exc}") from None
    try:
        end = parse_start(to_mode, to_text, now)
    except ValueError as exc:
        raise ValueError(f"To: {exc}") from None
    if start.mode is end.mode and start.mode in (StartMode.OFFSET, StartMode.TIMESTAMP) and start.value >= end.value:
        if start.mode is StartMode.OFFSET:
            raise ValueError(
                f"From offset {start.value} is not before To offset {end.value}: "
                "nothing in between (To is the first offset left out)"
            )
        raise ValueError(
            f"From {utc_iso(start.value / 1000.0)} is not before To {utc_iso(end.value / 1000.0)}: nothing in between"
        )
    return RangeSpec(start, end, parse_partitions(partitions_text, known))


@dataclass(frozen=True, slots=True)
class Ends:
    """What the cluster said of one partition when the export started: its earliest and latest
    offsets, and the offsets at the FROM and TO times (-1: no record at or after that time)."""

    low: int
    high: int
    at_from: int = -1
    at_to: int = -1


def resolve(spec: RangeSpec, ends: Mapping[int, Ends]) -> dict[int, tuple[int, int]]:
    """Partition -> [first, stop): the offsets to export (first == stop: none)."""
    ranges: dict[int, tuple[int, int]] = {}
    for p, e in sorted(ends.items()):
        if spec.start.mode is StartMode.OFFSET:
            first = min(max(spec.start.value, e.low), e.high)
        elif spec.start.mode is StartMode.TIMESTAMP:
            first = e.at_from if e.at_from >= 0 else e.high
        else:
            first = e.low
        if spec.end.mode is StartMode.OFFSET:
            stop = min(spec.end.value, e.high)
        elif spec.end.mode is StartMode.TIMESTAMP:
            stop = min(e.at_to, e.high) if e.at_to >= 0 else e.high
        else:
            stop = e.high
        first = max(first, e.low)
        ranges[p] = (first, max(first, stop))
    return ranges


def expected(ranges: Mapping[int, tuple[int, int]]) -> int:
    """Offsets in the ranges: the records to come, at most (compaction and transaction markers
    leave gaps, so the file may hold fewer)."""
    return sum(stop - first for first, stop in ranges.values())


class RangeTracker:
    """Which partitions are done while reading: a partition is done once a record at or past its
    last offset came, or the consumer reached the partition's end at or past its stop (a gap at
    the end: a compacted record, a transaction marker)."""

    def __init__(self, ranges: Mapping[int, tuple[int, int]]) -> None:
        self.ranges = dict(ranges)
        self.open = {p for p, (first, stop) in ranges.items() if stop > first}

    def wanted(self, partition: int, offset: int) -> bool:
        """The record belongs in the file (and marks its partition done when it is the last)."""
        span = self.ranges.get(partition)
        if span is None or partition not in self.open:
            return False
        first, stop = span
        if offset >= stop - 1:
            self.open.discard(partition)
        return first <= offset < stop

    def reached_end(self, partition: int, offset: int) -> None:
        """The consumer is at the partition's end `offset` (the next offset to be written)."""
        span = self.ranges.get(partition)
        if span is not None and offset >= span[1]:
            self.open.discard(partition)

    @property
    def finished(self) -> bool:
        return not self.open


@dataclass(frozen=True, slots=True)
class ExportRange(Command):
    """Read `spec` of `topic` from Kafka and write it, decoded as the message viewer shows it, to
    `path` (through `path.partial`, renamed when complete). Reads only: allowed in read-only mode."""

    job: int
    topic: str
    spec: RangeSpec
    path: str
    fmt: Format


@dataclass(frozen=True, slots=True)
class CancelRangeExport(Command):
    """Stop the range export `job`: its file keeps the `.partial` ending."""

    job: int


class RangeState(StrEnum):
    RESOLVING = "resolving"  # looking up where the range starts and ends
    READING = "reading"
    DONE = "done"  # every record in, the file renamed
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (RangeState.DONE, RangeState.CANCELLED, RangeState.FAILED)


@dataclass(frozen=True, slots=True)
class RangeExportProgress(Event):
    """Where a range export is: records written of about `expected` (None until the range is
    resolved); `message` says why it failed, or what it is waiting for."""

    ts: float
    job: int
    path: str
    partial: str
    state: RangeState
    written: int = 0
    expected: int | None = None
    message: str = ""

    def progress_text(self) -> str:
        of = f" of ~{self.expected:,}" if self.expected is not None else ""
        return f"{self.written:,}{of} records"
