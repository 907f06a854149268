"""Keyed DataTable updates: change cells in place so cursor and scroll survive a refresh.

Every cell that reaches a DataTable here passes `plain_cell`: Textual's DataTable reads a `str`
cell as Rich markup (a group named ``[/]`` raises MarkupError, ``[bold red]x`` restyles), and a
cell holding ESC or BEL would drive the terminal. Panes still pass external text through
`kafkatui.domain.text.inert` with the column's own limit; this is the net under them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter
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


def sync_rows(
    table: DataTable[Any],
    columns: Sequence[str],
    rows: Mapping[str, Sequence[Any]],
    limits: Mapping[str, int] | None = None,
) -> None:
    """Make `table` hold exactly `rows` (key -> cells) without clearing it.

    Each cell passes `plain_cell` with its column's limit (`limits`, else CELL_LIMIT).

    Column widths follow the new cells. Textual re-measures a whole column for every updated
    cell that got narrower (quadratic: 500 rows with a changing sparkline took seconds of the
    event loop), so a column with several changed cells is measured here once instead.
    """
    existing = {key.value for key in table.rows}
    for key in existing - set(rows):
        table.remove_row(RowKey(key))
    changed: dict[str, list[tuple[str, Any]]] = {}
    caps = [(limits or {}).get(column, CELL_LIMIT) for column in columns]
    for key, raw in rows.items():
        cells = [plain_cell(cell, cap) for cell, cap in zip(raw, caps, strict=True)]
        if key in existing:
            old = table.get_row(key)
            for column, new, was in zip(columns, cells, old, strict=True):
                if new != was:
                    changed.setdefault(column, []).append((key, new))
        else:
            table.add_row(*cells, key=key)
    for column, updates in changed.items():
        if len(updates) == 1:
            key, new = updates[0]
            table.update_cell(key, column, new, update_width=True)
            continue
        for key, new in updates:
            table.update_cell(key, column, new)
        _fit_column(table, column)


def _fit_column(table: DataTable[Any], column: str) -> None:
    """Set a column's width to its widest cell (one pass), as Textual would."""
    console = table.app.console
    widest_key: RowKey | None = None
    widest = -1
    for row_key, row in table.rows.items():
        cell = table.get_cell(row_key, column)
        width = measure(console, default_cell_formatter(cell, wrap=row.height != 1, height=row.height), 1)
        if width > widest:
            widest_key, widest = row_key, width
    col = table.columns[ColumnKey(column)]
    col.content_width = max(widest, measure(console, col.label, 1))
    if widest_key is not None:
        # the widest cell is not narrower than the column: Textual only updates the dimensions
        table.update_cell(widest_key, column, table.get_cell(widest_key, column), update_width=True)


def set_columns(table: DataTable[Any], columns: Sequence[str]) -> bool:
    """Give `table` exactly these columns, in this order (a pane narrower or wider than before
    shows another set). True when they changed: the rows were dropped and must be added again."""
    if [key.value for key in table.columns] == list(columns):
        return False
    table.clear(columns=True)
    for name in columns:
        table.add_column(name, key=name)
    return True


def pick(cells: Sequence[Any], all_columns: Sequence[str], columns: Sequence[str]) -> tuple[Any, ...]:
    """The cells of `columns`, from cells given in the order of `all_columns`."""
    return tuple(cells[all_columns.index(name)] for name in columns)
