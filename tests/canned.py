"""Canned data for snapshot and pilot tests: no broker, fixed clock."""

from __future__ import annotations

from kafkatui.domain.models import (
    BrokerInfo,
    ClusterSnapshot,
    ConnectionState,
    Link,
    PartitionInfo,
    TopicInfo,
)
from kafkatui.settings import Settings

NOW = 1_763_712_000.0  # 2025-11-21 08:00:00 UTC


def clock() -> float:
    return NOW


def settings(**extra: object) -> Settings:
    values: dict[str, object] = {
        "bootstrap_servers": "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
        "read_only": False,
        "demo": False,
        "topic": "freezer-temperatura",
        "temp_min": -5.0,
        "temp_max": 5.0,
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def cluster(broker_down: int | None = None) -> ClusterSnapshot:
    brokers = tuple(
        BrokerInfo(i, "127.0.0.1", 19091 + i, f"rack-{'abc'[i - 1]}", i == 1, i != broker_down)
        for i in (1, 2, 3)
    )
    freezer = TopicInfo(
        "freezer-temperatura",
        tuple(
            PartitionInfo(p, leader, (leader, leader % 3 + 1, (leader + 1) % 3 + 1), isr)
            for p, leader, isr in (
                (0, 1, (1, 2, 3)),
                (1, 2, (2, 3, 1)),
                (2, 3, (3, 1) if broker_down == 2 else (3, 1, 2)),
            )
        ),
    )
    offsets = TopicInfo(
        "__consumer_offsets",
        tuple(PartitionInfo(p, p % 3 + 1, (p % 3 + 1,), (p % 3 + 1,)) for p in range(6)),
        internal=True,
    )
    return ClusterSnapshot(
        ts=NOW - 2,
        bootstrap="127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
        cluster_id="q1Sh-9_ISia_zwGINzRvyQ",
        controller_id=1,
        brokers=brokers,
        topics=(offsets, freezer),
        rtt_ms=3.4,
    )


CONNECTED = ConnectionState(Link.CONNECTED, "", NOW - 2)
UNREACHABLE = ConnectionState(
    Link.UNREACHABLE,
    "127.0.0.1:19092/bootstrap: Connect to ipv4#127.0.0.1:19092 failed: Connection refused",
    NOW,
)
