"""sync_rows: many changed cells in a column are measured once, with Textual's widths."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from kafkatui.tui.widgets.keyed_table import sync_rows

COLUMNS = ("NAME", "LAG")


class Tables(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(id="synced")
        yield DataTable(id="fresh")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for c in COLUMNS:
                table.add_column(c, key=c)


def widths(table: DataTable[Any]) -> list[int]:
    return [table.columns[c].content_width for c in table.columns]  # type: ignore[index]


async def test_batched_updates_keep_the_cells_and_widths_textual_computes() -> None:
    app = Tables()
    async with app.run_test() as pilot:
        synced = app.query_one("#synced", DataTable)
        fresh = app.query_one("#fresh", DataTable)
        wide = {f"g{i}": (f"g{i}", "1" * 12) for i in range(40)}
        sync_rows(synced, COLUMNS, wide)
        await pilot.pause()
        assert widths(synced)[1] == 12
        # every lag changes and gets narrower (Textual alone re-measures the column per cell),
        # one gets wider than any before; one row goes, one comes
        changed = {f"g{i}": (f"g{i}", str(i)) for i in range(1, 40)}
        changed["g7"] = ("g7", "7" * 15)
        changed["new"] = ("new", "5")
        sync_rows(synced, COLUMNS, changed)
        for key, cells in changed.items():
            fresh.add_row(*cells, key=key)
        await pilot.pause()
        assert [synced.get_row(k) for k in changed] == [list(v) for v in changed.values()]
        assert widths(synced) == widths(fresh) == [4, 15]
        # the widest cell narrows again: the column shrinks to the next widest
        changed["g7"] = ("g7", "7")
        sync_rows(synced, COLUMNS, changed)
        await pilot.pause()
        assert widths(synced) == [4, 3]
