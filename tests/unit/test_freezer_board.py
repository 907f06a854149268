"""domain/freezer.py and domain/sensors.py: the board the Freezer pane shows, and the simulator's model."""

from __future__ import annotations

import json
import random

import pytest

from kafkatui.domain.alerts import AlertKind, SensorStatus, Thresholds
from kafkatui.domain.freezer import CHART_LINES, FreezerBoard, parse_duration
from kafkatui.domain.readings import RejectReason, parse
from kafkatui.domain.sensors import SensorModel, encode

T0 = 1_000_000.0


def feed(board: FreezerBoard, sensor: str, value: str, ts: float, offset: int = 0) -> list:  # type: ignore[type-arg]
    return board.add(parse(sensor.encode(), value.encode(), ts, 0, offset), ts)


def test_rows_stats_rate_and_status() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5), window=60)
    for i in range(30):
        feed(board, "sensor0", f"{-1 - i * 0.1:.2f}", T0 + i, i)
    feed(board, "sensor1", "2.5", T0 + 29, 99)
    view = board.view(T0 + 30)
    rows = {r.sensor: r for r in view.rows}
    s0 = rows["sensor0"]
    assert (s0.last, s0.vmin, s0.vmax) == (-3.9, -3.9, -1.0)
    assert s0.avg == pytest.approx(-2.45)
    assert s0.rate == pytest.approx(30 / 30, rel=0.05)  # seen for 30 s: rate over 30 s, not 60
    assert s0.status is SensorStatus.OK and rows["sensor1"].status is SensorStatus.OK
    assert view.readings == 31 and view.alert_count == 0


def test_out_of_range_raises_after_two_readings_and_clears_with_hysteresis() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5))
    assert feed(board, "s", "5.6", T0) == []  # one reading is not enough
    events = feed(board, "s", "5.8", T0 + 1, 1)
    assert [(e.kind, e.raised, e.value) for e in events] == [(AlertKind.TOO_WARM, True, 5.8)]
    assert board.view(T0 + 1).alert_count == 1
    assert feed(board, "s", "4.8", T0 + 2, 2) == []  # inside, but not by the 0.5 hysteresis
    cleared = feed(board, "s", "4.4", T0 + 3, 3)
    assert [(e.kind, e.raised) for e in cleared] == [(AlertKind.TOO_WARM, False)]
    view = board.view(T0 + 3)
    assert view.alert_count == 0 and [e.raised for e in view.log] == [False, True]  # newest first


def test_stale_sensor_and_live_thresholds() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5), stale_after=30)
    feed(board, "s", "1.0", T0)
    stale = board.tick(T0 + 31)
    assert [(e.kind, e.raised) for e in stale] == [(AlertKind.STALE, True)]
    assert board.view(T0 + 31).rows[0].status is SensorStatus.STALE
    board.set_thresholds(Thresholds(-10, 0.5), T0 + 32)
    feed(board, "s", "1.0", T0 + 33, 1)
    events = feed(board, "s", "1.1", T0 + 34, 2)
    assert any(e.kind is AlertKind.TOO_WARM and e.raised for e in events)
    assert board.view(T0 + 34).thresholds == Thresholds(-10, 0.5)


def test_rejections_are_counted_not_fatal() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5))
    for raw in (b"abc", b"", b"\xff\xfe", b'{"humidity": 1}', b"nan"):
        board.add(parse(b"k", raw, T0, 0, 0), T0)
    summary = board.view(T0).rejects
    assert summary.total == 5 and board.readings == 0
    assert dict(summary.counts)[RejectReason.NOT_UTF8] == 1


def test_chart_shows_top_n_by_deviation_table_shows_all() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5))
    for i in range(CHART_LINES + 4):
        feed(board, f"sensor{i}", f"{i - 4.5:.2f}", T0, i)  # -4.5 .. 4.5 °C
    view = board.view(T0 + 1)
    assert len(view.rows) == CHART_LINES + 4
    # worst first: nearest a limit (or past it) first, ties in natural order (sensor2 before sensor10)
    assert [r.sensor for r in view.rows][:4] == ["sensor0", "sensor9", "sensor1", "sensor8"]
    charted = {name for name, _ in view.chart}
    assert len(charted) == CHART_LINES and view.hidden_from_chart == 4
    assert {"sensor0", "sensor1", "sensor8", "sensor9"} <= charted  # nearest their limits
    assert not {"sensor4", "sensor5"} & charted  # -0.5 and 0.5 °C: the calmest


def test_window_bounds() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5))
    board.set_window(1)
    assert board.window == 30.0
    board.set_window(10**9)
    assert board.window == 24 * 3600.0


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("10m", 600), ("1.5h", 5400), ("2d", 172800), ("300", 300)])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "ten minutes", "-5m", "0", "5y"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_sensor_model_stays_in_the_seed_range_without_anomalies() -> None:
    model = SensorModel(3, random.Random(1), anomalies=False)
    values = [model.read(name, t, 1.0) for t in range(600) for name in model.names]
    assert model.names == ["sensor0", "sensor1", "sensor2"]
    assert all(v is not None and -5 < v < 5 for v in values)


def test_sensor_model_anomalies_leave_the_range_early() -> None:
    model = SensorModel(3, random.Random(2), anomalies=True, start=0.0)
    warm = [t for t in range(60) if (v := model.read("sensor1", float(t), 1.0)) is not None and v > 5]
    assert warm and warm[0] < 25  # the scheduled door opening: an alert within the first half minute


def test_encode_plain_and_json() -> None:
    assert encode("sensor0", -3.214, "plain", T0) == b"-3.21"
    doc = json.loads(encode("sensor0", -3.21, "json", T0))
    assert doc == {"sensor": "sensor0", "temperature": -3.21, "ts": T0}
    assert parse(b"x", encode("sensor4", 2.0, "json", T0), 0, 0, 0).sensor == "sensor4"  # type: ignore[union-attr]
