"""Per-sensor limits and lag limits on screen: the chart's own limit lines, a group over its limit."""

from __future__ import annotations

from rich.text import Text

from kafkatui.domain.groups import GroupRow
from kafkatui.domain.lag import GroupStatus
from kafkatui.tui.panes.groups import group_cells
from kafkatui.tui.widgets.chart import build_chart

T0 = 1_764_000_000.0


def _row(seconds: float | None, limit: float | None, status: GroupStatus = GroupStatus.OK) -> GroupRow:
    return GroupRow(
        "orders-1", "Stable", "classic", 1, ("t",), 10, (10,), 1.0, 1.0, None, seconds, status, lag_limit=limit
    )


def test_a_group_over_its_lag_limit_is_marked_in_its_status_cell() -> None:
    status = group_cells(_row(90.0, 60.0))[-1]
    assert isinstance(status, Text) and status.plain == "OK >1 min" and "red" in str(status.style)
    assert str(group_cells(_row(30.0, 60.0))[-1]) == "OK"  # under its limit
    assert str(group_cells(_row(None, 60.0, GroupStatus.UNKNOWN))[-1]) == "UNKNOWN"  # unknown is never over
    assert str(group_cells(_row(999.0, None))[-1]) == "OK"  # no limit


def test_the_chart_draws_each_sensors_own_limits_when_they_differ() -> None:
    lines = [("chiller-1", [(T0 - 10, 6.0), (T0, 7.0)]), ("freezer-1", [(T0 - 10, -18.0), (T0, -17.0)])]
    shared = build_chart(lines, T0, 300.0, -5.0, 5.0, 100, 20, [(-5.0, 5.0), (-5.0, 5.0)])
    assert "red: max 5 °C" in Text.from_ansi(shared).plain
    own = Text.from_ansi(build_chart(lines, T0, 300.0, -5.0, 5.0, 100, 20, [(0.0, 8.0), (-20.0, -15.0)])).plain
    assert "limits: each sensor's own, in its color" in own
    assert "-20├" in own and " 10┤" in own  # the y axis reaches both sensors' limits (max 8, min -20)
