from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.lag import (
    STATUS_RULES,
    GroupStatus,
    OffsetSample,
    PartitionHistory,
    PartitionStatus,
    group_status,
    lag_seconds,
    partition_lag,
    partition_status,
    rates,
    time_to_drain,
    total_lag,
    worst,
)


def window(*rows: tuple[float, int, int | None]) -> list[OffsetSample]:
    return [OffsetSample(ts, log_end, committed) for ts, log_end, committed in rows]


def test_partition_lag() -> None:
    assert partition_lag(120, 100) == 20
    assert partition_lag(100, 100) == 0
    assert partition_lag(100, 105) == 0  # end offset fetched before the commit: never negative
    assert partition_lag(100, None) is None
    assert partition_lag(100, -1001) is None  # librdkafka's "no offset"
    assert total_lag([3, None, 4, 0]) == 7


@given(log_end=st.integers(0, 2**63), committed=st.none() | st.integers(-2000, 2**63))
def test_partition_lag_is_never_negative(log_end: int, committed: int | None) -> None:
    lag = partition_lag(log_end, committed)
    assert lag is None or lag >= 0


def test_history_keeps_a_bounded_ordered_window() -> None:
    h = PartitionHistory(maxlen=3)
    for t in range(5):
        h.append(OffsetSample(float(t), 10 * t, 5 * t))
    assert [s.ts for s in h] == [2.0, 3.0, 4.0]
    h.append(OffsetSample(1.0, 999, 999))  # older than the newest: ignored
    h.append(OffsetSample(4.0, 41, 20))  # same time: replaces
    assert h.samples()[-1] == OffsetSample(4.0, 41, 20)
    assert len(h) == 3
    h.append(OffsetSample(5.0, 3, 1))  # end offset went back: topic recreated
    assert h.samples() == (OffsetSample(5.0, 3, 1),)
    assert h.last() == OffsetSample(5.0, 3, 1)
    with pytest.raises(ValueError, match="at least 2"):
        PartitionHistory(1)


def test_rates() -> None:
    h = window((0.0, 100, 50), (10.0, 150, 70), (20.0, 200, 110))
    assert rates(h) == (pytest.approx(5.0), pytest.approx(3.0))
    assert rates(h[:1]) == (0.0, 0.0)
    no_commit_yet = window((0.0, 100, None), (10.0, 150, 60), (20.0, 200, 80))
    assert rates(no_commit_yet) == (pytest.approx(5.0), pytest.approx(2.0))
    rewound = window((0.0, 100, 90), (10.0, 100, 10))
    assert rates(rewound) == (0.0, 0.0)


def test_lag_seconds_interpolates_between_samples() -> None:
    h = window((0.0, 100, None), (10.0, 200, None), (20.0, 300, None))
    assert lag_seconds(h, 150, now=20.0) == pytest.approx(15.0)  # end was 150 at t=5
    assert lag_seconds(h, 200, now=25.0) == pytest.approx(15.0)
    assert lag_seconds(h, 300, now=25.0) == 0.0  # caught up
    assert lag_seconds(h, 310, now=25.0) == 0.0


def test_lag_seconds_on_a_plateau_takes_the_last_time_the_end_was_there() -> None:
    h = window((0.0, 100, None), (10.0, 100, None), (20.0, 110, None))
    assert lag_seconds(h, 100, now=20.0) == pytest.approx(10.0)
    assert lag_seconds(h, 105, now=20.0) == pytest.approx(5.0)


def test_lag_seconds_extrapolates_before_the_window() -> None:
    h = window((100.0, 1000, None), (110.0, 1010, None), (120.0, 1020, None))  # 1 msg/s
    assert lag_seconds(h, 900, now=120.0) == pytest.approx(120.0)  # end was 900 at t=0


def test_lag_seconds_unknown() -> None:
    flat = window((0.0, 100, None), (10.0, 100, None))
    assert lag_seconds(flat, 50, now=10.0) is None  # nothing produced: no trend to follow
    assert lag_seconds(flat, None, now=10.0) is None
    assert lag_seconds(flat[:1], 50, now=10.0) is None
    assert lag_seconds([], 50, now=10.0) is None
    assert lag_seconds(flat[:1], 100, now=10.0) == 0.0


@given(
    steps=st.lists(st.tuples(st.floats(0.1, 100), st.integers(0, 1000)), min_size=1, max_size=12),
    committed=st.integers(0, 20_000),
    later=st.floats(0, 1000),
)
def test_lag_seconds_is_never_negative(steps: list[tuple[float, int]], committed: int, later: float) -> None:
    h = PartitionHistory(maxlen=12)
    ts, end = 0.0, 0
    for dt, produced in steps:
        ts, end = ts + dt, end + produced
        h.append(OffsetSample(ts, end, None))
    got = lag_seconds(h, committed, now=ts + later)
    assert got is None or got >= 0.0


def test_time_to_drain() -> None:
    assert time_to_drain(0, 0.0, 5.0) == 0.0
    assert time_to_drain(None, 10.0, 1.0) is None
    assert time_to_drain(1000, 30.0, 10.0) == pytest.approx(50.0)
    assert time_to_drain(1000, 10.0, 10.0) is None  # not draining
    assert time_to_drain(1000, 5.0, 10.0) is None


# Status rules: each window is (ts, log_end, committed) polled every 10 s, now = 100.
NOW = 100.0


def status(rows: list[tuple[float, int, int | None]], **kwargs: object) -> PartitionStatus:
    return partition_status(window(*rows), NOW, **kwargs)  # type: ignore[arg-type]


def test_rule_1_any_zero_lag_in_the_window_is_ok() -> None:
    # the committed offset is stuck, but it caught up once in the window
    rows = [(60.0, 100, 100), (70.0, 110, 100), (80.0, 120, 100), (90.0, 130, 100)]
    assert status(rows) is PartitionStatus.OK
    # current lag zero
    assert status([(80.0, 100, 50), (90.0, 100, 100)]) is PartitionStatus.OK


def test_rule_2_rewind() -> None:
    rows = [(70.0, 200, 150), (80.0, 210, 160), (90.0, 220, 40)]
    assert status(rows) is PartitionStatus.REWIND
    # REWIND is checked before STOP, as in Burrow
    assert status(rows, group_active=False) is PartitionStatus.REWIND


def test_rule_3_stop_needs_commit_time_or_an_empty_group() -> None:
    rows = [(70.0, 200, 150), (80.0, 210, 150), (90.0, 220, 150)]
    assert status(rows) is PartitionStatus.STALL  # without either we cannot tell
    assert status(rows, last_commit_ts=50.0) is PartitionStatus.STOP  # 50 s ago > 20 s window
    assert status(rows, last_commit_ts=85.0) is PartitionStatus.STALL  # commits still arrive
    assert status(rows, group_active=False) is PartitionStatus.STOP
    moving = [(70.0, 200, 150), (80.0, 210, 160), (90.0, 220, 170)]
    assert status(moving, group_active=False) is PartitionStatus.STOP  # nobody is consuming


def test_rule_4_stall_committed_offset_never_moves() -> None:
    growing = [(70.0, 200, 150), (80.0, 210, 150), (90.0, 220, 150)]
    fixed = [(70.0, 200, 150), (80.0, 200, 150), (90.0, 200, 150)]  # nothing new either
    assert status(growing) is PartitionStatus.STALL
    assert status(fixed) is PartitionStatus.STALL


def test_rule_5_warn_lag_never_shrinks_while_offsets_move() -> None:
    growing = [(70.0, 200, 150), (80.0, 220, 160), (90.0, 240, 170)]
    fixed = [(70.0, 200, 150), (80.0, 210, 160), (90.0, 220, 170)]  # Burrow: fixed counts too
    assert status(growing) is PartitionStatus.WARN
    assert status(fixed) is PartitionStatus.WARN


def test_rule_6_ok_when_the_lag_shrinks_somewhere() -> None:
    rows = [(70.0, 200, 150), (80.0, 220, 190), (90.0, 240, 200)]  # lags 50, 30, 40
    assert status(rows) is PartitionStatus.OK


def test_too_little_evidence_is_ok() -> None:
    assert status([]) is PartitionStatus.OK
    assert status([(90.0, 200, 100)]) is PartitionStatus.OK
    assert status([(80.0, 200, None), (90.0, 210, None)]) is PartitionStatus.OK
    # samples without a commit are skipped, the rest still count
    assert status([(70.0, 200, None), (80.0, 210, 150), (90.0, 220, 150)]) is PartitionStatus.STALL


def test_status_takes_a_history_too() -> None:
    h = PartitionHistory()
    for ts, end, committed in [(70.0, 200, 150), (80.0, 220, 160), (90.0, 240, 170)]:
        h.append(OffsetSample(ts, end, committed))
    assert partition_status(h, NOW) is PartitionStatus.WARN


def test_group_status_is_the_worst_partition_with_errors_rolled_up() -> None:
    ok, warn = PartitionStatus.OK, PartitionStatus.WARN
    assert group_status([]) is GroupStatus.OK
    assert group_status([ok, ok]) is GroupStatus.OK
    assert group_status([ok, warn]) is GroupStatus.WARN
    for bad in (PartitionStatus.STALL, PartitionStatus.STOP, PartitionStatus.REWIND):
        assert group_status([ok, warn, bad]) is GroupStatus.ERR
    assert worst([warn, PartitionStatus.REWIND, PartitionStatus.STOP]) is PartitionStatus.REWIND
    assert worst([PartitionStatus.STOP, PartitionStatus.STALL]) is PartitionStatus.STALL
    assert worst([]) is PartitionStatus.OK


def test_status_rules_cover_every_status_with_one_sentence() -> None:
    names = [name for name, _ in STATUS_RULES]
    assert set(names) == {s.value for s in PartitionStatus} | {GroupStatus.ERR.value}
    assert all(text.endswith(".") and len(text) < 100 for _, text in STATUS_RULES)
