"""librdkafka configuration from Settings, logger wiring, validation and error wording."""

from __future__ import annotations

import logging
import time
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient

from kafkatui.domain.models import (
    BrokerInfo,
    ClusterSnapshot,
    ConnectionState,
    Link,
    PartitionInfo,
    TopicInfo,
)
from kafkatui.redact import redact
from kafkatui.settings import Settings, SettingsError

LIBRDKAFKA_LOGGER = "kafkatui.librdkafka"

INTERNAL_PREFIXES = ("__", "_schemas", "_confluent", "_connect")


def base_config(settings: Settings) -> dict[str, Any]:
    """Common librdkafka config: settings plus our logger so nothing reaches the terminal."""
    conf: dict[str, Any] = settings.librdkafka_config()
    conf["logger"] = logging.getLogger(LIBRDKAFKA_LOGGER)
    conf.setdefault("socket.connection.setup.timeout.ms", str(int(settings.timeout * 1000)))
    return conf


def admin_config(settings: Settings, on_error: Any = None) -> dict[str, Any]:
    conf = base_config(settings)
    if on_error is not None:
        conf["error_cb"] = on_error
    return conf


def validate(settings: Settings) -> None:
    """Let librdkafka check every property now, before any UI starts.

    A throwaway Producer without bootstrap servers parses and checks the whole config (unknown
    property, bad value, unreadable TLS file) without opening a connection.
    """
    conf = base_config(settings)
    conf.pop("bootstrap.servers", None)
    conf.pop("socket.connection.setup.timeout.ms", None)
    for key in settings.overrides:
        if key not in conf:
            conf[key] = settings.overrides[key]
    try:
        producer = Producer(conf)
    except (KafkaException, ValueError, TypeError) as exc:
        raise SettingsError(redact(config_error(exc), settings.secret_values())) from None
    del producer


def config_error(exc: BaseException) -> str:
    """One line from a librdkafka configuration error."""
    text = str(exc.args[0].str()) if exc.args and isinstance(exc.args[0], KafkaError) else str(exc)
    text = text.strip().rstrip(".")
    if text.startswith("No such configuration property"):
        prop = text.split(":", 1)[-1].strip().strip('"')
        return f"property {prop}: unknown librdkafka property"
    return f"librdkafka config: {text}"


def classify(code: int, text: str, now: float) -> ConnectionState:
    """Map a librdkafka error to the connection state the header shows."""
    lowered = text.lower()
    if code in (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED) or (
        "authentication" in lowered and "failed" in lowered
    ):
        return ConnectionState(Link.AUTH_FAILED, _short(text), now)
    if code == KafkaError._SSL or "ssl handshake" in lowered or "certificate verify" in lowered:
        return ConnectionState(Link.TLS_FAILED, _short(text), now)
    if "security.protocol" in lowered or "ssl listener" in lowered:
        return ConnectionState(
            Link.UNREACHABLE,
            "protocol mismatch: " + _short(text),
            now,
        )
    return ConnectionState(Link.UNREACHABLE, _short(text) or "no broker answered", now)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def is_internal(name: str) -> bool:
    return name.startswith(INTERNAL_PREFIXES)


def snapshot_from_metadata(
    md: Any,
    bootstrap: str,
    rtt_ms: float,
    known_brokers: dict[int, BrokerInfo],
    now: float,
) -> ClusterSnapshot:
    """Turn librdkafka ClusterMetadata into an immutable ClusterSnapshot.

    Metadata lists only live brokers; `known_brokers` remembers the ones seen earlier in the
    session (and replica ids) so a broker that went away shows as down instead of vanishing.
    """
    controller = md.controller_id if md.controller_id in md.brokers else None
    live = {b.id: BrokerInfo(b.id, b.host, b.port, None, b.id == controller, True) for b in md.brokers.values()}
    topics: list[TopicInfo] = []
    replica_ids: set[int] = set()
    for name in sorted(md.topics):
        tm = md.topics[name]
        parts = []
        for pid in sorted(tm.partitions):
            pm = tm.partitions[pid]
            replica_ids.update(pm.replicas)
            parts.append(
                PartitionInfo(
                    pid,
                    pm.leader,
                    tuple(pm.replicas),
                    tuple(pm.isrs),
                    pm.error.str() if pm.error is not None else None,
                )
            )
        error = tm.error.str() if tm.error is not None else None
        topics.append(TopicInfo(name, tuple(parts), is_internal(name), error))
    for bid, info in live.items():
        old = known_brokers.get(bid)
        rack = old.rack if old else None
        known_brokers[bid] = BrokerInfo(info.id, info.host, info.port, rack, info.is_controller, True)
    for bid in replica_ids - set(known_brokers):
        known_brokers[bid] = BrokerInfo(bid, "", 0, None, False, False)
    brokers = tuple(known_brokers[bid] if bid in live else _down(known_brokers[bid]) for bid in sorted(known_brokers))
    cluster_id = md.cluster_id
    return ClusterSnapshot(
        ts=now,
        bootstrap=bootstrap,
        cluster_id=cluster_id,
        controller_id=controller,
        brokers=brokers,
        topics=tuple(topics),
        rtt_ms=rtt_ms,
        is_mock=bool(cluster_id and cluster_id.startswith("mockCluster")),
    )


def _down(b: BrokerInfo) -> BrokerInfo:
    return BrokerInfo(b.id, b.host, b.port, b.rack, False, False)


def fetch_snapshot(
    admin: AdminClient,
    settings: Settings,
    known_brokers: dict[int, BrokerInfo],
    timeout: float,
    clock: Any = time.time,
) -> ClusterSnapshot:
    """One metadata round trip (blocking up to `timeout`)."""
    start = time.perf_counter()
    md = admin.list_topics(timeout=timeout)
    rtt = (time.perf_counter() - start) * 1000.0
    return snapshot_from_metadata(md, settings.bootstrap_servers, rtt, known_brokers, clock())
