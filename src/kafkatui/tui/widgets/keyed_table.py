"""Small keyed tables: cells change in place, so cursor and scroll survive a refresh.

Every cell that reaches a DataTable here passes `plain_cell`: Textual's DataTable reads a `str`
cell as Rich markup (a group named ``[/]`` raises MarkupError, ``[bold red]x`` restyles), and a
cell holding ESC or BEL would drive the terminal. Panes still pass external text through
`kafkatui.domain.text.inert` with the column's own limit; this is the net under them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from kafkatui.domain.text import inert

CELL_LIMIT = 120  # characters: no DataTable column of ours needs more


def plain_cell(cell: Any, limit: int = CELL_LIMIT) -> Any:
    """A cell as literal text: a `str` that markup could read (or that is not one short printable
    line) becomes a plain `Text` through `inert`; a `Text` with control characters or longer than
    `limit` is rebuilt the same way, keeping its style. Other values pass unchanged."""
    if isinstance(cell, str):
        if "[" not in cell and len(cell) <= limit and cell.isprintable():
            return cell  # markup would read it as it is: keep the cheap str
        return Text(inert(cell, limit), end="")
    if isinstance(cell, Text):
        plain = cell.plain
        if len(plain) <= limit and plain.isprintable():
            return cell
        return Text(inert(plain, limit), style=cell.style, end="")
    return cell


class RowsTable(Protocol):
    """How a pane updates any table of ours: `KeyedTable` (small) or `VirtualTable` (big)."""

    @property
    def cursor_key(self) -> str | None: ...

    def show_rows(self, rows: Sequence[tuple[str, Sequence[Any]]]) -> None: ...

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> bool: ...


class KeyedTable(DataTable[Any]):
    """A DataTable for small tables (brokers, partitions, a group's detail, delivery reports)
    that a pane updates the one way every table of ours is updated: `show_rows(rows)`.

    `VirtualTable` (big lists) has the same `show_rows`, `set_columns` and `cursor_key`, so a
    pane does not care which of the two draws its rows (`RowsTable`).
    """

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        *,
        limits: Mapping[str, int] | None = None,
        zebra: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra)
        self.limits = dict(limits or {})
        for key, label in columns:
            self.add_column(label, key=key)

    @property
    def column_keys(self) -> list[str]:
        return [str(key.value) for key in self.columns]

    @property
    def cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> bool:
        """Show these columns, in this order (a pane narrower or wider than before shows another
        set). True when they changed: the rows were dropped and must be given again."""
        if self.column_keys == [key for key, _ in columns]:
            return False
        self.clear(columns=True)
        for key, label in columns:
            self.add_column(label, key=key)
        return True

    def show_rows(self, rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Hold exactly `rows` ((key, cells), in this order). Cells that did not change are not
        touched; the cursor stays on its key (or its place, when the key is gone) and the
        scroll stays where it was. Rows none of which were shown before start from the top.

        Each cell passes `plain_cell` with its column's limit (`limits`, else CELL_LIMIT).
        Column widths follow the new cells. Textual re-measures a whole column for every updated
        cell that got narrower (quadratic: 500 rows with a changing sparkline took seconds of the
        event loop), so a column with several changed cells is measured here once instead.
        """
        columns = self.column_keys
        shown = [str(key.value) for key in self.rows]  # in the order drawn (we never sort)
        keys = [key for key, _ in rows]
        if len(set(keys)) != len(keys):
            raise ValueError("show_rows: two rows with one key")
        kept = set(shown) & set(keys)
        if shown and not kept:
            self.clear()  # other rows altogether (another group, another topic): from the top
            shown = []
        if [k for k in shown if k in kept] != [k for k in keys if k in kept]:
            self._rebuild(rows)  # the same rows in another order: DataTable cannot move a row
            return
        if [k for k in keys if k in kept] != keys[: len(kept)]:
            self._rebuild(rows)  # a new row before a kept one: DataTable only appends
            return
        for key in set(shown) - kept:
            self.remove_row(RowKey(key))
        changed: dict[str, list[tuple[str, Any]]] = {}
        caps = [self.limits.get(column, CELL_LIMIT) for column in columns]
        for key, raw in rows:
            cells = [plain_cell(cell, cap) for cell, cap in zip(raw, caps, strict=True)]
            if key in kept:
                old = self.get_row(key)
                for column, new, was in zip(columns, cells, old, strict=True):
                    if new != was:
                        changed.setdefault(column, []).append((key, new))
            else:
                self.add_row(*cells, key=key)
        for column, updates in changed.items():
            if len(updates) == 1:
                key, new = updates[0]
                self.update_cell(key, column, new, update_width=True)
                continue
            for key, new in updates:
                self.update_cell(key, column, new)
            self._fit_column(column)

    def _rebuild(self, rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Clear and add every row, keeping the cursor's key (or place) and the scroll."""
        keep, place = self.cursor_key, self.cursor_row
        x, y = self.scroll_x, self.scroll_y
        self.clear()
        self.show_rows(rows)
        if not self.row_count:
            return
        index = next((i for i, (key, _) in enumerate(rows) if key == keep), min(place, self.row_count - 1))
        self.move_cursor(row=index, animate=False, scroll=False)
        self.scroll_to(x, y, animate=False, immediate=True)

    def _fit_column(self, column: str) -> None:
        """Set a column's width to its widest cell (one pass), as Textual would."""
        widest_key: RowKey | None = None
        widest = -1
        for row_key in self.rows:
            width = cell_width(self.get_cell(row_key, column))
            if width > widest:
                widest_key, widest = row_key, width
        col = self.columns[ColumnKey(column)]
        col.content_width = max(widest, col.label.cell_len)
        if widest_key is not None:
            # the widest cell is not narrower than the column: Textual only updates the dimensions
            self.update_cell(widest_key, column, self.get_cell(widest_key, column), update_width=True)


def cell_width(cell: Any) -> int:
    """How many columns a one-line cell takes, as DataTable draws it (a `str` reaching it has
    passed `plain_cell`: no markup left to read)."""
    if isinstance(cell, Text):
        return cell.cell_len
    return cell_len(cell if isinstance(cell, str) else str(cell))


def pick(cells: Sequence[Any], all_columns: Sequence[str], columns: Sequence[str]) -> tuple[Any, ...]:
    """The cells of `columns`, from cells given in the order of `all_columns`."""
    return tuple(cells[all_columns.index(name)] for name in columns)
