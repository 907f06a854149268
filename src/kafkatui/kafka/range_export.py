"""Export a range of a topic straight from Kafka to a file (`ExportRange`), on the worker.

The worker thread does the Kafka part, as every service does: the range's ends are asked with
the AdminClient's ListOffsets (`offset_lookup.OffsetLookup`: earliest, the last stable offset as
the end, and the offsets at the FROM/TO times), then a consumer of its own is assigned the
range's first offsets (never a group, never a commit) and read with `consume(timeout=0)` in
slices of BATCH records within POLL_BUDGET per poll. Each record is decoded exactly as the
message viewer decodes it (`messages_viewer.to_record` and `decoded`, the worker's one Schema
Registry decoder) but never cut; a slice with a record whose schema is still being fetched is
held (reading pauses) until the decoder has the schema or has given up on it.

Who writes: a writer thread, fed by the worker through a bounded queue of text. The worker turns
each slice into its lines (`domain/export.py`'s `records_rows` and `lines`: the columns of the
export of the records loaded) and hands one string per slice to the writer, which only writes.
Why not write on the worker: a write can stall for as long as the disk or a network file system
likes, and the worker must never wait (every pane's data would stop with it); the writer may
stall, the worker then finds the queue full and stops reading until there is room (librdkafka's
own fetch queue is bounded too). Why the lines are made on the worker and not on the writer:
handing `Record`s to another thread kept hundreds of thousands of objects alive past the young
garbage collection, and the full collections that followed stopped the worker for 100 ms at a
time; strings are not tracked by the collector, and formatting on another thread would not run
in parallel anyway (the GIL). The writer writes `NAME.partial` (opened with "x": an existing file
is never touched) and links it to NAME only when every record is in (a link fails when NAME
exists, so nothing is overwritten even if NAME appeared meanwhile). A cancel, a failure or the
worker ending (a cluster switch, quitting) leaves the `.partial`.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

from confluent_kafka import Consumer, IsolationLevel, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import OffsetSpec  # type: ignore[attr-defined]

from kafkatui.domain.commands import Command
from kafkatui.domain.export import PARTIAL_SUFFIX, RECORD_COLUMNS, Format, lines, records_rows
from kafkatui.domain.message_viewer import Record, StartMode
from kafkatui.domain.range_export import (
    CancelRangeExport,
    Ends,
    ExportRange,
    RangeExportProgress,
    RangeState,
    RangeTracker,
    expected,
    resolve,
)
from kafkatui.domain.readings import RejectReason
from kafkatui.kafka import clients
from kafkatui.kafka.context import IDLE_DUE, Context, Service
from kafkatui.kafka.decoder import RecordDecoder, shared_decoder
from kafkatui.kafka.messages_viewer import decoded, pending, to_record
from kafkatui.kafka.offset_lookup import LookupFailed, OffsetLookup

log = logging.getLogger("kafkatui.range_export")

BATCH = 250  # records per consume() call (a slice): each is built, decoded and formatted on the worker
POLL_BUDGET = 0.01  # seconds of reading per worker poll at most (then one more slice at most: ~10 ms)
QUEUE_SLICES = 16  # slices of text waiting for the writer at most: a full queue pauses reading
PROGRESS_EVERY = 0.25  # seconds between progress events
ROOM_EVERY = 0.02  # seconds between polls while reading (not busy: the fetch queue or the writer's is the limit)
SCHEMA_PENDING = RejectReason.SCHEMA_PENDING.value


class Writer:
    """The writer thread: text in (one string per slice, with its record count), written to
    `partial`, renamed to `path` at the end. `written`, `error` and `finished` are read by the
    worker thread."""

    def __init__(self, path: Path, wake: Any) -> None:
        self.path = path
        self.partial = path.with_name(path.name + PARTIAL_SUFFIX)
        self.wake = wake
        self.slices: queue.Queue[tuple[str, int] | None] = queue.Queue(maxsize=QUEUE_SLICES)
        self.cancel = threading.Event()
        self.finished = threading.Event()
        self.written = 0
        self.complete = False  # renamed to `path`
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="kafkatui-range-export", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            with open(self.partial, "x", encoding="utf-8", newline="") as out:
                while not self.cancel.is_set():
                    try:
                        item = self.slices.get(timeout=0.1)
                    except queue.Empty:
                        continue
                    if item is None:
                        break
                    text, records = item
                    out.write(text)
                    self.written += records
            if not self.cancel.is_set():
                self._rename()
        except OSError as exc:
            self.error = f"{exc.strerror or type(exc).__name__}: {exc.filename or self.partial}"
        except Exception as exc:  # never expected: the file stays partial, the worker says why
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.finished.set()
            self.wake()

    def _rename(self) -> None:
        """NAME from NAME.partial without ever replacing a NAME that exists."""
        try:
            os.link(self.partial, self.path)
        except FileExistsError:
            self.error = f"{self.path} appeared while exporting: the records stay in {self.partial}"
            return
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if self.path.exists():  # a file system without hard links: checked, then renamed
                self.error = f"{self.path} appeared while exporting: the records stay in {self.partial}"
                return
            os.replace(self.partial, self.path)
            self.complete = True
            return
        os.unlink(self.partial)
        self.complete = True


class RangeExport:
    """One export: resolving the range, then reading it into the writer."""

    def __init__(self, ctx: Context, command: ExportRange) -> None:
        self.command = command
        self.topic = command.topic
        self.spec = command.spec
        self.path = Path(command.path)
        self.partial = self.path.with_name(self.path.name + PARTIAL_SUFFIX)
        self.state = RangeState.RESOLVING
        self.message = ""
        self.expected: int | None = None
        self.lookup: OffsetLookup | None = None  # the range's ends, being looked up
        self.awaiting_metadata = False
        self.consumer: Any = None
        self.writer: Writer | None = None
        self.tracker: RangeTracker | None = None
        self.decoder: RecordDecoder | None = shared_decoder(ctx)
        self.held: list[Record] = []  # a slice waiting for a schema
        self.outbox: tuple[str, int] | None = None  # a slice's text waiting for room in the writer's queue
        self.header = True  # the next text starts the file (CSV: its header line)
        self.closing = False  # every record read: the writer is told the end (None) once there is room
        self.full = False
        self.backlog = False
        self.next_progress = 0.0
        self.changed = True
        self._begin(ctx)

    # -- the range's ends -----------------------------------------------------------------

    def _partitions(self, ctx: Context) -> list[int] | None:
        snap = ctx.snapshot
        if snap is None:
            self.awaiting_metadata = True
            self.message = "waiting for the cluster's metadata…"
            return None
        self.awaiting_metadata = False
        topic = next((t for t in snap.topics if t.name == self.topic), None)
        if topic is None:
            self.fail(f"topic '{self.topic}' is not in the cluster's metadata")
            return None
        ids = [p.id for p in topic.partitions]
        if self.spec.partitions is None:
            return ids
        missing = [p for p in self.spec.partitions if p not in ids]
        if missing:
            self.fail(f"topic '{self.topic}' has no partition {missing[0]}")
            return None
        return list(self.spec.partitions)

    def _begin(self, ctx: Context) -> None:
        parts = self._partitions(ctx)
        if parts is None:
            return
        specs: dict[str, Any] = {
            "low": OffsetSpec.earliest(),  # type: ignore[no-untyped-call]
            "high": OffsetSpec.latest(),  # type: ignore[no-untyped-call]
        }
        if self.spec.start.mode is StartMode.TIMESTAMP:
            specs["at_from"] = OffsetSpec.for_timestamp(self.spec.start.value)
        if self.spec.end.mode is StartMode.TIMESTAMP:
            specs["at_to"] = OffsetSpec.for_timestamp(self.spec.end.value)
        try:
            # the end a read_committed consumer (as the viewer's) can reach: the last stable offset
            self.lookup = OffsetLookup(ctx, self.topic, parts, specs, IsolationLevel.READ_COMMITTED)
        except LookupFailed as exc:
            self.fail(str(exc))
            return
        self.message = f"looking up where {self.spec.describe()} is…"

    def _collect_ends(self, ctx: Context) -> None:
        assert self.lookup is not None
        try:
            found = self.lookup.offsets()
        except LookupFailed as exc:
            self.lookup = None
            self.fail(str(exc))
            return
        if found is None:
            return
        self.lookup = None
        ends = {
            p: Ends(low, found["high"][p], found.get("at_from", {}).get(p, -1), found.get("at_to", {}).get(p, -1))
            for p, low in found["low"].items()
        }
        ranges = resolve(self.spec, ends)
        self.expected = expected(ranges)
        self.tracker = RangeTracker(ranges)
        self.writer = Writer(self.path, ctx.wake)
        self.writer.start()
        self.state = RangeState.READING
        self.message = ""
        self.changed = True
        log.info("range export of %s: %s, %d records at most", self.topic, ranges, self.expected)
        tps = [TopicPartition(self.topic, p, first) for p, (first, stop) in ranges.items() if stop > first]
        if not tps:
            self.closing = True
            return
        conf = clients.reader_config(ctx.settings, "export")
        # a range start deleted meanwhile is an error, never a silent jump to the end
        conf.update({"auto.offset.reset": "error", "enable.partition.eof": True})
        self.consumer = Consumer(conf)
        self.consumer.assign(tps)

    # -- reading --------------------------------------------------------------------------

    def poll(self, ctx: Context, now: float) -> None:
        if self.state is RangeState.RESOLVING:
            if self.awaiting_metadata and ctx.snapshot is not None:
                self._begin(ctx)
            if self.lookup is not None:
                self._collect_ends(ctx)
        if self.state is RangeState.READING:
            self._read()
            self._finish_if_written()
        if self.finished or (self.changed and now >= self.next_progress):
            ctx.emit(self.progress(ctx.clock()))
            self.changed = False
            self.next_progress = now + PROGRESS_EVERY

    def _read(self) -> None:
        writer, tracker = self.writer, self.tracker
        assert writer is not None and tracker is not None
        if writer.finished.is_set():  # it stopped on its own: a disk error
            return
        if (self.held or self.outbox) and not self._hand_over():
            return
        if self.closing:
            self._close_writer()
            return
        if self.consumer is None:
            return
        start = time.perf_counter()
        self.backlog = False
        while True:
            msgs = self.consumer.consume(num_messages=BATCH, timeout=0)
            records = self._records(msgs, tracker)
            if self.state is not RangeState.READING:
                return
            if records:
                self.held = records
                self.changed = True
                if not self._hand_over():
                    break
            if tracker.finished:
                self.closing = True
                self._close_consumer()
                self._close_writer()
                return
            self.backlog = len(msgs) == BATCH
            if not self.backlog or time.perf_counter() - start > POLL_BUDGET:
                break

    def _records(self, msgs: list[Any], tracker: RangeTracker) -> list[Record]:
        records: list[Record] = []
        for msg in msgs:
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    tracker.reached_end(msg.partition(), msg.offset())
                    continue
                if err.code() == KafkaError._AUTO_OFFSET_RESET:
                    self.fail(
                        f"partition {msg.partition()}: records of the range were deleted (retention) while exporting"
                    )
                    return []
                if err.fatal() or err.code() in (
                    KafkaError.TOPIC_AUTHORIZATION_FAILED,
                    KafkaError.UNKNOWN_TOPIC_OR_PART,
                    KafkaError._UNKNOWN_TOPIC,
                    KafkaError._UNKNOWN_PARTITION,
                ):
                    self.fail(f"{err.str()} ({err.name()})")
                    return []
                self.message = f"{err.str()} ({err.name()})"  # passing (a broker away): reading goes on
                self.changed = True
                continue
            if tracker.wanted(msg.partition(), msg.offset()):
                records.append(to_record(msg, self.decoder, keep=None))
        return records

    def _hand_over(self) -> bool:
        """Give the held slice to the writer, as text: False while a schema is being fetched or
        the writer's queue is full (reading waits)."""
        assert self.writer is not None
        decoder = self.decoder
        if self.held and decoder is not None:
            if any(pending(r, decoder) for r in self.held):
                self.message = "waiting for a schema from the Schema Registry…"
                return False
            if any(SCHEMA_PENDING in r.schema for r in self.held):  # its schema came (or was given up on)
                self.held = [_again(r, decoder) if SCHEMA_PENDING in r.schema else r for r in self.held]
                if any(SCHEMA_PENDING in r.schema for r in self.held):
                    return False  # asked again: wait for that answer
        if self.held:
            self.outbox = (self._text(self.held), len(self.held))
            self.held = []
        if self.outbox is not None:
            try:
                self.writer.slices.put_nowait(self.outbox)
            except queue.Full:
                self.full = True
                return False
        self.full = False
        self.outbox = None
        if self.message.startswith("waiting for a schema"):
            self.message = ""
        return True

    def _text(self, records: list[Record]) -> str:
        """A slice's lines, as the export of the records loaded writes them (CSV: the header once)."""
        out = lines(self.command.fmt, RECORD_COLUMNS, records_rows(records))
        if self.command.fmt is Format.CSV and not self.header:
            next(out)
        self.header = False
        return "".join(out)

    def _close_writer(self) -> None:
        assert self.writer is not None
        if self.header and self.command.fmt is Format.CSV:  # no record at all: the file is its header
            self.outbox = ("".join(lines(Format.CSV, RECORD_COLUMNS, ())), 0)
            self.header = False
            if not self._hand_over():
                return
        try:
            self.writer.slices.put_nowait(None)
        except queue.Full:
            self.full = True
            return
        self.full = False
        self.closing = False

    def _finish_if_written(self) -> None:
        writer = self.writer
        if writer is None or not writer.finished.is_set():
            return
        self._close_consumer()
        if writer.error is not None:
            self.fail(f"writing {writer.partial} failed: {writer.error}")
        elif writer.complete:
            self.state = RangeState.DONE
            self.message = ""
        elif writer.cancel.is_set():
            self.state = RangeState.CANCELLED
        self.changed = True

    # -- ending ---------------------------------------------------------------------------

    def cancel(self) -> None:
        self._close_consumer()
        self.held = []
        self.outbox = None
        if self.writer is None:
            self.state = RangeState.CANCELLED
        else:
            self.writer.cancel.set()  # the writer stops; its end is reported by the next poll
        self.changed = True

    def fail(self, sentence: str) -> None:
        self.state = RangeState.FAILED
        self.message = sentence
        self.changed = True
        self._close_consumer()
        if self.writer is not None:
            self.writer.cancel.set()

    def _close_consumer(self) -> None:
        consumer, self.consumer = self.consumer, None
        if consumer is None:
            return
        try:
            consumer.close()
        except Exception:  # closing must never fail the worker
            log.debug("range export consumer close failed", exc_info=True)

    def close(self) -> None:
        self._close_consumer()
        if self.writer is not None:
            self.writer.cancel.set()

    @property
    def written(self) -> int:
        return self.writer.written if self.writer is not None else 0

    @property
    def finished(self) -> bool:
        if not self.state.finished:
            return False
        return self.writer is None or self.writer.finished.is_set()

    def progress(self, now: float) -> RangeExportProgress:
        return RangeExportProgress(
            ts=now,
            job=self.command.job,
            path=str(self.path),
            partial=str(self.partial),
            state=self.state if self.finished or not self.state.finished else RangeState.READING,
            written=self.written,
            expected=self.expected,
            message=self.message,
        )


def _again(record: Record, decoder: RecordDecoder) -> Record:
    """Decoded again, now that its schema came (or was given up on)."""
    plain = dataclasses.replace(record, key_decoded=None, value_decoded=None, schema="")
    return decoded(plain, decoder)


class RangeExportService(Service):
    """Runs at most one range export at a time (the dialog that starts one is modal)."""

    HANDLES: ClassVar[tuple[type[Command], ...]] = (ExportRange, CancelRangeExport)

    def __init__(self, ctx: Context) -> None:
        self.job: RangeExport | None = None

    @property
    def busy(self) -> bool:
        job = self.job
        return job is not None and job.state is RangeState.READING and job.backlog and not job.full

    def next_due(self, now: float) -> float:
        job = self.job
        if job is None:
            return now + IDLE_DUE
        if job.state is RangeState.READING:
            return now + ROOM_EVERY  # records fetched meanwhile, room in the writer's queue: nobody wakes us
        return min(job.next_progress, now + PROGRESS_EVERY)  # a lookup's or the writer's end wakes us

    def handle(self, ctx: Context, command: Command) -> None:
        if isinstance(command, ExportRange):
            if self.job is not None and not self.job.finished:
                ctx.emit(
                    RangeExportProgress(
                        ctx.clock(), command.job, command.path, command.path + PARTIAL_SUFFIX, RangeState.FAILED,
                        message="another range export is running: cancel it first",
                    )
                )  # fmt: skip
                return
            try:
                self.job = RangeExport(ctx, command)
            except (KafkaException, ValueError) as exc:
                ctx.report("range export", exc)
            return
        if isinstance(command, CancelRangeExport) and self.job is not None and self.job.command.job == command.job:
            self.job.cancel()

    def poll(self, ctx: Context, now: float) -> None:
        job = self.job
        if job is None:
            return
        try:
            job.poll(ctx, now)
        except Exception as exc:  # never expected: the export ends with a sentence, the worker goes on
            ctx.report("range export", exc)
            job.fail(f"{type(exc).__name__}: {exc}")
            ctx.emit(job.progress(ctx.clock()))
        if job.finished:
            self.job = None

    def close(self, ctx: Context) -> None:
        if self.job is not None:
            self.job.close()
            self.job = None
