"""Keyed DataTable updates: change cells in place so cursor and scroll survive a refresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter
from textual.widgets.data_table import ColumnKey, RowKey


def sync_rows(table: DataTable[Any], columns: Sequence[str], rows: Mapping[str, Sequence[Any]]) -> None:
    """Make `table` hold exactly `rows` (key -> cells) without clearing it.

    Column widths follow the new cells. Textual re-measures a whole column for every updated
    cell that got narrower (quadratic: 500 rows with a changing sparkline took seconds of the
    event loop), so a column with several changed cells is measured here once instead.
    """
    existing = {key.value for key in table.rows}
    for key in existing - set(rows):
        table.remove_row(RowKey(key))
    changed: dict[str, list[tuple[str, Any]]] = {}
    for key, cells in rows.items():
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
