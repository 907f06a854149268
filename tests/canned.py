"""Canned data for snapshot and pilot tests: no broker, fixed clock."""

from __future__ import annotations

import os
from typing import Any

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


# environment names that Settings reads (the seed .env's names and KAFKATUI_*)
SETTINGS_ENV_PREFIXES = ("KAFKATUI_", "SASL_", "SSL_", "MSK_", "TOPIC", "TEMP_", "SCHEMA_REGISTRY_")
SETTINGS_ENV_NAMES = {"BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS", "CLIENT_ID", "SECURITY_PROTOCOL", "STALE_AFTER"}


def clear_settings_env(monkeypatch: Any) -> None:
    """Remove every environment variable Settings would read (a pytest MonkeyPatch undoes it)."""
    for name in list(os.environ):
        upper = name.upper()
        if upper.startswith(SETTINGS_ENV_PREFIXES) or upper in SETTINGS_ENV_NAMES:
            monkeypatch.delenv(name)


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
        BrokerInfo(i, "127.0.0.1", 19091 + i, f"rack-{'abc'[i - 1]}", i == 1, i != broker_down) for i in (1, 2, 3)
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


def freezer_view():  # type: ignore[no-untyped-def]
    """A board fed with five minutes of synthetic readings: one sensor too warm, one stale."""
    import math

    from kafkatui.domain.alerts import Thresholds
    from kafkatui.domain.freezer import FreezerBoard
    from kafkatui.domain.readings import parse

    board = FreezerBoard("freezer-temperatura", Thresholds(-5.0, 5.0), stale_after=30.0)
    board.source = "reading freezer-temperatura from the end (live), 3 partitions"
    offset = 0
    for step in range(300):
        ts = NOW - 300 + step
        for i in range(4):
            if i == 3 and step > 240:
                continue  # sensor3 went silent a minute ago
            value = -2.0 + i * 0.8 + 1.5 * math.sin((step + 20 * i) / 25.0)
            if i == 1 and step > 260:
                value += 8.0  # door left open
            key = f"sensor{i}".encode()
            board.add(parse(key, f"{value:.2f}".encode(), ts, i % 3, offset), ts)
            offset += 1
        board.tick(ts)
    board.add(parse(b"sensor9", b"abc", NOW - 5, 0, offset), NOW - 5)
    board.add(parse(b"sensor9", b"", NOW - 4, 0, offset + 1), NOW - 4)
    board.tick(NOW)
    return board.view(NOW)
