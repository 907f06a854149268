"""One rule for hidden panes: a pane behind another tab draws nothing, holds the newest view of
each kind, and shows it at once when its tab opens; its `tick` does not run while hidden. One-off
events (alerts, action results) still reach the user on any pane."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.widgets import Static

import canned
from kafkatui.domain.alerts import AlertBatch, AlertEvent, AlertKind
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.topic_actions import ActionResult
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.cluster import ClusterPane
from kafkatui.tui.panes.freezer import FreezerPane
from kafkatui.tui.widgets.virtual_table import VirtualTable

SIZE = (120, 40)


class Clock:
    def __init__(self) -> None:
        self.now = canned.NOW

    def __call__(self) -> float:
        return self.now


def _summary(app: KafkaTuiApp) -> str:
    rendered = app.query_one("#cluster-summary", Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def test_a_hidden_pane_draws_nothing_and_shows_the_newest_view_when_opened() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the Cluster pane is open, the Freezer pane is hidden
        pane = app.query_one(FreezerPane)
        table = app.query_one("#sensors", VirtualTable)
        view: FreezerView = canned.freezer_view()
        older = replace(view, rows=view.rows[:1])
        app.apply(older)
        app.apply(view)
        await pilot.pause()
        assert pane.view is None and table.row_count == 0  # nothing drawn for nobody
        app.action_pane("freezer")
        # at once, before the next frame, and the newest view, not the older one held before it
        assert pane.view is view and table.row_count == len(view.rows)
        app.apply(older)  # shown now: applied when it comes
        assert pane.view is older and table.row_count == 1


async def test_tick_does_not_run_while_hidden_and_the_pane_is_current_when_shown() -> None:
    clock = Clock()
    app = KafkaTuiApp(canned.settings(), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.apply(canned.cluster())
        await pilot.pause()
        assert "refreshed 2 s ago" in _summary(app)
        app.action_pane("topics")
        clock.now += 60
        app._tick()
        await pilot.pause()
        assert "refreshed 2 s ago" in _summary(app)  # hidden: not redrawn every second
        app.apply(replace(canned.cluster(), ts=clock.now - 5))  # held while hidden
        assert "refreshed 2 s ago" in _summary(app)
        app.action_pane("cluster")
        assert "refreshed 5 s ago" in _summary(app)  # the held snapshot, with its age now
        pane = app.query_one(ClusterPane)
        assert pane.snapshot is not None and pane.snapshot.ts == clock.now - 5


async def test_one_off_events_reach_the_user_while_their_pane_is_hidden() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.apply(ActionResult(canned.NOW, "create", "orders", True, "Created 'orders' with 3 partitions."))
        raised = AlertEvent(AlertKind.TOO_WARM, "sensor1", True, 9.5, 5.0, canned.NOW)
        app.apply(AlertBatch((raised,)))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "Created 'orders' with 3 partitions." in messages
        assert any("sensor1" in m for m in messages)
