"""librdkafka configuration from Settings, logger wiring, validation and error wording."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, TypeVar

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType  # type: ignore[attr-defined]

from kafkatui.domain.controller import mode_from_broker_config, trusted_controller
from kafkatui.domain.models import (
    BrokerInfo,
    ClusterMode,
    ClusterSnapshot,
    ConnectionState,
    Link,
    PartitionInfo,
    TopicInfo,
)
from kafkatui.kafka import diagnose
from kafkatui.kafka.errors import kafka_error
from kafkatui.logs import LIBRDKAFKA
from kafkatui.redact import redact
from kafkatui.settings import Settings, SettingsError

T = TypeVar("T")

LIBRDKAFKA_LOGGER = LIBRDKAFKA  # one name, defined where the log file is set up

INTERNAL_PREFIXES = ("__", "_schemas", "_confluent", "_connect")


def plain_config(settings: Settings) -> dict[str, str]:
    """The librdkafka properties (strings only; secrets revealed: give them only to a client)."""
    conf = settings.librdkafka_config()
    # librdkafka's floor for this property is 1000 ms; a shorter --timeout still bounds our own waits
    conf.setdefault("socket.connection.setup.timeout.ms", str(max(1000, int(settings.timeout * 1000))))
    return conf


def base_config(settings: Settings) -> dict[str, Any]:
    """Common librdkafka config: settings plus our logger so nothing reaches the terminal."""
    conf: dict[str, Any] = plain_config(settings)
    conf["logger"] = logging.getLogger(LIBRDKAFKA_LOGGER)
    return conf


def reader_config(settings: Settings, role: str) -> dict[str, Any]:
    """A consumer that is only ever assign()ed: librdkafka wants a group.id, but it never joins the
    group, never commits and so never shows up in `kafka-consumer-groups --list`."""
    conf = base_config(settings)
    conf.update(
        {
            "group.id": f"kafkatui-{role}-{uuid.uuid4().hex[:12]}",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "latest",
            "enable.partition.eof": False,
        }
    )
    return conf


STATS_INTERVAL_MS = 2000  # how often librdkafka reports its broker connections (on_stats)


def admin_config(settings: Settings, on_error: Any = None, on_stats: Any = None) -> dict[str, Any]:
    """The AdminClient config; `on_error` also hears of protocol mismatches librdkafka only logs;
    `on_stats` gets librdkafka's statistics JSON (read for its broker connection states)."""
    conf = base_config(settings)
    if on_error is not None:
        conf["error_cb"] = on_error
        conf["logger"] = diagnose.HintingLogger(conf["logger"], on_error)
    if on_stats is not None:
        conf["stats_cb"] = on_stats
        conf.setdefault("statistics.interval.ms", STATS_INTERVAL_MS)
        # one connection to every broker (not only those a request needed), so the states in
        # the statistics say which brokers are reachable; the worker's admin client only
        conf.setdefault("enable.sparse.connections", False)
    return conf


# librdkafka broker states that mean "no working connection": tried and failed, or retrying.
# INIT (never tried: we have not needed that broker yet) tells nothing, and counts as up.
UNREACHABLE_STATES = frozenset({"DOWN", "TRY_CONNECT", "CONNECT"})


def unreachable_brokers(stats_json: str | None) -> dict[int, str]:
    """Broker id -> librdkafka's state, for brokers this client has no working connection to."""
    if not stats_json:
        return {}
    try:
        brokers = json.loads(stats_json).get("brokers", {})
    except (ValueError, AttributeError):
        return {}
    out: dict[int, str] = {}
    for b in brokers.values():
        node, state = b.get("nodeid", -1), b.get("state", "")
        if isinstance(node, int) and node >= 0 and state in UNREACHABLE_STATES:
            out[node] = state
    return out


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
        secrets = settings.secret_values()
        logging.getLogger("kafkatui").warning("librdkafka refused the configuration: %s", redact(str(exc), secrets))
        raise SettingsError(redact(config_error(exc, conf), secrets)) from None
    del producer


_TLS_FILES = {
    "ssl.ca.location": "TLS CA file",
    "ssl.certificate.location": "TLS certificate",
    "ssl.key.location": "TLS key",
}


def config_error(exc: BaseException, conf: dict[str, Any] | None = None) -> str:
    """One line from a librdkafka configuration error (`conf`: the config it refused, for TLS files)."""
    err = kafka_error(exc)
    text = err.str() if err is not None else str(exc)
    text = " ".join(text.split()).rstrip(".")
    text = text.removeprefix("Failed to create producer: ").removeprefix("Failed to create consumer: ")
    if text.startswith("No such configuration property"):
        prop = text.split(":", 1)[-1].strip().strip('"')
        return f"property {prop}: unknown librdkafka property"
    prop, sep, reason = text.partition(" failed: ")
    if sep and prop in _TLS_FILES and conf is not None and prop in conf:
        return _tls_file_error(prop, reason, conf)
    return f"librdkafka config: {text}"


def _tls_file_error(prop: str, reason: str, conf: dict[str, Any]) -> str:
    """Why OpenSSL could not load a TLS file, in words (librdkafka only says `PEM lib`)."""
    path = str(conf[prop])
    what = f"{_TLS_FILES[prop]} {path} ({prop})"
    if "key values mismatch" in reason:
        cert = conf.get("ssl.certificate.location", "the certificate")
        return f"{what} does not belong to the certificate {cert}"
    if prop == "ssl.ca.location":
        return f"{what}: no PEM certificate in it"
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        return f"{what}: cannot be read ({exc.strerror})"
    if prop == "ssl.key.location" and b"ENCRYPTED" in head:
        if not conf.get("ssl.key.password"):
            return f"{what}: the key is encrypted; set SSL_KEY_PASSWORD (ssl.key.password)"
        return f"{what}: SSL_KEY_PASSWORD (ssl.key.password) does not decrypt it"
    kind = "private key" if prop == "ssl.key.location" else "certificate"
    if b"-----BEGIN" not in head:
        return f"{what}: not a PEM {kind}"
    return f"{what}: OpenSSL cannot load it ({reason})"


def classify(code: int, text: str, now: float) -> ConnectionState:
    """Map a librdkafka error to the connection state the header shows."""
    lowered = text.lower()
    if text.startswith(diagnose.MISMATCH):  # diagnose.HintingLogger's sentence, already in words
        return ConnectionState(Link.UNREACHABLE, _short(text), now)
    if code in (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED) or (
        "authentication" in lowered and "failed" in lowered
    ):
        return ConnectionState(Link.AUTH_FAILED, _short(diagnose.auth_reason(text)), now)
    if code == KafkaError._SSL or "ssl handshake" in lowered or "certificate verify" in lowered:
        return ConnectionState(Link.TLS_FAILED, _short(diagnose.tls_reason(text)), now)
    if "invalid response size" in lowered:  # the first 4 bytes of an answer that is not Kafka's
        return ConnectionState(
            Link.UNREACHABLE,
            "protocol mismatch: the server's answer is not Kafka (a TLS listener, or not a Kafka port?): "
            + _short(text),
            now,
        )
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


# Topics of the latest snapshot per bootstrap, reused while the brokers say the same again:
# name -> (what the metadata said, the TopicInfo built from it, its replica ids). Only ever
# read and replaced whole (never mutated), by whichever thread fetches metadata; a reused
# TopicInfo is immutable and equal to a fresh one, so sharing it is safe. What is kept is
# tuples of ints only, which Python's garbage collector stops tracking (keeping the metadata's
# own lists alive added ~50,000 objects to every full collection on 5,000 topics).
_Raw = tuple[tuple[int, int, tuple[int, ...], tuple[int, ...], bool], ...]
_LAST_TOPICS: dict[str, dict[str, tuple[_Raw, TopicInfo, tuple[int, ...]]]] = {}
_LAST_TOPICS_MAX = 8  # bootstraps remembered (tests and `check` may talk to several clusters)


def snapshot_from_metadata(
    md: Any,
    bootstrap: str,
    rtt_ms: float,
    known_brokers: dict[int, BrokerInfo],
    now: float,
    mode: ClusterMode | None = None,
    unreachable: dict[int, str] | None = None,
) -> ClusterSnapshot:
    """Turn librdkafka ClusterMetadata into an immutable ClusterSnapshot.

    The Metadata response's controller is shown only in ZooKeeper mode (`mode`, read from a
    broker's configs): under KRaft it names an arbitrary live broker (domain/controller.py).

    Metadata lists only live brokers; `known_brokers` remembers the ones seen earlier in the
    session (and replica ids) so a broker that went away shows as down instead of vanishing.

    A topic whose partitions (leader, replicas, ISR) are as the previous snapshot of this
    bootstrap saw them keeps that snapshot's TopicInfo object: building 15,000 frozen
    PartitionInfo values every refresh held the worker thread for ~100 ms on 5,000 topics,
    and an unchanged topic being the *same* object lets later stages skip it by identity.

    `unreachable` (broker id -> librdkafka's connection state, from `unreachable_brokers`):
    brokers the metadata lists but this client cannot connect to. The broker count in the
    header and the Cluster pane comes from here: a broker is up when the metadata lists it
    (KRaft drops a broker that stopped heartbeating within broker.session.timeout.ms) *and*
    this client has a working connection or has not needed one yet. The second source
    matters when the cluster lost its controller quorum (2 of 3 combined nodes killed): the
    survivor keeps answering with the metadata it had, listing dead brokers as leaders
    forever. Partitions on such brokers are marked (PartitionInfo.unreachable), so URP and
    offline counts say what a client can actually reach.
    """
    unreachable = {b: s for b, s in (unreachable or {}).items() if b in md.brokers}
    named = md.controller_id if md.controller_id in md.brokers else None
    controller = trusted_controller(named, mode)
    live = {b.id: BrokerInfo(b.id, b.host, b.port, None, b.id == controller, True) for b in md.brokers.values()}
    previous = _LAST_TOPICS.get(bootstrap, {})
    current: dict[str, tuple[_Raw, TopicInfo, tuple[int, ...]]] = {}
    topics: list[TopicInfo] = []
    replica_ids: set[int] = set()
    md_topics = md.topics
    for name in sorted(md_topics):
        tm = md_topics[name]
        partitions = tm.partitions
        # (a KafkaError must not be compared: `KafkaError == None` raises, so only "no error")
        raw = tuple(
            (pm.id, pm.leader, tuple(pm.replicas), tuple(pm.isrs), pm.error is None) for pm in partitions.values()
        )
        cached = previous.get(name) if tm.error is None else None
        if cached is not None and cached[0] == raw:  # only error-free topics are cached
            entry = cached
            clean = True
        else:
            clean = tm.error is None and all(r[4] for r in raw)
            parts = []
            for pid in sorted(partitions):
                pm = partitions[pid]
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
            topic = TopicInfo(name, tuple(parts), is_internal(name), error)
            entry = (raw, topic, tuple({r for p in parts for r in p.replicas}))
        if clean:
            current[name] = entry
        topics.append(entry[1])
        replica_ids.update(entry[2])
    if bootstrap not in _LAST_TOPICS and len(_LAST_TOPICS) >= _LAST_TOPICS_MAX:
        _LAST_TOPICS.pop(next(iter(_LAST_TOPICS)), None)
    _LAST_TOPICS[bootstrap] = current
    for bid, info in live.items():
        old = known_brokers.get(bid)
        rack = old.rack if old else None
        known_brokers[bid] = BrokerInfo(info.id, info.host, info.port, rack, info.is_controller, True)
    for bid in replica_ids - set(known_brokers):
        known_brokers[bid] = BrokerInfo(bid, "", 0, None, False, False)
    brokers = tuple(
        _unreachable(known_brokers[bid], unreachable[bid])
        if bid in unreachable
        else known_brokers[bid]
        if bid in live
        else _down(known_brokers[bid])
        for bid in sorted(known_brokers)
    )
    notes: tuple[str, ...] = ()
    if unreachable:
        gone = set(unreachable)
        topics = [_mark_unreachable(t, gone) if t.partitions else t for t in topics]
        names = ", ".join(str(b) for b in sorted(gone))
        notes = (
            f"broker{'s' * (len(gone) > 1)} {names} listed by the cluster's metadata but unreachable from "
            "here: counted down, their partitions offline or under-replicated (the metadata may be stale: "
            "a cluster that lost its controller quorum keeps answering with the last it had)",
        )
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
        metadata_controller_id=named,
        mode=mode,
        notes=notes,
    )


def _down(b: BrokerInfo) -> BrokerInfo:
    return BrokerInfo(b.id, b.host, b.port, b.rack, False, False, "not in the cluster's metadata")


def _unreachable(b: BrokerInfo, state: str) -> BrokerInfo:
    return BrokerInfo(
        b.id, b.host, b.port, b.rack, b.is_controller, False, f"listed, but no connection from here ({state})"
    )


def _mark_unreachable(topic: TopicInfo, gone: set[int]) -> TopicInfo:
    """The topic with replicas on unreachable brokers marked (the same object if it has none)."""
    if not any(r in gone for p in topic.partitions for r in p.replicas):
        return topic
    parts = tuple(
        replace(p, unreachable=tuple(r for r in p.replicas if r in gone)) if any(r in gone for r in p.replicas) else p
        for p in topic.partitions
    )
    return replace(topic, partitions=parts)


def fetch_snapshot(
    admin: AdminClient,
    settings: Settings,
    known_brokers: dict[int, BrokerInfo],
    timeout: float,
    clock: Any = time.time,
    mode: ClusterMode | None = None,
    unreachable: dict[int, str] | None = None,
) -> ClusterSnapshot:
    """One metadata round trip (blocking up to `timeout`)."""
    start = time.perf_counter()
    md = admin.list_topics(timeout=timeout)
    rtt = (time.perf_counter() - start) * 1000.0
    return snapshot_from_metadata(
        md, settings.bootstrap_servers, rtt, known_brokers, clock(), mode=mode, unreachable=unreachable
    )


def call_in_thread(call: Callable[[], T], name: str) -> Future[T]:
    """Run a blocking client call on a short-lived daemon thread; its future holds the answer.

    For the few librdkafka calls that exist only in a blocking form (`list_topics`,
    `offsets_for_times`): librdkafka clients are thread-safe, and this is not one of librdkafka's
    own threads (where freeing a client would abort), so the worker starts the call and goes on.
    """
    future: Future[T] = Future()

    def run() -> None:
        try:
            result = call()
        except BaseException as exc:
            future.set_exception(exc)
            return
        future.set_result(result)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


def list_topics_async(admin: AdminClient, timeout: float) -> Future[tuple[Any, float]]:
    """A metadata round trip the caller does not wait for: (ClusterMetadata, round trip in ms)."""

    def timed() -> tuple[Any, float]:
        start = time.perf_counter()
        md = admin.list_topics(timeout=timeout)
        return md, (time.perf_counter() - start) * 1000.0

    return call_in_thread(timed, "kafka-metadata")


def describe_mode(admin: AdminClient, snap: ClusterSnapshot, timeout: float) -> Future[Any] | None:
    """Start DescribeConfigs of one live broker (its `process.roles` tells KRaft from ZooKeeper);
    None when no broker is up. The future's result is a ConfigResource -> Future mapping's value."""
    broker = next((b for b in snap.brokers if b.up), None)
    if broker is None:
        return None
    resource = ConfigResource(ResourceType.BROKER, str(broker.id))
    return admin.describe_configs([resource], request_timeout=timeout)[resource]


def mode_from_result(result: Mapping[str, Any]) -> ClusterMode | None:
    """The cluster's mode from a DescribeConfigs BROKER result (name -> ConfigEntry)."""
    return mode_from_broker_config({name: entry.value for name, entry in result.items()})
