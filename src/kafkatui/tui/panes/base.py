"""What every pane shares: the events it shows, and how it asks the worker to do something."""

from __future__ import annotations

from typing import ClassVar

from textual.message import Message

from kafkatui.domain.commands import Command


class SendCommand(Message):
    """Posted by a pane; the app puts the command on the worker's queue."""

    def __init__(self, command: Command) -> None:
        super().__init__()
        self.command = command


class PaneMixin:
    """Panes list the worker event types they show in EVENTS and implement `apply`."""

    EVENTS: ClassVar[tuple[type, ...]] = ()

    def apply(self, event: object) -> None:
        raise NotImplementedError

    def tick(self) -> None:
        """Called once a second (ages, 'seen N s ago'); nothing by default."""
