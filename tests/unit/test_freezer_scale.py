"""The freezer at scale and at its edges (issue 11, items 1, 3, 4): thousands of sensors, a wave
of STALE, an outage, acknowledging and forgetting, and a sensor whose clock runs ahead of ours."""

from __future__ import annotations

from typing import Any

import pytest

import canned
from kafkatui.domain.alerts import AlertBatch, AlertEvent, AlertKind, SensorStatus, Thresholds
from kafkatui.domain.commands import Acknowledge, Command, Forget
from kafkatui.domain.freezer import ACTIVE_SHOWN, CHART_LINES, FreezerBoard, FreezerView
from kafkatui.domain.readings import parse
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.widgets.chart import build_chart
from kafkatui.tui.widgets.virtual_table import VirtualTable

T0 = 1_000_000.0


def feed(board: FreezerBoard, sensor: str, value: float, ts: float, now: float | None = None) -> list[AlertEvent]:
    return board.add(parse(sensor.encode(), f"{value:.2f}".encode(), ts, 0, 0), ts if now is None else now)


# -- item 4: no silent cap; stats right for every sensor ------------------------------------


def test_the_65th_sensor_and_beyond_keep_right_stats_and_rates() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5), window=60)
    for step in range(60):  # 100 sensors, 2 readings a second each, for 30 s
        ts = T0 + step * 0.5
        for i in range(100):
            feed(board, f"sensor{i}", -2.0 + (step % 2), ts)  # alternates -2.0 / -1.0
    view = board.view(T0 + 30)
    rows = {r.sensor: r for r in view.rows}
    assert len(rows) == 100 and view.sensors_dropped == 0
    for row in rows.values():
        assert (row.vmin, row.vmax) == (-2.0, -1.0), row
        assert row.avg == pytest.approx(-1.5)
        assert row.rate == pytest.approx(2.0, rel=0.05), row


def test_the_one_alerting_sensor_is_always_charted_and_listed_first() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5), window=60)
    for step in range(10):
        for i in range(100):
            value = 4.9 if i % 2 else -4.9  # every sensor near a limit ...
            if i == 57:
                value = 5.2  # ... and one just past it: the only alert
            feed(board, f"sensor{i}", value, T0 + step)
    view = board.view(T0 + 10)
    assert view.rows[0].sensor == "sensor57" and view.rows[0].status is SensorStatus.TOO_WARM
    assert "sensor57" in {name for name, _ in view.chart} and len(view.chart) == CHART_LINES


def test_a_cap_is_stated_never_silent() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5), max_sensors=3)
    for i in range(5):
        feed(board, f"sensor{i}", 1.0, T0 + i)
    feed(board, "sensor0", 2.0, T0 + 6)
    view = board.view(T0 + 7)
    assert [r.sensor for r in view.rows] == ["sensor0", "sensor1", "sensor2"]  # kept ones stay
    assert (view.sensors_dropped, view.readings_dropped) == (2, 2)
    assert next(r for r in view.rows if r.sensor == "sensor0").vmin == 1.0  # not reset by an eviction


# -- item 3: a wave of STALE ------------------------------------------------------------------


def silent_wave(n: int) -> tuple[FreezerBoard, list[AlertEvent]]:
    board = FreezerBoard("t", Thresholds(-5, 5), stale_after=30)
    for i in range(n):
        feed(board, f"sensor{i}", -1.0, T0)
    return board, board.tick(T0 + 31)


def test_ten_thousand_silent_sensors_are_one_batch_and_a_bounded_view() -> None:
    board, events = silent_wave(10_000)
    assert len(events) == 10_000 and all(e.kind is AlertKind.STALE for e in events)
    assert AlertBatch(tuple(events)).summary() == "10,000 sensors silent"
    view = board.view(T0 + 31)
    assert view.alert_count == 10_000 and len(view.rows) == 10_000
    assert len(view.active) == ACTIVE_SHOWN  # the box gets what it can show, the count covers all
    assert board.view(T0 + 31.3) is view  # nothing changed: no new view to build or send


def test_no_stale_during_an_outage_and_silence_counted_from_its_end() -> None:
    board = FreezerBoard("t", Thresholds(-5, 5), stale_after=30)
    feed(board, "sensor0", -1.0, T0)
    board.outage(T0 + 10)
    assert board.tick(T0 + 100) == []
    view = board.view(T0 + 100)
    assert view.outage_since == T0 + 10 and view.alert_count == 0
    assert view.rows[0].status is SensorStatus.OK  # not STALE: the outage is to blame
    board.recovered(T0 + 200)
    assert board.tick(T0 + 229) == []
    assert [e.kind for e in board.tick(T0 + 231)] == [AlertKind.STALE]
    assert board.view(T0 + 231).outage_since is None


def test_a_topic_without_reachable_leaders_is_an_outage_named_as_such() -> None:
    # a broker down with the freezer topic's only replica: the cluster answers, the readings
    # cannot come; the sensors are not to blame (seen on the 3-broker bed: 20 STALE at once)
    board = FreezerBoard("t", Thresholds(-5, 5), stale_after=30)
    feed(board, "sensor0", -1.0, T0)
    board.outage(T0 + 5, "no reachable leader for partition 0")
    assert board.tick(T0 + 100) == []
    view = board.view(T0 + 100)
    assert view.outage_since == T0 + 5
    assert view.outage_reason == "no reachable leader for partition 0"
    board.recovered(T0 + 120)
    assert board.view(T0 + 120).outage_since is None


def test_acknowledge_and_forget() -> None:
    board, _ = silent_wave(3)
    feed(board, "sensor9", 9.0, T0 + 40)
    feed(board, "sensor9", 9.5, T0 + 41)  # too warm
    assert board.acknowledge("sensor9") == 1
    view = board.view(T0 + 41)
    assert view.alert_count == 4 and view.acknowledged_count == 1
    assert (view.active[0].event.sensor, view.active[0].acknowledged) == ("sensor9", True)
    assert board.forget("sensor1")
    view = board.view(T0 + 42)
    assert view.alert_count == 3 and "sensor1" not in {r.sensor for r in view.rows}
    assert board.acknowledge() == 2  # the two other STALE ones
    assert board.view(T0 + 43).acknowledged_count == 3


# -- item 1: a sensor whose clock runs ahead of ours ------------------------------------------


@pytest.mark.parametrize("ahead", [3.0, 3600.0])
def test_a_reading_from_the_future_is_clamped_and_counted(ahead: float) -> None:
    board = FreezerBoard("t", Thresholds(-5, 5))
    feed(board, "sensor0", -1.0, T0)
    feed(board, "fast", -2.0, T0 + ahead, now=T0)
    view = board.view(T0)
    assert view.ahead == 1 and view.ahead_max == ahead
    assert next(r for r in view.rows if r.sensor == "fast").last_seen == T0  # plotted at arrival
    assert all(ts <= T0 for _, points in view.chart for ts, _ in points)


@pytest.mark.parametrize("ahead", [3.0, 3600.0])
def test_the_chart_survives_a_line_with_no_point_in_range(ahead: float) -> None:
    lines = [("sensor0", [(T0 - 5, -1.0), (T0, -1.2)]), ("fast", [(T0 + ahead, -2.0)])]
    text = build_chart(lines, T0, 300.0, -5.0, 5.0, 60, 12)  # raised IndexError in plotext's legend
    assert "sensor0" in text and "fast" not in text


# -- the pane: one toast and one bell per burst, keys -----------------------------------------


class FakeWorker:
    def __init__(self) -> None:
        self.commands: list[Command] = []

    def start(self) -> None: ...

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.1) -> bool:
        return True


def _app(toasts: bool = True) -> tuple[KafkaTuiApp, FakeWorker]:
    worker = FakeWorker()
    settings = canned.settings()
    settings = settings.model_copy(update={"toasts": toasts})
    return KafkaTuiApp(settings, clock=canned.clock, worker_factory=lambda s, emit: worker), worker


@pytest.mark.parametrize("toasts", [True, False])
async def test_a_wave_is_one_toast_and_one_bell(toasts: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    board, events = silent_wave(2_000)
    app, _ = _app(toasts)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        app.apply(board.view(T0 + 31))
        app.apply(AlertBatch(tuple(events)))
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert notes == (["2,000 sensors silent"] if toasts else [])
        assert bells == [1]
        box = app.query_one("#alert-log")
        text: Any = box.render()
        lines = str(text).splitlines()
        assert len(lines) <= box.size.height and "and 1,9" in str(text)  # "… and 1,9xx more"


async def test_keys_acknowledge_and_forget_the_selected_sensor() -> None:
    board, _ = silent_wave(3)
    feed(board, "sensor9", 1.0, T0 + 31)
    view: FreezerView = board.view(T0 + 31)
    app, worker = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        app.apply(view)
        await pilot.pause()
        table = app.query_one("#sensors", VirtualTable)
        table.focus()
        assert table.cursor_key == "sensor0"  # STALE rows before the OK one
        await pilot.press("a", "A", "f")
        table.move_cursor(table.index["sensor9"])
        await pilot.press("f")  # still reporting: refused with a message, no command
        await pilot.pause()
        assert worker.commands[-3:] == [Acknowledge("sensor0"), Acknowledge(None), Forget("sensor0")]
        assert any("still reporting" in n.message for n in app._notifications)


async def test_a_burst_over_several_frames_is_gathered(monkeypatch: pytest.MonkeyPatch) -> None:
    import kafkatui.tui.panes.freezer as pane_module

    monkeypatch.setattr(pane_module, "TOAST_GAP", 0.3)
    _, events = silent_wave(1_500)
    app, _ = _app()
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        for start in (0, 1_000, 1_200):  # three frames of one wave
            app.apply(AlertBatch(tuple(events[start : start + (1_000 if start == 0 else 200)])))
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["1,000 sensors silent"] and bells == [1]
        await pilot.pause(0.6)
        assert [n.message for n in app._notifications] == ["1,000 sensors silent", "400 sensors silent"]
        assert bells == [1, 1]
