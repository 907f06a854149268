"""What the worker sends the Topics pane (`TopicsView`) and the pane's commands about what it
shows (shown or hidden, the selected topic, the topics on screen).

Pure: no Kafka client, no UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.models import TopicInfo
from kafkatui.domain.topic_configs import TopicConfigs
from kafkatui.domain.topic_list import TopicRow, Watermark


@dataclass(frozen=True, slots=True)
class TopicsActive(Command):
    """The Topics pane is shown (True) or hidden: watermarks and configs are fetched only while shown."""

    active: bool


@dataclass(frozen=True, slots=True)
class SelectTopic(Command):
    """Fetch the full configs of this topic (None: no topic selected)."""

    name: str | None


@dataclass(frozen=True, slots=True)
class ShowTopics(Command):
    """The topics on screen: their retention/cleanup columns are fetched before the others.
    `urgent`: the list is sorted by one of those columns, so fetch the rest quickly too."""

    names: tuple[str, ...]
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class TopicsView(Event):
    """Everything the Topics pane shows, as one immutable value (newer replaces older)."""

    COALESCE: ClassVar[bool] = True

    ts: float
    metadata_ts: float
    rows: tuple[TopicRow, ...]
    topics: Mapping[str, TopicInfo]
    marks: Mapping[str, Mapping[int, Watermark]]
    marks_ts: float | None
    brokers_up: int
    selected: TopicConfigs | None = None
    unavailable: Mapping[str, str] = field(default_factory=dict)  # action -> why not
    notes: tuple[str, ...] = ()  # problems reading watermarks or configs, in words
    read_only: bool = False
    is_mock: bool = False
