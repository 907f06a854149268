"""The freezer feed: reads the sensor topic by assignment (never joins a group, never commits).

Where reading starts, as a rule: at launch, from the end (live) or `--since` back; anything that
appears *after* launch — a partition added later, or the whole topic when it did not exist at
launch — is read from its beginning, so no reading produced after launch is lost (a topic
created after launch holds nothing older than the launch).

Alert events are sent to the UI at the end of the poll that found them, as one `AlertBatch` (a
wave of thousands of STALE is one message). While the cluster is unreachable or the reader reports
every broker down, the board is told of the outage, so silence is blamed on it instead of a STALE
per sensor.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, IsolationLevel, KafkaError, TopicPartition
from confluent_kafka.admin import OffsetSpec  # type: ignore[attr-defined]

from kafkatui.domain.alerts import AlertBatch, AlertEvent, Thresholds
from kafkatui.domain.commands import Acknowledge, Command, Forget, Rewind, SetSensorLimits, SetThresholds, SetWindow
from kafkatui.domain.freezer import FreezerBoard
from kafkatui.domain.limits import Limits, LimitsError, LimitsSaved, with_sensor_entry
from kafkatui.domain.mapping import ListFields, MappingView, SetValueField, summarize
from kafkatui.domain.readings import (
    DEFAULT_TEMP_FIELDS,
    PICKED_FIELD,
    VALUE_SETTING,
    ParseRules,
    Reading,
    Rejection,
    RejectReason,
    decode_json,
    parse,
    parse_decoded,
)
from kafkatui.domain.text import inert
from kafkatui.domain.wording import count, plural
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.decoder import Decoded, RecordDecoder, framed, schema_id_of, shared_decoder
from kafkatui.kafka.pending import Pending
from kafkatui.limits_file import save_sensor_entry, settings_base
from kafkatui.memory import release_free_memory
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.freezer")

VIEW_EVERY = 1.0  # seconds between views while only readings change (the pane shows ages to the second)
ALERT_VIEW_EVERY = 0.25  # after alert events (sent at once), the view listing them this soon after the last
BATCH = 5000
CONSUME_EVERY = 0.1  # seconds between consume calls while nothing is queued (a full batch: at once)
BURST_BATCHES = 2  # full batches in a row that make a burst worth a trim
LATEST: Callable[[], Any] = OffsetSpec.latest
SEEK_GRACE = 1.0  # seconds past the request timeout before an offset lookup counts as unanswered
TRIM_EVERY = 60.0  # at most one malloc_trim a minute, after a burst (see kafkatui.memory)
SAMPLE = 200  # recent record values kept for the field picker
SAMPLE_PER_BATCH = 20  # taken from the end of each batch (no cost per record)
SAMPLE_BYTES = 65_536  # a bigger value is not sampled (200 of them stay small)
PARK_LIMIT = 20_000  # framed records kept while their schema is fetched; beyond: rejected, counted


def _key_text(value: object) -> bytes:
    """A decoded key as the sensor name: a string as it is, anything else as compact JSON."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)
    return text.encode("utf-8", "surrogateescape")


# librdkafka 2.16 waits fetch.queue.backoff.ms (default 1000 ms) before fetching again once its local
# queue is full: catching up on a backlog would then stall a second at a time. A -X setting wins.
FETCH_BACKOFF_MS = 10


def feed_config(settings: Settings) -> dict[str, Any]:
    """The feed consumer's librdkafka config: a reader that fetches again soon after its queue drained."""
    conf = clients.reader_config(settings, "viewer")
    conf.setdefault("fetch.queue.backoff.ms", FETCH_BACKOFF_MS)
    return conf


class AlertLog:
    """Raise/clear events appended to a JSONL (default) or CSV file, each naming its cluster: one
    file may hold several clusters' alerts (a cluster switch, or several kafkatui on one path)."""

    FIELDS = ("time", "ts", "sensor", "kind", "event", "value", "threshold", "partition", "offset", "cluster")
    OLD_FIELDS = FIELDS[:-1]  # a CSV file begun before the cluster column: appended to in its own columns

    def __init__(self, path: Path, cluster: str = "") -> None:
        self.path = path
        self.cluster = cluster
        self.csv = path.suffix.lower() == ".csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists() or path.stat().st_size == 0
        self.fields: tuple[str, ...] = self.FIELDS
        if self.csv and not new:
            with path.open(encoding="utf-8", newline="") as f:
                if f.readline().rstrip("\r\n") == ",".join(self.OLD_FIELDS):
                    self.fields = self.OLD_FIELDS
        self.file = path.open("a", encoding="utf-8", newline="")
        if self.csv and new:
            self.file.write(",".join(self.FIELDS) + "\r\n")
            self.file.flush()

    def write(self, event: AlertEvent, flush: bool = True) -> None:
        row = event.to_json_dict()
        row["cluster"] = self.cluster
        if self.csv:
            # a CSV file is read in a terminal too: the sensor name (a record key) goes inert;
            # JSON lines need nothing more, json.dumps escapes every control character
            row["sensor"] = inert(event.sensor, 200)
            row["cluster"] = inert(self.cluster, 200)
            buf = io.StringIO()
            csv.writer(buf).writerow([row.get(k, "") for k in self.fields])
            self.file.write(buf.getvalue())
        else:
            self.file.write(json.dumps(row) + "\n")
        if flush:
            self.file.flush()

    def close(self) -> None:
        self.file.close()


def _end_of(tp: TopicPartition, future: Future[Any]) -> int:
    """A partition's end from a ListOffsets(latest) answer; OFFSET_END when it did not come."""
    if not future.done():
        return OFFSET_END
    try:
        return int(future.result().offset)
    except Exception as exc:
        log.warning("high watermark lookup failed: %s", exc)
        return OFFSET_END


@dataclass
class _Seek:
    """Where a start `since` seconds back lies, looked up in two steps without blocking."""

    partitions: list[int]
    ts_ms: int
    ends: Pending[TopicPartition] | None  # ListOffsets latest, asked first
    times: Pending[TopicPartition] | None = None  # ListOffsets by time, asked once the ends are in
    ends_before: dict[int, int] = field(default_factory=dict)


class FreezerFeed(Service):
    """Consumes the freezer topic into a FreezerBoard and emits views and alert events."""

    HANDLES: ClassVar[tuple[type[Command], ...]] = (
        SetThresholds,
        SetSensorLimits,
        Acknowledge,
        Forget,
        SetWindow,
        Rewind,
        ListFields,
        SetValueField,
    )

    def __init__(
        self,
        ctx: Context,
        since: float | None = None,
        alert_log: Path | None = None,
        rules: ParseRules | None = None,
        limits: Limits | None = None,
        limits_path: Path | None = None,
    ) -> None:
        s = ctx.settings
        self.topic = s.topic
        self.rules = rules or s.parse_rules()
        self.since = since
        self.limits_path = limits_path
        self.consumer = Consumer(feed_config(s))  # assign() only: no group
        self.board = FreezerBoard(
            self.topic, Thresholds(s.temp_min, s.temp_max), stale_after=s.stale_after, limits=limits
        )
        self.assigned: set[int] = set()
        self._offline: tuple[object, list[int]] = (None, [])  # (snapshot, its offline partitions)
        self.seek: _Seek | None = None  # where `since` starts, being looked up (never waited for)
        self.full_batches = 0  # consume() calls in a row that returned a whole BATCH
        self.last_trim = float("-inf")
        self.next_view = 0.0  # when a view is due anyway (0: at once, after a command)
        self.last_view = float("-inf")  # when the last view was sent
        self.next_tick = 0.0
        self.alert_log = AlertLog(alert_log, s.bootstrap_servers) if alert_log else None
        self.board.source = f"waiting for metadata of {self.topic}"
        self.absent_at_launch = False  # the topic was missing when first looked for
        self.pending: list[AlertEvent] = []  # events of this poll (and of commands), sent at its end
        self.alerted = False  # events went out since the last view: the next one is due soon
        self.reader_down = False  # the consumer said every broker is down (until a record comes)
        self._sent: object = None  # the last view sent
        self.samples: deque[bytes] = deque(maxlen=SAMPLE)  # recent values, for the field picker
        self._mapping_sent = False
        self.decoder: RecordDecoder | None = shared_decoder(ctx)
        # framed records waiting for their schema: (key, value, ts, partition, offset)
        self.parked: list[tuple[bytes | None, bytes | None, float, int, int]] = []

    # -- Service ------------------------------------------------------------------------

    def handle(self, ctx: Context, command: Command) -> None:
        now = ctx.clock()
        if isinstance(command, SetThresholds):
            limits = Thresholds(command.tmin, command.tmax, command.hysteresis)
            self.pending += self.board.set_thresholds(limits, now)
            self.next_view = 0.0
            return
        if isinstance(command, SetSensorLimits):
            self._set_sensor_limits(ctx, command, now)
            self.next_view = 0.0
            return
        if isinstance(command, Acknowledge):
            self.board.acknowledge(command.sensor)
            self.next_view = 0.0
            return
        if isinstance(command, Forget):
            self.board.forget(command.sensor)
            self.next_view = 0.0
            return
        if isinstance(command, SetWindow):
            self.board.set_window(command.seconds)
            self.next_view = 0.0
            return
        if isinstance(command, Rewind):
            self._rewind(ctx, command.seconds)
            return
        if isinstance(command, ListFields):
            docs = [self._decode_sample(v) for v in self.samples]
            ctx.emit(summarize(docs, len(self.samples)))
            return
        if isinstance(command, SetValueField):
            self._set_value_field(ctx, command.path)
            return

    def poll(self, ctx: Context, now: float) -> None:
        self._advance_seek(ctx, now)
        self._sync_assignment(ctx)
        events: list[AlertEvent] = []
        if self.assigned:
            # the hot path (hundreds of thousands a second): names bound locally
            rules, add, decoder = self.rules, self.board.add, self.decoder
            batch = self.consumer.consume(num_messages=BATCH, timeout=0)
            self._after_burst(len(batch), now)
            if batch and self.reader_down:
                self.reader_down = False
            for msg in batch:
                err = msg.error()
                if err is not None:
                    code = err.code()
                    if code == KafkaError._ALL_BROKERS_DOWN:
                        self.reader_down = True
                    if code != KafkaError._PARTITION_EOF:
                        log.warning("freezer consumer: %s", err.str())
                    continue
                ts_ms = msg.timestamp()[1]
                ts = ts_ms / 1000.0 if ts_ms > 0 else now  # (0 or -1: the broker gave no time)
                value = msg.value()
                key = msg.key()
                if decoder is not None and (
                    (value and value[0] == 0 and len(value) >= 5) or (key and key[0] == 0 and len(key) >= 5)
                ):
                    decoded = self._decoded(key, value, ts, msg.partition() or 0, msg.offset() or 0)
                    if decoded is None:
                        continue  # parked until its schema comes
                    item = decoded
                else:
                    item = parse(key, value, ts, msg.partition() or 0, msg.offset() or 0, rules)
                found = add(item, now)
                if found:
                    events += found
            for msg in batch[-SAMPLE_PER_BATCH:]:
                value = msg.value()
                if value and len(value) <= SAMPLE_BYTES and msg.error() is None:
                    self.samples.append(value)
        if self.parked:
            events += self._unpark(now)
        offline = self._offline_partitions(ctx)
        if not ctx.connected or self.reader_down:
            self.board.outage(now)
        elif offline:
            # no leader to read from: the readings cannot come, whatever the sensors do
            ids = ", ".join(str(p) for p in offline)
            self.board.outage(now, f"no reachable leader for {plural(len(offline), 'partition')} {ids}")
        else:
            self.board.recovered(now)
        if now >= self.next_tick:
            events += self.board.tick(now)
            self.next_tick = now + 1.0
        if events:
            self.pending += events
            self._log_events(events)
        if not self._mapping_sent:
            ctx.emit(MappingView(self.rules))
            self._mapping_sent = True
        if self.pending:
            # at once, one batch for all of this poll's events (the toast and the bell need no
            # view); the view listing them follows within ALERT_VIEW_EVERY
            ctx.emit(AlertBatch(tuple(self.pending)))
            self.pending = []
            self.alerted = True
        due = min(self.next_view, self.last_view + ALERT_VIEW_EVERY) if self.alerted else self.next_view
        if now >= due:
            # the board hands back the same view when nothing changed: then nothing is sent, and
            # the pane draws nothing (a quiet topic costs no frame)
            view = self.board.view(now)
            if view is not self._sent:
                self._sent = view
                ctx.emit(view)
            self.alerted = False
            self.last_view = now
            self.next_view = now + VIEW_EVERY

    def _decoded(
        self, key: bytes | None, value: bytes | None, ts: float, partition: int, offset: int, park: bool = True
    ) -> Reading | Rejection | None:
        """A record with a framed value or key decoded with its schemas and read by the rules (a
        decoded key names the sensor as text); None when parked until a schema comes."""
        assert self.decoder is not None
        name = key
        results = []
        if framed(key):
            key_result = self.decoder.decode(key)
            if isinstance(key_result, Decoded):
                name = _key_text(key_result.value)
            results.append(key_result)
        value_result = self.decoder.decode(value) if framed(value) else None
        if value_result is not None:
            results.append(value_result)
        failed = [r for r in results if not isinstance(r, Decoded)]
        if failed:
            if park and all(r.reason is RejectReason.SCHEMA_PENDING for r in failed) and len(self.parked) < PARK_LIMIT:
                self.parked.append((key, value, ts, partition, offset))
                return None
            first = next((r for r in failed if r.reason is not RejectReason.SCHEMA_PENDING), failed[0])
            where = "key: " if value_result is None or first is not value_result else ""
            return Rejection(first.reason, key, value, partition, offset, ts, where + first.detail)
        if isinstance(value_result, Decoded):
            return parse_decoded(name, value_result.value, ts, partition, offset, self.rules, value)
        return parse(name, value, ts, partition, offset, self.rules)

    def _unpark(self, now: float) -> list[AlertEvent]:
        """Parked records whose schema has come (or failed) go to the board, in arrival order."""
        assert self.decoder is not None
        ids = {schema_id_of(raw) for k, v, _, _, _ in self.parked for raw in (k, v) if framed(raw)}
        waiting = {sid for sid in ids if self.decoder.waiting(sid)}
        keep: list[tuple[bytes | None, bytes | None, float, int, int]] = []
        events: list[AlertEvent] = []
        for record in self.parked:
            if any(framed(raw) and schema_id_of(raw) in waiting for raw in record[:2]):
                keep.append(record)
                continue
            item = self._decoded(*record, park=False)
            if item is not None:
                events += self.board.add(item, now)
        self.parked = keep
        return events

    def _offline_partitions(self, ctx: Context) -> list[int]:
        """The freezer topic's partitions that have no reachable leader in the latest metadata."""
        snap = ctx.snapshot
        if snap is None:
            return []
        if self._offline[0] is not snap:  # once per metadata snapshot, not once per poll
            topic = next((t for t in snap.topics if t.name == self.topic), None)
            self._offline = (snap, [] if topic is None else [p.id for p in topic.partitions if p.offline])
        return self._offline[1]

    def next_due(self, now: float) -> float:
        due = min(self.next_view, self.next_tick)
        if self.pending or self.alerted:  # alert events wait for their view no longer than ALERT_VIEW_EVERY
            due = min(due, self.last_view + ALERT_VIEW_EVERY)
        if self.assigned:
            due = min(due, now + CONSUME_EVERY)
        if self.seek is not None:
            for step in (self.seek.ends, self.seek.times):
                if step is not None:
                    due = min(due, step.deadline)  # its answers wake the worker before that
        return due

    @property
    def busy(self) -> bool:
        """A full batch came: more is probably waiting (catch-up), so the worker should not nap."""
        return self.full_batches > 0

    def _after_burst(self, size: int, now: float) -> None:
        if size >= BATCH:
            self.full_batches += 1
            return
        if self.full_batches >= BURST_BATCHES and now - self.last_trim >= TRIM_EVERY:
            self.last_trim = now
            released = release_free_memory()
            log.info("freezer caught up after %d full batches; memory released: %s", self.full_batches, released)
        self.full_batches = 0

    def close(self, ctx: Context) -> None:
        try:
            if self.decoder is not None:
                self.decoder.close()
            self.consumer.close()
        finally:
            if self.alert_log:
                self.alert_log.close()

    # -- details ------------------------------------------------------------------------

    def _set_sensor_limits(self, ctx: Context, cmd: SetSensorLimits, now: float) -> None:
        """The limits modal's answer: the entry that sets the sensor's limits takes the new ones (a
        sensor on the defaults gets its own entry), written back to the limits file if there is one."""
        s = ctx.settings
        base = settings_base(s.temp_min, s.temp_max, s.stale_after)
        limits = self.board.limits or Limits(base)
        pattern = None if cmd.sensor is None else (limits.sensor(cmd.sensor).entry or cmd.sensor)
        try:
            own = limits.defaults if cmd.sensor is None else limits.sensor(cmd.sensor)
            thresholds = Thresholds(cmd.tmin, cmd.tmax, cmd.hysteresis, own.thresholds.min_count)
            if self.limits_path is not None:
                new = save_sensor_entry(self.limits_path, pattern, thresholds, base)
            else:
                new = with_sensor_entry(limits, pattern, thresholds)
        except (LimitsError, ValueError) as exc:
            log.warning("limits not saved: %s", exc)
            ctx.emit(LimitsSaved(now, False, f"Limits not changed: {exc}"))
            return
        self.pending += self.board.set_limits(new, now)
        entry = "the defaults" if pattern is None else f"entry {inert(pattern, 60)}"
        where = f" and saved to {self.limits_path}" if self.limits_path is not None else " (this run only)"
        message = f"Limits of {entry} set to {cmd.tmin:g} .. {cmd.tmax:g} °C{where}."
        log.info("%s", message)
        ctx.emit(LimitsSaved(now, True, message))

    def _log_events(self, events: list[AlertEvent]) -> None:
        if self.alert_log:
            for event in events:
                self.alert_log.write(event, flush=False)
            self.alert_log.file.flush()  # once per batch: a wave of 10,000 STALE is one flush

    def _partitions(self, ctx: Context) -> list[int] | None:
        if ctx.snapshot is None:
            return None
        topic = next((t for t in ctx.snapshot.topics if t.name == self.topic), None)
        if topic is None:
            self.board.source = f"topic {self.topic} does not exist on this cluster (yet)"
            if not self.assigned:
                self.absent_at_launch = True
            return None
        return [p.id for p in topic.partitions]

    def _sync_assignment(self, ctx: Context) -> None:
        if self.seek is not None:
            return  # a rewind's offset lookup is under way: it assigns when its answers are in
        partitions = self._partitions(ctx)
        if partitions is None:
            return
        new = [p for p in partitions if p not in self.assigned]
        if not new:
            return
        first = not self.assigned and not self.absent_at_launch
        if first and self.since is not None:
            self._start_seek(ctx, new, self.since)
            return
        # at start: the end (live); partitions (or the topic) appearing later: their beginning
        start = OFFSET_END if first else OFFSET_BEGINNING
        tps = [TopicPartition(self.topic, p, start) for p in new]
        where = (
            "from the end (live)"
            if first
            else "from its beginning (created after launch)"
            if (not self.assigned)
            else ""
        )
        self._assign(tps, new, where)

    def _assign(self, tps: list[TopicPartition], new: list[int], where: str) -> None:
        self.consumer.incremental_assign(tps)
        self.assigned.update(new)
        self.next_view = 0.0
        if where:
            self.board.source = f"reading {self.topic} {where}, {count(len(self.assigned), 'partition')}"
        else:
            self.board.source = f"reading {self.topic}, {count(len(self.assigned), 'partition')}"

    def _start_seek(self, ctx: Context, partitions: list[int], seconds: float) -> None:
        """Ask where `seconds` ago starts, without waiting: the ends first (ListOffsets latest),
        then the time lookup; `_advance_seek` assigns once both are in (or their deadline passed)."""
        ts_ms = int((ctx.clock() - seconds) * 1000)
        self.seek = _Seek(partitions, ts_ms, self._list_offsets(ctx, partitions, LATEST))
        self.board.source = f"looking up where {seconds:g} s ago starts in {self.topic}"
        self.next_view = 0.0

    def _list_offsets(
        self, ctx: Context, partitions: list[int], spec: Callable[[], Any]
    ) -> Pending[TopicPartition] | None:
        timeout = min(ctx.settings.timeout, 5.0)
        try:
            futures = ctx.admin.list_offsets(
                {TopicPartition(self.topic, p): spec() for p in partitions},
                isolation_level=IsolationLevel.READ_UNCOMMITTED,  # the high watermark, as before
                request_timeout=timeout,
            )
        except Exception as exc:  # refused locally: the caller falls back as for a failed lookup
            log.warning("ListOffsets not sent: %s", exc)
            return None
        return Pending(futures, ctx.clock() + timeout + SEEK_GRACE, ctx.wake)

    def _advance_seek(self, ctx: Context, now: float) -> None:
        """Move a started seek on when its answers are in; assign when it is complete."""
        seek = self.seek
        if seek is None:
            return
        if seek.times is None:  # step 1: the ends BEFORE the time lookup (newer records start there)
            ends = seek.ends
            if ends is not None and not ends.done() and not ends.expired(now):
                return
            seek.ends_before = {tp.partition: _end_of(tp, f) for tp, f in (ends.items if ends else [])}
            seek.times = self._list_offsets(ctx, seek.partitions, lambda: OffsetSpec.for_timestamp(seek.ts_ms))
            if seek.times is not None:
                return  # its answer wakes the worker
        times = seek.times
        if times is not None and not times.done() and not times.expired(now):
            return
        self.seek = None
        found = dict(times.items) if times is not None else {}
        tps = [
            TopicPartition(self.topic, p, self._start_of(seek, p, found.get(TopicPartition(self.topic, p))))
            for p in seek.partitions
        ]
        self._assign(tps, seek.partitions, f"from {self.since:g} s ago")

    def _start_of(self, seek: _Seek, partition: int, future: Future[Any] | None) -> int:
        if future is None or not future.done():
            # no answer: show too much history rather than skip records
            log.info("offset lookup by time for partition %d: no answer in time", partition)
            return OFFSET_BEGINNING
        try:
            offset = int(future.result().offset)
        except Exception as exc:
            # the lookup failed for this partition (a leader not ready on a new topic, say)
            log.info("offset lookup by time for partition %d: %s", partition, exc)
            return OFFSET_BEGINNING
        if offset >= 0:
            return offset
        # -1: no record at or after the time -> start at the end *as of the lookup*; OFFSET_END
        # would be resolved later and skip what arrives in between
        return seek.ends_before.get(partition, OFFSET_END)

    def _decode_sample(self, value: bytes) -> object | None:
        """A sampled record value as the picker reads it: JSON objects and arrays, and records in
        the Schema Registry's wire format decoded with their (cached) schema."""
        if self.decoder is not None and framed(value):
            result = self.decoder.decode(value)
            return result.value if isinstance(result, Decoded) else None
        return decode_json(value)

    def _set_value_field(self, ctx: Context, path: str | None) -> None:
        """Chart another field from now on. The board starts afresh (series, alerts, rejects), so
        readings of two fields are never mixed in one series; the limits and window stay."""
        try:
            self.rules = dataclasses.replace(
                self.rules,
                temp_fields=(path,) if path else DEFAULT_TEMP_FIELDS,
                value_source=PICKED_FIELD if path else VALUE_SETTING,
            )
        except ValueError as exc:  # the picker sends paths it found; a typed one may be bad
            ctx.report(f"field {path!r} cannot be used", exc)
            return
        log.info("freezer value field: %s", path or "the built-in names")
        old = self.board
        self.board = FreezerBoard(
            self.topic, old.engine.defaults, stale_after=ctx.settings.stale_after, window=old.window
        )
        self.board.source = old.source
        self._mapping_sent = False
        self.next_view = 0.0

    def _rewind(self, ctx: Context, seconds: float) -> None:
        if self.assigned:
            self.consumer.incremental_unassign([TopicPartition(self.topic, p) for p in sorted(self.assigned)])
        old = self.board
        self.board = FreezerBoard(
            self.topic,
            old.engine.defaults,
            stale_after=ctx.settings.stale_after,
            window=old.window,
            limits=old.limits,
        )
        self.assigned.clear()
        self.absent_at_launch = False  # a rewind reads from `seconds` ago, whatever happened before
        self.seek = None  # an earlier rewind's lookup still under way is dropped
        self.since = seconds
        self.next_view = 0.0
