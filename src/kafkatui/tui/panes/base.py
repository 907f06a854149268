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


class PaneReady(Message):
    """Posted when a pane is mounted (panes are mounted lazily, after the first frame)."""

    def __init__(self, pane: PaneMixin) -> None:
        super().__init__()
        self.pane = pane


class PaneMixin:
    """Panes list the worker event types they show in EVENTS and implement `apply`."""

    EVENTS: ClassVar[tuple[type, ...]] = ()

    def on_mount(self) -> None:
        # Textual calls this besides a pane's own on_mount; the app replays the latest state
        self.post_message(PaneReady(self))  # type: ignore[attr-defined]

    def apply(self, event: object) -> None:
        raise NotImplementedError

    def unavailable_reason(self, action: str) -> str | None:
        """Why `action` (an action name of this pane) cannot run now, for the command palette;
        None when it can. Read-only mode is checked by the palette itself."""
        return None

    def tick(self) -> None:
        """Called once a second (ages, 'seen N s ago'); nothing by default."""
