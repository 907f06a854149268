"""`p` on the Freezer pane: pick the field to chart among the numbers of recent records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from kafkatui.domain.mapping import FieldsFound
from kafkatui.domain.readings import DEFAULT_TEMP_FIELDS
from kafkatui.domain.text import inert
from kafkatui.domain.wording import count
from kafkatui.tui.guard import GuardedHandlers

PATH_WIDTH = 40


@dataclass(frozen=True, slots=True)
class FieldChoice:
    path: str | None  # None: the built-in field names


class FieldPickerScreen(GuardedHandlers, ModalScreen[FieldChoice | None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    FieldPickerScreen { align: center middle; }
    FieldPickerScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FieldPickerScreen #picker-title { height: auto; }
    FieldPickerScreen DataTable { height: auto; max-height: 16; }
    FieldPickerScreen #picker-note { height: auto; color: $text-muted; }
    """

    def __init__(self, found: FieldsFound, current: str | None) -> None:
        super().__init__()
        self.found = found
        self.current = current  # the field in use; None: the built-in names
        self.choices: list[FieldChoice] = [FieldChoice(None), *(FieldChoice(f.path) for f in found.fields)]

    def compose(self) -> ComposeResult:
        found = self.found
        with Vertical():
            yield Static(
                Text.assemble(
                    ("Temperature field", "bold"),
                    f": the numbers in the last {count(found.records, 'record')}."
                    " Enter charts the field at once (the chart starts afresh); escape cancels.",
                ),
                id="picker-title",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True, id="picker-fields")
            yield Static(self._note(), id="picker-note")

    def _note(self) -> str:
        found = self.found
        if not found.records:
            return "No record read yet: wait for the topic to bring some, then press p again."
        if not found.fields:
            return (
                f"None of the last {count(found.records, 'record')} is an object or array with a number"
                " (a plain number needs no field)."
            )
        rest = found.records - found.decoded
        if not rest:
            return f"Every one of the {count(found.records, 'record')} is an object with fields."
        return (
            f"{found.decoded:,} of the {count(found.records, 'record')} are objects with fields; the other"
            f" {rest:,} are plain values or not JSON."
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "FIELD", "LAST VALUE", "RECORDS")
        builtin = f"built-in names ({', '.join(DEFAULT_TEMP_FIELDS[:2])}, …)"
        table.add_row(self._mark(None), builtin, "", "", key="0")
        for index, stat in enumerate(self.found.fields, start=1):
            table.add_row(
                self._mark(stat.path),
                inert(stat.path, PATH_WIDTH),
                inert(stat.sample, 20),
                f"{stat.count:,} of {self.found.records:,}",
                key=str(index),
            )
        current = next((i for i, c in enumerate(self.choices) if c.path == self.current), 0)
        table.move_cursor(row=current)
        table.focus()

    def _mark(self, path: str | None) -> Text:
        return Text("●", "bold green") if path == self.current else Text(" ")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        index = int(event.row_key.value or 0)
        self.dismiss(self.choices[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
