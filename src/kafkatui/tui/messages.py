"""Messages between the Textual app and the Kafka worker: events in, commands out."""

from __future__ import annotations

from textual.message import Message

from kafkatui.domain.commands import Command


class WorkerEvent(Message):
    """One immutable event from the Kafka worker (posted from its thread).

    Event types with a true `COALESCE` class attribute (whole-state views such as
    ClusterSnapshot) replace an older queued event of the same type, so a slow frame never
    builds a backlog.
    """

    def __init__(self, event: object) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # a newer cluster snapshot makes an older queued one worthless
        return (
            isinstance(message, WorkerEvent)
            and getattr(type(self.event), "COALESCE", False)
            and type(message.event) is type(self.event)
        )


class SendCommand(Message):
    """Posted by a pane or a screen; the app puts the command on the worker's queue."""

    def __init__(self, command: Command) -> None:
        super().__init__()
        self.command = command
