"""The Topics pane's worker service: watermarks, configs, create/delete/add partitions, viewer.

Topics and partitions come from the metadata service's `ctx.snapshot` (no second metadata
fetch). Capabilities are probed (a validate-only CreateTopics, a DescribeConfigs) so an action
on a cluster that refuses it says so at once. Admin requests are futures, collected when done;
a request that outlives its deadline becomes a sentence instead of a hang.

Built for big clusters (measured on 5,000 topics x 3 partitions, bench/bench_topics.py): the
worker shares the GIL with the UI, so no poll may run Python for long, and nothing is rebuilt
that did not change.

- Watermarks (message counts): while the pane is shown, each new snapshot starts a *round*
  over every partition, in chunks of whole topics (~WATERMARK_CHUNK partitions), one
  ListOffsets call per poll, through a consumer's `offsets_for_times` (-1 latest, -2
  earliest). That call waits with the GIL released and returns plain TopicPartitions; the
  AdminClient's `list_offsets` makes a Python Future (with a Condition) per partition and
  cost 3.5 s of CPU for one 15,000-partition call (0.7 s even in chunks) against 0.2 s this
  way. The call runs on a short-lived thread (`clients.call_in_thread`: it has no asynchronous
  form) and a later poll takes its answer, so the worker never waits on it. Each call takes at
  most WATERMARK_TIMEOUT (or 4 metadata round trips on a slow link); a broker that does not
  answer ends the round with a note and the next snapshot tries again, like the metadata
  service's own slices. While the pane is hidden nothing is asked.
- Rows: `RowCache` rebuilds only topics whose metadata, watermarks or key configs changed
  (all replaced, never mutated, so identity says "unchanged"); an unchanged list is the same
  tuple, which the pane skips at once.
- Key configs (retention, cleanup policy columns) come in the background in chunks of
  CONFIG_CHUNK topics (DescribeConfigs has no way to ask for two keys: each topic's answer
  is ~35 entries built in Python on librdkafka's thread, garbage that triggers full GC
  passes), paced on big clusters, the topics on screen first (`ShowTopics`), quickly while
  the list is sorted by one of those columns; the selected topic's come at once.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, ClassVar

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    ConfigResource,
    NewPartitions,
    NewTopic,
    ResourceType,
)

from kafkatui.domain.commands import Command
from kafkatui.domain.lag import known_offset
from kafkatui.domain.message_viewer import FilterMessages, StopMessages, ViewMessages
from kafkatui.domain.models import ClusterSnapshot
from kafkatui.domain.topic_actions import (
    UNSUPPORTED,
    VERBS,
    ActionResult,
    AddPartitions,
    CreateTopic,
    DeleteTopic,
    explain_failure,
)
from kafkatui.domain.topic_configs import ConfigEntry, TopicConfigs
from kafkatui.domain.topic_list import KEY_CONFIGS, RowCache, Watermark
from kafkatui.domain.topic_names import check_topic_name
from kafkatui.domain.topics_view import SelectTopic, ShowTopics, TopicsActive, TopicsView
from kafkatui.kafka import clients
from kafkatui.kafka.context import IDLE_DUE, Context, Service
from kafkatui.kafka.errors import error_name_text
from kafkatui.kafka.messages_viewer import MessageViewer
from kafkatui.kafka.pending import Pending, one

log = logging.getLogger("kafkatui.topics")

EMIT_EVERY = 0.5  # seconds between views at most
KEY_CONFIGS_EVERY = 60.0  # a full round of the list's retention/cleanup columns...
KEY_CONFIGS_EVERY_BIG = 300.0  # ...on a cluster of more than 4 chunks of topics
CONFIG_PACE = 1.0  # seconds between two chunks of a round on a big cluster: each topic's answer
# is ~35 ConfigEntry objects built in Python (5,000 topics: 1.5 s of CPU and full GC passes)
CONFIG_PACE_URGENT = 0.05  # ... while the list is sorted by retention or cleanup policy
SELECTED_CONFIGS_EVERY = 15.0
CONFIG_CHUNK = 50  # topics per DescribeConfigs request (~35 entries each, built in Python)
WATERMARK_CHUNK = 500  # partitions per ListOffsets call (one call per poll)
WATERMARK_TIMEOUT = 0.5  # longest one ListOffsets call may take (seconds; it runs off the worker thread)
LATEST, EARLIEST = -1, -2  # ListOffsets' special "timestamps"
VIEWER_EVERY = 0.1  # seconds between polls of the message viewer's consumer
GRACE = 2.0  # seconds past the request timeout before a request counts as unanswered

SOURCES = {
    0: "unknown",
    1: "topic override",
    2: "broker (dynamic)",
    3: "cluster default (dynamic)",
    4: "broker file",
    5: "Kafka default",
    6: "broker logger",
    7: "client metrics",
    8: "group",
}

REFUSED = (
    "TOPIC_AUTHORIZATION_FAILED",
    "CLUSTER_AUTHORIZATION_FAILED",
    "_UNSUPPORTED_FEATURE",
    "UNSUPPORTED_VERSION",
)


@dataclass
class PendingAction:
    action: str
    topic: str
    batch: Pending[Any]
    replication_factor: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def config_entries(result: dict[str, Any]) -> tuple[ConfigEntry, ...]:
    entries = []
    for name in sorted(result):
        e = result[name]
        source = getattr(e.source, "value", e.source)
        entries.append(
            ConfigEntry(
                name=name,
                value=None if e.is_sensitive else e.value,
                source=SOURCES.get(int(source), str(source)),
                is_default=bool(e.is_default),
                read_only=bool(e.is_read_only),
                sensitive=bool(e.is_sensitive),
            )
        )
    return tuple(entries)


def watermark_chunks(snap: ClusterSnapshot, size: int = WATERMARK_CHUNK) -> list[list[tuple[str, int]]]:
    """Every readable partition (topic without error, partition with a leader), in chunks of
    whole topics of about `size` partitions (a bigger topic is a chunk of its own)."""
    chunks: list[list[tuple[str, int]]] = []
    chunk: list[tuple[str, int]] = []
    for topic in snap.topics:
        if topic.error is not None:
            continue
        parts = [(topic.name, p.id) for p in topic.partitions if not p.offline]
        if chunk and len(chunk) + len(parts) > size:
            chunks.append(chunk)
            chunk = []
        chunk.extend(parts)
    if chunk:
        chunks.append(chunk)
    return chunks


@dataclass
class WatermarkRound:
    """One pass over every partition: the latest offsets of a chunk, then its earliest."""

    chunks: list[list[tuple[str, int]]]
    index: int = 0
    latest: list[Any] | None = None  # the current chunk's answer to "latest", until "earliest" is in
    failed: dict[str, int] = field(default_factory=dict)  # reason -> partitions
    pending: Pending[None] | None = None  # the ListOffsets call under way
    timeout: float = 0.0  # that call's own timeout

    @property
    def done(self) -> bool:
        return self.index >= len(self.chunks)


class TopicsService(Service):
    """Owned by the worker thread (see kafkatui.kafka.worker)."""

    HANDLES: ClassVar[tuple[type[Command], ...]] = (
        TopicsActive,
        SelectTopic,
        ShowTopics,
        CreateTopic,
        DeleteTopic,
        AddPartitions,
        ViewMessages,
        FilterMessages,
        StopMessages,
    )

    def __init__(self, ctx: Context) -> None:
        self.active = False
        self.seen: ClusterSnapshot | None = None
        self.topics_of: tuple[ClusterSnapshot | None, dict[str, Any]] = (None, {})
        # topic -> partition -> watermarks; a topic's mapping is replaced (never mutated) when it
        # changes, so the rows and the UI can tell an unchanged topic by identity
        self.marks: dict[str, dict[int, Watermark]] = {}
        self.marks_ts: float | None = None
        self.round: WatermarkRound | None = None
        self.want_offsets = False
        self.offsets_consumer: Any = None  # a Consumer used only for ListOffsets, never assigned
        self.rows = RowCache()
        self.key_configs: dict[str, dict[str, str]] = {}  # same rule: replaced, never mutated
        self.configs_batch: Pending[Any] | None = None
        self.configs_queue: deque[str] = deque()
        self.configs_first: deque[str] = deque()  # topics on screen: before the rest
        self.configs_done: set[str] = set()  # asked for in this round (on screen or in turn)
        self.configs_urgent = False
        self.next_config_chunk = 0.0
        self.asked: set[str] = set()  # topics whose key configs were asked for this round
        self.configs_seen: ClusterSnapshot | None = None
        self.next_key_configs = 0.0
        self.selected: str | None = None
        self.selected_configs: TopicConfigs | None = None
        self.selected_batch: Pending[Any] | None = None
        self.next_selected = 0.0
        self.actions: list[PendingAction] = []
        self.unavailable: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.probe: Pending[Any] | None = None
        self.probed = False
        self.dirty = False
        self.next_emit = 0.0
        self.viewer: MessageViewer | None = None
        if ctx.settings.read_only:
            for action in ("create", "delete", "partitions"):
                self.unavailable[action] = "read-only mode: kafkatui was started with --read-only"

    @property
    def busy(self) -> bool:
        """The worker polls again without idling while the viewer has records queued."""
        return self.viewer is not None and self.viewer.backlog

    def next_due(self, now: float) -> float:
        due = now + IDLE_DUE
        if self.active:
            if self.dirty:
                due = min(due, self.next_emit)
            if self.round is not None and self.round.pending is not None:
                due = min(due, self.round.pending.deadline)  # its answer wakes the worker
            elif self.round is not None or self.want_offsets:
                due = now  # the next ListOffsets chunk
            if self.configs_batch is None and (self.configs_queue or self.configs_first):
                due = min(due, self.next_config_chunk)
            if self.configs_batch is None:
                due = min(due, self.next_key_configs)
            if self.selected and self.selected_batch is None:
                due = min(due, self.next_selected)
        for pending in (self.probe, self.configs_batch, self.selected_batch, *(a.batch for a in self.actions)):
            if pending is not None:
                due = min(due, pending.deadline)  # an answer wakes the worker before that
        if self.viewer is not None:
            due = min(due, now + VIEWER_EVERY)
        return due

    # -- Service ------------------------------------------------------------------------

    def handle(self, ctx: Context, command: Command) -> None:
        now = ctx.clock()
        if isinstance(command, TopicsActive):
            self.active = command.active
            if command.active:
                self.dirty = True
                self.want_offsets = True
                self.next_emit = 0.0
            return
        if isinstance(command, SelectTopic):
            if command.name != self.selected:
                self.selected = command.name
                self.selected_configs = None
                self.selected_batch = None
                self.next_selected = 0.0
                self.dirty = True
            return
        if isinstance(command, ShowTopics):
            self.configs_urgent = command.urgent
            first = [n for n in command.names if n not in self.configs_done and n not in self.key_configs]
            self.configs_first = deque(first)
            if first or command.urgent:
                self.next_config_chunk = 0.0
            return
        if isinstance(command, CreateTopic | DeleteTopic | AddPartitions):
            self._act(ctx, command, now)
            return
        if isinstance(command, ViewMessages):
            self._close_viewer()
            try:
                self.viewer = MessageViewer(ctx, command)
            except (KafkaException, ValueError) as exc:
                ctx.report("message viewer", exc)
            return
        if isinstance(command, FilterMessages):
            if self.viewer is not None:
                self.viewer.set_filter(command.text)
            return
        if isinstance(command, StopMessages):
            self._close_viewer()
            return

    def poll(self, ctx: Context, now: float) -> None:
        self._collect(ctx, now)
        snap = ctx.snapshot
        if snap is not None and snap is not self.seen:
            self.seen = snap
            self.dirty = True
            self.want_offsets = True
            self._forget_gone(snap)
            if not self.active:  # keep the rows warm (a few ms once built): opening the pane
                self.rows.rows(snap.topics, self.marks, self.key_configs)  # shows them at once
        # the view first: opening the pane shows the list before any request is made
        if self.active and self.dirty and now >= self.next_emit and snap is not None:
            ctx.emit(self._view(ctx, snap, now))
            self.dirty = False
            self.next_emit = now + EMIT_EVERY
        if self.active and snap is not None:
            self._probe(ctx, snap)
            self._watermarks(ctx, snap, now)
            self._request_configs(ctx, snap, now)
        if self.viewer is not None:
            self.viewer.poll(ctx, now)

    def close(self, ctx: Context) -> None:
        self._close_viewer()
        if self.round is not None and self.round.pending is not None and not self.round.pending.done():
            self.offsets_consumer = None  # a thread is still in a call on it: it is freed there, when that ends
        if self.offsets_consumer is not None:
            consumer, self.offsets_consumer = self.offsets_consumer, None
            try:
                consumer.close()
            except Exception:  # closing must never fail the worker
                log.debug("offsets consumer close failed", exc_info=True)

    # -- view ---------------------------------------------------------------------------

    def _view(self, ctx: Context, snap: ClusterSnapshot, now: float) -> TopicsView:
        if self.topics_of[0] is not snap:
            self.topics_of = (snap, {t.name: t for t in snap.topics})
        return TopicsView(
            ts=now,
            metadata_ts=snap.ts,
            rows=self.rows.rows(snap.topics, self.marks, self.key_configs),
            topics=self.topics_of[1],  # built once per snapshot, never changed after
            marks=dict(self.marks),  # a copy: the worker goes on replacing entries
            marks_ts=self.marks_ts,
            brokers_up=snap.brokers_up,
            selected=self.selected_configs,
            unavailable=dict(self.unavailable),
            notes=tuple(self.notes[k] for k in sorted(self.notes)),
            read_only=ctx.settings.read_only,
            is_mock=snap.is_mock,
        )

    def _forget_gone(self, snap: ClusterSnapshot) -> None:
        names = {t.name for t in snap.topics}
        if any(n not in names for n in self.marks):
            self.marks = {n: m for n, m in self.marks.items() if n in names}
        if any(n not in names for n in self.key_configs):
            self.key_configs = {n: c for n, c in self.key_configs.items() if n in names}

    # -- capability probe -----------------------------------------------------------------

    def _no_controller(self, snap: ClusterSnapshot) -> str | None:
        # any controller the Metadata response named (under KRaft an arbitrary broker) routes requests
        if snap.metadata_controller_id is not None or snap.controller_id is not None:
            return None
        why = "librdkafka's mock cluster" if snap.is_mock else "the cluster"
        return f"{UNSUPPORTED}: {why} names no controller, which this request needs"

    def _probe(self, ctx: Context, snap: ClusterSnapshot) -> None:
        if self.probed:
            return
        self.probed = True
        missing = self._no_controller(snap)
        if missing:
            for action in ("create", "delete", "partitions", "configs"):
                self.unavailable.setdefault(action, missing)
            self.dirty = True
            return
        if ctx.settings.read_only:
            return
        name = f"kafkatui-probe-{uuid.uuid4().hex[:8]}"
        try:
            futures = ctx.admin.create_topics(
                [NewTopic(name, 1, 1)], validate_only=True, request_timeout=ctx.settings.timeout
            )
        except (KafkaException, ValueError) as exc:
            log.info("CreateTopics probe not sent: %s", exc)
            return
        self.probe = Pending(futures, ctx.clock() + ctx.settings.timeout + GRACE, ctx.wake)

    def _collect_probe(self, now: float) -> None:
        if self.probe is None:
            return
        if not self.probe.done():
            if self.probe.expired(now):
                self.probe = None
            return
        _, future = self.probe.items[0]
        self.probe = None
        try:
            future.result()
        except KafkaException as exc:
            code, text = error_name_text(exc)
            log.info("CreateTopics probe: %s %s", code, text)
            if code in REFUSED:
                reason = (
                    f"not authorized on this cluster ({text})" if "AUTHORIZATION" in code else f"{UNSUPPORTED} ({text})"
                )
                self.unavailable.setdefault("create", reason)
                if "AUTHORIZATION" not in code:
                    self.unavailable.setdefault("delete", reason)
                    self.unavailable.setdefault("partitions", reason)
                self.dirty = True

    # -- watermarks ---------------------------------------------------------------------

    def _watermarks(self, ctx: Context, snap: ClusterSnapshot, now: float) -> None:
        """One ListOffsets call per poll, never waited for: a chunk's latest offsets, then its
        earliest. The call runs on a short-lived thread (`offsets_for_times` has no asynchronous
        form); a later poll takes its answer and starts the next."""
        if self.round is None:
            if not self.want_offsets:
                return
            self.want_offsets = False
            self._forget_offline(snap)
            self.round = WatermarkRound(watermark_chunks(snap))
        rnd = self.round
        if rnd.pending is not None:
            if not rnd.pending.done():
                if rnd.pending.expired(now):
                    self._watermarks_failed(f"the cluster did not answer ListOffsets within {rnd.timeout:g} s")
                return
            future, rnd.pending = rnd.pending.first, None
            try:
                answer = future.result()
            except (KafkaException, ValueError, TypeError, RuntimeError) as exc:
                code, text = error_name_text(exc)
                if code in ("_TIMED_OUT", "REQUEST_TIMED_OUT"):
                    text = f"the cluster did not answer ListOffsets within {rnd.timeout:g} s"
                self._watermarks_failed(text)
                return
            if rnd.latest is None:
                rnd.latest = answer
            else:
                self._merge(rnd, rnd.latest, answer)
                rnd.latest = None
                rnd.index += 1
        if rnd.done:
            self._end_round(now)
            return
        chunk = rnd.chunks[rnd.index]
        which = LATEST if rnd.latest is None else EARLIEST
        rnd.timeout = min(ctx.settings.timeout, max(WATERMARK_TIMEOUT, 4 * snap.rtt_ms / 1000.0))
        try:
            if self.offsets_consumer is None:
                self.offsets_consumer = Consumer(clients.reader_config(ctx.settings, "watermarks"))
        except (KafkaException, ValueError, TypeError, RuntimeError) as exc:
            self._watermarks_failed(error_name_text(exc)[1])
            return
        consumer, timeout = self.offsets_consumer, rnd.timeout
        tps = [TopicPartition(t, p, which) for t, p in chunk]
        future = clients.call_in_thread(lambda: consumer.offsets_for_times(tps, timeout=timeout), "kafka-watermarks")
        rnd.pending = one(future, now + timeout + GRACE, ctx.wake)

    def _watermarks_failed(self, text: str) -> None:
        self.notes["offsets"] = f"message counts: {text}"
        self.round = None  # the next snapshot starts a new round
        self.dirty = True

    def _forget_offline(self, snap: ClusterSnapshot) -> None:
        """Unknown is unknown: an offline partition (no leader, or one we cannot reach) has no
        watermarks, not the ones an earlier round read; its topic's message count is unknown."""
        for topic in snap.topics:
            old = self.marks.get(topic.name)
            if old is None or not topic.offline:
                continue
            gone = {p.id for p in topic.partitions if p.offline}
            if gone & set(old):
                self.marks[topic.name] = {pid: m for pid, m in old.items() if pid not in gone}
                self.dirty = True

    def _merge(self, rnd: WatermarkRound, latest: list[Any], earliest: list[Any]) -> None:
        fresh: dict[str, dict[int, Watermark]] = {}
        lost: dict[str, set[int]] = {}
        for hi, lo in zip(latest, earliest, strict=True):
            err = hi.error if hi.error is not None else lo.error
            if err is None and (known_offset(hi.offset) is None or known_offset(lo.offset) is None):
                # librdkafka's -1001 without an error: the leader did not answer in time
                lost.setdefault(hi.topic, set()).add(hi.partition)
                reason = "the partition's leader did not answer in time (no offset, no error)"
                rnd.failed[reason] = rnd.failed.get(reason, 0) + 1
                continue
            if err is not None:
                reason = err.str()
                rnd.failed[reason] = rnd.failed.get(reason, 0) + 1
                lost.setdefault(hi.topic, set()).add(hi.partition)
                continue
            fresh.setdefault(hi.topic, {})[hi.partition] = Watermark(lo.offset, hi.offset)
        changed = False
        for topic, pids in lost.items():
            old = self.marks.get(topic)
            if old is not None and pids & set(old):  # an earlier round's figure is not today's
                self.marks[topic] = {pid: m for pid, m in old.items() if pid not in pids}
                changed = True
        for topic, new in fresh.items():
            old = self.marks.get(topic)
            if old is not None and len(new) < len(old):  # keep what is known of the others
                new = {**old, **new}
            if new != old:
                self.marks[topic] = new
                changed = True
        if changed:
            self.dirty = True

    def _end_round(self, now: float) -> None:
        rnd = self.round
        self.round = None
        self.marks_ts = now
        if rnd is not None and rnd.failed:
            total = sum(rnd.failed.values())
            reason = max(rnd.failed, key=lambda k: rnd.failed[k])
            self.notes["offsets"] = f"watermarks of {total} partition{'s' if total != 1 else ''} unknown: {reason}"
        else:
            self.notes.pop("offsets", None)
        self.dirty = True

    # -- configs ------------------------------------------------------------------------

    def _request_configs(self, ctx: Context, snap: ClusterSnapshot, now: float) -> None:
        if "configs" in self.unavailable:
            return
        if self.selected and self.selected_batch is None and now >= self.next_selected:
            batch = self._describe(ctx, [self.selected], now)
            if batch is not None:
                self.selected_batch = batch
            self.next_selected = now + SELECTED_CONFIGS_EVERY
        if self.configs_batch is None and now >= self.next_config_chunk:
            if not self.configs_queue and now >= self.next_key_configs:
                self.configs_queue = deque(t.name for t in snap.topics if t.error is None)
                self.asked = set(self.configs_queue)
                self.configs_done = set()
                every = KEY_CONFIGS_EVERY if len(self.asked) <= 4 * CONFIG_CHUNK else KEY_CONFIGS_EVERY_BIG
                self.next_key_configs = now + max(every, 6 * ctx.settings.refresh_interval)
            elif snap is not self.configs_seen:  # topics new since the last full round
                new = [t.name for t in snap.topics if t.error is None and t.name not in self.asked]
                self.asked.update(new)
                self.configs_queue.extend(new)
            self.configs_seen = snap
            chunk = self._next_config_chunk()
            if chunk:
                self.configs_batch = self._describe(ctx, chunk, now)

    def _next_config_chunk(self) -> list[str]:
        """Up to CONFIG_CHUNK topics: the ones on screen first, then the round's queue."""
        chunk: list[str] = []
        for queue in (self.configs_first, self.configs_queue):
            while queue and len(chunk) < CONFIG_CHUNK:
                name = queue.popleft()
                if name not in self.configs_done:
                    self.configs_done.add(name)
                    chunk.append(name)
        return chunk

    def _describe(self, ctx: Context, names: list[str], now: float) -> Pending[Any] | None:
        resources = [ConfigResource(ResourceType.TOPIC, n) for n in names]
        try:
            futures = ctx.admin.describe_configs(resources, request_timeout=ctx.settings.timeout)
        except (KafkaException, ValueError, TypeError) as exc:
            self.notes["configs"] = f"configs unavailable: {error_name_text(exc)[1]}"
            self.dirty = True
            return None
        return Pending(futures, now + ctx.settings.timeout + GRACE, ctx.wake)

    def _set_key_configs(self, name: str, values: dict[str, str]) -> None:
        """Replace (never mutate) a topic's key configs, and only when they changed."""
        if self.key_configs.get(name) != values:
            self.key_configs[name] = values
            self.dirty = True

    def _configs_failed(self, code: str, text: str) -> str:
        if "AUTHORIZATION" in code:
            return f"not authorized to read configs on this cluster ({text})"
        if code in REFUSED or "controller" in text.lower():
            return f"{UNSUPPORTED} ({text})"
        return text

    def _collect_configs(self, now: float) -> None:
        batch = self.configs_batch
        if batch is not None:
            if batch.done():
                self.configs_batch = None
                small = len(self.asked) <= 4 * CONFIG_CHUNK
                pace = 0.0 if small or self.configs_first else CONFIG_PACE
                self.next_config_chunk = now + (CONFIG_PACE_URGENT if self.configs_urgent else pace)
                errors: list[tuple[str, str]] = []
                for resource, future in batch.items:
                    try:
                        result = future.result()
                    except KafkaException as exc:
                        errors.append(error_name_text(exc))
                        continue
                    self._set_key_configs(resource.name, {k: result[k].value for k in KEY_CONFIGS if k in result})
                if errors and len(errors) == len(batch.items):
                    code, text = errors[0]
                    sentence = self._configs_failed(code, text)
                    if code in REFUSED or "AUTHORIZATION" in code or "controller" in text.lower():
                        self.unavailable["configs"] = sentence
                        self.configs_queue.clear()
                    else:
                        self.notes["configs"] = f"configs: {sentence}"
                else:
                    self.notes.pop("configs", None)
                self.dirty = True
            elif batch.expired(now):
                self.configs_batch = None
                self.notes["configs"] = "configs: the cluster did not answer DescribeConfigs in time"
                self.dirty = True
        sel = self.selected_batch
        if sel is not None and (sel.done() or sel.expired(now)):
            self.selected_batch = None
            resource, future = sel.items[0]
            if resource.name != self.selected:
                return
            if not sel.done():
                self.selected_configs = TopicConfigs(
                    resource.name, error="the cluster did not answer DescribeConfigs in time"
                )
            else:
                try:
                    entries = config_entries(future.result())
                    self.selected_configs = TopicConfigs(resource.name, entries)
                    values = {e.name: e.value for e in entries if e.value is not None}
                    self._set_key_configs(resource.name, {k: values[k] for k in KEY_CONFIGS if k in values})
                except KafkaException as exc:
                    code, text = error_name_text(exc)
                    sentence = self._configs_failed(code, text)
                    self.selected_configs = TopicConfigs(resource.name, error=sentence)
                    if code in REFUSED or "controller" in text.lower():
                        self.unavailable["configs"] = sentence
            self.dirty = True

    # -- actions ------------------------------------------------------------------------

    def _result(self, ctx: Context, action: str, topic: str, ok: bool, message: str) -> None:
        ctx.emit(ActionResult(ctx.clock(), action, topic, ok, message))

    def _act(self, ctx: Context, command: CreateTopic | DeleteTopic | AddPartitions, now: float) -> None:
        action = (
            "create"
            if isinstance(command, CreateTopic)
            else "delete"
            if isinstance(command, DeleteTopic)
            else "partitions"
        )
        topic = command.name
        why = self.unavailable.get(action)
        if ctx.settings.read_only:
            why = "read-only mode: kafkatui was started with --read-only"
        if why:
            self._result(ctx, action, topic, False, f"Cannot {VERBS[action]} '{topic}': {why}.")
            return
        timeout = ctx.settings.timeout
        opts: dict[str, Any] = {"request_timeout": timeout, "operation_timeout": timeout}
        rf: int | None = None
        try:
            if isinstance(command, CreateTopic):
                existing = [t.name for t in ctx.snapshot.topics] if ctx.snapshot else []
                check = check_topic_name(command.name, existing)
                if not check.ok:
                    self._result(ctx, action, topic, False, f"Cannot create topic '{topic}': {check.error}.")
                    return
                if command.partitions < 1 or command.replication_factor < 1:
                    self._result(
                        ctx,
                        action,
                        topic,
                        False,
                        f"Cannot create topic '{topic}': partitions and replication factor must be at least 1.",
                    )
                    return
                rf = command.replication_factor
                futures = ctx.admin.create_topics(
                    [NewTopic(topic, command.partitions, rf, config=dict(command.configs))], **opts
                )
            elif isinstance(command, DeleteTopic):
                futures = ctx.admin.delete_topics([topic], **opts)
            else:
                futures = ctx.admin.create_partitions([NewPartitions(topic, command.total)], **opts)
        except (KafkaException, ValueError, TypeError) as exc:
            code, text = error_name_text(exc)
            self._result(ctx, action, topic, False, explain_failure(action, topic, code, text, timeout=timeout))
            return
        self.actions.append(PendingAction(action, topic, Pending(futures, now + timeout + GRACE, ctx.wake), rf))

    def _collect_actions(self, ctx: Context, now: float) -> None:
        for pending in list(self.actions):
            batch = pending.batch
            if not batch.done():
                if batch.expired(now):
                    self.actions.remove(pending)
                    self._result(
                        ctx,
                        pending.action,
                        pending.topic,
                        False,
                        explain_failure(
                            pending.action,
                            pending.topic,
                            "_TIMED_OUT",
                            "",
                            timeout=ctx.settings.timeout,
                        ),
                    )
                continue
            self.actions.remove(pending)
            _, future = batch.items[0]
            try:
                future.result()
            except KafkaException as exc:
                code, text = error_name_text(exc)
                brokers = self.seen.brokers_up if self.seen else None
                message = explain_failure(
                    pending.action,
                    pending.topic,
                    code,
                    text,
                    brokers=brokers,
                    replication_factor=pending.replication_factor,
                    timeout=ctx.settings.timeout,
                )
                self._result(ctx, pending.action, pending.topic, False, message)
                continue
            done = {
                "create": f"Topic '{pending.topic}' created.",
                "delete": f"Topic '{pending.topic}' deleted.",
                "partitions": f"Partitions of '{pending.topic}' increased.",
            }[pending.action]
            self._result(ctx, pending.action, pending.topic, True, done)
            self.want_offsets = True

    # -- plumbing -----------------------------------------------------------------------

    def _collect(self, ctx: Context, now: float) -> None:
        self._collect_probe(now)
        self._collect_configs(now)
        self._collect_actions(ctx, now)

    def _close_viewer(self) -> None:
        if self.viewer is not None:
            self.viewer.close()
            self.viewer = None
