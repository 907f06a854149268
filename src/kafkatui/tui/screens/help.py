"""`?`: every key the app and its panes answer to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kafkatui.tui.guard import GuardedHandlers


def key_table(sections: Iterable[tuple[str, Iterable[Binding]]]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("where")
    table.add_column("key")
    table.add_column("does")
    for section, bindings in sections:
        for b in bindings:
            if not b.description:
                continue
            table.add_row(section, b.key_display or b.key, b.description)
    return table


class HelpScreen(GuardedHandlers, ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help")
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 80%; border: round $accent; background: $surface; padding: 1 2; }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]], extra: str = "") -> None:
        super().__init__()
        self.sections = sections
        self.extra = extra

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]kafkatui keys[/b]   (escape closes)\n")
            yield Static(key_table(self.sections))
            if self.extra:
                yield Static(Text("\n" + self.extra))  # a file path: literal text, not markup
