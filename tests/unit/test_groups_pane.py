"""Pilot tests of the Groups pane: keyed rows, selection, filter/sort, reset flow, rules help."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from textual.widgets import Button, DataTable, Input, Select

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.groups import (
    ApplyReset,
    GroupFacts,
    GroupsView,
    GroupTracker,
    Member,
    PreviewReset,
    ResetLine,
    ResetPreview,
    ResetResult,
    ResetSpec,
    ResetTarget,
)
from kafkatui.domain.lag import STATUS_RULES
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.groups import GroupsPane
from kafkatui.tui.screens.group_help import GroupRulesScreen, rules_table
from kafkatui.tui.screens.group_reset import GroupResetScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable

T = "orders"
MEMBER = Member("consumer-1-abc", "/127.0.0.1", "consumer-1", ((T, 0), (T, 1)))


def view(tracker: GroupTracker, ts: float, lag: int = 5) -> GroupsView:
    facts = [
        GroupFacts("active", "Stable", "consumer", (MEMBER,), committed={(T, 0): 10, (T, 1): 20}),
        GroupFacts("idle", "Empty", "classic", (), committed={(T, 0): 15 - lag}),
    ]
    return tracker.update(ts, facts, {(T, 0): 15, (T, 1): 25})


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.commands: list[Command] = []

    def start(self) -> None:
        pass

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.25) -> bool:
        return True


def make(**settings: object) -> tuple[KafkaTuiApp, list[FakeWorker]]:
    fakes: list[FakeWorker] = []

    def factory(s: Settings, emit: Callable[[object], None]) -> FakeWorker:
        fakes.append(FakeWorker(s, emit))
        return fakes[-1]

    return KafkaTuiApp(canned.settings(**settings), worker_factory=factory, clock=canned.clock), fakes


def cells(table: DataTable[object] | VirtualTable) -> list[list[str]]:
    if isinstance(table, VirtualTable):
        return [[str(c) for c in table.get_row(key)] for key, _ in table.rows]
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_list_detail_and_selection_survive_refreshes() -> None:
    app, _ = make()
    tracker = GroupTracker()
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("groups")
        app.apply(view(tracker, canned.NOW - 5))
        await pilot.pause()
        groups = app.query_one("#groups-list", VirtualTable)
        detail = app.query_one("#group-detail", DataTable)
        assert [r[0] for r in cells(groups)] == ["active", "idle"]  # by total lag: 10, 5
        assert [r[:9] for r in cells(detail)] == [
            ["active", T, "0", "10", "15", "5", "consumer-1-abc", "/127.0.0.1", "consumer-1"],
            ["active", T, "1", "20", "25", "5", "consumer-1-abc", "/127.0.0.1", "consumer-1"],
        ]
        groups.focus()
        await pilot.press("down")
        await pilot.pause()
        assert cells(detail) and cells(detail)[0][:9] == ["idle", T, "0", "10", "15", "5", "-", "-", "-"]
        title = str(app.query_one("#group-title").render())
        assert "Consumer group 'idle' has no active members." in title
        # the idle group's lag grows: it sorts first now, and the cursor follows it
        app.apply(view(tracker, canned.NOW, lag=15))
        await pilot.pause()
        assert [r[0] for r in cells(groups)] == ["idle", "active"]
        assert groups.cursor == 0
        assert cells(detail)[0][3:6] == ["0", "15", "15"]
        assert cells(groups)[0][9] == "ERR"  # idle with lag: STOP, rolled up to ERR


async def test_filter_and_sort() -> None:
    app, _ = make()
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("groups")
        app.apply(view(GroupTracker(), canned.NOW))
        await pilot.pause()
        groups = app.query_one("#groups-list", VirtualTable)
        groups.focus()
        await pilot.press("slash")
        await pilot.press(*"empty")
        await pilot.pause()
        assert [r[0] for r in cells(groups)] == ["idle"]
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert [r[0] for r in cells(groups)] == ["active", "idle"]
        pane = app.query_one(GroupsPane)
        await pilot.press("s")  # lag -> group
        assert pane.sort_key == "group"
        await pilot.press("S")
        await pilot.pause()
        assert [r[0] for r in cells(groups)] == ["idle", "active"]
        assert "sort group ↑" in str(app.query_one("#groups-summary").render())


async def test_reset_flow_sends_the_previewed_offsets() -> None:
    app, fakes = make()
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("groups")
        app.apply(view(GroupTracker(), canned.NOW))
        await pilot.pause()
        groups = app.query_one("#groups-list", VirtualTable)
        groups.focus()
        await pilot.press("x")  # "active" is selected: refused before any form
        await pilot.pause()
        assert not isinstance(app.screen, GroupResetScreen)
        assert any("active member" in n.message for n in app._notifications)
        await pilot.press("down", "x")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GroupResetScreen) and screen.group == "idle"
        screen.query_one("#reset-target", Select).value = "shift"
        screen.query_one("#reset-value", Input).value = "-3"
        await pilot.pause()
        await pilot.click("#preview")
        await pilot.pause()
        spec = ResetSpec(ResetTarget.SHIFT, -3)
        assert fakes[0].commands[-1] == PreviewReset("idle", spec, None)
        assert screen.query_one("#apply", Button).disabled
        app.apply(ResetPreview("idle", spec, (ResetLine(T, 0, 10, 7),)))
        await pilot.pause()
        table = screen.query_one("#reset-preview", DataTable)
        assert cells(table) == [[T, "0", "10", "7", "-3", ""]]
        assert not screen.query_one("#apply", Button).disabled
        await pilot.click("#apply")
        await pilot.pause()
        assert fakes[0].commands[-1] == ApplyReset("idle", ((T, 0, 7),))
        app.apply(ResetResult("idle", True, "Offsets of 1 partition of idle reset.", ((T, 0, 7),)))
        await pilot.pause()
        assert "reset" in str(screen.query_one("#reset-message").render())
        assert screen.query_one("#apply", Button).disabled


async def test_refused_preview_keeps_apply_disabled_and_bad_input_is_explained() -> None:
    app, fakes = make()
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("groups")
        app.apply(view(GroupTracker(), canned.NOW))
        await pilot.pause()
        app.push_screen(GroupResetScreen("idle", canned.clock))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#reset-target", Select).value = "offset"
        screen.query_one("#reset-value", Input).value = "-5"
        await pilot.pause()
        await pilot.click("#preview")
        await pilot.pause()
        assert "negative" in str(screen.query_one("#reset-message").render())
        assert fakes[0].commands == []
        app.apply(ResetPreview("idle", ResetSpec(ResetTarget.EARLIEST), (), "group idle is active"))
        await pilot.pause()
        assert "Refused: group idle is active" in str(screen.query_one("#reset-message").render())
        assert screen.query_one("#apply", Button).disabled


async def test_read_only_disables_reset() -> None:
    app, fakes = make(read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("groups")
        app.apply(view(GroupTracker(), canned.NOW))
        await pilot.pause()
        app.query_one("#groups-list", VirtualTable).focus()
        await pilot.press("down", "x")
        await pilot.pause()
        assert not isinstance(app.screen, GroupResetScreen)
        assert any("read-only" in n.message for n in app._notifications)
        assert fakes[0].commands == []


async def test_status_rules_help() -> None:
    app, _ = make()
    async with app.run_test(size=(160, 40)) as pilot:
        app.action_pane("groups")
        await pilot.pause()  # the pane switch settles (focus moves with it) before the key
        app.query_one("#groups-list", VirtualTable).focus()
        await pilot.pause()
        await pilot.press("i")
        for _ in range(20):  # a loaded machine can take a few frames to push the screen
            if isinstance(app.screen, GroupRulesScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, GroupRulesScreen)
        console = Console(width=120, record=True)
        console.print(rules_table())
        out = console.export_text()
        for name, sentence in STATUS_RULES:
            assert name in out and sentence[:30] in out
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, GroupRulesScreen)
