"""Keyed DataTable updates: change cells in place so cursor and scroll survive a refresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


def sync_rows(table: DataTable[Any], columns: Sequence[str], rows: Mapping[str, Sequence[Any]]) -> None:
    """Make `table` hold exactly `rows` (key -> cells) without clearing it."""
    existing = {key.value for key in table.rows}
    for key in existing - set(rows):
        table.remove_row(RowKey(key))
    for key, cells in rows.items():
        if key in existing:
            old = table.get_row(key)
            for column, new, was in zip(columns, cells, old, strict=True):
                if new != was:
                    table.update_cell(key, column, new, update_width=True)
        else:
            table.add_row(*cells, key=key)
