"""The Groups pane with 2,000 groups: a filter keystroke re-filters rows it already has; it builds
no cells and measures nothing again (a keyed DataTable spent 0.2-1.6 s per key re-indexing rows)."""

from __future__ import annotations

from collections.abc import Callable

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.groups import GroupFacts, GroupsView, GroupTracker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes import groups as groups_pane
from kafkatui.tui.panes.groups import GroupsPane
from kafkatui.tui.widgets.virtual_table import VirtualTable

GROUPS = 2000
PARTITIONS = 10


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        pass

    def start(self) -> None:
        pass

    def submit(self, command: Command) -> None:
        pass

    def stop(self, timeout: float = 0.25) -> bool:
        return True


def big_view() -> GroupsView:
    facts = []
    ends = {}
    for g in range(GROUPS):
        topic = f"orders-{g % 10}"
        committed = {(topic, p): g + p for p in range(PARTITIONS)}
        facts.append(GroupFacts(f"svc-{g:04d}", "Empty", "classic", (), committed=committed))
        ends.update({(topic, p): 5000 + p for p in range(PARTITIONS)})
    return GroupTracker().update(canned.NOW, facts, ends)


async def test_filter_keystrokes_over_2000_groups_build_no_cells(monkeypatch: object) -> None:
    app = KafkaTuiApp(canned.settings(), worker_factory=FakeWorker, clock=canned.clock)  # type: ignore[arg-type]
    view = big_view()
    async with app.run_test(size=(160, 48)) as pilot:
        app.action_pane("groups")
        app.apply(view)
        await pilot.pause()
        pane = app.query_one(GroupsPane)
        table = app.query_one("#groups-list")
        assert isinstance(table, VirtualTable)  # draws only the visible lines
        assert table.row_count == GROUPS
        built: list[str] = []
        original = groups_pane.group_cells

        def counting(g: object) -> object:
            built.append(getattr(g, "group_id", "?"))
            return original(g)  # type: ignore[arg-type]

        monkeypatch.setattr(groups_pane, "group_cells", counting)  # type: ignore[attr-defined]
        await pilot.press("slash")
        for text in ("s", "svc-1", "svc-19", "svc-199", "svc-19", "svc-1", ""):
            app.query_one("#groups-filter").value = text  # type: ignore[attr-defined]
            await pilot.pause()
            expected = sum(1 for g in range(GROUPS) if text in f"svc-{g:04d}")
            assert table.row_count == expected, text  # type: ignore[attr-defined]
            assert pane.filter_text == text
        assert built == [], f"{len(built)} rows' cells rebuilt by filter keystrokes"
        await pilot.press("escape")
        pane.action_sort()  # a re-sort builds none either
        await pilot.pause()
        assert built == []
