from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.series import BLOCKS, SensorSeries, TimeSeries, downsample, sparkline


def series(*points: tuple[float, float], maxlen: int = 10) -> TimeSeries:
    ts = TimeSeries(maxlen)
    for t, v in points:
        ts.append(t, v)
    return ts


def test_time_series_is_bounded_and_drops_the_oldest() -> None:
    s = series(*((float(t), float(t)) for t in range(5)), maxlen=3)
    assert list(s) == [(2.0, 2.0), (3.0, 3.0), (4.0, 4.0)]
    assert len(s) == 3
    assert s.last() == (4.0, 4.0)
    assert TimeSeries(1).last() is None


def test_late_points_go_in_their_place() -> None:
    s = series((1.0, 1.0), (3.0, 3.0), (2.0, 2.0), maxlen=3)
    assert [t for t, _ in s] == [1.0, 2.0, 3.0]
    s.append(0.5, 9.0)  # full and older than everything kept: nothing changes
    assert [t for t, _ in s] == [1.0, 2.0, 3.0]
    s.append(2.5, 9.0)  # full: the oldest goes, the late point goes in its place
    assert [t for t, _ in s] == [2.0, 2.5, 3.0]


def test_non_finite_points_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        TimeSeries(3).append(0.0, float("nan"))
    with pytest.raises(ValueError, match="maxlen"):
        TimeSeries(0)


def test_window_stats_and_rate() -> None:
    s = series((0.0, -3.0), (10.0, -1.0), (20.0, -5.0), (30.0, -2.0))
    assert s.window(10.0) == [(10.0, -1.0), (20.0, -5.0), (30.0, -2.0)]
    assert s.window(31.0) == []
    assert s.stats(10.0) == (-5.0, pytest.approx(-8.0 / 3), -1.0, 3)
    assert s.stats(100.0) is None
    assert s.rate(now=30.0, span=20.0) == pytest.approx(2 / 20)  # points at 20 and 30
    assert s.rate(now=15.0, span=100.0) == pytest.approx(2 / 100)  # later points not counted
    with pytest.raises(ValueError, match="span"):
        s.rate(30.0, 0.0)


def test_sensor_series_caps_sensors_by_least_recent_update() -> None:
    ss = SensorSeries(maxlen=5, max_sensors=2)
    ss.append("a", 0.0, 1.0)
    ss.append("b", 1.0, 1.0)
    ss.append("a", 2.0, 1.0)  # a is now the most recent
    ss.append("c", 3.0, 1.0)  # evicts b
    assert ss.sensors() == ["a", "c"]
    assert "b" not in ss
    assert ss.evicted == 1
    series_a = ss.get("a")
    assert series_a is not None and len(series_a) == 2
    assert ss.get("b") is None
    assert len(ss) == 2


def test_downsample_keeps_a_spike() -> None:
    points = [(float(i), 0.0) for i in range(1000)]
    points[517] = (517.0, 40.0)
    points[80] = (80.0, -40.0)
    out = downsample(points, 20)
    assert len(out) <= 20
    assert (517.0, 40.0) in out
    assert (80.0, -40.0) in out
    assert [t for t, _ in out] == sorted(t for t, _ in out)


def test_downsample_short_input_is_returned_as_is() -> None:
    points = [(0.0, 1.0), (1.0, 2.0)]
    out = downsample(points, 4)
    assert out == points and out is not points
    with pytest.raises(ValueError, match="at least 2"):
        downsample(points, 1)
    from_deque = downsample(deque((float(i), float(i % 7)) for i in range(100)), 6)
    assert len(from_deque) == 6


_points = st.lists(st.floats(-50, 50), min_size=1, max_size=300).map(
    lambda vs: [(float(i), v) for i, v in enumerate(vs)]
)


@given(points=_points, max_points=st.integers(min_value=2, max_value=64))
def test_downsample_bounds_and_extremes(points: list[tuple[float, float]], max_points: int) -> None:
    out = downsample(points, max_points)
    assert len(out) <= max_points
    assert set(out) <= set(points)
    assert [t for t, _ in out] == sorted(t for t, _ in out)
    values = [v for _, v in out]
    assert min(values) == min(v for _, v in points)
    assert max(values) == max(v for _, v in points)


def test_sparkline_basics() -> None:
    assert sparkline([], 10) == ""
    assert sparkline([1.0, 2.0], 0) == ""
    assert sparkline([float("nan")], 5) == ""
    assert sparkline([-3.0, -3.0, -3.0], 10) == "▁▁▁"
    assert sparkline([float(i) for i in range(8)], 8) == BLOCKS
    assert sparkline([0.0, 7.0, 3.5], 10) == "▁█▅"


def test_sparkline_fits_width_and_keeps_a_spike() -> None:
    values = [0.0] * 100
    values[42] = 9.0
    line = sparkline(values, 10)
    assert len(line) == 10
    assert line.count("█") == 1
    assert set(line) == {"▁", "█"}


def test_sparkline_fixed_scale_clamps() -> None:
    assert sparkline([-30.0, -20.0, -10.0, 0.0], 4, lo=-25.0, hi=-15.0) == "▁▅██"


@given(values=st.lists(st.floats(-1e6, 1e6), max_size=200), width=st.integers(0, 80))
def test_sparkline_length_and_alphabet(values: list[float], width: int) -> None:
    line = sparkline(values, width)
    assert len(line) == min(width, len(values))
    assert set(line) <= set(BLOCKS)
