"""`e` on the Freezer pane: edit the selected sensor's min/max/hysteresis (`d`: the defaults); bad input
gets an inline message. What the edit applies to (an entry of the limits file, saved back to it) is
named in the title."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kafkatui.domain.alerts import Thresholds, parse_thresholds
from kafkatui.domain.text import inert
from kafkatui.tui.guard import GuardedHandlers


class LimitsScreen(GuardedHandlers, ModalScreen[Thresholds | None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    LimitsScreen { align: center middle; }
    LimitsScreen > Vertical { width: 64; height: auto; border: round $accent; background: $surface; padding: 1 2; }
    LimitsScreen Horizontal { height: 3; }
    LimitsScreen Label { width: 14; padding: 1 0 0 0; }
    LimitsScreen Input { width: 1fr; }
    LimitsScreen #limits-message { height: auto; padding: 1 0 0 0; }
    """

    def __init__(self, current: Thresholds, *, subject: str = "all sensors") -> None:
        super().__init__()
        self.current = current
        self.subject = subject  # what the limits apply to, in words (inert: it may name a sensor)

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Freezer limits", "bold")
            title.append(f" ({inert(self.subject, 120)}). Enter applies, escape cancels.", "")
            yield Static(title)
            for key, label, value in (
                ("tmin", "min °C", self.current.tmin),
                ("tmax", "max °C", self.current.tmax),
                ("hysteresis", "hysteresis °C", self.current.hysteresis),
            ):
                with Horizontal():
                    yield Label(label)
                    yield Input(f"{value:g}", id=key)
            yield Static("", id="limits-message")
            with Horizontal():
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.apply()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.apply()

    def apply(self) -> None:
        try:
            limits = parse_thresholds(
                self.query_one("#tmin", Input).value,
                self.query_one("#tmax", Input).value,
                self.query_one("#hysteresis", Input).value,
                min_count=self.current.min_count,
                min_duration=self.current.min_duration,
            )
        except ValueError as exc:
            # the message quotes what was typed: literal text ('[/]' is not markup here)
            message = Text(inert(str(exc), 120), "bold red")
            message.append(f": still {self.current.tmin:g} .. {self.current.tmax:g} °C")
            self.query_one("#limits-message", Static).update(message)
            return
        self.dismiss(limits)

    def action_cancel(self) -> None:
        self.dismiss(None)
