"""The one background thread that owns every Kafka client.

UI -> worker: command objects on `inbox` (a queue.Queue).
Worker -> UI: immutable events through `emit` (the app wraps `App.post_message`, thread-safe).
The loop never blocks for long: broker calls are bounded by a short slice so commands (and Stop)
are seen within about half a second, and quitting never waits on the broker: the thread is a
daemon and `stop()` joins with a short timeout.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from kafkatui.domain.commands import Command, Refresh, Stop
from kafkatui.domain.models import BrokerInfo, ConnectionState, Link, WorkerError
from kafkatui.kafka import clients
from kafkatui.redact import redact
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.worker")

Emit = Callable[[object], None]

SLICE = 0.5  # longest single blocking broker call, in seconds
MAX_BACKOFF = 5.0


class Worker:
    """Owns the AdminClient (and, as panes arrive, the Producer and Consumers)."""

    def __init__(self, settings: Settings, emit: Emit, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.inbox: queue.Queue[Command] = queue.Queue()
        self._emit_raw = emit
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kafka-worker", daemon=True)
        self._admin: AdminClient | None = None
        self._known: dict[int, BrokerInfo] = {}
        self._state = ConnectionState(Link.CONNECTING, "", clock())
        self._pending_error: ConnectionState | None = None
        self._failing_since: float | None = None
        self._next_refresh = 0.0
        self._backoff = 1.0
        self._racks: Future[Any] | None = None
        self._rack_probe_done = False
        self._last_snapshot: Any = None

    # -- UI side ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def submit(self, command: Command) -> None:
        self.inbox.put(command)

    def stop(self, timeout: float = 0.25) -> bool:
        """Ask the thread to end; wait at most `timeout`. True when it ended."""
        self._stop.set()
        self.inbox.put(Stop())
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- worker thread ------------------------------------------------------------------

    def _emit(self, event: object) -> None:
        try:
            self._emit_raw(event)
        except Exception:  # the app may be gone while quitting
            log.debug("emit failed", exc_info=True)

    def _on_error(self, err: KafkaError) -> None:
        """librdkafka error callback (runs inside poll on this thread)."""
        state = clients.classify(err.code(), err.str(), self._clock())
        log.warning("client error %s: %s", err.name(), err.str())
        if state.link in (Link.AUTH_FAILED, Link.TLS_FAILED) or err.code() in (
            KafkaError._ALL_BROKERS_DOWN,
            KafkaError._TRANSPORT,
            KafkaError._RESOLVE,
        ):
            current = self._pending_error
            # keep the more specific reason (auth/TLS beat a plain disconnect)
            if current is None or current.link is Link.UNREACHABLE or state.link is not Link.UNREACHABLE:
                self._pending_error = state

    def _set_state(self, state: ConnectionState) -> None:
        if (state.link, state.reason) != (self._state.link, self._state.reason):
            self._state = state
            self._emit(state)

    def _run(self) -> None:
        self._emit(self._state)
        try:
            self._admin = AdminClient(clients.admin_config(self.settings, self._on_error))
        except Exception as exc:  # config was validated; this is unexpected
            self._report("creating the admin client", exc)
            return
        while not self._stop.is_set():
            try:
                self._step()
            except Exception as exc:
                self._report("worker loop", exc)
                time.sleep(0.2)
        log.info("worker stopped")

    def _step(self) -> None:
        try:
            command = self.inbox.get(timeout=0.05)
        except queue.Empty:
            command = None
        if isinstance(command, Stop):
            self._stop.set()
            return
        if isinstance(command, Refresh):
            self._next_refresh = 0.0
        assert self._admin is not None
        self._admin.poll(0)
        self._collect_racks()
        now = self._clock()
        if now >= self._next_refresh:
            self._refresh(now)

    def _refresh(self, now: float) -> None:
        assert self._admin is not None
        try:
            snapshot = clients.fetch_snapshot(self._admin, self.settings, self._known, SLICE, self._clock)
        except KafkaException as exc:
            self._admin.poll(0)
            self._refresh_failed(now, exc)
            return
        self._failing_since = None
        self._pending_error = None
        self._backoff = 1.0
        self._next_refresh = now + self.settings.refresh_interval
        self._last_snapshot = snapshot
        self._set_state(ConnectionState(Link.CONNECTED, "", now))
        self._emit(snapshot)
        self._probe_racks()

    def _refresh_failed(self, now: float, exc: KafkaException) -> None:
        err = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
        if self._failing_since is None:
            self._failing_since = now
        pending = self._pending_error
        waited = now - self._failing_since
        if pending is not None and (pending.link is not Link.UNREACHABLE or waited >= 1.0):
            self._set_state(ConnectionState(pending.link, pending.reason, now))
        elif waited >= self.settings.timeout:
            reason = err.str() if err is not None else str(exc)
            self._set_state(clients.classify(err.code() if err else -1, reason, now))
        if self._state.link is Link.CONNECTING or waited < self.settings.timeout:
            self._next_refresh = now  # keep trying in SLICE steps until the timeout
        else:
            self._next_refresh = now + self._backoff
            self._backoff = min(self._backoff * 2, MAX_BACKOFF)

    def _probe_racks(self) -> None:
        """DescribeCluster gives racks; probe it once, without blocking (the mock refuses it)."""
        if self._rack_probe_done or self._racks is not None or self._admin is None:
            return
        try:
            self._racks = self._admin.describe_cluster(request_timeout=self.settings.timeout)
        except Exception:
            self._rack_probe_done = True

    def _collect_racks(self) -> None:
        if self._racks is None or not self._racks.done():
            return
        future, self._racks = self._racks, None
        self._rack_probe_done = True
        try:
            result = future.result()
        except Exception as exc:
            log.info("DescribeCluster unavailable: %s", exc)
            return
        for node in result.nodes:
            old = self._known.get(node.id)
            if old is not None:
                self._known[node.id] = BrokerInfo(
                    old.id, old.host, old.port, node.rack or None, old.is_controller, old.up
                )
        self._next_refresh = 0.0  # show the racks now

    def _report(self, where: str, exc: BaseException) -> None:
        message = redact(f"{type(exc).__name__}: {exc}", self.settings.secret_values())
        log.error("%s failed: %s", where, message)
        self._emit(WorkerError(self._clock(), where, message))
