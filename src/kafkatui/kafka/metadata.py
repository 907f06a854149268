"""Cluster metadata: connection state, brokers (up/down, racks), topics and partitions."""

from __future__ import annotations

import logging
from typing import ClassVar

from confluent_kafka import KafkaError, KafkaException

from kafkatui.domain.commands import Command, Refresh
from kafkatui.domain.models import BrokerInfo, ClusterMode, ClusterSnapshot, ConnectionState, Link
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.errors import kafka_error
from kafkatui.kafka.pending import Pending, one

log = logging.getLogger("kafkatui.metadata")

SLICE = 0.5  # longest single metadata call (made off the worker thread), in seconds
FETCH_GRACE = 2.0  # seconds past SLICE before a metadata call that has not ended counts as failed
MAX_BACKOFF = 5.0
GRACE = 2.0  # seconds past the request timeout before a probe counts as unanswered
CALLBACKS_EVERY = 0.5  # admin.poll serves librdkafka's error and statistics callbacks this often


class MetadataService(Service):
    """Refreshes metadata every `refresh_interval`; turns failures into a connection state."""

    HANDLES: ClassVar[tuple[type[Command], ...]] = (Refresh,)

    def __init__(self, now: float) -> None:
        self.known: dict[int, BrokerInfo] = {}
        self.state = ConnectionState(Link.CONNECTING, "", now)
        self.pending_error: ConnectionState | None = None
        self.failing_since: float | None = None
        self.next_refresh = 0.0
        self.backoff = 1.0
        self.racks: Pending[None] | None = None
        self.rack_probe_done = False
        # KRaft or ZooKeeper, from a broker's `process.roles`: decides whether Metadata's
        # controller is the real one (domain/controller.py). Asked until answered, 3 tries at most.
        self.mode: ClusterMode | None = None
        self.mode_probe: Pending[None] | None = None
        self.mode_tries = 0
        self.fetch: Pending[None] | None = None  # the metadata round trip under way
        self.stats: str | None = None  # librdkafka's latest statistics JSON (see on_stats)

    def on_stats(self, stats_json: str) -> None:
        """librdkafka statistics callback (served by admin.poll on the worker thread): kept,
        and read at the next refresh for which brokers this client cannot connect to."""
        self.stats = stats_json

    def on_error(self, ctx: Context, err: KafkaError) -> None:
        """librdkafka error callback (served by admin.poll on the worker thread)."""
        log.warning("client error %s: %s", err.name(), err.str())  # repeats: logs.RepeatFilter
        if err.code() == KafkaError._ALL_BROKERS_DOWN:
            # librdkafka's text ("1/1 brokers are down") adds nothing to a transport error
            if self.pending_error is None:
                self.pending_error = ConnectionState(Link.UNREACHABLE, "no broker could be reached", ctx.clock())
            return
        state = clients.classify(err.code(), err.str(), ctx.clock())
        if state.link in (Link.AUTH_FAILED, Link.TLS_FAILED) or err.code() in (
            KafkaError._ALL_BROKERS_DOWN,
            KafkaError._TRANSPORT,
            KafkaError._RESOLVE,
        ):
            current = self.pending_error
            # keep the more specific reason (auth/TLS beat a plain disconnect)
            if current is None or current.link is Link.UNREACHABLE or state.link is not Link.UNREACHABLE:
                self.pending_error = state

    def set_state(self, ctx: Context, state: ConnectionState) -> None:
        if (state.link, state.reason) != (self.state.link, self.state.reason):
            self.state = state
            ctx.connected = state.ok
            ctx.emit(state)

    def handle(self, ctx: Context, command: Command) -> None:
        if isinstance(command, Refresh):
            self.next_refresh = 0.0
            return

    def poll(self, ctx: Context, now: float) -> None:
        ctx.admin.poll(0)
        self._collect_racks(now)
        self._collect_mode(now)
        if self.fetch is not None:
            self._collect_fetch(ctx, now)
        elif now >= self.next_refresh:
            self._refresh(ctx, now)

    def close(self, ctx: Context) -> None:
        return None

    def next_due(self, now: float) -> float:
        # the fetch's and the probes' futures wake the worker; librdkafka's callbacks wait for admin.poll
        due = now + CALLBACKS_EVERY
        return min(due, self.fetch.deadline) if self.fetch is not None else min(due, self.next_refresh)

    def _refresh(self, ctx: Context, now: float) -> None:
        """Start one metadata round trip (at most SLICE long); `_collect_fetch` takes its answer."""
        future = clients.list_topics_async(ctx.admin, SLICE)
        self.fetch = one(future, now + SLICE + FETCH_GRACE, ctx.wake)

    def _collect_fetch(self, ctx: Context, now: float) -> None:
        fetch = self.fetch
        if fetch is None or not (fetch.done() or fetch.expired(now)):
            return
        self.fetch = None
        try:
            if not fetch.done():  # list_topics ends by its own timeout; this is a guard
                raise KafkaException(KafkaError(KafkaError._TIMED_OUT, "metadata request did not end"))
            md, rtt = fetch.first.result()
            unreachable = clients.unreachable_brokers(self.stats)
            snapshot = clients.snapshot_from_metadata(
                md,
                ctx.settings.bootstrap_servers,
                rtt,
                self.known,
                ctx.clock(),
                mode=self.mode,
                unreachable=unreachable,
            )
        except KafkaException as exc:
            ctx.admin.poll(0)
            self._failed(ctx, now, exc)
            return
        self.failing_since = None
        self.pending_error = None
        self.backoff = 1.0
        self.next_refresh = now + ctx.settings.refresh_interval
        ctx.snapshot = snapshot
        self.set_state(ctx, ConnectionState(Link.CONNECTED, "", now))
        ctx.emit(snapshot)
        self._probe_racks(ctx)
        self._probe_mode(ctx, snapshot)

    def _failed(self, ctx: Context, now: float, exc: KafkaException) -> None:
        err = kafka_error(exc)
        if self.failing_since is None:
            self.failing_since = now
        pending = self.pending_error
        waited = now - self.failing_since
        timeout = ctx.settings.timeout
        if pending is not None and (pending.link is not Link.UNREACHABLE or waited >= 1.0):
            self.set_state(ctx, ConnectionState(pending.link, pending.reason, now))
        elif waited >= timeout:
            reason = err.str() if err is not None else str(exc)
            self.set_state(ctx, clients.classify(err.code() if err else -1, reason, now))
        if self.state.link is Link.CONNECTING or waited < timeout:
            self.next_refresh = now  # keep trying in SLICE steps until the timeout
        else:
            self.next_refresh = now + self.backoff
            self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def _probe_racks(self, ctx: Context) -> None:
        """DescribeCluster gives racks; probe it once, without blocking (the mock refuses it)."""
        if self.rack_probe_done or self.racks is not None:
            return
        try:
            future = ctx.admin.describe_cluster(request_timeout=ctx.settings.timeout)
            self.racks = one(future, ctx.clock() + ctx.settings.timeout + GRACE, ctx.wake)
        except Exception:
            self.rack_probe_done = True

    def _probe_mode(self, ctx: Context, snap: ClusterSnapshot) -> None:
        if self.mode is not None or self.mode_probe is not None or self.mode_tries >= 3 or snap.is_mock:
            return
        self.mode_tries += 1
        try:
            future = clients.describe_mode(ctx.admin, snap, ctx.settings.timeout)
            if future is not None:
                self.mode_probe = one(future, ctx.clock() + ctx.settings.timeout + GRACE, ctx.wake)
        except Exception as exc:
            log.info("DescribeConfigs (cluster mode) unavailable: %s", exc)

    def _collect_mode(self, now: float) -> None:
        probe = self.mode_probe
        if probe is None or not (probe.done() or probe.expired(now)):
            return
        self.mode_probe = None
        try:
            if not probe.done():
                raise TimeoutError("no answer in time")
            self.mode = clients.mode_from_result(probe.first.result())
        except Exception as exc:
            log.info("DescribeConfigs (cluster mode) unavailable: %s", exc)
            return
        if self.mode is not None:
            self.next_refresh = 0.0  # show the controller (or why none) now

    def _collect_racks(self, now: float) -> None:
        probe = self.racks
        if probe is None or not (probe.done() or probe.expired(now)):
            return
        self.racks = None
        self.rack_probe_done = True
        try:
            if not probe.done():
                raise TimeoutError("no answer in time")
            result = probe.first.result()
        except Exception as exc:
            log.info("DescribeCluster unavailable: %s", exc)
            return
        for node in result.nodes:
            old = self.known.get(node.id)
            if old is not None:
                self.known[node.id] = BrokerInfo(
                    old.id, old.host, old.port, node.rack or None, old.is_controller, old.up
                )
        self.next_refresh = 0.0  # show the racks now
