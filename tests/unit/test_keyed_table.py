"""One way to update a table: `show_rows` on KeyedTable (small) and VirtualTable (big). Cursor and
scroll survive refreshes; a KeyedTable measures many changed cells of a column once, with the
widths Textual computes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from kafkatui.tui.widgets.keyed_table import KeyedTable, RowsTable
from kafkatui.tui.widgets.virtual_table import VirtualTable

COLUMNS = (("NAME", "NAME"), ("LAG", "LAG"))


class Tables(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, id="synced")
        yield DataTable(id="fresh")
        yield VirtualTable(COLUMNS, id="virtual")

    def on_mount(self) -> None:
        fresh = self.query_one("#fresh", DataTable)
        for key, label in COLUMNS:
            fresh.add_column(label, key=key)


def widths(table: DataTable[Any]) -> list[int]:
    return [table.columns[c].content_width for c in table.columns]  # type: ignore[index]


def rows(n: int, lag: str = "1") -> list[tuple[str, Sequence[str]]]:
    return [(f"g{i:02d}", (f"g{i:02d}", lag)) for i in range(n)]


async def test_batched_updates_keep_the_cells_and_widths_textual_computes() -> None:
    app = Tables()
    async with app.run_test() as pilot:
        synced = app.query_one("#synced", KeyedTable)
        fresh = app.query_one("#fresh", DataTable)
        synced.show_rows([(f"g{i}", (f"g{i}", "1" * 12)) for i in range(40)])
        await pilot.pause()
        assert widths(synced)[1] == 12
        # every lag changes and gets narrower (Textual alone re-measures the column per cell),
        # one gets wider than any before; one row goes, one comes
        changed = {f"g{i}": (f"g{i}", str(i)) for i in range(1, 40)}
        changed["g7"] = ("g7", "7" * 15)
        changed["new"] = ("new", "5")
        synced.show_rows(list(changed.items()))
        for key, cells in changed.items():
            fresh.add_row(*cells, key=key)
        await pilot.pause()
        assert [synced.get_row(k) for k in changed] == [list(v) for v in changed.values()]
        assert widths(synced) == widths(fresh) == [4, 15]
        # the widest cell narrows again: the column shrinks to the next widest
        changed["g7"] = ("g7", "7")
        synced.show_rows(list(changed.items()))
        await pilot.pause()
        assert widths(synced) == [4, 3]


@pytest.mark.parametrize("table_id", ["synced", "virtual"])
async def test_cursor_stays_on_its_key_through_changes_reorders_and_removals(table_id: str) -> None:
    app = Tables()
    async with app.run_test(size=(60, 40)) as pilot:
        table: RowsTable = app.query_one(f"#{table_id}")  # type: ignore[assignment]
        table.show_rows(rows(20))
        await pilot.pause()
        _move_to(table, 7)
        assert table.cursor_key == "g07"
        table.show_rows(rows(20, lag="9"))  # every cell changed
        assert table.cursor_key == "g07"
        table.show_rows(list(reversed(rows(20))))  # another order
        assert table.cursor_key == "g07"
        table.show_rows([r for r in rows(25) if r[0] != "g03"])  # one gone, new ones come
        assert table.cursor_key == "g07"
        table.show_rows([r for r in rows(25) if r[0] != "g07"])  # the cursor's own row goes
        assert table.cursor_key is not None and table.cursor_key != "g07"
        table.show_rows([])
        assert table.cursor_key is None


async def test_scroll_survives_a_reorder() -> None:
    app = Tables()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one("#synced", KeyedTable)
        table.show_rows(rows(60))
        await pilot.pause()
        table.move_cursor(row=40)
        await pilot.pause()
        top = table.scroll_y
        assert top > 0
        shuffled = rows(60)
        shuffled[0], shuffled[1] = shuffled[1], shuffled[0]  # far above the screen
        table.show_rows(shuffled)
        await pilot.pause()
        assert table.cursor_key == "g40" and table.scroll_y == top
        assert [str(k.value) for k in table.rows][:2] == ["g01", "g00"]


async def test_other_rows_altogether_start_from_the_top() -> None:
    app = Tables()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one("#synced", KeyedTable)
        table.show_rows(rows(60))
        await pilot.pause()
        table.move_cursor(row=40)
        await pilot.pause()
        table.show_rows([(f"other{i}", (f"other{i}", "1")) for i in range(60)])  # another group's rows
        await pilot.pause()
        assert table.cursor_key == "other0" and table.scroll_y == 0


async def test_two_rows_with_one_key_are_refused() -> None:
    app = Tables()
    async with app.run_test() as pilot:
        await pilot.pause()
        with pytest.raises(ValueError, match="one key"):
            app.query_one("#synced", KeyedTable).show_rows([("a", ("a", "1")), ("a", ("a", "2"))])


async def test_set_columns_drops_the_rows_only_when_the_columns_change() -> None:
    app = Tables()
    async with app.run_test() as pilot:
        table = app.query_one("#synced", KeyedTable)
        table.show_rows(rows(3))
        await pilot.pause()
        assert not table.set_columns(COLUMNS) and table.row_count == 3
        assert table.set_columns((("LAG", "LAG"), ("NAME", "NAME"))) and table.row_count == 0
        assert table.column_keys == ["LAG", "NAME"]


def _move_to(table: RowsTable, row: int) -> None:
    if isinstance(table, KeyedTable):
        table.move_cursor(row=row)
    else:
        assert isinstance(table, VirtualTable)
        table.move_cursor(row)
