"""What every pane shares: the events it shows, held until it can show them."""

from __future__ import annotations

from typing import ClassVar, cast

from textual.message import Message
from textual.widget import Widget
from textual.widgets import TabPane

from kafkatui.domain.events import Event
from kafkatui.domain.models import ConnectionState
from kafkatui.tui.guard import GuardedHandlers

HELD_LIMIT = 200  # events kept for a pane that cannot show them yet


class PaneReady(Message):
    """Posted when a pane is mounted (panes are mounted lazily, after the first frame)."""

    def __init__(self, pane: PaneMixin) -> None:
        super().__init__()
        self.pane = pane


def is_state(event: Event) -> bool:
    """A whole state (a newer one replaces it: `COALESCE` views, the connection state), as
    opposed to a one-off event (an alert, an action's result) that must not be lost."""
    return type(event).COALESCE or isinstance(event, ConnectionState)


class PaneMixin(GuardedHandlers):
    """Panes list the worker event types they show in EVENTS and implement `apply`.

    The app hands events to `deliver`, never straight to `apply`. One rule decides when a pane
    draws: a pane draws only when its children exist and it is the open tab. Until its children
    are composed (a pane mounted lazily is in the DOM before them) it holds what it is sent;
    while it is hidden behind another tab it holds the newest of each whole state (no drawing
    for nobody) but applies one-off events at once, because those are toasts, bells and modal
    updates the user must see on any pane. When the pane is shown (`reveal`, called by the app
    on every tab switch) it applies what it holds, then `tick`s, before the next frame.
    `tick` runs only while the pane is shown.
    """

    EVENTS: ClassVar[tuple[type, ...]] = ()
    composed: bool = False

    def on_mount(self) -> None:
        # Textual calls this besides a pane's own on_mount (after the children are mounted)
        self.composed = True
        self._flush()
        self.post_message(PaneReady(self))  # the app replays the latest state it holds

    @property
    def showing(self) -> bool:
        """True when this pane is the open tab (a pane outside tabs is always shown).

        A pane's `on_show` checks it first: keys typed fast ("5 1 2") switch tabs before the first
        switch's Show event is handled, and focusing a widget of a tab no longer open makes the
        tabs jump back to it."""
        for node in cast(Widget, self).ancestors:  # a pane is a Widget (see the subclasses)
            if isinstance(node, TabPane):
                return node.display
        return True

    def deliver(self, event: Event) -> None:
        """Apply the event now, or hold it until the pane can show it (see the class)."""
        if self.composed and (not is_state(event) or self.showing):
            self.apply(event)
            return
        held: list[Event] = self.__dict__.setdefault("_held", [])
        if is_state(event):
            held[:] = [e for e in held if type(e) is not type(event)]
        held.append(event)
        if len(held) > HELD_LIMIT:
            del held[0]

    def reveal(self) -> None:
        """The pane's tab was opened: apply what it holds and bring its ages up to date."""
        if self.composed and self.showing:
            self._flush()
            self.tick()

    def _flush(self) -> None:
        held: list[Event] = self.__dict__.pop("_held", [])
        showing = self.showing
        kept = []
        for event in held:
            if showing or not is_state(event):
                self.apply(event)
            else:
                kept.append(event)
        if kept:
            self.__dict__["_held"] = kept

    def apply(self, event: object) -> None:
        raise NotImplementedError

    def unavailable_reason(self, action: str) -> str | None:
        """Why `action` (an action name of this pane) cannot run now, for the command palette;
        None when it can. Read-only mode is checked by the palette itself."""
        return None

    def tick(self) -> None:
        """Called once a second while the pane is shown (ages, 'seen N s ago'); nothing by default."""
