"""What every pane shares: the events it shows, held until it can show them."""

from __future__ import annotations

from typing import ClassVar

from textual.message import Message

from kafkatui.tui.guard import GuardedHandlers

HELD_LIMIT = 200  # one-off events (alerts, results) kept for a pane not yet composed


class PaneReady(Message):
    """Posted when a pane is mounted (panes are mounted lazily, after the first frame)."""

    def __init__(self, pane: PaneMixin) -> None:
        super().__init__()
        self.pane = pane


class PaneMixin(GuardedHandlers):
    """Panes list the worker event types they show in EVENTS and implement `apply`.

    The app hands events to `deliver`, never straight to `apply`: a pane mounted lazily is in the
    DOM before its children are composed, and a view applied then would look for widgets that do
    not exist yet. Until the pane is mounted (its children are composed before its Mount event)
    it holds what it is sent — the newest of each whole-state view, one-off events in order —
    and applies it on mount.
    """

    EVENTS: ClassVar[tuple[type, ...]] = ()
    composed: bool = False

    def on_mount(self) -> None:
        # Textual calls this besides a pane's own on_mount (after the children are mounted)
        self.composed = True
        held = self.__dict__.pop("_held", [])
        for event in held:
            self.apply(event)
        self.post_message(PaneReady(self))  # the app replays the latest state it holds

    def deliver(self, event: object) -> None:
        """Apply the event now, or hold it until the pane's children exist."""
        if self.composed:
            self.apply(event)
            return
        held: list[object] = self.__dict__.setdefault("_held", [])
        if getattr(type(event), "COALESCE", False):
            held[:] = [e for e in held if type(e) is not type(event)]
        held.append(event)
        if len(held) > HELD_LIMIT:
            del held[0]

    def apply(self, event: object) -> None:
        raise NotImplementedError

    def unavailable_reason(self, action: str) -> str | None:
        """Why `action` (an action name of this pane) cannot run now, for the command palette;
        None when it can. Read-only mode is checked by the palette itself."""
        return None

    def tick(self) -> None:
        """Called once a second (ages, 'seen N s ago'); nothing by default."""
