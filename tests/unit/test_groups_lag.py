"""Lag rules the Groups pane relies on, beyond tests/unit/test_lag.py: rule precedence and
boundaries, and the lag-in-seconds estimate on realistic sampling (synthetic samples)."""

from __future__ import annotations

import pytest

from kafkatui.domain.lag import (
    OffsetSample,
    PartitionHistory,
    PartitionStatus,
    lag_seconds,
    partition_status,
)

NOW = 100.0


def window(*rows: tuple[float, int, int | None]) -> list[OffsetSample]:
    return [OffsetSample(ts, end, committed) for ts, end, committed in rows]


def test_ok_beats_rewind_when_the_group_caught_up_in_the_window() -> None:
    rows = window((70.0, 200, 200), (80.0, 210, 100), (90.0, 220, 110))  # lag 0, then rewound
    assert partition_status(rows, NOW) is PartitionStatus.OK


def test_rewind_beats_stall_and_warn() -> None:
    rows = window((70.0, 200, 150), (80.0, 200, 120), (90.0, 200, 120))
    assert partition_status(rows, NOW) is PartitionStatus.REWIND


def test_stop_boundary_is_strictly_older_than_the_window() -> None:
    rows = window((70.0, 200, 150), (80.0, 210, 160), (90.0, 220, 170))  # span 20 s
    assert partition_status(rows, NOW, last_commit_ts=80.0) is PartitionStatus.WARN  # exactly 20 s
    assert partition_status(rows, NOW, last_commit_ts=79.9) is PartitionStatus.STOP


def test_an_active_group_with_a_moving_commit_is_not_stopped() -> None:
    rows = window((70.0, 200, 150), (80.0, 220, 190), (90.0, 240, 200))
    assert partition_status(rows, NOW, group_active=True) is PartitionStatus.OK


def test_warn_needs_every_step_non_decreasing() -> None:
    growing_then_shrinking = window((70.0, 200, 150), (80.0, 230, 160), (90.0, 240, 200))  # 50, 70, 40
    assert partition_status(growing_then_shrinking, NOW) is PartitionStatus.OK


def test_lag_seconds_with_a_steady_producer_is_lag_over_rate() -> None:
    h = PartitionHistory(maxlen=10)
    for step in range(10):  # 20 msgs/s, sampled every 5 s
        h.append(OffsetSample(5.0 * step, 1000 + 100 * step, None))
    # 300 messages behind at 20 msgs/s: 15 s behind, whatever the window position
    assert lag_seconds(h, 1900 - 300, now=45.0) == pytest.approx(15.0)
    assert lag_seconds(h, 1000 - 200, now=45.0) == pytest.approx(55.0)  # before the window


def test_lag_seconds_counts_from_now_not_from_the_last_sample() -> None:
    h = window((0.0, 100, None), (10.0, 200, None))
    assert lag_seconds(h, 150, now=10.0) == pytest.approx(5.0)
    assert lag_seconds(h, 150, now=70.0) == pytest.approx(65.0)  # refreshes stalled: it ages


def test_lag_seconds_after_a_burst_uses_the_newest_enclosing_pair() -> None:
    # nothing produced for 40 s, then a burst: the commit at 105 was the end offset at ~t=40.5
    h = window((0.0, 100, None), (40.0, 100, None), (50.0, 200, None))
    assert lag_seconds(h, 105, now=50.0) == pytest.approx(9.5)
