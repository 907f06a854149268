"""`kafkatui check`: connect once, report the cluster or why it failed, within the timeout."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, replace

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from kafkatui.domain.controller import controller_text, trusted_controller
from kafkatui.domain.models import BrokerInfo, ClusterMode, ClusterSnapshot, ConnectionState, Link
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.kafka import clients, diagnose
from kafkatui.kafka.errors import kafka_error
from kafkatui.settings import Settings


@dataclass(frozen=True, slots=True)
class CheckResult:
    snapshot: ClusterSnapshot | None
    failure: ConnectionState | None


FIRST_SLICE = 0.25  # seconds; each failed metadata call doubles the next one, up to MAX_SLICE
MAX_SLICE = 1.0
EXIT_MARGIN = 0.5  # seconds kept from the timeout for interpreter start-up before `started`, and exiting
FINAL_NAME_ERRORS = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def bootstrap_entries(bootstrap: str) -> list[tuple[str, int]]:
    """(host, port) of each bootstrap address: `h:p`, `[v6]:p`, `proto://h:p`; port 9092 if none."""
    entries = []
    for raw in bootstrap.split(","):
        item = raw.strip()
        if "://" in item:
            item = item.split("://", 1)[1]
        if not item:
            continue
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest.lstrip(":")
        elif item.count(":") == 1:
            host, port = item.split(":")
        else:
            host, port = item, ""
        entries.append((host, int(port) if port.isdigit() else 9092))
    return entries


def final_failure(host: str, port: int, wait: float) -> str | None:
    """Why `host:port` can never answer (every address refuses, or the name does not exist), or
    None when it might (it accepts, it is silent or slow, a DNS server did not answer)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in FINAL_NAME_ERRORS:
            return f"{host}:{port}: the name cannot be resolved: {exc.strerror}"
        return None
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as sock:
            sock.settimeout(wait)
            try:
                sock.connect(address)
            except ConnectionRefusedError:
                continue
            except OSError:
                return None  # silent, slow or unreachable for now: it gets the whole timeout
            return None  # it accepts: librdkafka's own answer decides
    return f"{host}:{port}: connection refused"


class FinalityProbe:
    """Checks, in a thread, whether every bootstrap address has failed for good (refused on
    every address it resolves to, or a name that does not exist). Its answer is read only after
    a metadata attempt failed, so a cluster that answers is never reported as unreachable."""

    def __init__(self, bootstrap: str, wait: float) -> None:
        self.reason: str | None = None
        self._entries = bootstrap_entries(bootstrap)
        self._wait = wait
        self._thread = threading.Thread(target=self._run, name="kafkatui-check-probe", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        reasons = []
        for host, port in self._entries:
            reason = final_failure(host, port, self._wait)
            if reason is None:
                return
            reasons.append(reason)
        if reasons:
            self.reason = "; ".join(reasons) + " — no bootstrap address can answer, so retrying will not help"


def _is_mismatch(state: ConnectionState) -> bool:
    return state.reason.startswith(diagnose.MISMATCH)


def run_check(settings: Settings, started: float | None = None) -> CheckResult:
    """Poll metadata in short slices until success or `settings.timeout` has passed (counted
    from `started`, a `time.monotonic()` value such as the process start, less the time to exit).

    Every bootstrap address refused or unresolvable ends the wait as soon as that is known
    (FinalityProbe): no retry can fix it. A silent or slow address still gets the whole timeout.

    An authentication or TLS error reported by librdkafka ends the wait at once: retrying
    will not fix a wrong password. So does a protocol mismatch (a PLAINTEXT client on a TLS
    listener) once a later attempt has failed too. Slices start short so those answers come
    back fast, and grow so a slow cluster still has time to answer.
    """
    errors: list[ConnectionState] = []

    def on_error(err: KafkaError) -> None:
        errors.append(clients.classify(err.code(), err.str(), time.time()))

    admin = AdminClient(clients.admin_config(settings, on_error))
    begun = time.monotonic() if started is None else started
    margin = min(EXIT_MARGIN, settings.timeout / 10) if started is not None else 0.0
    deadline = begun + settings.timeout - margin
    # asked at once, beside librdkafka's own attempt: a healthy broker costs one connect and close
    probe = FinalityProbe(settings.bootstrap_servers, min(1.0, settings.timeout))
    known: dict[int, BrokerInfo] = {}
    last: KafkaException | None = None
    slice_s = FIRST_SLICE
    mismatch_seen = False
    attempts = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 and attempts:
            break
        attempts += 1
        remaining = max(remaining, 0.1)  # one attempt, however long start-up took
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
            if probe.reason is not None:
                return CheckResult(None, ConnectionState(Link.UNREACHABLE, probe.reason))
            continue
        return CheckResult(_with_racks(admin, snap, settings), None)
    admin.poll(0)
    specific = [e for e in errors if e.link is not Link.UNREACHABLE] or [e for e in errors if _is_mismatch(e)] or errors
    if specific:
        return CheckResult(None, specific[-1])
    err = kafka_error(last) if last else None
    text = err.str() if err is not None else "timed out"
    return CheckResult(None, ConnectionState(Link.UNREACHABLE, f"no answer within {settings.timeout:g} s ({text})"))


def _with_racks(admin: AdminClient, snap: ClusterSnapshot, settings: Settings) -> ClusterSnapshot:
    """Add racks (DescribeCluster) and the cluster's mode (a broker's DescribeConfigs), asked
    together; either may be refused (ACLs, the demo's mock) and is then left out."""
    wait = min(settings.timeout, 3.0)
    racks: dict[int, str | None] = {}
    mode: ClusterMode | None = None
    try:
        described = admin.describe_cluster(request_timeout=wait)
    except Exception:
        described = None
    try:
        configs = None if snap.is_mock else clients.describe_mode(admin, snap, wait)
    except Exception:
        configs = None
    try:
        if described is not None:
            racks = {n.id: n.rack for n in described.result().nodes}
    except Exception:
        racks = {}
    try:
        if configs is not None:
            mode = clients.mode_from_result(configs.result())
    except Exception:
        mode = None
    controller = trusted_controller(snap.metadata_controller_id, mode)
    brokers = tuple(
        replace(b, rack=racks.get(b.id) or None, is_controller=b.up and b.id == controller) for b in snap.brokers
    )
    return replace(snap, brokers=brokers, controller_id=controller, mode=mode)


def format_report(snap: ClusterSnapshot) -> list[str]:
    """The report `kafkatui check` prints; hosts, racks and the cluster id are the brokers' text,
    printed to the terminal: inert."""
    controller = next((b for b in snap.brokers if b.id == snap.controller_id), None)
    ctrl = f"{snap.controller_id} ({inert(controller.address, NAME_LIMIT)})" if controller else controller_text(snap)
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
