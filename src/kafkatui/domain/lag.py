"""Consumer-group lag: per-partition lag, rates, lag in seconds, time to drain, and status.

The status rules follow Burrow's evaluator (linkedin/Burrow, wiki "Consumer Lag Evaluation
Rules" and ``core/internal/evaluator/caching.go``). Burrow evaluates a window of the
group's *commits*, each stored with its commit timestamp and the lag when it arrived. We
cannot see commits: we poll, and each poll gives (time, log end offset, committed offset).
So our samples play the part of Burrow's commit records, with poll time as their time.
What that changes:

- Burrow's STOP rule needs the commit timestamp, which OffsetFetch does not return. It is
  applied only when the caller knows it (`last_commit_ts`) or knows that the group has no
  active member (`group_active=False`: nobody can be committing).
- Without either, an offset that does not move with lag behind it is STALL. Both roll up
  to ERR at the group level, so the group status is the same either way.

Unknown is unknown. An offset or watermark the cluster could not give -- librdkafka's
logical offsets (-1001 "invalid", -1 "end", -2 "beginning") in an answer, a ListOffsets or
OffsetFetch that failed, a partition whose leader is gone or unreachable -- becomes an
`Unknown` with the reason in words (`known_offset` is the one gate every fetched offset
goes through; `leader_unavailable` words the commonest reason), never a number:

- a partition with an unknown end offset or commit has lag None and status UNKNOWN, and
  adds no sample to its history (its sparkline shows a gap, not a dip);
- a group with any partition unknown has an unknown total (None, with the reason), never
  the sum of the partitions that happen to be known: a sum over fewer partitions reads
  like consumption (70 -> 11 while two brokers were down); its trend gets a gap;
- a group's status is UNKNOWN when a partition's is and none is worse (ERR): never OK
  on data we do not have.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

__all__ = [
    "SEVERITY",
    "STATUS_RULES",
    "GroupStatus",
    "OffsetSample",
    "PartitionHistory",
    "PartitionStatus",
    "Unknown",
    "group_status",
    "known_offset",
    "lag_seconds",
    "leader_unavailable",
    "partition_lag",
    "partition_status",
    "rates",
    "time_to_drain",
    "total_lag",
    "worst",
]


@dataclass(frozen=True, slots=True)
class Unknown:
    """A figure the cluster could not give, and why (one line, already inert)."""

    reason: str

    def __str__(self) -> str:
        return f"unknown: {self.reason}"


def known_offset(offset: int | None) -> int | None:
    """The one gate for a fetched offset: a real offset (>= 0) or None (unknown).

    librdkafka answers with logical offsets where it has none to give: -1001 (invalid: no
    leader answered in time, no commit), -1 (end), -2 (beginning), -1000 (stored). None of
    them is a position in the log, so none may reach a lag, a total or a trend.
    """
    if offset is None or offset < 0:
        return None
    return offset


def leader_unavailable(partition: int, leader: int | None, down: bool | None = None) -> str:
    """Why partition `partition`'s offsets are unknown when its leader did not answer."""
    if leader is None or leader < 0:
        return f"p{partition} has no leader"
    if down:
        return f"leader of p{partition} (broker {leader}) unavailable"
    return f"leader of p{partition} (broker {leader}) did not answer"


def partition_lag(log_end: int, committed: int | None) -> int | None:
    """Messages behind: ``log_end - committed``; None without a commit; never negative.

    The end offset is fetched separately from the commit, so it can be older than it;
    Burrow stores such a negative lag as zero, and so do we.
    """
    if known_offset(committed) is None or known_offset(log_end) is None:
        return None  # unknown is unknown (see the module docstring), never a number
    assert committed is not None
    lag = log_end - committed
    return lag if lag > 0 else 0


def total_lag(lags: Iterable[int | None]) -> int:
    """Sum of the known lags (partitions without a commit count as nothing)."""
    return sum(lag for lag in lags if lag is not None)


@dataclass(frozen=True, slots=True)
class OffsetSample:
    ts: float  # when we polled, epoch seconds
    log_end: int  # the partition's high watermark: offset of the next message to be written
    committed: int | None  # the group's committed offset (next to read); None = no commit
    # computed once: the status rules read every sample's lag each refresh (2,000 groups x
    # 10 partitions x a window of 10 made this the largest cost of a refresh)
    lag: int | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lag", partition_lag(self.log_end, self.committed))


class PartitionHistory:
    """The last `maxlen` samples of one partition for one group (the evaluation window).

    A sample older than the newest is ignored and one at the same time replaces it. If
    the end offset goes backwards the topic was recreated or truncated: the old samples
    no longer describe it, so they are dropped.
    """

    def __init__(self, maxlen: int = 10) -> None:
        if maxlen < 2:
            raise ValueError("a lag window needs at least 2 samples")
        self._samples: deque[OffsetSample] = deque(maxlen=maxlen)

    def append(self, sample: OffsetSample) -> None:
        if self._samples:
            last = self._samples[-1]
            if sample.ts < last.ts:
                return
            if sample.log_end < last.log_end:
                self._samples.clear()
            elif sample.ts == last.ts:
                self._samples.pop()
        self._samples.append(sample)

    def samples(self) -> tuple[OffsetSample, ...]:
        return tuple(self._samples)

    def last(self) -> OffsetSample | None:
        return self._samples[-1] if self._samples else None

    def __len__(self) -> int:
        return len(self._samples)

    def __iter__(self) -> Iterator[OffsetSample]:
        return iter(self._samples)


History = PartitionHistory | Sequence[OffsetSample]


def rates(history: History) -> tuple[float, float]:
    """(produce rate, consume rate) in messages per second over the window.

    Produce: growth of the end offset between the first and last sample. Consume: growth
    of the committed offset between the first and last sample that have one. 0.0 when the
    window is too short to tell; never negative (a rewind is not negative consumption).
    """
    samples = list(history)
    produce = 0.0
    if len(samples) >= 2 and samples[-1].ts > samples[0].ts:
        span = samples[-1].ts - samples[0].ts
        produce = max(0.0, (samples[-1].log_end - samples[0].log_end) / span)
    committed = [s for s in samples if s.lag is not None]
    consume = 0.0
    if len(committed) >= 2 and committed[-1].ts > committed[0].ts:
        first, last = committed[0], committed[-1]
        assert first.committed is not None and last.committed is not None
        consume = max(0.0, (last.committed - first.committed) / (last.ts - first.ts))
    return produce, consume


def lag_seconds(history: History, committed: int | None, now: float) -> float | None:
    """How long ago the partition's end offset was where the group's commit is now.

    That is roughly the age of the oldest message the group has not consumed. Found by
    linear interpolation between the two samples whose end offsets enclose `committed`
    (the newest such pair); when `committed` is older than the whole window, extrapolated
    back along the window's produce rate. 0.0 when the group has caught up; None when it
    cannot be estimated (no commit, fewer than two samples, nothing produced in the window).
    """
    samples = list(history)
    if committed is None or committed < 0 or not samples:
        return None
    if committed >= samples[-1].log_end:
        return 0.0
    if len(samples) < 2:
        return None
    when: float | None = None
    for left, right in zip(reversed(samples[:-1]), reversed(samples[1:]), strict=True):
        if left.log_end <= committed <= right.log_end:
            if right.log_end == left.log_end:
                when = right.ts
            else:
                share = (committed - left.log_end) / (right.log_end - left.log_end)
                when = left.ts + share * (right.ts - left.ts)
            break
    if when is None:  # committed is below the oldest end offset we saw
        first, last = samples[0], samples[-1]
        produced = last.log_end - first.log_end
        if produced <= 0 or last.ts <= first.ts:
            return None
        when = first.ts - (first.log_end - committed) * (last.ts - first.ts) / produced
    return max(0.0, now - when)


def time_to_drain(lag: int | None, consume_rate: float, produce_rate: float) -> float | None:
    """Seconds until the lag reaches zero at the current rates; None = "not draining"."""
    if lag is None:
        return None
    if lag <= 0:
        return 0.0
    net = consume_rate - produce_rate
    if net <= 0:
        return None
    return lag / net


class PartitionStatus(StrEnum):
    OK = "OK"
    WARN = "WARN"
    STOP = "STOP"
    STALL = "STALL"
    REWIND = "REWIND"
    UNKNOWN = "UNKNOWN"  # the partition's offsets could not be read this refresh


class GroupStatus(StrEnum):
    OK = "OK"
    WARN = "WARN"
    ERR = "ERR"
    UNKNOWN = "UNKNOWN"  # a partition's figures are unknown and none is worse


# Burrow's order (protocol.StatusConstant): OK < WARNING < ERROR < STOP < STALL < REWIND.
# UNKNOWN sits above OK and WARN (we cannot tell those apart on missing data) and below the
# errors (a partition known to be stuck outranks one we cannot read).
SEVERITY: dict[PartitionStatus, int] = {
    PartitionStatus.OK: 0,
    PartitionStatus.WARN: 1,
    PartitionStatus.UNKNOWN: 2,
    PartitionStatus.STOP: 3,
    PartitionStatus.STALL: 4,
    PartitionStatus.REWIND: 5,
}

STATUS_RULES: list[tuple[str, str]] = [
    ("OK", "Some lag in the window was zero, or the lag is shrinking: the group keeps up."),
    ("REWIND", "The committed offset went backwards: the group is re-reading old messages."),
    ("STOP", "No commit for longer than the window, or no member left, while lag remains."),
    ("STALL", "The committed offset has not moved across the whole window while lag remains."),
    ("WARN", "The committed offset moves but the lag never shrinks: the group is falling behind."),
    ("UNKNOWN", "An offset could not be read this refresh (the reason is shown); never counted as OK."),
    ("ERR", "Group level: at least one partition is REWIND, STOP or STALL."),
]


def partition_status(
    history: History,
    now: float,
    *,
    last_commit_ts: float | None = None,
    group_active: bool | None = None,
) -> PartitionStatus:
    """Burrow's status for one partition, rules tried in Burrow's order.

    Only samples with a commit count (Burrow also skips empty slots). With fewer than two
    of them there is no evidence of anything: OK.

    1. OK if the current lag is zero or any lag in the window is zero.
    2. REWIND if the committed offset ever went down from one sample to the next.
    3. STOP if the last commit is older than the window is long
       (``now - last_commit_ts > last.ts - first.ts``, Burrow's rule with the window's
       first sample standing in for its first commit), or if `group_active` is False.
       Needs data OffsetFetch does not give; never applied without it.
    4. STALL if the committed offset is the same in every sample.
    5. WARN if the lag never decreases from one sample to the next (fixed or growing).
    6. OK otherwise.
    """
    samples = [s for s in history if s.lag is not None]
    if len(samples) < 2:
        return PartitionStatus.OK
    lags = [s.lag or 0 for s in samples]
    if not lags[-1]:
        return PartitionStatus.OK  # caught up (rule 1), the common case: nothing else to check
    offsets = [s.committed or 0 for s in samples]
    if min(lags) == 0:  # includes the current lag, the last one
        return PartitionStatus.OK
    steps = list(pairwise(offsets))
    if any(after < before for before, after in steps):
        return PartitionStatus.REWIND
    span = samples[-1].ts - samples[0].ts
    if group_active is False or (last_commit_ts is not None and now - last_commit_ts > span):
        return PartitionStatus.STOP
    if all(after == before for before, after in steps):
        return PartitionStatus.STALL
    if all(after >= before for before, after in pairwise(lags)):
        return PartitionStatus.WARN
    return PartitionStatus.OK


def worst(statuses: Iterable[PartitionStatus]) -> PartitionStatus:
    """The most severe status (OK for none)."""
    return max(statuses, key=SEVERITY.__getitem__, default=PartitionStatus.OK)


def group_status(statuses: Iterable[PartitionStatus]) -> GroupStatus:
    """The group's status: its worst partition, with STOP, STALL and REWIND as ERR."""
    w = worst(statuses)
    if w is PartitionStatus.OK:
        return GroupStatus.OK
    if w is PartitionStatus.WARN:
        return GroupStatus.WARN
    if w is PartitionStatus.UNKNOWN:
        return GroupStatus.UNKNOWN
    return GroupStatus.ERR
