"""Messages between the Textual app and the Kafka worker: events in, commands out."""

from __future__ import annotations

from textual.message import Message

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event


class WorkerEvent(Message):
    """One immutable event from the Kafka worker (posted from its thread).

    Event types with `COALESCE = True` (whole-state views such as ClusterSnapshot) replace an
    older queued event of the same type, so a slow frame never builds a backlog.
    """

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # a newer cluster snapshot makes an older queued one worthless
        return (
            isinstance(message, WorkerEvent) and type(self.event).COALESCE and type(message.event) is type(self.event)
        )


class SendCommand(Message):
    """Posted by a pane or a screen; the app puts the command on the worker's queue."""

    def __init__(self, command: Command) -> None:
        super().__init__()
        self.command = command
