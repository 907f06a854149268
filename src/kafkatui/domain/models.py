"""Immutable values that cross from the Kafka worker to the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from kafkatui.domain.events import Event
from kafkatui.domain.text import inert

REASON_LIMIT = 300  # characters of a broker's or librdkafka's error string on screen


class Link(StrEnum):
    """The connection state shown in the header."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "authentication failed"
    TLS_FAILED = "TLS failure"


@dataclass(frozen=True, slots=True)
class ConnectionState(Event):
    link: Link
    reason: str = ""
    since: float = 0.0

    @property
    def ok(self) -> bool:
        return self.link is Link.CONNECTED

    def describe(self) -> str:
        """One inert line: the reason is librdkafka's or a broker's text."""
        return f"{self.link.value}: {inert(self.reason, REASON_LIMIT)}" if self.reason else self.link.value


class ClusterMode(StrEnum):
    """How the cluster keeps its metadata, read from a broker's `process.roles` config."""

    KRAFT = "KRaft"
    ZOOKEEPER = "ZooKeeper"


@dataclass(frozen=True, slots=True)
class BrokerInfo:
    id: int
    host: str
    port: int
    rack: str | None = None
    is_controller: bool = False
    up: bool = True
    # why `up` is False although the metadata lists it (this client cannot connect to it)
    down_reason: str = ""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}" if self.host else "-"


@dataclass(frozen=True, slots=True)
class PartitionInfo:
    """One partition as the metadata gives it, corrected by what this client saw.

    `unreachable`: replicas on brokers the metadata still lists but this client cannot
    connect to (see `BrokerInfo.down_reason`). A cluster that lost its controller quorum
    keeps answering with the last metadata it had (leaders and ISRs on dead brokers) for as
    long as it stays down; counting those replicas as in sync would show URP 0 and a leader
    nobody can reach. So a partition led by such a broker is offline, and such replicas are
    not in sync.
    """

    id: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    error: str | None = None
    unreachable: tuple[int, ...] = ()

    @property
    def offline(self) -> bool:
        return self.leader < 0 or self.leader in self.unreachable

    @property
    def in_sync(self) -> tuple[int, ...]:
        """The ISR without replicas on brokers we cannot reach."""
        return tuple(r for r in self.isr if r not in self.unreachable)

    @property
    def under_replicated(self) -> bool:
        return len(self.in_sync) < len(self.replicas)

    @property
    def preferred_leader(self) -> bool:
        return bool(self.replicas) and self.leader == self.replicas[0]

    @property
    def offline_replicas(self) -> tuple[int, ...]:
        in_sync = self.in_sync
        return tuple(r for r in self.replicas if r not in in_sync)


@dataclass(frozen=True, slots=True)
class TopicInfo:
    name: str
    partitions: tuple[PartitionInfo, ...]
    internal: bool = False
    error: str | None = None

    @property
    def replication_factor(self) -> int:
        return max((len(p.replicas) for p in self.partitions), default=0)

    @property
    def under_replicated(self) -> int:
        return sum(1 for p in self.partitions if p.under_replicated)

    @property
    def offline(self) -> int:
        return sum(1 for p in self.partitions if p.offline)


@dataclass(frozen=True, slots=True)
class ClusterSnapshot(Event):
    """What one metadata refresh saw."""

    COALESCE: ClassVar[bool] = True

    ts: float
    bootstrap: str
    cluster_id: str | None
    controller_id: int | None
    brokers: tuple[BrokerInfo, ...]
    topics: tuple[TopicInfo, ...]
    rtt_ms: float
    is_mock: bool = False
    notes: tuple[str, ...] = field(default=())
    # `controller_id` above is shown only from a source that knows it (see domain/controller.py);
    # this is the broker the Metadata response named, which under KRaft is an arbitrary live broker
    # (it changes from one request to the next) and only tells that admin requests can be routed.
    metadata_controller_id: int | None = None
    mode: ClusterMode | None = None

    @property
    def brokers_up(self) -> int:
        return sum(1 for b in self.brokers if b.up)

    @property
    def partition_count(self) -> int:
        return sum(len(t.partitions) for t in self.topics)

    @property
    def user_topics(self) -> tuple[TopicInfo, ...]:
        return tuple(t for t in self.topics if not t.internal)


@dataclass(frozen=True, slots=True)
class Refused(Event):
    """A write command the worker refused because kafkatui runs read-only."""

    ts: float
    command: str

    def describe(self) -> str:
        return f"read-only mode: {self.command} refused (no change was made to the cluster)"


@dataclass(frozen=True, slots=True)
class WorkerError(Event):
    """An unexpected failure inside the worker, shown in the error panel (already redacted)."""

    ts: float
    where: str
    message: str
