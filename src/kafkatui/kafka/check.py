"""`kafkatui check`: connect once, report the cluster or why it failed, within the timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from kafkatui.domain.models import BrokerInfo, ClusterSnapshot, ConnectionState, Link
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.kafka import clients, diagnose
from kafkatui.settings import Settings


@dataclass(frozen=True, slots=True)
class CheckResult:
    snapshot: ClusterSnapshot | None
    failure: ConnectionState | None


FIRST_SLICE = 0.25  # seconds; each failed metadata call doubles the next one, up to MAX_SLICE
MAX_SLICE = 1.0


def _is_mismatch(state: ConnectionState) -> bool:
    return state.reason.startswith(diagnose.MISMATCH)


def run_check(settings: Settings) -> CheckResult:
    """Poll metadata in short slices until success or `settings.timeout` has passed.

    An authentication or TLS error reported by librdkafka ends the wait at once: retrying
    will not fix a wrong password. So does a protocol mismatch (a PLAINTEXT client on a TLS
    listener) once a later attempt has failed too. Slices start short so those answers come
    back fast, and grow so a slow cluster still has time to answer.
    """
    errors: list[ConnectionState] = []

    def on_error(err: KafkaError) -> None:
        errors.append(clients.classify(err.code(), err.str(), time.time()))

    admin = AdminClient(clients.admin_config(settings, on_error))
    deadline = time.monotonic() + settings.timeout
    known: dict[int, BrokerInfo] = {}
    last: KafkaException | None = None
    slice_s = FIRST_SLICE
    mismatch_seen = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            snap = clients.fetch_snapshot(admin, settings, known, min(slice_s, remaining))
        except KafkaException as exc:
            last = exc
            slice_s = min(slice_s * 2, MAX_SLICE)
            admin.poll(0)
            fatal = [e for e in errors if e.link in (Link.AUTH_FAILED, Link.TLS_FAILED)]
            if fatal:
                return CheckResult(None, fatal[-1])
            mismatches = [e for e in errors if _is_mismatch(e)]
            if mismatches and mismatch_seen:  # seen, and the attempt after it failed as well
                return CheckResult(None, mismatches[-1])
            mismatch_seen = bool(mismatches)
            continue
        return CheckResult(_with_racks(admin, snap, settings), None)
    admin.poll(0)
    specific = [e for e in errors if e.link is not Link.UNREACHABLE] or [e for e in errors if _is_mismatch(e)] or errors
    if specific:
        return CheckResult(None, specific[-1])
    text = last.args[0].str() if last and isinstance(last.args[0], KafkaError) else "timed out"
    return CheckResult(None, ConnectionState(Link.UNREACHABLE, f"no answer within {settings.timeout:g} s ({text})"))


def _with_racks(admin: AdminClient, snap: ClusterSnapshot, settings: Settings) -> ClusterSnapshot:
    try:
        desc = admin.describe_cluster(request_timeout=min(settings.timeout, 3.0)).result()
    except Exception:
        return snap
    racks = {n.id: n.rack for n in desc.nodes}
    brokers = tuple(
        BrokerInfo(b.id, b.host, b.port, racks.get(b.id) or None, b.is_controller, b.up) for b in snap.brokers
    )
    return ClusterSnapshot(
        snap.ts,
        snap.bootstrap,
        snap.cluster_id,
        snap.controller_id,
        brokers,
        snap.topics,
        snap.rtt_ms,
        snap.is_mock,
        snap.notes,
    )


def format_report(snap: ClusterSnapshot) -> list[str]:
    """The report `kafkatui check` prints; hosts, racks and the cluster id are the brokers' text,
    printed to the terminal: inert."""
    controller = next((b for b in snap.brokers if b.id == snap.controller_id), None)
    ctrl = f"{snap.controller_id} ({inert(controller.address, NAME_LIMIT)})" if controller else "unknown"
    lines = [
        f"bootstrap:   {inert(snap.bootstrap, 300)}",
        f"cluster id:  {inert(snap.cluster_id, NAME_LIMIT) if snap.cluster_id else 'unknown'}",
        f"controller:  {ctrl}",
        f"brokers:     {snap.brokers_up} up of {len(snap.brokers)}",
    ]
    for b in snap.brokers:
        flags = " controller" if b.is_controller else ""
        rack = f" rack={inert(b.rack, NAME_LIMIT)}" if b.rack else ""
        state = "" if b.up else " DOWN"
        lines.append(f"  {b.id:>4}  {inert(b.address, NAME_LIMIT)}{rack}{flags}{state}")
    user = snap.user_topics
    lines += [
        f"topics:      {len(snap.topics)} ({len(user)} user, {len(snap.topics) - len(user)} internal)",
        f"partitions:  {snap.partition_count}",
        f"round trip:  {snap.rtt_ms:.1f} ms",
    ]
    if snap.is_mock:
        lines.append("note:        this is librdkafka's mock cluster (demo), not Apache Kafka")
    return lines
