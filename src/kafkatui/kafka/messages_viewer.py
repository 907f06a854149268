"""The message viewer's consumer: reads by assignment, never joins a group, never commits.

Where to start is resolved without blocking: END/BEGINNING are logical offsets; OFFSET, LAST N
and TIMESTAMP ask the AdminClient's ListOffsets (futures) for the watermarks or the offset at a
time, then assign. `consume(timeout=0)` drains what librdkafka has fetched, in calls of BATCH
records (one call of 10,000 held the GIL for tens of milliseconds under load: the UI froze)
within a time budget per poll; only the newest rows that can be shown are turned into
`Record`s, so tailing a fast topic stays cheap.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import OffsetSpec  # type: ignore[attr-defined]

from kafkatui.domain.message_viewer import MAX_VALUE, MessageBuffer, MessagesView, Record, StartMode, ViewMessages
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context
from kafkatui.kafka.decoder import Decoded, RecordDecoder, framed, schema_id_of, shared_decoder
from kafkatui.kafka.offset_lookup import LookupFailed, OffsetLookup

log = logging.getLogger("kafkatui.viewer")

BATCH = 2000  # records per consume() call: it builds every Message in C holding the GIL
POLL_BUDGET = 0.015  # seconds of draining per poll at most (a fast tail is read across polls)
MAX_PER_POLL = 20_000
VIEW_EVERY = 0.25  # seconds between views sent to the UI
BUFFER_ROWS = 1000


def to_record(msg: Any, decoder: RecordDecoder | None = None, keep: int | None = MAX_VALUE) -> Record:
    """A consumed message as the viewer holds it; its value cut to `keep` bytes (None: whole)."""
    value = msg.value()
    size = len(value) if value is not None else 0
    if value is not None and keep is not None and size > keep:
        value = value[:keep]
    headers = msg.headers()
    _, ts = msg.timestamp()
    record = Record(
        partition=msg.partition(),
        offset=msg.offset(),
        timestamp_ms=ts if ts is not None else -1,
        key=msg.key(),
        value=value,
        headers=tuple(headers) if headers else (),
        value_size=size,
    )
    return decoded(record, decoder) if decoder is not None else record


def _one_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=_jsonable)


def _jsonable(obj: object) -> object:
    """Avro bytes as text (each byte one character), dates and times in ISO 8601, the rest as text."""
    if isinstance(obj, bytes | bytearray):
        return obj.decode("latin-1")
    isoformat = getattr(obj, "isoformat", None)
    return isoformat() if callable(isoformat) else str(obj)


def decoded(record: Record, decoder: RecordDecoder) -> Record:
    """The record with its framed key and value decoded (JSON text) and the schema named."""
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for field, raw in (("key", record.key), ("value", record.value)):
        if not framed(raw):
            continue
        assert raw is not None
        result = decoder.decode(raw)
        if isinstance(result, Decoded):
            changes[f"{field}_decoded"] = _one_line(result.value)
            notes.append(f"{field}: {result.info.label()}")
        else:
            notes.append(f"{field}: not decoded ({result.reason.value}): {result.detail}")
    if not notes:
        return record
    return dataclasses.replace(record, schema="; ".join(notes), **changes)


def pending(record: Record, decoder: RecordDecoder) -> bool:
    """The record's key or value waits for its schema (being fetched from the registry)."""
    return any(framed(raw) and decoder.waiting(schema_id_of(raw)) for raw in (record.key, record.value) if raw)


class MessageViewer:
    """One open viewer: a consumer on `topic` (or one partition), a bounded buffer of rows."""

    def __init__(self, ctx: Context, command: ViewMessages, rows: int = BUFFER_ROWS) -> None:
        self.topic = command.topic
        self.partition = command.partition
        self.start = command.start
        self.buffer = MessageBuffer(size=rows)
        self.buffer.set_filter(command.filter)
        self.consumer = Consumer(clients.reader_config(ctx.settings, "viewer"))
        self.state = "starting"
        self.error = False
        self.assigned = False
        self.lookup: OffsetLookup | None = None  # low/high/at: ListOffsets under way
        self.next_view = 0.0
        self.changed = True
        self.backlog = False  # the last drain stopped with records still queued
        self.rate = 0.0
        self._rate_mark = (time.monotonic(), 0)
        self.decoder = shared_decoder(ctx)
        self.undecoded: list[Record] = []  # rows whose schema was being fetched when they came
        self.awaiting_metadata = False
        self._begin(ctx)

    # -- start position -----------------------------------------------------------------

    def _partitions(self, ctx: Context) -> list[int] | None:
        snap = ctx.snapshot
        if snap is None:  # the first metadata round is still under way: begin when it is in
            self.awaiting_metadata = True
            self.state = "waiting for the cluster's metadata…"
            return None
        self.awaiting_metadata = False
        topic = next((t for t in snap.topics if t.name == self.topic), None)
        if topic is None:
            self._fail(f"topic '{self.topic}' is not in the cluster's metadata")
            return None
        ids = [p.id for p in topic.partitions]
        if self.partition is not None:
            if self.partition not in ids:
                self._fail(f"topic '{self.topic}' has no partition {self.partition}")
                return None
            return [self.partition]
        return ids

    def _begin(self, ctx: Context) -> None:
        parts = self._partitions(ctx)
        if parts is None:
            return
        mode = self.start.mode
        if mode in (StartMode.END, StartMode.BEGINNING):
            logical = OFFSET_END if mode is StartMode.END else OFFSET_BEGINNING
            self._assign([TopicPartition(self.topic, p, logical) for p in parts])
            return
        specs: dict[str, Any] = {
            "low": OffsetSpec.earliest(),  # type: ignore[no-untyped-call]
            "high": OffsetSpec.latest(),  # type: ignore[no-untyped-call]
        }
        if mode is StartMode.TIMESTAMP:
            specs["at"] = OffsetSpec.for_timestamp(self.start.value)
        try:
            self.lookup = OffsetLookup(ctx, self.topic, parts, specs)
        except LookupFailed as exc:
            self._fail(str(exc))
            return
        self.state = f"looking up where {self.start.describe()} is…"

    def _collect_start(self) -> None:
        assert self.lookup is not None
        try:
            found = self.lookup.offsets()
        except LookupFailed as exc:
            self.lookup = None
            self._fail(str(exc))
            return
        if found is None:
            return
        self.lookup = None
        tps = []
        for p, low in sorted(found["low"].items()):
            high = found["high"][p]
            if self.start.mode is StartMode.OFFSET:
                offset = min(max(self.start.value, low), high)
            elif self.start.mode is StartMode.LAST:
                offset = max(low, high - self.start.value)
            else:  # TIMESTAMP: -1 means no record at or after that time -> the end
                at = found["at"][p]
                offset = at if at >= 0 else high
            tps.append(TopicPartition(self.topic, p, offset))
        self._assign(tps)

    def _assign(self, tps: list[TopicPartition]) -> None:
        self.consumer.assign(tps)
        self.assigned = True
        self.state = "reading"
        self.changed = True

    def _fail(self, sentence: str) -> None:
        self.state = sentence
        self.error = True
        self.changed = True

    # -- running ------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        self.buffer.set_filter(text)
        self.changed = True
        self.next_view = 0.0

    def poll(self, ctx: Context, now: float) -> None:
        if self.awaiting_metadata and ctx.snapshot is not None:
            self._begin(ctx)
        if self.lookup is not None:
            self._collect_start()
        if self.assigned:
            self._drain()
        if self.undecoded:
            self._redecode()
        if now >= self.next_view and self.changed:
            self._update_rate()
            ctx.emit(self.view(now))
            self.changed = False
            self.next_view = now + VIEW_EVERY

    def _drain(self) -> None:
        """Read what librdkafka has fetched, BATCH records per call, within POLL_BUDGET. Without
        a filter only the newest rows that can be shown become `Record`s, once per poll (not
        once per call): at 50k records/s that is a few thousand objects a second, not 25,000."""
        start = time.perf_counter()
        taken = good_count = 0
        newest: list[Any] = []  # without a filter: the newest good messages of this poll
        full = False
        while taken < MAX_PER_POLL:
            msgs = self.consumer.consume(num_messages=BATCH, timeout=0)
            taken += len(msgs)
            full = len(msgs) == BATCH
            good = self._good(msgs) if msgs else []
            if self.buffer.filter:
                if good:
                    self.buffer.add(self._records(good))
            elif good:
                good_count += len(good)
                newest = (newest + good)[-self.buffer.size :]
            if not full or time.perf_counter() - start > POLL_BUDGET:
                break
        self.backlog = full  # the last call filled its batch: more is waiting, come back soon
        if good_count:
            self.buffer.add(self._records(newest), consumed=good_count)

    def _records(self, msgs: list[Any]) -> list[Record]:
        records = [to_record(m, self.decoder) for m in msgs]
        if self.decoder is not None:
            self.undecoded += [r for r in records if "schema_pending" in r.schema]
            self.undecoded = self.undecoded[-self.buffer.size :]
        return records

    def _redecode(self) -> None:
        """Rows read while their schema was being fetched: decoded again once it has come."""
        assert self.decoder is not None
        decoder = self.decoder
        ready = [r for r in self.undecoded if not pending(r, decoder)]
        if not ready:
            return
        self.undecoded = [r for r in self.undecoded if pending(r, decoder)]
        plain = [dataclasses.replace(r, key_decoded=None, value_decoded=None, schema="") for r in ready]
        self.buffer.replace([decoded(r, decoder) for r in plain])
        self.changed = True

    def _good(self, msgs: list[Any]) -> list[Any]:
        good = []
        for msg in msgs:
            err = msg.error()
            if err is None:
                good.append(msg)
            elif err.code() != KafkaError._PARTITION_EOF:
                self.state = f"{err.str()} ({err.name()})"
                self.error = err.fatal() or err.code() in (
                    KafkaError.TOPIC_AUTHORIZATION_FAILED,
                    KafkaError.UNKNOWN_TOPIC_OR_PART,
                )
        if good and self.state != "reading" and not self.error:
            self.state = "reading"
        self.changed = True
        return good

    def _update_rate(self) -> None:
        t0, n0 = self._rate_mark
        t1, n1 = time.monotonic(), self.buffer.consumed
        if t1 - t0 >= 1.0:
            current = (n1 - n0) / (t1 - t0)
            self.rate = current if self.rate == 0 else 0.5 * self.rate + 0.5 * current
            self._rate_mark = (t1, n1)

    def view(self, now: float) -> MessagesView:
        return MessagesView(
            ts=now,
            topic=self.topic,
            partition=self.partition,
            start=self.start,
            records=tuple(self.buffer.shown),
            consumed=self.buffer.consumed,
            matched=self.buffer.matched,
            rate=self.rate,
            filter=self.buffer.filter,
            state=self.state,
            error=self.error,
        )

    def close(self) -> None:
        try:
            self.consumer.close()
        except Exception:  # closing must never fail the worker
            log.debug("viewer close failed", exc_info=True)
