"""A topic's partitions as the Topics pane details them: leader, replicas, ISR, watermarks and
the flags that say what is wrong (offline, under-replicated, leader not preferred).

Pure: no Kafka client, no UI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.topic_list import Watermark


class Flag(Enum):
    OFFLINE = "offline"
    UNDER_REPLICATED = "under-replicated"
    NOT_PREFERRED = "leader not preferred"


LEGEND: tuple[tuple[Flag, str], ...] = (
    (Flag.OFFLINE, "no leader: the partition can be neither read nor written"),
    (Flag.UNDER_REPLICATED, "fewer in-sync replicas (ISR) than replicas: a copy is missing"),
    (Flag.NOT_PREFERRED, "the leader is not the first (preferred) replica: leadership moved"),
)


@dataclass(frozen=True, slots=True)
class PartitionRow:
    partition: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    offline_replicas: tuple[int, ...]
    mark: Watermark | None
    flags: frozenset[Flag]

    @property
    def messages(self) -> int | None:
        return self.mark.messages if self.mark else None


def partition_flags(p: PartitionInfo) -> frozenset[Flag]:
    flags = set()
    if p.offline:
        flags.add(Flag.OFFLINE)
    if p.under_replicated:
        flags.add(Flag.UNDER_REPLICATED)
    if not p.offline and p.replicas and not p.preferred_leader:
        flags.add(Flag.NOT_PREFERRED)
    return frozenset(flags)


def partition_rows(topic: TopicInfo, marks: Mapping[int, Watermark] | None) -> tuple[PartitionRow, ...]:
    marks = marks or {}
    return tuple(
        PartitionRow(
            p.id,
            p.leader,
            p.replicas,
            p.isr,
            p.offline_replicas,
            marks.get(p.id),
            partition_flags(p),
        )
        for p in topic.partitions
    )


def ids(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values) if values else "-"
