"""`i` on the Groups pane: what each lag status means (lag.STATUS_RULES) and how it is measured."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kafkatui.domain.lag import STATUS_RULES
from kafkatui.tui.guard import GuardedHandlers

EXPLAINED = (
    "LAG = log-end offset − committed offset, never negative; '-' where the group has no "
    "commit (as kafka-consumer-groups prints it).\n"
    "LAG TIME: how long ago the partition's end offset was where the commit is now, from the "
    "(end offset, time) samples taken at each refresh.\n"
    "DRAIN: lag ÷ (consume rate − produce rate) over the window; ∞ when the group is not "
    "catching up.\n"
    "Status follows Burrow's rules over the last 10 refreshes; the rules are tried in this order:"
)


def rules_table() -> Table:
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("status")
    table.add_column("when")
    for name, text in STATUS_RULES:
        table.add_row(name, text)
    return table


class GroupRulesScreen(GuardedHandlers, ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,q,i", "dismiss", "Close")
    ]
    DEFAULT_CSS = """
    GroupRulesScreen { align: center middle; }
    GroupRulesScreen > VerticalScroll {
        width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]Consumer-group lag status[/b]   (escape closes)\n")
            yield Static(EXPLAINED + "\n")
            yield Static(rules_table())
