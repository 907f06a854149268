"""`C`: the cluster profiles; picking one switches the whole app to that cluster."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kafkatui.domain.text import inert
from kafkatui.tui.guard import GuardedHandlers


@dataclass(frozen=True, slots=True)
class ClusterChoice:
    """One line of the list: a profile as `kafkatui clusters` shows it (no secret in it)."""

    name: str
    bootstrap: str  # or why the profile cannot be used now
    protocol: str
    read_only: bool
    usable: bool = True


class ClusterListScreen(GuardedHandlers, ModalScreen[str | None]):
    """Returns the chosen profile's name, or None (escape, or the current one)."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,q", "dismiss", "Close")
    ]
    DEFAULT_CSS = """
    ClusterListScreen { align: center middle; }
    ClusterListScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ClusterListScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, choices: list[ClusterChoice], current: str | None, source: str) -> None:
        super().__init__()
        self.choices = choices
        self.current = current
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical():
            if not self.choices:
                yield Static(
                    Text(
                        f"No cluster profiles. Add [clusters.NAME] tables to {self.source} "
                        "(see the README, Profiles) and open this list again. Escape closes."
                    )
                )
                return
            yield Static(Text("Switch cluster: enter picks, escape closes. Nothing of this cluster is kept."))
            yield OptionList(*[self._option(c) for c in self.choices], id="cluster-list")

    def _option(self, choice: ClusterChoice) -> Option:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("● " if choice.name == self.current else "  ", "bold green")
        text.append(f"{inert(choice.name, 40):<16}", "bold")
        text.append(f" {inert(choice.bootstrap, 200)}", "" if choice.usable else "red")
        if choice.usable:
            text.append(f"  {choice.protocol}", "dim")
        if choice.read_only:
            text.append("  READ-ONLY", "bold magenta")
        return Option(text, id=f"profile-{self.choices.index(choice)}", disabled=not choice.usable)

    def on_mount(self) -> None:
        names = [c.name for c in self.choices]
        if self.current in names:
            self.query_one(OptionList).highlighted = names.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self.choices[event.option_index]
        self.dismiss(None if choice.name == self.current else choice.name)
