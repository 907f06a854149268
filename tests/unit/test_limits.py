"""The limits file: parsing, matching (exact, glob, defaults), the engine's per-sensor limits, writing back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafkatui.domain.alerts import AlertEngine, AlertKind, SensorStatus, Thresholds
from kafkatui.domain.freezer import FreezerBoard
from kafkatui.domain.groups import GroupRow, GroupsView
from kafkatui.domain.lag import GroupStatus
from kafkatui.domain.limits import AlertOn, LimitsError, SensorLimits, parse_limits, with_lag_limits
from kafkatui.domain.readings import Reading
from kafkatui.limits_file import limits_for, load_limits, save_sensor_entry

BASE = SensorLimits(Thresholds(-5.0, 5.0), 30.0)

FILE = """\
# freezer room 2
[defaults]
min = -20
max = -15
stale_after = "1m"   # the room's sensors report every 10 s

[sensors."chiller-*"]
min = 0
max = 8
hysteresis = 0.25

[sensors.chiller-9]   # the old one runs warm
max = 10
stale_after = 120

[sensors."*-probe"]
readings = 1

[groups."orders-*"]
max_lag_seconds = 60

[groups.audit]
alert_on = "WARN"
"""


def test_each_sensor_takes_its_exact_entry_else_the_first_matching_glob_else_the_defaults() -> None:
    limits = parse_limits(FILE, "room2.toml", BASE)
    chiller = limits.sensor("chiller-3")
    assert (chiller.thresholds.tmin, chiller.thresholds.tmax, chiller.thresholds.hysteresis) == (0, 8, 0.25)
    assert chiller.stale_after == 60.0 and chiller.entry == "chiller-*"  # the rest from [defaults]
    old = limits.sensor("chiller-9")
    assert (old.thresholds.tmin, old.thresholds.tmax, old.stale_after, old.entry) == (-20, 10, 120, "chiller-9")
    assert limits.sensor("door-probe").thresholds.min_count == 1
    other = limits.sensor("freezer-1")
    assert (other.thresholds.tmin, other.thresholds.tmax, other.entry) == (-20, -15, None)


def test_group_limits_match_the_same_way_and_burrow_err_alerts_by_default() -> None:
    limits = parse_limits(FILE, "room2.toml", BASE)
    assert limits.group("orders-eu").max_lag_seconds == 60 and limits.group("orders-eu").alert_on is AlertOn.ERR
    assert limits.group("audit").alert_on is AlertOn.WARN and limits.group("audit").max_lag_seconds is None
    assert limits.group("billing").max_lag_seconds is None and limits.group("billing").alert_on is AlertOn.ERR


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[defaults]\nmin = 1\nmax = 0\n", "line 3: defaults.max: min must be lower than max (min 1, max 0"),
        ('[sensors."a*"]\nhysteresis = 20\n', 'line 2: sensors."a*".hysteresis: hysteresis must be smaller'),
        ("[sensors.x]\nreadings = 1.5\n", "line 2: sensors.x.readings: expected a whole number of readings"),
        ("[sensors.x]\nstale_after = 0\n", "line 2: sensors.x.stale_after: must be a positive number of seconds"),
        ("[sensors.x]\nmin = true\n", "line 2: sensors.x.min: expected a number"),
        ('[groups.g]\nmax_lag_seconds = "soon"\n', "line 2: groups.g.max_lag_seconds: 'soon' is not a duration"),
        ("[groups.g]\nmin = 3\n", "line 2: groups.g.min: is a sensor limit"),
        ("sensors = 3\n", "line 1: sensors: must be a table of entries"),
        ("[alerts]\n", "line 1: alerts: unknown table"),
        ("[defaults]\n\nwhatever = 1\n", "line 3: defaults.whatever: unknown key; expected one of min, max"),
        ("[defaults\n", "line 1: not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(LimitsError) as info:
        parse_limits(text, "room.toml", BASE)
    assert str(info.value).startswith("limits file room.toml "), info.value
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_no_file_means_the_settings_limits_for_every_sensor(tmp_path: Path) -> None:
    limits = limits_for(None, BASE)
    assert limits.sensor("anything") == BASE
    with pytest.raises(LimitsError, match="no such file"):
        load_limits(tmp_path / "missing.toml", BASE)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b"# caf\xe9\n")
    with pytest.raises(LimitsError, match=r"not UTF-8 text \(byte 6\)"):
        load_limits(bad, BASE)


def test_the_engine_uses_each_sensors_own_limits_and_silence_limit() -> None:
    limits = parse_limits(FILE, "room2.toml", BASE)
    board = FreezerBoard("t", Thresholds(-5, 5), limits=limits)
    t = 1000.0
    events = []
    for i in range(2):
        events += board.add(Reading("chiller-1", 6.0, t + i, 0, 0), t + i)  # inside 0..8: no alert
        events += board.add(Reading("freezer-1", -12.0, t + i, 0, 0), t + i)  # above -15: too warm
    assert [(e.sensor, e.kind) for e in events] == [("freezer-1", AlertKind.TOO_WARM)]
    # silence: chiller-9 may be quiet for 120 s, the others for 60 s
    board.add(Reading("chiller-9", 5.0, t, 0, 0), t)
    stale = board.tick(t + 90)
    assert {e.sensor for e in stale} == {"chiller-1", "freezer-1"}
    assert board.engine.status("chiller-9", t + 90) is not SensorStatus.STALE
    assert {e.sensor for e in board.tick(t + 125)} == {"chiller-9"}
    view = board.view(t + 125)
    row = next(r for r in view.rows if r.sensor == "chiller-1")
    assert (row.tmin, row.tmax, row.hysteresis, row.entry) == (0, 8, 0.25, "chiller-*")
    assert view.limits_file == "room2.toml"
    assert dict(zip((s for s, _ in view.chart), view.chart_limits, strict=True))["chiller-1"] == (0, 8)


def test_new_limits_apply_to_every_known_sensor_and_clear_what_they_no_longer_justify() -> None:
    engine = AlertEngine(Thresholds(-5, 5))
    for i in range(2):
        engine.observe(Reading("chiller-1", 6.0, 100.0 + i, 0, 0))
    assert engine.status("chiller-1", 102) is SensorStatus.TOO_WARM
    limits = parse_limits(FILE, "room2.toml", BASE)

    def resolve(name: str) -> tuple[Thresholds, float | None]:
        own = limits.sensor(name)
        return own.thresholds, own.stale_after

    cleared = engine.set_resolver(resolve, limits.defaults.thresholds, 60.0, now=103.0)
    assert [(e.sensor, e.raised) for e in cleared] == [("chiller-1", False)]
    assert engine.stale_after_for("chiller-1") == 60.0


def test_writing_an_entry_back_keeps_comments_order_and_the_other_entries(tmp_path: Path) -> None:
    path = tmp_path / "room2.toml"
    path.write_text(FILE, encoding="utf-8")
    limits = save_sensor_entry(path, "chiller-*", Thresholds(1, 7.5, 0.5), BASE)
    text = path.read_text(encoding="utf-8")
    assert "# freezer room 2" in text and "# the old one runs warm" in text and "# the room's sensors" in text
    assert text.index('[sensors."chiller-*"]') < text.index("[sensors.chiller-9]") < text.index("[groups.audit]")
    assert limits.sensor("chiller-2").thresholds.tmax == 7.5
    assert load_limits(path, BASE) == limits  # what was written reads back the same
    # a sensor on the defaults gets its own entry; the defaults themselves can be edited too
    limits = save_sensor_entry(path, "freezer-7", Thresholds(-25, -18), BASE)
    limits = save_sensor_entry(path, None, Thresholds(-22, -16), BASE)
    assert limits.sensor("freezer-7").thresholds.tmax == -18
    assert limits.sensor("freezer-1").thresholds.tmax == -16
    assert load_limits(path, BASE) == limits


def test_groups_view_marks_the_groups_over_their_lag_limit() -> None:
    limits = parse_limits(FILE, "room2.toml", BASE)

    def row(gid: str, seconds: float | None) -> GroupRow:
        return GroupRow(gid, "Stable", "classic", 1, ("t",), 10, (10,), 1.0, 1.0, None, seconds, GroupStatus.OK)

    view = with_lag_limits(GroupsView(1.0, (row("orders-1", 90), row("orders-2", 30), row("x", 999)), ()), limits)
    assert [(g.group_id, g.over_limit) for g in view.groups] == [("orders-1", True), ("orders-2", False), ("x", False)]
    unknown = with_lag_limits(GroupsView(1.0, (row("orders-3", None),), ()), limits)
    assert not unknown.groups[0].over_limit  # unknown lag is never over
