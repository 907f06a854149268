"""The one background thread that owns every Kafka client.

UI -> worker: command objects on `inbox` (a queue.Queue).
Worker -> UI: immutable events through `emit` (the app wraps `App.post_message`, thread-safe).
Each data source is a service (metadata, freezer feed, ...) polled in turn; none blocks for
long, so commands (and Stop) are seen within about half a second. Quitting never waits on the
broker: the thread is a daemon and `stop()` joins with a short timeout.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from confluent_kafka.admin import AdminClient

from kafkatui.domain.commands import Command, Refresh, Stop
from kafkatui.domain.models import Refused, WorkerError
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.metadata import MetadataService
from kafkatui.redact import redact
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.worker")

Emit = Callable[[object], None]
ServiceFactory = Callable[[Context], Service]


class Relay:
    """An emit function that buffers events until the UI attaches (so the worker can start,
    and connect, while the UI toolkit is still being imported)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer: list[object] = []
        self._target: Emit | None = None

    def __call__(self, event: object) -> None:
        with self._lock:
            if self._target is None:
                self._buffer.append(event)
                return
            target = self._target
        target(event)

    def attach(self, target: Emit) -> None:
        with self._lock:
            buffered, self._buffer = self._buffer, []
            self._target = target
        for event in buffered:
            target(event)


class Worker:
    """Owns the AdminClient and every service's clients; runs them on one thread."""

    def __init__(
        self,
        settings: Settings,
        emit: Emit,
        clock: Callable[[], float] = time.time,
        extra_services: tuple[ServiceFactory, ...] = (),
    ) -> None:
        self.settings = settings
        self.inbox: queue.Queue[Command] = queue.Queue()
        self._emit_raw = emit
        self._clock = clock
        self._extra = extra_services
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kafka-worker", daemon=True)
        self.metadata = MetadataService(clock())
        self.services: list[Service] = []
        self._context: list[Context] = []  # the admin's error callback reaches the context here

    # -- UI side ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (once; a second call is a no-op)."""
        if self._thread.ident is None:
            self._thread.start()

    def submit(self, command: Command) -> None:
        self.inbox.put(command)

    def stop(self, timeout: float = 0.1) -> bool:
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

    def _run(self) -> None:
        self._emit(self.metadata.state)
        try:
            ctx = self._make_context()
        except Exception as exc:  # config was validated; this is unexpected
            message = redact(f"{type(exc).__name__}: {exc}", self.settings.secret_values())
            self._emit(WorkerError(self._clock(), "creating the admin client", message))
            return
        self.services = [self.metadata]
        for factory in self._extra:
            try:
                self.services.append(factory(ctx))
            except Exception as exc:
                ctx.report(f"starting {getattr(factory, '__name__', 'service')}", exc)
        while not self._stop.is_set():
            self._step(ctx)
        for service in self.services:
            try:
                service.close(ctx)
            except Exception:
                log.debug("close failed", exc_info=True)
        # Break admin -> error callback -> context -> admin, so the admin client is freed here, on
        # this thread, when the last reference goes. Left to the cycle collector it may be freed on
        # librdkafka's own background thread (Python runs there to complete admin futures, e.g. a
        # DescribeConfigs answer arriving after the stop), and librdkafka aborts the process when a
        # client is destroyed from one of its threads.
        self._context.clear()
        log.info("worker stopped")

    def _make_context(self) -> Context:
        holder = self._context
        metadata = self.metadata  # not `self`: services may hold the context, which holds the admin

        def on_error(err: object) -> None:
            if holder:
                metadata.on_error(holder[0], err)  # type: ignore[arg-type]

        admin = AdminClient(clients.admin_config(self.settings, on_error, self.metadata.on_stats))
        ctx = Context(self.settings, self._emit, self._clock, admin)
        holder.append(ctx)
        return ctx

    def _step(self, ctx: Context) -> None:
        # idle between steps unless a service has work queued (a producer burst, say)
        wait = 0.0 if any(getattr(s, "busy", False) for s in self.services) else 0.02
        try:
            command = self.inbox.get(timeout=wait) if wait else self.inbox.get_nowait()
        except queue.Empty:
            command = None
        if isinstance(command, Stop):
            self._stop.set()
            return
        if command is not None and command.WRITES and self.settings.read_only:
            log.warning("read-only: refused %s", type(command).__name__)
            self._emit(Refused(self._clock(), type(command).__name__))
            command = None
        for service in self.services:
            if self._stop.is_set():
                return
            try:
                # Refresh is for everyone; any other command belongs to one service
                if command is not None and service.handle(ctx, command) and not isinstance(command, Refresh):
                    command = None
                service.poll(ctx, self._clock())
            except Exception as exc:
                ctx.report(type(service).__name__, exc)
                time.sleep(0.1)
