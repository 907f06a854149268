"""The Producer pane's worker side: one librdkafka Producer, bursts in slices, delivery reports.

Runs on the worker thread like every service and never blocks it:
- a burst is produced in slices (at most SLICE_SECONDS or SLICE_MAX messages per poll), with
  `producer.poll(0)` every poll; a full local queue (BufferError) ends the slice and the same
  message is tried again next poll, so nothing is dropped;
- a toggle change (`Configure`) pauses the burst, waits (poll by poll) until every queued message
  has its delivery report, then rebuilds the producer and resumes;
- delivery reports are counted in the callback and only the last REPORT_ROWS are kept; a
  ProducerView (COALESCE) carries counters and those rows to the UI a few times a second;
- a send is checked whole before its first message (topic from `ctx.snapshot`, partition range,
  size against the topic's max.message.bytes from DescribeConfigs, or librdkafka's own
  message.max.bytes where DescribeConfigs is refused); read-only mode refuses every send.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar

from confluent_kafka import KafkaError, KafkaException, Message, Producer
from confluent_kafka.admin import ConfigResource, ResourceType  # type: ignore[attr-defined]

from kafkatui.domain.commands import Command
from kafkatui.domain.models import ClusterSnapshot, TopicInfo
from kafkatui.domain.producer import (
    CLIENT_MAX_BYTES_DEFAULT,
    REPORT_ROWS,
    BurstProgress,
    Configure,
    DeliveryReport,
    ErrorTally,
    InspectTopic,
    Produce,
    ProducerConfig,
    ProduceRequest,
    ProducerNotice,
    ProducerView,
    StopBurst,
    Template,
    TopicFacts,
    check_cluster,
    effective_limit,
    initial_config,
    isr_shortfall,
    producer_partitioner,
)
from kafkatui.domain.readings import escape_raw
from kafkatui.kafka import clients
from kafkatui.kafka.context import IDLE_DUE, Context, Service
from kafkatui.kafka.errors import kafka_error
from kafkatui.kafka.pending import Pending, one
from kafkatui.kafka.registry import classify as classify_registry
from kafkatui.kafka.registry import make_client
from kafkatui.kafka.schema_writer import DoesNotFit, SchemaRef, SchemaWriter, resolve
from kafkatui.redact import redact

log = logging.getLogger("kafkatui.producer")

SLICE_SECONDS = 0.02  # longest time one poll spends queueing a burst
SLICE_MAX = 50_000  # most messages one poll queues
VIEW_EVERY = 0.25  # seconds between views (4 Hz)
FAILURES_KEPT = 50
ASKED_KEPT = 20  # topics whose facts the view carries
REPORTS_EVERY = 0.05  # seconds between polls while messages await their delivery reports
DESCRIBE_GRACE = 1.0  # seconds past the request timeout before DescribeConfigs counts as unanswered
RETRY_FIRST = 2.0  # seconds before a DescribeConfigs lost on the way (broker gone, timeout) is asked again
RETRY_MOST = 30.0  # the wait doubles on each loss in a row, up to this
# answers that will not change by asking again: DescribeConfigs is refused here for the session
REFUSING = frozenset(
    {
        KafkaError.TOPIC_AUTHORIZATION_FAILED,
        KafkaError.CLUSTER_AUTHORIZATION_FAILED,
        KafkaError._UNSUPPORTED_FEATURE,
        KafkaError.UNSUPPORTED_VERSION,
        KafkaError.INVALID_REQUEST,
        KafkaError.SECURITY_DISABLED,
    }
)
READ_ONLY = "read-only mode: producing is disabled (kafkatui was started with --read-only)"
SUBJECTS_EVERY = 30.0  # seconds between two listings of the registry's subjects


@dataclass(slots=True)
class _Burst:
    request: ProduceRequest
    key: Template | None
    value: Template
    headers: Any  # list[tuple[str, bytes]] | None, as Producer.produce takes it
    partition: int
    total: int
    base_delivered: int  # service counters when the burst started
    base_failed: int
    next: int = 0
    started: float = 0.0  # perf_counter of the first message
    finished: float = 0.0  # perf_counter when the last report came
    stopped: bool = False
    aborted: str = ""
    writer: SchemaWriter | None = None  # the value is JSON serialized with this registry schema

    @property
    def target(self) -> int:
        return self.next if self.stopped or self.aborted else self.total


class ProducerService(Service):
    """Owns the Producer; see the module doc for the rules it keeps."""

    HANDLES: ClassVar[tuple[type[Command], ...]] = (Produce, Configure, StopBurst, InspectTopic)

    def __init__(self, ctx: Context, keep: int = REPORT_ROWS) -> None:
        settings = ctx.settings
        base = clients.base_config(settings)
        self.read_only = settings.read_only
        self.partitioner = producer_partitioner(base)
        self.client_max = int(base.get("message.max.bytes", CLIENT_MAX_BYTES_DEFAULT))
        self.config = initial_config(base)
        self.producer: Producer | None = None
        self.pending: ProducerConfig | None = None  # toggles waiting for in-flight messages
        self.fatal: str = ""
        self.waiting: deque[ProduceRequest] = deque()
        self.burst: _Burst | None = None
        self.last_burst: BurstProgress | None = None
        self.queued = 0
        self.delivered = 0
        self.failed = 0
        self.reports = 0
        # (report number, time, message, error, likely cause, acks of the producer that sent it)
        self.recent: deque[tuple[int, float, Message, KafkaError | None, str, str]] = deque(maxlen=keep)
        self.failures: deque[tuple[int, float, Message, KafkaError, str, str]] = deque(maxlen=FAILURES_KEPT)
        self.tally = ErrorTally()
        self.clock: Callable[[], float] = ctx.clock
        self.now = ctx.clock()  # the time delivery reports are stamped with (set per poll)
        # DescribeConfigs: broker (auto-create, message.max.bytes) once, topics on demand
        self.broker: dict[str, str] | None = None
        self.broker_call: Pending[None] | None = None
        self.topic_max: dict[str, int] = {}
        self.topic_min_isr: dict[str, int] = {}  # min.insync.replicas, from the same DescribeConfigs
        self.snapshot: ClusterSnapshot | None = None  # the metadata as of the last poll
        self.isr_note = ""  # why the running burst's acks=all sends cannot be acknowledged now
        self._by_name: tuple[ClusterSnapshot | None, dict[str, TopicInfo]] = (None, {})
        # registry schemas for sends with a schema: resolved on a thread, kept for the session
        self.settings = settings
        self.writers: dict[SchemaRef, SchemaWriter] = {}
        self.resolving: dict[SchemaRef, Future[SchemaWriter]] = {}
        self.schema_pool: ThreadPoolExecutor | None = None
        self.wake = ctx.wake
        self.announced: set[str] = set()
        self.subjects: tuple[str, ...] = ()
        self.subjects_call: Future[list[str]] | None = None
        self.subjects_at = float("-inf")  # when the subjects were last asked for
        self.topic_calls: dict[str, Pending[None]] = {}
        self.asked: dict[str, None] = {}  # topics the user sent to or looked at, newest last
        self.refused: str = ""  # why DescribeConfigs is unavailable, once known
        self.retry_at: float | None = None  # when to ask again after an answer lost on the way
        self.retry_wait = RETRY_FIRST
        self.notes: list[str] = []
        self.state = READ_ONLY if self.read_only else "idle: no producer yet (built on the first send)"
        self.dirty = True
        self.next_view = 0.0

    # -- Service ------------------------------------------------------------------------

    def handle(self, ctx: Context, command: Command) -> None:
        if isinstance(command, Produce):
            if self.read_only:
                self._notice(ctx, READ_ONLY, error=True)
            else:
                self.waiting.append(command.request)
                self._remember(command.request.topic)
                self._learn(ctx, command.request.topic)
            self.dirty = True
            return
        if isinstance(command, Configure):
            if self.read_only:
                self._notice(ctx, READ_ONLY, error=True)
            elif command.config == self.config:
                self.pending = None  # back to what the producer already has: nothing to rebuild
            else:
                self.pending = command.config
            self.dirty = True
            return
        if isinstance(command, StopBurst):
            burst = self.burst
            if burst is not None and not burst.stopped and burst.next < burst.total:
                burst.stopped = True
                self._notice(
                    ctx,
                    f"burst stopped after {burst.next:,} of {burst.total:,} queued; "
                    "those are still delivered and reported",
                )
            self.dirty = True
            return
        if isinstance(command, InspectTopic):
            if not self.read_only:
                self._remember(command.topic)
                self._learn(ctx, command.topic)
            return

    @property
    def busy(self) -> bool:
        """A burst is being fed: the worker should not idle between polls."""
        return self.burst is not None

    def next_due(self, now: float) -> float:
        due = now + IDLE_DUE
        if self.dirty:
            due = now + max(0.0, self.next_view - time.perf_counter())
        if self.pending is not None or self.waiting or (self.producer is not None and len(self.producer)):
            due = min(due, now + REPORTS_EVERY)  # delivery reports are served by producer.poll
        for call in (self.broker_call, *self.topic_calls.values()):
            if call is not None:
                due = min(due, call.deadline)  # an answer wakes the worker before that
        if self.retry_at is not None:
            due = min(due, self.retry_at)
        return due

    def poll(self, ctx: Context, now: float) -> None:
        self._refresh_subjects(time.monotonic())
        if ctx.snapshot is not self.snapshot:
            self.snapshot = ctx.snapshot
            self._check_isr(ctx)
        self._serve()
        self._collect(ctx)
        if self.retry_at is not None and ctx.clock() >= self.retry_at:
            self.retry_at = None
            for topic in list(self.asked):
                self._learn(ctx, topic)
        if self.pending is not None:
            self._try_rebuild(ctx)
        elif self.burst is not None:
            self._feed(ctx)
        if self.burst is not None:
            self._check_done(ctx)
        if self.burst is None and self.pending is None and self.waiting:
            self._start_next(ctx)
        mono = time.perf_counter()
        if self.dirty and mono >= self.next_view:
            self.next_view = mono + VIEW_EVERY
            self.dirty = False
            ctx.emit(self.view(ctx))

    def close(self, ctx: Context) -> None:
        if self.schema_pool is not None:
            self.schema_pool.shutdown(wait=False, cancel_futures=True)
        producer, self.producer = self.producer, None
        if producer is not None:
            left = producer.flush(min(ctx.settings.timeout, 2.0))
            if left:
                log.warning("producer closed with %d messages undelivered", left)

    # -- delivery reports (served by producer.poll on this thread) -----------------------

    def _on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        # hot path (once per message at 100k msgs/s): count, keep the raw message, nothing more;
        # the time is the poll's (reports are served inside producer.poll on this thread)
        self.reports += 1
        if err is None:
            self.delivered += 1
            cause = ""
        else:
            self.failed += 1
            self.tally.add(err.name())
            cause = self._cause(err, msg)
            self.failures.append((self.reports, self.now, msg, err, cause, self.config.acks))
        self.recent.append((self.reports, self.now, msg, err, cause, self.config.acks))

    def _serve(self) -> None:
        """Serve delivery reports (and callbacks) now."""
        if self.producer is not None:
            self.now = self.clock()
            before = self.reports
            self.producer.poll(0)
            if self.reports != before:
                self.dirty = True

    def _on_error(self, err: KafkaError) -> None:
        if err.fatal():
            self.fatal = f"{err.name()}: {err.str()}"
            log.error("producer fatal error: %s", self.fatal)
        else:
            log.info("producer error %s: %s", err.name(), err.str())

    # -- sending ------------------------------------------------------------------------

    def _start_next(self, ctx: Context) -> None:
        request = self.waiting[0]
        if ctx.snapshot is None:
            self.waiting.popleft()
            self._notice(
                ctx,
                "not sent: no metadata from the cluster yet (see the header); try again once it shows connected",
                error=True,
                field="topic",
            )
            return
        facts = self.facts(ctx, request.topic)
        if facts is None:
            self.state = f"checking {request.topic} (DescribeConfigs)…"
            return  # still learning the topic's limits
        writer = None
        if request.schema != "none":
            writer = self._schema_writer(ctx, request)
            if writer is None:
                return  # being fetched (the state says so), or refused with a notice
        self.waiting.popleft()
        problems = check_cluster(request, facts)
        if problems:
            for p in problems:
                self._notice(ctx, f"not sent: {p}", error=True, field=p.field)
            return
        try:
            if self.fatal and self.producer is not None:
                self._notice(ctx, f"rebuilding the producer after a fatal error ({self.fatal})")
                self._replace_producer(ctx, self.config)
            if self.producer is None:
                self._replace_producer(ctx, self.config)
        except (KafkaException, ValueError, TypeError) as exc:
            self._notice(
                ctx,
                f"not sent: librdkafka refused to build the producer with "
                f"{self.config.describe()}: {clients.config_error(exc)}",
                error=True,
            )
            return
        self.isr_note = self._shortfall(ctx, request.topic, request.partition)
        if self.isr_note:
            self._notice(ctx, f"sending, but {self.isr_note}", error=True)
        if writer is not None and writer.describe() not in self.announced:
            self.announced.add(writer.describe())  # said once per schema, not on every send
            self._notice(ctx, f"the value is serialized with the {writer.describe()}")
        key = request.key_template()
        self.burst = _Burst(
            request,
            key,
            request.value_template(),
            request.header_list(),
            -1 if request.partition is None else request.partition,
            request.count,
            self.delivered,
            self.failed,
            started=time.perf_counter(),
            writer=writer,
        )
        self.last_burst = None
        self._feed(ctx)

    def _feed(self, ctx: Context) -> None:
        """Queue the next slice of the burst: bounded in time and count, never dropping."""
        b = self.burst
        producer = self.producer
        if b is None or producer is None or b.stopped or b.aborted or b.next >= b.total:
            return
        limit = b.total
        rate = b.request.rate
        if rate is not None:
            limit = min(limit, int(rate * (time.perf_counter() - b.started)) + 1)
        limit = min(limit, b.next + SLICE_MAX)
        deadline = time.perf_counter() + SLICE_SECONDS
        topic, partition, headers = b.request.topic, b.partition, b.headers
        value_t, key_t = b.value, b.key
        const_value, const_key = value_t.constant, key_t.constant if key_t else None
        writer = b.writer
        if writer is not None and const_value is not None:
            const_value = writer.encode(const_value.decode("utf-8"))  # checked before the send: it fits
        produce = producer.produce
        i = b.next
        try:
            while i < limit:
                if const_value is not None:
                    value = const_value
                elif writer is None:
                    value = value_t.render(i)
                else:
                    value = writer.encode(value_t.render(i).decode("utf-8"))
                if key_t is None:  # noqa: SIM108 (hot loop: no nested conditional)
                    key = None
                else:
                    key = const_key if const_key is not None else key_t.render(i)
                produce(topic, value, key, partition, headers=headers)
                i += 1
                if not i & 0xFF and time.perf_counter() > deadline:
                    break
        except BufferError:
            pass  # local queue full: the same message again next poll
        except DoesNotFit as exc:  # a {i} template rendered a value the schema refuses
            b.aborted = str(exc)
            self._notice(ctx, f"burst stopped at message {i:,} of {b.total:,}: {exc}", error=True, field="value")
        except KafkaException as exc:
            err = kafka_error(exc)
            name = err.name() if err is not None else type(exc).__name__
            text = err.str() if err is not None else str(exc)
            if err is not None and err.code() == KafkaError._FATAL:
                self.fatal = self.fatal or text
            b.aborted = f"{name}: {text}"
            self._notice(
                ctx,
                f"burst stopped at message {i:,} of {b.total:,}: librdkafka refused it ({name}: {text})",
                error=True,
            )
        finally:
            self.queued += i - b.next
            b.next = i
            self.dirty = True
        self._serve()

    def _schema_writer(self, ctx: Context, request: ProduceRequest) -> SchemaWriter | None:
        """The writer for the request's schema, checked against its first value; None while the
        registry is asked (the request waits) or when the send is refused (dropped, with a notice)."""
        ref = SchemaRef(request.schema, request.subject, request.schema_version)
        writer = self.writers.get(ref)
        if writer is None:
            future = self.resolving.get(ref)
            if future is None:
                client = make_client(self.settings)
                if client is None:
                    self.waiting.popleft()
                    self._notice(
                        ctx,
                        "not sent: no Schema Registry is set (SCHEMA_REGISTRY_URL, or schema.registry.url in the "
                        "config file); choose schema none to send the text as it is",
                        error=True,
                        field="schema",
                    )
                    return None
                if self.schema_pool is None:
                    self.schema_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kafkatui-schema")
                future = self.schema_pool.submit(resolve, client, ref)
                wake = self.wake
                future.add_done_callback(lambda _done: wake())  # the answer: poll at once
                self.resolving[ref] = future
                self.state = f"asking the Schema Registry for the {ref.describe()}…"
                self.dirty = True
                return None
            if not future.done():
                return None
            del self.resolving[ref]
            try:
                writer = future.result()
            except DoesNotFit as exc:
                self._refuse_schema(ctx, str(exc))
                return None
            except Exception as exc:
                failure = classify_registry(exc, self.settings, f"the {ref.describe()}")
                self._refuse_schema(ctx, failure.text)
                return None
            self.writers[ref] = writer
        try:
            writer.encode(request.value_template().render(0).decode("utf-8"))
        except DoesNotFit as exc:
            self._refuse_schema(ctx, str(exc), field="value")
            return None
        return writer

    def _refuse_schema(self, ctx: Context, reason: str, field: str = "subject") -> None:
        self.waiting.popleft()
        self.state = "idle"
        self._notice(ctx, f"not sent: {reason}", error=True, field=field)

    def _check_done(self, ctx: Context) -> None:
        b = self.burst
        assert b is not None
        reported = (self.delivered - b.base_delivered) + (self.failed - b.base_failed)
        if reported < b.target or (b.next < b.total and not (b.stopped or b.aborted)):
            state = self._burst_state(b, reported)
            if state != self.state:  # the pane shows what the burst waits for (and why)
                self.state = state
                self.dirty = True
            return
        b.finished = time.perf_counter()
        self.last_burst = self._progress(b)
        self.burst = None
        self.state = "idle"
        self.dirty = True
        if b.total > 1:
            self._notice(ctx, self.last_burst.describe(), error=self.last_burst.failed > 0)

    def _burst_state(self, b: _Burst, reported: int) -> str:
        if self.pending is not None:
            return self.state
        why = f": {self.isr_note}" if self.isr_note else ""
        if b.next < b.target:
            return f"sending {b.next:,}/{b.total:,}{why}"
        return f"waiting for {b.target - reported:,} delivery reports{why}"

    def _progress(self, b: _Burst) -> BurstProgress:
        end = b.finished or time.perf_counter()
        return BurstProgress(
            total=b.total,
            produced=b.next,
            delivered=self.delivered - b.base_delivered,
            failed=self.failed - b.base_failed,
            elapsed=max(0.0, end - b.started),
            done=bool(b.finished),
            stopped=b.stopped or bool(b.aborted),
            rate_target=b.request.rate,
        )

    # -- toggles: flush, then rebuild -----------------------------------------------------

    def _try_rebuild(self, ctx: Context) -> None:
        pending = self.pending
        assert pending is not None
        producer = self.producer
        in_flight = len(producer) if producer is not None else 0
        if in_flight:
            self.state = (
                f"applying {pending.describe()}: waiting for {in_flight:,} in-flight "
                "messages to be reported first (nothing is dropped)"
            )
            self.dirty = True
            return
        self.pending = None
        if producer is None:
            self.config = pending
            self._notice(ctx, f"producer settings: {pending.describe()} (built on the next send)")
            self.state = "idle: no producer yet (built on the next send)"
            return
        try:
            self._replace_producer(ctx, pending)
        except (KafkaException, ValueError, TypeError) as exc:
            self._notice(
                ctx,
                f"librdkafka refused {pending.describe()}: "
                f"{clients.config_error(exc)}; the next send builds it with "
                f"{self.config.describe()}",
                error=True,
            )
            return
        self._notice(
            ctx,
            f"producer rebuilt with {pending.describe()}; every message queued before the change was reported first",
        )
        self.state = "idle" if self.burst is None else self.state

    def _replace_producer(self, ctx: Context, config: ProducerConfig) -> None:
        old, self.producer = self.producer, None
        if old is not None:
            self.now = self.clock()
            old.flush(0)  # nothing is in flight here; serves any last report
            del old
        conf: dict[str, Any] = clients.base_config(ctx.settings)
        conf.update(config.librdkafka())
        conf["on_delivery"] = self._on_delivery
        conf["error_cb"] = self._on_error
        self.producer = Producer(conf)
        self.config = config
        self.fatal = ""
        self.dirty = True
        log.info("producer built: %s", config.describe())

    # -- what the cluster allows ------------------------------------------------------------

    def _remember(self, topic: str) -> None:
        """A topic the user sent to or looked at: the view carries its facts."""
        self.asked.pop(topic, None)
        self.asked[topic] = None
        while len(self.asked) > ASKED_KEPT:
            self.asked.pop(next(iter(self.asked)))

    def _learn(self, ctx: Context, topic: str) -> None:
        """Start the DescribeConfigs calls `facts` needs (each at most once, never waiting)."""
        if self.refused or (self.retry_at is not None and ctx.clock() < self.retry_at):
            return
        timeout = ctx.settings.timeout
        if self.broker is None and self.broker_call is None and ctx.snapshot is not None:
            up = [b.id for b in ctx.snapshot.brokers if b.up]
            if up:
                res = ConfigResource(ResourceType.BROKER, str(up[0]))
                self.broker_call = self._describe(ctx, res, timeout)
        exists = self._partitions(ctx, topic) is not None
        if exists and topic not in self.topic_max and topic not in self.topic_calls:
            res = ConfigResource(ResourceType.TOPIC, topic)
            call = self._describe(ctx, res, timeout)
            if call is not None:
                self.topic_calls[topic] = call

    def _describe(self, ctx: Context, res: ConfigResource, timeout: float) -> Pending[None] | None:
        try:
            futures = ctx.admin.describe_configs([res], request_timeout=timeout)
        except Exception as exc:  # refused locally (bad argument, client state)
            self._refuse(f"DescribeConfigs failed: {exc}")
            return None
        return one(next(iter(futures.values())), ctx.clock() + timeout + DESCRIBE_GRACE, ctx.wake)

    def _collect(self, ctx: Context) -> None:
        deadline = ctx.settings.timeout + DESCRIBE_GRACE
        now = ctx.clock()
        call = self.broker_call
        if call is not None:
            if call.first.done():
                self.broker_call = None
                try:
                    entries = call.first.result()
                    self.broker = {k: str(v.value) for k, v in entries.items()}
                    self.retry_wait = RETRY_FIRST
                except Exception as exc:
                    self._failed(ctx, exc)
            elif call.expired(now):
                self.broker_call = None
                self._lost(ctx, f"DescribeConfigs did not answer within {deadline:g} s")
        for topic, call in list(self.topic_calls.items()):
            if call.first.done():
                del self.topic_calls[topic]
                try:
                    entries = call.first.result()
                    entry = entries.get("max.message.bytes")
                    if entry is not None and entry.value is not None:
                        self.topic_max[topic] = int(entry.value)
                    entry = entries.get("min.insync.replicas")
                    if entry is not None and entry.value is not None and str(entry.value).isdigit():
                        self.topic_min_isr[topic] = int(entry.value)
                        self._check_isr(ctx)
                    self.retry_wait = RETRY_FIRST
                except Exception as exc:
                    self._failed(ctx, exc)
                self.dirty = True
            elif call.expired(now):
                del self.topic_calls[topic]
                self._lost(ctx, f"DescribeConfigs did not answer within {deadline:g} s")

    def _failed(self, ctx: Context, exc: BaseException) -> None:
        """A DescribeConfigs answered with an error: refused for good, or lost on the way."""
        err = kafka_error(exc)
        if err is None or err.code() in REFUSING:
            self._refuse(_reason(exc))
        else:  # a broker gone, a timeout, a leader moving: the answer may come next time
            self._lost(ctx, _reason(exc))

    def _lost(self, ctx: Context, reason: str) -> None:
        """Ask again later (the wait doubles while answers keep getting lost); until then the
        checks use what is known, as when no broker can be asked."""
        if self.retry_at is None:
            self.retry_at = ctx.clock() + self.retry_wait
            log.info("DescribeConfigs failed (%s): asked again in %g s", reason, self.retry_wait)
            self.retry_wait = min(self.retry_wait * 2, RETRY_MOST)
        self.dirty = True

    def _refuse(self, reason: str) -> None:
        if not self.refused:
            self.refused = reason
            note = (
                f"DescribeConfigs is refused here ({reason}): sizes are checked against "
                f"librdkafka's own message.max.bytes ({self.client_max:,} bytes), not the "
                "broker's limit, and auto-creation of topics is unknown"
            )
            self.notes.append(note)
            log.info(note)
        self.broker_call = None
        self.topic_calls.clear()
        self.dirty = True

    def _partitions(self, ctx: Context, topic: str) -> int | None:
        if ctx.snapshot is None:
            return None
        info = next((t for t in ctx.snapshot.topics if t.name == topic), None)
        return None if info is None or not info.partitions else len(info.partitions)

    def facts(self, ctx: Context, topic: str) -> TopicFacts | None:
        """What a send to `topic` must respect; None while DescribeConfigs is still answering."""
        if ctx.snapshot is None:
            return None  # no metadata yet
        self._learn(ctx, topic)
        partitions = self._partitions(ctx, topic)
        if self.refused:
            limit, source = effective_limit(None, self.client_max, "DescribeConfigs refused")
            return TopicFacts(topic, partitions, None, limit, source)
        if self.broker is None and self.broker_call is None:
            # no broker to ask right now: librdkafka's own check, auto-creation unknown
            limit, source = effective_limit(None, self.client_max, "no broker to ask")
            return TopicFacts(topic, partitions, None, limit, source)
        if self.broker is None or topic in self.topic_calls:
            return None
        auto = self.broker.get("auto.create.topics.enable")
        auto_create = None if auto is None else auto.lower() == "true"
        if partitions is not None:
            topic_max = self.topic_max.get(topic)
            source = "topic max.message.bytes"
        else:
            raw = self.broker.get("message.max.bytes")
            topic_max = int(raw) if raw and raw.isdigit() else None
            source = "broker message.max.bytes"
        limit, source = effective_limit(topic_max, self.client_max, None, source)
        return TopicFacts(topic, partitions, auto_create, limit, source)

    def _known_facts(self, ctx: Context, topic: str) -> TopicFacts | None:
        """`facts` without starting a call (for the view)."""
        if ctx.snapshot is None:
            return None
        if not self.refused and (self.broker is None or topic in self.topic_calls):
            return None
        return self.facts(ctx, topic)

    # -- acks=all against the in-sync replicas ----------------------------------------------

    def _topic(self, topic: str) -> TopicInfo | None:
        snap = self.snapshot
        if snap is None:
            return None
        if self._by_name[0] is not snap:  # one index per snapshot: failures can come by thousands
            self._by_name = (snap, {t.name: t for t in snap.topics})
        return self._by_name[1].get(topic)

    def _shortfall(self, ctx: Context, topic: str, partition: int | None) -> str:
        """The sentence of `isr_shortfall` for a send, from the metadata and the topic config."""
        self.snapshot = ctx.snapshot
        info = self._topic(topic)
        if info is None:
            return ""
        return isr_shortfall(info, self.topic_min_isr.get(topic), self.config, partition) or ""

    def _check_isr(self, ctx: Context) -> None:
        """Metadata or config changed: is the running burst still held by a short ISR?"""
        b = self.burst
        if b is None:
            return
        note = self._shortfall(ctx, b.request.topic, b.request.partition)
        if note != self.isr_note:
            self.isr_note = note
            if note:
                self._notice(ctx, note, error=True)
            self.dirty = True

    def _cause(self, err: KafkaError, msg: Message) -> str:
        """Why a delivery failed, when the cluster shows it: ISR below min.insync.replicas."""
        if err.code() not in (
            KafkaError._MSG_TIMED_OUT,
            KafkaError.NOT_ENOUGH_REPLICAS,
            KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        ):
            return ""
        topic = msg.topic() or ""
        info = self._topic(topic)
        if info is None:
            return ""
        partition = msg.partition()
        part = partition if partition is not None and partition >= 0 else None
        note = isr_shortfall(info, self.topic_min_isr.get(topic), self.config, part) or ""
        return note.split(": acks=all", 1)[0]  # the fact; the meaning says the rest

    # -- view ---------------------------------------------------------------------------

    def view(self, ctx: Context) -> ProducerView:
        reports = tuple(_report(*item) for item in reversed(self.recent))
        last_failure = _report(*self.failures[-1]) if self.failures else None
        burst = self._progress(self.burst) if self.burst is not None else self.last_burst
        facts = []
        for topic in list(self.asked):
            f = self._known_facts(ctx, topic)
            if f is not None:
                facts.append(f)
        in_flight = len(self.producer) if self.producer is not None else 0
        state = self.state
        if state == "idle" and in_flight:  # a single send not reported yet is not idle
            state = f"waiting for {in_flight:,} delivery {'report' if in_flight == 1 else 'reports'}"
        return ProducerView(
            ts=ctx.clock(),
            config=self.pending or self.config,
            partitioner=self.partitioner,
            state=state,
            queued=self.queued,
            delivered=self.delivered,
            failed=self.failed,
            in_flight=in_flight,
            reports=reports,
            last_failure=last_failure,
            errors=self.tally.items(),
            burst=burst,
            facts=tuple(facts),
            notes=tuple(self.notes),
            read_only=self.read_only,
            subjects=self.subjects,
        )

    def _refresh_subjects(self, now: float) -> None:
        """The registry's subjects for the pane's completions: asked on a thread at start, then every
        SUBJECTS_EVERY seconds (one small HTTP call; a failure only leaves the old list)."""
        call = self.subjects_call
        if call is not None:
            if not call.done():
                return
            self.subjects_call = None
            try:
                found = tuple(sorted(s for s in call.result() if isinstance(s, str) and s.isprintable()))
            except Exception as exc:  # completions are a help: the send says why if the registry is down
                log.info("Schema Registry subjects not listed: %s", redact(str(exc), self.settings.secret_values()))
                return
            if found != self.subjects:
                self.subjects = found
                self.dirty = True
            return
        if self.read_only or not self.settings.schema_registry_url or now - self.subjects_at < SUBJECTS_EVERY:
            return
        client = make_client(self.settings)
        if client is None:
            return
        self.subjects_at = now
        if self.schema_pool is None:
            self.schema_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kafkatui-schema")
        self.subjects_call = self.schema_pool.submit(client.get_subjects)
        wake = self.wake
        self.subjects_call.add_done_callback(lambda _done: wake())

    def _notice(self, ctx: Context, text: str, *, error: bool = False, field: str = "") -> None:
        (log.warning if error else log.info)("%s", text)
        ctx.emit(ProducerNotice(ctx.clock(), text, error, field))


def _reason(exc: BaseException) -> str:
    err = kafka_error(exc)
    return f"{err.name()}: {err.str()}" if err is not None else f"{type(exc).__name__}: {exc}"


def _report(seq: int, ts: float, msg: Message, err: KafkaError | None, cause: str, acks: str) -> DeliveryReport:
    partition = msg.partition()
    offset = msg.offset()
    latency = msg.latency()
    return DeliveryReport(
        seq=seq,
        ts=ts,
        topic=msg.topic() or "",
        partition=partition if partition is not None and partition >= 0 else None,
        offset=offset if err is None and offset is not None and offset >= 0 else None,
        key=escape_raw(msg.key(), 40),
        latency_ms=None if latency is None else latency * 1000.0,
        error=err.name() if err is not None else None,
        error_text=err.str() if err is not None else "",
        cause=cause,
        acks=acks,
    )
