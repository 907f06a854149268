"""The one background thread that owns every Kafka client.

UI -> worker: typed commands on `inbox` (a queue.Queue), routed by a table built at start
(kafka/dispatch.py) from each service's `HANDLES`.
Worker -> UI: immutable `Event`s through `emit` (the app wraps `App.post_message`, thread-safe).
Each data source is a service (metadata, freezer feed, ...) polled in turn; none blocks for
long. Between steps the worker sleeps until the earliest service's `next_due`, a command, or a
wake (a finished admin future calls `ctx.wake`), so an idle dashboard costs next to nothing and
a command is seen at once. Quitting never waits on the broker: the thread is a daemon and
`stop()` joins with a short timeout.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable

from confluent_kafka.admin import AdminClient

from kafkatui.domain.commands import Command, Refresh, Stop
from kafkatui.domain.events import Event
from kafkatui.domain.models import Refused, WorkerError
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context, Emit, Service
from kafkatui.kafka.dispatch import Table, build_table
from kafkatui.kafka.metadata import MetadataService
from kafkatui.redact import redact
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.worker")

ServiceFactory = Callable[[Context], Service]

MAX_SLEEP = 0.5  # longest sleep between steps, whatever the services say (a missed wake costs this)


class Relay:
    """An emit function that buffers events until the UI attaches (so the worker can start,
    and connect, while the UI toolkit is still being imported)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer: list[Event] = []
        self._target: Emit | None = None

    def __call__(self, event: Event) -> None:
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


def _waker(inbox: queue.Queue[Command | None], woken: threading.Event) -> Callable[[], None]:
    """A wake function that references only the inbox: futures keep it in their callbacks, and it
    must not keep the worker (and through it the clients) alive."""

    def wake() -> None:
        if not woken.is_set():
            woken.set()
            inbox.put(None)

    return wake


class Worker:
    """Owns the AdminClient and every service's clients; runs them on one thread."""

    def __init__(
        self,
        settings: Settings,
        emit: Emit,
        clock: Callable[[], float] = time.time,
        extra_services: tuple[ServiceFactory, ...] = (),
        commands: Iterable[type[Command]] = (Refresh,),
    ) -> None:
        self.settings = settings
        self.inbox: queue.Queue[Command | None] = queue.Queue()  # None: a wake, no command
        self._woken = threading.Event()  # a wake is queued already (one is enough)
        self._waker = _waker(self.inbox, self._woken)  # what ctx.wake is: holds no Worker, no client
        self._required = tuple(commands)  # the command types some service must handle
        self._emit_raw = emit
        self._clock = clock
        self._extra = extra_services
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kafka-worker", daemon=True)
        self.metadata = MetadataService(clock())
        self.services: list[Service] = []
        self.table: Table = {}
        self.steps = 0  # worker loop steps so far (tests read it to see the worker sleep)
        self._context: list[Context] = []  # the admin's error callback reaches the context here

    # -- UI side ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (once; a second call is a no-op)."""
        if self._thread.ident is None:
            self._thread.start()

    def submit(self, command: Command) -> None:
        self.inbox.put(command)  # wakes the worker at once

    def wake(self) -> None:
        """End the worker's sleep now (thread-safe: librdkafka's threads call it as futures finish)."""
        self._waker()

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

    def _emit(self, event: Event) -> None:
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
        try:
            self.table = build_table(self.services, self._required)
        except Exception as exc:  # a programming error: say so and do not start half-wired
            ctx.report("starting the worker", exc)
            self._close_all(ctx)
            return
        while not self._stop.is_set():
            self._step(ctx)
        self._close_all(ctx)
        # Break admin -> error callback -> context -> admin, so the admin client is freed here, on
        # this thread, when the last reference goes. Left to the cycle collector it may be freed on
        # librdkafka's own background thread (Python runs there to complete admin futures, e.g. a
        # DescribeConfigs answer arriving after the stop), and librdkafka aborts the process when a
        # client is destroyed from one of its threads.
        self._context.clear()
        log.info("worker stopped")

    def _close_all(self, ctx: Context) -> None:
        for service in self.services:
            try:
                service.close(ctx)
            except Exception:
                log.debug("close failed", exc_info=True)

    def _make_context(self) -> Context:
        holder = self._context
        metadata = self.metadata  # not `self`: services may hold the context, which holds the admin

        def on_error(err: object) -> None:
            if holder:
                metadata.on_error(holder[0], err)  # type: ignore[arg-type]

        admin = AdminClient(clients.admin_config(self.settings, on_error, self.metadata.on_stats))
        ctx = Context(self.settings, self._emit, self._clock, admin, wake=self._waker)
        holder.append(ctx)
        return ctx

    def _sleep_for(self, now: float) -> float:
        """Seconds until a service next needs a poll (0 while one is busy), at most MAX_SLEEP."""
        if any(service.busy for service in self.services):
            return 0.0
        due = min((service.next_due(now) for service in self.services), default=now + MAX_SLEEP)
        return min(max(due - now, 0.0), MAX_SLEEP)

    def _take(self, wait: float) -> Command | None:
        """The next command, waiting at most `wait` seconds for one (or for a wake)."""
        try:
            command = self.inbox.get(timeout=wait) if wait > 0 else self.inbox.get_nowait()
        except queue.Empty:
            return None
        if command is None:
            self._woken.clear()
        return command

    def _dispatch(self, ctx: Context, command: Command) -> None:
        if command.WRITES and self.settings.read_only:
            log.warning("read-only: refused %s", type(command).__name__)
            self._emit(Refused(self._clock(), type(command).__name__))
            return
        handlers = self.table.get(type(command))
        if handlers is None:
            # only a worker built with some of the services (tests, benchmarks) gets here: the
            # dashboard's refuses to start unless every command type has a handler
            log.info("no service in this worker handles %s", type(command).__name__)
            return
        for service in handlers:  # one, or every service listing a broadcast such as Refresh
            try:
                service.handle(ctx, command)
            except Exception as exc:
                ctx.report(type(service).__name__, exc)

    def _step(self, ctx: Context) -> None:
        """Wait for the earliest of: a command, a wake, a service's next_due; then handle the
        command (at most one per step) and poll every service once."""
        self.steps += 1
        command = self._take(self._sleep_for(self._clock()))
        if isinstance(command, Stop):
            self._stop.set()
            return
        if command is not None:
            self._dispatch(ctx, command)
        for service in self.services:
            if self._stop.is_set():
                return
            try:
                service.poll(ctx, self._clock())
            except Exception as exc:
                ctx.report(type(service).__name__, exc)
                time.sleep(0.1)
