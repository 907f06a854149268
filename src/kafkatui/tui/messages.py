"""Messages that carry worker events into the Textual app."""

from __future__ import annotations

from textual.message import Message

from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.models import ClusterSnapshot

REPLACEABLE = (ClusterSnapshot, FreezerView)


class WorkerEvent(Message):
    """One immutable event from the Kafka worker (posted from its thread)."""

    def __init__(self, event: object) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # a newer cluster snapshot makes an older queued one worthless
        return (
            isinstance(message, WorkerEvent)
            and isinstance(self.event, REPLACEABLE)
            and type(message.event) is type(self.event)
        )
