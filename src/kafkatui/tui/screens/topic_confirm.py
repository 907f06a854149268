"""Delete a topic (type its name to confirm) and grow a topic's partition count.

The topic's name and what the user typed are shown as literal text (`Text`, through `inert`),
never inside markup: ``[/]`` typed into the field must not break the form.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.domain.topic_actions import AddPartitions, DeleteTopic
from kafkatui.tui.guard import GuardedHandlers

CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 72; height: auto; border: round $accent; background: $surface; padding: 1 2; }}
{name} Horizontal {{ height: 3; }}
{name} Input {{ width: 1fr; }}
{name} .message {{ height: auto; padding: 1 0 0 0; }}
"""


class DeleteTopicScreen(GuardedHandlers, ModalScreen[DeleteTopic | None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = CSS.format(name="DeleteTopicScreen")

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text.assemble(
                    ("Delete topic", "bold red"),
                    " ",
                    (inert(self.topic, NAME_LIMIT), "bold"),
                    ": its messages are gone for good.\nType the topic's name to confirm; escape cancels.",
                )
            )
            yield Input("", placeholder=inert(self.topic, NAME_LIMIT), id="delete-name")
            yield Static("", id="delete-message", classes="message")
            with Horizontal():
                yield Button("Delete", id="delete", variant="error")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "delete":
            self.submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def submit(self) -> None:
        typed = self.query_one("#delete-name", Input).value
        if typed != self.topic:
            self.query_one("#delete-message", Static).update(
                Text(
                    f"'{inert(typed, NAME_LIMIT)}' is not '{inert(self.topic, NAME_LIMIT)}': nothing deleted.",
                    "bold red",
                )
            )
            return
        self.dismiss(DeleteTopic(self.topic))

    def action_cancel(self) -> None:
        self.dismiss(None)


class AddPartitionsScreen(GuardedHandlers, ModalScreen[AddPartitions | None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = CSS.format(name="AddPartitionsScreen")

    def __init__(self, topic: str, current: int) -> None:
        super().__init__()
        self.topic = topic
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text.assemble(
                    ("Add partitions", "bold"),
                    " to ",
                    (inert(self.topic, NAME_LIMIT), "bold"),
                    f" (now {self.current}).\n"
                    "New total; Kafka can only increase it, and keys may map to new partitions.",
                )
            )
            yield Input(str(self.current + 1), id="partitions-total")
            yield Static("", id="partitions-message", classes="message")
            with Horizontal():
                yield Button("Increase", id="increase", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "increase":
            self.submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def submit(self) -> None:
        text = self.query_one("#partitions-total", Input).value.strip()
        message = self.query_one("#partitions-message", Static)
        if not text.isdigit():
            message.update(Text(f"'{inert(text, 40)}' is not a whole number.", "bold red"))
            return
        total = int(text)
        if total <= self.current:
            message.update(
                Text(
                    f"{total} is not more than the current {self.current} partitions: Kafka can only add partitions.",
                    "bold red",
                )
            )
            return
        self.dismiss(AddPartitions(self.topic, total))

    def action_cancel(self) -> None:
        self.dismiss(None)
