from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.alerts import (
    AlertEngine,
    AlertEvent,
    AlertKind,
    SensorStatus,
    Thresholds,
    parse_thresholds,
)
from kafkatui.domain.readings import Reading

LIMITS = Thresholds(tmin=-25.0, tmax=-15.0, hysteresis=0.5, min_count=2)


def r(celsius: float, ts: float, sensor: str = "sensor0", offset: int = 0) -> Reading:
    return Reading(sensor, celsius, ts, 1, offset)


def feed(engine: AlertEngine, values: list[float], start: float = 0.0) -> list[AlertEvent]:
    events: list[AlertEvent] = []
    for i, v in enumerate(values):
        events += engine.observe(r(v, start + i, offset=i))
    return events


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tmin": -15.0, "tmax": -25.0}, "min must be lower than max"),
        ({"tmin": 1.0, "tmax": 1.0}, "min must be lower than max"),
        ({"tmin": 0.0, "tmax": 5.0, "hysteresis": -0.1}, "hysteresis must not be negative"),
        ({"tmin": 0.0, "tmax": 5.0, "hysteresis": 5.0}, "hysteresis must be smaller"),
        ({"tmin": 0.0, "tmax": 5.0, "min_count": 0}, "at least 1"),
        ({"tmin": 0.0, "tmax": 5.0, "min_duration": -1.0}, "must not be negative"),
        ({"tmin": float("nan"), "tmax": 5.0}, "finite"),
    ],
)
def test_thresholds_validate_with_a_sentence(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Thresholds(**kwargs)  # type: ignore[arg-type]


def test_parse_thresholds_for_the_form() -> None:
    assert parse_thresholds("-25", "-15,5") == Thresholds(-25.0, -15.5)
    assert parse_thresholds(" -25 ", "-15", "1").hysteresis == 1.0
    assert parse_thresholds("-25", "-15", "", min_count=3).min_count == 3
    with pytest.raises(ValueError, match=r"^min must be lower than max$"):
        parse_thresholds("-15", "-25")
    with pytest.raises(ValueError, match=r"^'abc' is not a number$"):
        parse_thresholds("abc", "-15")
    with pytest.raises(ValueError, match=r"^max is required$"):
        parse_thresholds("-25", "  ")
    with pytest.raises(ValueError, match=r"^'nan' is not a number$"):
        parse_thresholds("nan", "5")


def test_single_noisy_reading_at_the_edge_does_not_flap() -> None:
    engine = AlertEngine(LIMITS)
    events = feed(engine, [-14.9, -15.1, -14.9, -15.2, -14.8, -15.0, -14.95, -15.05])
    assert events == []
    assert engine.active() == []
    assert engine.status("sensor0", 8.0) is SensorStatus.OK


def test_raises_after_min_count_consecutive_readings() -> None:
    engine = AlertEngine(LIMITS)
    events = feed(engine, [-16.0, -14.0, -13.5])
    assert events == [AlertEvent(AlertKind.TOO_WARM, "sensor0", True, -13.5, -15.0, 2.0, 1, 2)]
    assert engine.status("sensor0", 2.0) is SensorStatus.TOO_WARM
    assert engine.active() == events


def test_the_limit_itself_is_inside() -> None:
    engine = AlertEngine(LIMITS)
    assert feed(engine, [-15.0, -15.0, -25.0, -25.0]) == []


def test_min_duration_is_measured_from_the_first_out_of_range_reading() -> None:
    engine = AlertEngine(Thresholds(-25.0, -15.0, min_count=1, min_duration=10.0))
    assert engine.observe(r(-10.0, 100.0)) == []
    assert engine.observe(r(-10.0, 105.0)) == []
    raised = engine.observe(r(-10.0, 110.0))
    assert [(e.kind, e.raised, e.ts) for e in raised] == [(AlertKind.TOO_WARM, True, 110.0)]


def test_a_reading_back_inside_restarts_the_duration() -> None:
    engine = AlertEngine(Thresholds(-25.0, -15.0, min_count=1, min_duration=10.0))
    engine.observe(r(-10.0, 0.0))
    engine.observe(r(-20.0, 5.0))
    assert engine.observe(r(-10.0, 10.0)) == []
    assert engine.observe(r(-10.0, 20.0))[0].raised


def test_clear_needs_the_hysteresis_margin() -> None:
    engine = AlertEngine(LIMITS)
    feed(engine, [-14.0, -14.0])
    assert engine.observe(r(-15.2, 10.0)) == []  # inside, but within the margin
    assert engine.observe(r(-14.0, 11.0)) == []  # still raised: no second raise event
    assert engine.observe(r(-15.3, 12.0)) == []
    cleared = engine.observe(r(-15.5, 13.0, offset=9))
    assert cleared == [AlertEvent(AlertKind.TOO_WARM, "sensor0", False, -15.5, -15.0, 13.0, 1, 9)]
    assert engine.active() == []
    assert engine.status("sensor0", 13.0) is SensorStatus.OK


def test_too_cold_mirrors_too_warm() -> None:
    engine = AlertEngine(LIMITS)
    raised = feed(engine, [-26.0, -27.0])
    assert [(e.kind, e.raised, e.threshold) for e in raised] == [(AlertKind.TOO_COLD, True, -25.0)]
    assert engine.status("sensor0", 1.0) is SensorStatus.TOO_COLD
    assert engine.observe(r(-24.8, 2.0)) == []
    assert engine.observe(r(-24.5, 3.0))[0].raised is False


def test_jump_from_too_cold_to_too_warm_clears_one_and_counts_the_other() -> None:
    engine = AlertEngine(LIMITS)
    feed(engine, [-30.0, -30.0])
    events = engine.observe(r(-10.0, 5.0))
    assert [(e.kind, e.raised) for e in events] == [(AlertKind.TOO_COLD, False)]
    events = engine.observe(r(-10.0, 6.0))
    assert [(e.kind, e.raised) for e in events] == [(AlertKind.TOO_WARM, True)]


def test_sensors_are_independent_and_overrides_apply() -> None:
    engine = AlertEngine(LIMITS, overrides={"fridge": Thresholds(0.0, 8.0)})
    events: list[AlertEvent] = []
    for t in (0.0, 1.0):
        events += engine.observe(r(5.0, t, sensor="fridge"))
        events += engine.observe(r(5.0, t, sensor="sensor0"))
    assert [(e.sensor, e.kind) for e in events] == [("sensor0", AlertKind.TOO_WARM)]
    assert engine.thresholds_for("fridge").tmax == 8.0
    assert engine.sensors() == ["fridge", "sensor0"]


def test_stale_raises_once_and_the_next_reading_clears_it() -> None:
    engine = AlertEngine(LIMITS, stale_after=30.0)
    engine.observe(r(-20.0, 100.0))
    assert engine.tick(129.0) == []
    assert engine.status("sensor0", 129.0) is SensorStatus.OK
    raised = engine.tick(130.0)
    assert raised == [AlertEvent(AlertKind.STALE, "sensor0", True, 30.0, 30.0, 130.0)]
    assert engine.tick(200.0) == []
    assert engine.status("sensor0", 200.0) is SensorStatus.STALE
    cleared = engine.observe(r(-20.0, 201.0, offset=5))
    assert cleared == [AlertEvent(AlertKind.STALE, "sensor0", False, None, 30.0, 201.0, 1, 5)]
    assert engine.status("sensor0", 201.0) is SensorStatus.OK


def test_staleness_uses_arrival_time_when_replaying_old_records() -> None:
    engine = AlertEngine(LIMITS, stale_after=30.0)
    engine.observe(r(-20.0, 5.0), now=1000.0)  # a record from long ago, read now
    assert engine.tick(1001.0) == []


def test_stale_can_be_turned_off_and_unknown_sensors_never_go_stale() -> None:
    engine = AlertEngine(LIMITS, stale_after=None)
    assert engine.status("ghost", 0.0) is SensorStatus.UNKNOWN
    engine.observe(r(-20.0, 0.0))
    assert engine.tick(1e9) == []
    engine.set_stale_after(10.0)
    assert [e.kind for e in engine.tick(1e9)] == [AlertKind.STALE]
    with pytest.raises(ValueError, match="positive"):
        engine.set_stale_after(0.0)


def test_temperature_outranks_stale_but_both_are_active() -> None:
    engine = AlertEngine(LIMITS, stale_after=30.0)
    feed(engine, [-10.0, -10.0])
    engine.tick(100.0)
    assert engine.status("sensor0", 100.0) is SensorStatus.TOO_WARM
    assert [e.kind for e in engine.active()] == [AlertKind.TOO_WARM, AlertKind.STALE]


def test_set_thresholds_live_clears_what_no_longer_applies() -> None:
    engine = AlertEngine(LIMITS)
    feed(engine, [-10.0, -10.0])
    cleared = engine.set_thresholds(Thresholds(-25.0, -5.0), now=50.0)
    assert [(e.kind, e.raised, e.ts, e.threshold) for e in cleared] == [(AlertKind.TOO_WARM, False, 50.0, -5.0)]
    # tightening again raises nothing by itself; the next readings do
    assert engine.set_thresholds(Thresholds(-25.0, -15.0), now=51.0) == []
    assert engine.observe(r(-10.0, 52.0)) == []
    assert engine.observe(r(-10.0, 53.0))[0].raised


def test_override_set_and_cleared_live() -> None:
    engine = AlertEngine(LIMITS)
    feed(engine, [-10.0, -10.0])
    assert engine.set_thresholds(Thresholds(-25.0, -12.0), sensor="other", now=5.0) == []
    events = engine.set_thresholds(Thresholds(-25.0, 0.0), sensor="sensor0", now=5.0)
    assert [e.raised for e in events] == [False]
    assert engine.overrides() == {
        "other": Thresholds(-25.0, -12.0),
        "sensor0": Thresholds(-25.0, 0.0),
    }
    assert engine.clear_override("sensor0", now=6.0) == []
    assert engine.clear_override("sensor0", now=6.0) == []
    assert engine.thresholds_for("sensor0") == LIMITS


def test_event_json_and_sentence() -> None:
    raised = AlertEvent(AlertKind.TOO_WARM, "sensor0", True, -13.5, -15.0, 1704067200.0, 1, 2)
    doc = raised.to_json_dict()
    assert json.loads(json.dumps(doc)) == {
        "time": "2024-01-01T00:00:00.000Z",
        "ts": 1704067200.0,
        "sensor": "sensor0",
        "kind": "too_warm",
        "event": "raised",
        "value": -13.5,
        "threshold": -15.0,
        "partition": 1,
        "offset": 2,
    }
    assert raised.describe() == "sensor0 too warm: -13.5 °C > max -15 °C"
    cold = AlertEvent(AlertKind.TOO_COLD, "s", False, -24.5, -25.0, 0.0)
    assert cold.describe() == "s back above min: -24.5 °C (min -25 °C)"
    stale = AlertEvent(AlertKind.STALE, "s", True, 31.0, 30.0, 0.0)
    assert stale.describe() == "s silent for 31 s (limit 30 s)"
    assert AlertEvent(AlertKind.STALE, "s", False, None, 30.0, 0.0).describe() == "s is reporting again"


@given(st.lists(st.floats(min_value=-30.0, max_value=-10.0), max_size=60))
def test_events_alternate_raise_then_clear_per_kind(values: list[float]) -> None:
    engine = AlertEngine(LIMITS)
    events = feed(engine, values)
    for kind in (AlertKind.TOO_WARM, AlertKind.TOO_COLD):
        flags = [e.raised for e in events if e.kind is kind]
        assert flags == [i % 2 == 0 for i in range(len(flags))]
    for e in events:
        if e.raised:  # min_count=2: the previous reading was beyond the same limit too
            i = int(e.ts)
            assert i >= 1
            before = values[i - 1]
            assert before > -15.0 if e.kind is AlertKind.TOO_WARM else before < -25.0
