"""Consumer groups: the rows `kafka-consumer-groups --describe` prints, lag history, offset resets.

Pure: the Kafka layer turns AdminClient answers into `GroupFacts` and end offsets, and
`GroupTracker.update` turns them (and the time, injected) into an immutable `GroupsView`.

The describe rows follow Kafka's `ConsumerGroupCommand` (tools/.../consumer/group):
- one row per partition assigned to a member (members with an empty assignment print no row),
  with that member's consumer id, host and client id;
- then one row per partition with a committed offset that no member holds: `-` for the member
  columns;
- CURRENT-OFFSET is `-` without a commit; LAG is `-` unless both offsets are known.
A partition neither assigned nor committed does not appear, as in the tool.

Unknown is unknown (the rule is in `kafkatui.domain.lag`): an end offset or commit the
cluster could not give shows as ``unknown`` with the reason, never as ``-1001`` or ``0``;
the group's total is then unknown too, its trend gets a gap, its status is not OK.
A group never vanishes because one refresh could not see it: when listing was incomplete
(a broker down) or its offsets could not be fetched, its last known row stays, marked
stale with the reason and the time it was last seen (`GroupTracker.update`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import ClassVar

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.freezer import parse_duration
from kafkatui.domain.lag import (
    GroupStatus,
    OffsetSample,
    PartitionHistory,
    PartitionStatus,
    group_status,
    known_offset,
    lag_seconds,
    partition_lag,
    partition_status,
    rates,
    time_to_drain,
    total_lag,
)

TP = tuple[str, int]  # (topic, partition)

MISSING = "-"  # what the tool prints for "none"
UNKNOWN = "unknown"  # the cluster could not give it this refresh (DescribeRow.unknown says why)
UNAVAILABLE = "n/a"  # we could not ask (the cluster refused the request)

# Group states as Kafka names them (ConsumerGroupState.toString()).
STATE_NAMES = {
    "STABLE": "Stable",
    "EMPTY": "Empty",
    "DEAD": "Dead",
    "PREPARING_REBALANCING": "PreparingRebalance",
    "COMPLETING_REBALANCING": "CompletingRebalance",
    "ASSIGNING": "Assigning",
    "RECONCILING": "Reconciling",
    "UNKNOWN": "Unknown",
}


# -- facts from one refresh ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    consumer_id: str
    host: str
    client_id: str
    assignment: tuple[TP, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """What one refresh learnt about a group. None = not known (the request was refused)."""

    group_id: str
    state: str | None = None  # Kafka's name: Stable, Empty, ...
    protocol: str | None = None  # classic / consumer
    members: tuple[Member, ...] | None = None
    committed: Mapping[TP, int] = field(default_factory=dict)  # only partitions with a commit
    describe_error: str | None = None  # why members/state are unknown
    offsets_error: str | None = None  # why committed offsets are unknown

    @property
    def active(self) -> bool | None:
        """True with live members, False with none, None when describe was refused."""
        if self.members is None:
            return None
        return bool(self.members) or self.state not in ("Empty", "Dead", None)


# -- what the UI shows -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DescribeRow:
    """One line of `kafka-consumer-groups --describe`, plus our trend, lag in time and status."""

    group: str
    topic: str
    partition: int
    current: int | None  # committed offset; None -> "-"
    log_end: int | None  # None -> "-" (ListOffsets failed for it)
    consumer_id: str | None  # None -> "-" (no member holds it)
    host: str | None
    client_id: str | None
    members_known: bool = True  # False: describe refused, member columns are "n/a"
    lag_history: tuple[int | None, ...] = ()  # None: a refresh where the lag was unknown (a gap)
    lag_seconds: float | None = None
    status: PartitionStatus = PartitionStatus.OK
    unknown: str | None = None  # why LOG-END-OFFSET (or CURRENT-OFFSET) is unknown this refresh
    current_unknown: bool = False  # the commit could not be fetched (not: there is none)

    @property
    def lag(self) -> int | None:
        if self.log_end is None or self.current_unknown:
            return None
        return partition_lag(self.log_end, self.current)

    def tool_cells(self) -> tuple[str, ...]:
        """The nine columns exactly as the tool prints them."""

        def cell(value: object) -> str:
            return MISSING if value is None else str(value)

        member = (self.consumer_id, self.host, self.client_id)
        member_cells = tuple(cell(v) if self.members_known else UNAVAILABLE for v in member)
        unknown_end = self.unknown is not None and self.log_end is None
        lag_unknown = (unknown_end and self.current is not None) or self.current_unknown
        return (
            self.group,
            self.topic,
            str(self.partition),
            UNKNOWN if self.current_unknown else cell(self.current),
            UNKNOWN if unknown_end else cell(self.log_end),
            UNKNOWN if lag_unknown else cell(self.lag),
            *member_cells,
        )


@dataclass(frozen=True, slots=True)
class GroupRow:
    group_id: str
    state: str | None
    protocol: str | None
    members: int | None
    topics: tuple[str, ...]
    total_lag: int | None  # None: no partition with both offsets known, or one is unknown
    lag_history: tuple[int | None, ...]  # None: a refresh where the total was unknown (a gap)
    consume_rate: float | None  # msgs/s over the window; None before two samples
    produce_rate: float | None
    drain_seconds: float | None  # None: not draining (or unknown)
    max_lag_seconds: float | None
    status: GroupStatus
    error: str | None = None  # a refused or failed request for this group (one line)
    followed: bool = False  # named with --group / KAFKATUI_GROUPS
    unknown: str | None = None  # why the total is unknown (a partition's offsets are)
    stale_since: float | None = None  # figures are those of this time: not seen since (see error)
    lag_limit: float | None = None  # max_lag_seconds from the limits file (None: no limit)

    @property
    def active(self) -> bool | None:
        return None if self.members is None else self.members > 0

    @property
    def over_limit(self) -> bool:
        """Its oldest unread record is older than its limit (unknown lag is never over)."""
        return self.lag_limit is not None and self.max_lag_seconds is not None and self.max_lag_seconds > self.lag_limit


@dataclass(frozen=True, slots=True)
class GroupsView(Event):
    """One refresh of every group the pane shows."""

    COALESCE: ClassVar[bool] = True

    ts: float
    groups: tuple[GroupRow, ...]
    rows: tuple[DescribeRow, ...]  # all groups' describe rows, tool order within a group
    notes: tuple[str, ...] = ()  # what is unavailable and why; restricted-mode explanation
    unavailable: tuple[str, ...] = ()  # columns that cannot be filled on this cluster
    refresh_ms: float = 0.0
    skipped_ticks: int = 0
    interval: float = 5.0

    def rows_of(self, group_id: str) -> tuple[DescribeRow, ...]:
        return tuple(r for r in self.rows if r.group == group_id)

    def group(self, group_id: str) -> GroupRow | None:
        return next((g for g in self.groups if g.group_id == group_id), None)


NOT_ANSWERED = "end offset not answered"


def describe_rows(
    facts: GroupFacts, log_ends: Mapping[TP, int], unknown: Mapping[TP, str] | None = None
) -> list[DescribeRow]:
    """The tool's rows for one group (without trend/status: `GroupTracker` adds those).

    `unknown`: why an end offset is missing from `log_ends`; every offset passes through
    `known_offset`, so a logical offset such as -1001 becomes unknown, never a figure.
    """
    unknown = unknown or {}
    rows: list[DescribeRow] = []
    assigned: set[TP] = set()
    members_known = facts.members is not None
    offsets_unknown = facts.offsets_error is not None and not facts.committed

    def row(tp: TP, member: Member | None) -> DescribeRow:
        end = known_offset(log_ends.get(tp))
        reason = None
        if end is None:
            reason = unknown.get(tp) or NOT_ANSWERED
        if offsets_unknown:
            reason = f"committed offsets: {facts.offsets_error}"
        return DescribeRow(
            facts.group_id, tp[0], tp[1], known_offset(facts.committed.get(tp)), end,
            member.consumer_id if member else None, member.host if member else None,
            member.client_id if member else None, members_known=members_known or member is not None,
            unknown=reason, current_unknown=offsets_unknown,
        )  # fmt: skip

    # the tool lists members by assignment size, largest first (a stable sort keeps ties)
    members = sorted(facts.members or (), key=lambda m: -len(m.assignment))
    for m in members:
        for tp in sorted(m.assignment):
            assigned.add(tp)
            rows.append(row(tp, m))
    for tp in sorted(set(facts.committed) - assigned):
        rows.append(row(tp, None))
    return rows


def needed_partitions(facts: Iterable[GroupFacts]) -> set[TP]:
    """Every partition whose end offset a refresh needs (one batched ListOffsets)."""
    needed: set[TP] = set()
    for f in facts:
        needed.update(f.committed)
        for m in f.members or ():
            needed.update(m.assignment)
    return needed


class GroupTracker:
    """Keeps each partition's offset samples while the app runs; builds views from refreshes.

    `window` samples feed the status rules (Burrow's default window is 10 commits);
    `spark` lag values feed the sparklines (None in them is a gap: the lag was unknown).
    """

    def __init__(self, window: int = 10, spark: int = 40) -> None:
        self.window = window
        self.spark = spark
        self._history: dict[tuple[str, str, int], PartitionHistory] = {}
        self._partition_lags: dict[tuple[str, str, int], deque[int | None]] = {}
        self._group_lags: dict[str, deque[int | None]] = {}
        # each group's last row and describe rows seen with figures, to keep it listed (stale)
        # when a refresh cannot see it
        self._last: dict[str, tuple[GroupRow, tuple[DescribeRow, ...], float]] = {}

    def update(
        self,
        now: float,
        facts: Sequence[GroupFacts],
        log_ends: Mapping[TP, int],
        *,
        unknown: Mapping[TP, str] | None = None,
        complete: bool | str = True,
        followed: Iterable[str] = (),
        notes: Sequence[str] = (),
        unavailable: Sequence[str] = (),
        refresh_ms: float = 0.0,
        skipped_ticks: int = 0,
        interval: float = 5.0,
    ) -> GroupsView:
        """One refresh's view. `unknown`: why an end offset is missing. `complete`: True when
        the listing covered every group (a group absent from `facts` is gone), else the reason
        it did not (a broker down): groups seen before and absent now stay listed, stale."""
        followed = set(followed)
        groups: list[GroupRow] = []
        all_rows: list[DescribeRow] = []
        seen: set[tuple[str, str, int]] = set()
        by_id = {f.group_id: f for f in facts}
        for gid in sorted(set(by_id) | (set() if complete is True else set(self._last))):
            f = by_id.get(gid)
            if f is None or (f.offsets_error is not None and not f.committed and gid in self._last):
                why = f"not listed this refresh ({complete})" if f is None else f.offsets_error or ""
                row, rows = self._stale(gid, now, why)
                seen.update((gid, r.topic, r.partition) for r in rows)
                groups.append(row)
                all_rows.extend(rows)
                continue
            fresh, fresh_rows = self._group(now, f, log_ends, unknown or {}, seen, gid in followed)
            groups.append(fresh)
            all_rows.extend(fresh_rows)
            if fresh.total_lag is not None or gid not in self._last:
                self._last[gid] = (fresh, tuple(fresh_rows), now)
        # forget partitions and groups that are gone, so memory stays bounded
        for key in set(self._history) - seen:
            del self._history[key]
            self._partition_lags.pop(key, None)
        current = {g.group_id for g in groups}
        for gid in set(self._group_lags) - current:
            del self._group_lags[gid]
        for gid in set(self._last) - current:
            del self._last[gid]
        return GroupsView(
            ts=now,
            groups=tuple(groups),
            rows=tuple(all_rows),
            notes=tuple(notes),
            unavailable=tuple(unavailable),
            refresh_ms=refresh_ms,
            skipped_ticks=skipped_ticks,
            interval=interval,
        )

    def _stale(self, gid: str, now: float, why: str) -> tuple[GroupRow, tuple[DescribeRow, ...]]:
        """The group's last known figures, kept listed and marked stale: never a vanished group."""
        row, rows, since = self._last[gid]
        glags = self._group_lags.setdefault(gid, deque(maxlen=self.spark))
        glags.append(None)  # a gap in the trend: we do not know this refresh's lag
        for r in rows:
            self._partition_lags.setdefault((gid, r.topic, r.partition), deque(maxlen=self.spark)).append(None)
        stale = replace(
            row,
            lag_history=tuple(glags),
            status=GroupStatus.UNKNOWN,
            error=f"stale: {why}; figures last known {_hms(since)}",
            stale_since=since,
        )
        lags = self._partition_lags
        rows = tuple(
            replace(r, status=PartitionStatus.UNKNOWN, lag_history=tuple(lags[(gid, r.topic, r.partition)]))
            for r in rows
        )
        self._last[gid] = (stale, rows, since)
        return stale, rows

    def _group(
        self,
        now: float,
        f: GroupFacts,
        log_ends: Mapping[TP, int],
        unknown: Mapping[TP, str],
        seen: set[tuple[str, str, int]],
        followed: bool,
    ) -> tuple[GroupRow, list[DescribeRow]]:
        rows = []
        statuses: list[PartitionStatus] = []
        produce = consume = 0.0
        have_rates = False
        max_lag_s: float | None = None
        missing: list[DescribeRow] = []
        known: list[int] = []
        active = f.active
        histories, spark_lags = self._history, self._partition_lags
        for row in describe_rows(f, log_ends, unknown):
            key = (f.group_id, row.topic, row.partition)
            seen.add(key)
            history = histories.get(key)
            if history is None:
                history = histories[key] = PartitionHistory(self.window)
            lag = row.lag  # a property: read once (20,000 rows a refresh with 2,000 groups)
            if row.unknown is not None:
                # unknown is unknown: no sample (it would read as a dip), status UNKNOWN
                status = PartitionStatus.UNKNOWN
                missing.append(row)
            else:
                if row.log_end is not None:
                    history.append(OffsetSample(now, row.log_end, row.current))
                status = partition_status(history, now, group_active=active)
                if len(history) >= 2:
                    p_rate, c_rate = rates(history)
                    have_rates = True
                    produce += p_rate
                    consume += c_rate
            seconds = lag_seconds(history, row.current, now) if lag is not None else None
            if seconds is not None and (max_lag_s is None or seconds > max_lag_s):
                max_lag_s = seconds
            lags = spark_lags.get(key)
            if lags is None:
                lags = spark_lags[key] = deque(maxlen=self.spark)
            if lag is not None:
                lags.append(lag)
                known.append(lag)
            elif row.unknown is not None:
                lags.append(None)
            statuses.append(status)
            rows.append(
                DescribeRow(
                    row.group,
                    row.topic,
                    row.partition,
                    row.current,
                    row.log_end,
                    row.consumer_id,
                    row.host,
                    row.client_id,
                    row.members_known,
                    tuple(lags),
                    seconds,
                    status,
                    row.unknown,
                    row.current_unknown,
                )
            )
        unknown_why = None
        if missing:
            # a sum over fewer partitions would read like consumption: the total is unknown
            total = None
            n = len(missing)
            unknown_why = f"lag of {n} of {len(rows)} partition{'s' * (len(rows) != 1)} unknown: {missing[0].unknown}"
        else:
            total = total_lag(known) if known else None
        glags = self._group_lags.setdefault(f.group_id, deque(maxlen=self.spark))
        if total is not None:
            glags.append(total)
        elif missing:
            glags.append(None)
        error = f.describe_error or f.offsets_error
        if error is None and f.state == "Dead" and not rows:
            error = f"group {f.group_id} does not exist (no members, no committed offsets)"
        group = GroupRow(
            group_id=f.group_id,
            state=f.state,
            protocol=f.protocol,
            members=None if f.members is None else len(f.members),
            topics=tuple(sorted({r.topic for r in rows})),
            total_lag=total,
            lag_history=tuple(glags),
            consume_rate=consume if have_rates else None,
            produce_rate=produce if have_rates else None,
            drain_seconds=time_to_drain(total, consume, produce) if have_rates else (0.0 if total == 0 else None),
            max_lag_seconds=max_lag_s,
            status=group_status(statuses),
            error=error,
            followed=followed,
            unknown=unknown_why,
        )
        return group, rows


def _hms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S UTC")


# -- filter and sort (the list) --------------------------------------------------------


SORT_KEYS = ("lag", "group", "status", "state", "rate")


def sort_groups(groups: Iterable[GroupRow], key: str, reverse: bool = False) -> list[GroupRow]:
    """Sorted for the list; the natural direction of each key puts the interesting first."""
    severity = {GroupStatus.ERR: 3, GroupStatus.UNKNOWN: 2, GroupStatus.WARN: 1, GroupStatus.OK: 0}
    rows = sorted(groups, key=lambda g: g.group_id)
    if key == "group":
        return sorted(rows, key=lambda g: g.group_id, reverse=reverse)
    if key == "lag":
        result = sorted(rows, key=lambda g: -1 if g.total_lag is None else g.total_lag, reverse=True)
    elif key == "status":
        result = sorted(rows, key=lambda g: severity[g.status], reverse=True)
    elif key == "state":
        result = sorted(rows, key=lambda g: g.state or "~")
    elif key == "rate":
        result = sorted(rows, key=lambda g: g.consume_rate or 0.0, reverse=True)
    else:
        raise ValueError(f"unknown sort key {key!r}")
    return result[::-1] if reverse else result


def search_text(g: GroupRow) -> str:
    """What the filter searches in a group: id, topics, state, status, protocol (lower case)."""
    return " ".join((g.group_id, *g.topics, g.state or "", g.status.value, g.protocol or "")).lower()


def filter_groups(
    groups: Iterable[GroupRow], text: str, hay: Callable[[GroupRow], str] = search_text
) -> list[GroupRow]:
    """Groups whose id, a topic, state or status contains every word of `text` (any case).

    `hay`: the group's `search_text`; the pane passes a cached one (2,000 groups per keystroke).
    """
    words = text.lower().split()
    if not words:
        return list(groups)
    if len(words) == 1:
        word = words[0]
        return [g for g in groups if word in hay(g)]
    return [g for g in groups if all(w in hay(g) for w in words)]


# -- offset reset (kafka-consumer-groups --reset-offsets) ------------------------------


class ResetTarget(StrEnum):
    EARLIEST = "earliest"
    LATEST = "latest"
    DATETIME = "datetime"
    OFFSET = "offset"
    SHIFT = "shift"


@dataclass(frozen=True, slots=True)
class ResetSpec:
    target: ResetTarget
    value: int | None = None  # epoch ms for DATETIME, the offset for OFFSET, N for SHIFT

    def describe(self) -> str:
        if self.target is ResetTarget.DATETIME and self.value is not None:
            stamp = datetime.fromtimestamp(self.value / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            return f"to datetime {stamp}Z"
        if self.target is ResetTarget.OFFSET:
            return f"to offset {self.value}"
        if self.target is ResetTarget.SHIFT:
            return f"shift by {self.value:+d}" if self.value is not None else "shift"
        return f"to {self.target.value}"


def parse_reset(target: str, value: str, now: float) -> ResetSpec:
    """The form's target and value as a ResetSpec; ValueError with a sentence when bad.

    datetime: ISO 8601 (UTC unless it says otherwise), or a duration meaning "that long
    ago" (90s, 10m, 2h). offset: a non-negative integer. shift: an integer, may be negative.
    """
    try:
        kind = ResetTarget(target)
    except ValueError:
        raise ValueError(f"unknown reset target {target!r}") from None
    text = value.strip()
    if kind in (ResetTarget.EARLIEST, ResetTarget.LATEST):
        return ResetSpec(kind)
    if kind is ResetTarget.DATETIME:
        if not text:
            raise ValueError("give a date-time (2025-11-21T08:00:00) or a duration ago (10m)")
        try:
            return ResetSpec(kind, int((now - parse_duration(text)) * 1000))
        except ValueError:
            pass
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{text!r} is neither a date-time (2025-11-21T08:00:00) nor a duration (10m)") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when.timestamp() < 0:  # a negative timestamp means "latest"/"earliest" to Kafka
            raise ValueError(f"{text!r} is before 1970-01-01, where Kafka's timestamps start")
        return ResetSpec(kind, int(when.timestamp() * 1000))
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"{text or 'nothing'!r} is not a whole number") from None
    if kind is ResetTarget.OFFSET and number < 0:
        raise ValueError("an offset cannot be negative")
    return ResetSpec(kind, number)


PartitionSelection = tuple[tuple[str, tuple[int, ...] | None], ...] | None


def parse_partitions(text: str) -> PartitionSelection:
    """`all` (or empty): every partition the group has offsets for; else like the tool's
    `--topic`: `topic` (all its partitions) or `topic:0,2`, several separated by spaces or `;`.
    """
    text = text.strip()
    if not text or text.lower() == "all":
        return None
    out: list[tuple[str, tuple[int, ...] | None]] = []
    for item in re.split(r"[;\s]+", text):
        topic, sep, parts = item.partition(":")
        if not topic:
            raise ValueError(f"{item!r}: expected topic or topic:0,1,2")
        if not sep:
            out.append((topic, None))
            continue
        try:
            numbers = tuple(sorted({int(p) for p in parts.split(",") if p.strip()}))
        except ValueError:
            raise ValueError(f"{item!r}: partitions must be numbers (topic:0,1,2)") from None
        if not numbers or min(numbers) < 0:
            raise ValueError(f"{item!r}: expected topic:0,1,2")
        out.append((topic, numbers))
    return tuple(out)


def select_partitions(
    selection: PartitionSelection,
    committed: Iterable[TP],
    topic_partitions: Mapping[str, Sequence[int]],
) -> list[TP]:
    """The partitions a reset touches. `topic_partitions` is the cluster's metadata."""
    if selection is None:
        return sorted(set(committed))
    out: set[TP] = set()
    for topic, parts in selection:
        known = topic_partitions.get(topic)
        if known is None:
            raise ValueError(f"topic {topic} does not exist")
        if parts is None:
            out.update((topic, p) for p in known)
            continue
        missing = [p for p in parts if p not in known]
        if missing:
            raise ValueError(f"topic {topic} has no partition {missing[0]}")
        out.update((topic, p) for p in parts)
    return sorted(out)


@dataclass(frozen=True, slots=True)
class ResetLine:
    topic: str
    partition: int
    old: int | None  # committed now; None: no commit
    new: int | None  # None: not changed (see note)
    note: str = ""


def plan_reset(
    spec: ResetSpec,
    partitions: Sequence[TP],
    committed: Mapping[TP, int],
    earliest: Mapping[TP, int],
    latest: Mapping[TP, int],
    by_time: Mapping[TP, int] | None = None,
) -> list[ResetLine]:
    """New offsets as `--reset-offsets` computes them.

    Offsets outside [earliest, latest] are clamped to the nearest end (the tool does the
    same, with a warning). A datetime with no message at or after it resets to the end.
    Shift needs a committed offset to start from.
    """
    lines = []
    for tp in partitions:
        old = committed.get(tp)
        lo, hi = earliest.get(tp), latest.get(tp)
        if lo is None or hi is None:
            lines.append(ResetLine(tp[0], tp[1], old, None, "end offsets unknown"))
            continue
        note = ""
        if spec.target is ResetTarget.EARLIEST:
            new = lo
        elif spec.target is ResetTarget.LATEST:
            new = hi
        elif spec.target is ResetTarget.DATETIME:
            found = (by_time or {}).get(tp)
            if found is None:
                lines.append(ResetLine(tp[0], tp[1], old, None, "offset for the time unknown"))
                continue
            new = found if found >= 0 else hi
            if found < 0:
                note = "no message at or after that time: end"
        elif spec.target is ResetTarget.OFFSET:
            assert spec.value is not None
            new = spec.value
        else:
            assert spec.value is not None
            if old is None:
                lines.append(ResetLine(tp[0], tp[1], None, None, "no committed offset to shift"))
                continue
            new = old + spec.value
        if new < lo:
            new, note = lo, f"clamped to the earliest offset {lo}"
        elif new > hi:
            new, note = hi, f"clamped to the end offset {hi}"
        lines.append(ResetLine(tp[0], tp[1], old, new, note))
    return lines


# -- commands and answers --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewReset(Command):
    """Compute (without changing anything) what a reset would do."""

    group: str
    spec: ResetSpec
    partitions: PartitionSelection = None


@dataclass(frozen=True, slots=True)
class ApplyReset(Command):
    """Commit these offsets for the group (the ones the user saw in the preview)."""

    WRITES: ClassVar[bool] = True

    group: str
    offsets: tuple[tuple[str, int, int], ...]  # (topic, partition, new offset)


@dataclass(frozen=True, slots=True)
class ResetPreview(Event):
    group: str
    spec: ResetSpec
    lines: tuple[ResetLine, ...]
    refused: str | None = None  # why the reset cannot be done (active group, read-only, ...)

    @property
    def changes(self) -> tuple[tuple[str, int, int], ...]:
        return tuple((ln.topic, ln.partition, ln.new) for ln in self.lines if ln.new is not None)


@dataclass(frozen=True, slots=True)
class ResetResult(Event):
    group: str
    ok: bool
    message: str
    offsets: tuple[tuple[str, int, int], ...] = ()


def active_refusal(facts: GroupFacts) -> str | None:
    """Why offsets of this group cannot be reset now (None: they can)."""
    if facts.members is None:
        why = facts.describe_error or "the cluster refused DescribeGroups"
        return (
            f"cannot tell whether group {facts.group_id} has active members ({why}); "
            "offsets are only reset for a group known to be inactive"
        )
    if facts.members or facts.state not in ("Empty", "Dead"):
        n = len(facts.members)
        return (
            f"group {facts.group_id} is active ({facts.state}, {n} member{'s' * (n != 1)}): "
            "Kafka only resets offsets of a group with no active members; stop its consumers first"
        )
    return None


READ_ONLY_REFUSAL = "read-only mode: offset reset is disabled (started with --read-only)"
