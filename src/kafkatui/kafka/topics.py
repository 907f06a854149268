"""The Topics pane's worker service: watermarks, configs, create/delete/add partitions, viewer.

Topics and partitions come from the metadata service's `ctx.snapshot` (no second metadata
fetch). While the pane is shown, each new snapshot triggers one batched ListOffsets for every
partition (earliest and latest, futures), and configs come from DescribeConfigs (futures).
Nothing here blocks: requests are collected when done, and a request that outlives its
deadline becomes a sentence instead of a hang. Capabilities are probed (a validate-only
CreateTopics, a DescribeConfigs) so an action on a cluster that refuses it says so at once.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    ConfigResource,
    NewPartitions,
    NewTopic,
    OffsetSpec,
    ResourceType,
)

from kafkatui.domain.models import ClusterSnapshot
from kafkatui.domain.topic_names import check_topic_name
from kafkatui.domain.topics import (
    UNSUPPORTED,
    VERBS,
    ActionResult,
    AddPartitions,
    ConfigEntry,
    CreateTopic,
    DeleteTopic,
    FilterMessages,
    SelectTopic,
    StopMessages,
    TopicConfigs,
    TopicsActive,
    TopicsView,
    ViewMessages,
    Watermark,
    build_rows,
    explain_failure,
)
from kafkatui.kafka.context import Context
from kafkatui.kafka.messages_viewer import MessageViewer

log = logging.getLogger("kafkatui.topics")

EMIT_EVERY = 0.5  # seconds between views at most
KEY_CONFIGS_EVERY = 60.0
SELECTED_CONFIGS_EVERY = 15.0
CONFIG_CHUNK = 200  # topics per DescribeConfigs request (spreads the work on big clusters)
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


def error_of(exc: BaseException) -> tuple[str, str]:
    """(code name, text) of a Kafka failure."""
    err = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
    if err is None:
        return type(exc).__name__, str(exc)
    return err.name(), err.str()


class Batch:
    """Futures collected without blocking; `done()` walks them once in total (cheap to call)."""

    def __init__(self, futures: dict[Any, Future[Any]], deadline: float) -> None:
        self.items = list(futures.items())
        self.deadline = deadline
        self._i = 0

    def done(self) -> bool:
        while self._i < len(self.items) and self.items[self._i][1].done():
            self._i += 1
        return self._i == len(self.items)

    def expired(self, now: float) -> bool:
        return now > self.deadline


@dataclass
class PendingAction:
    action: str
    topic: str
    batch: Batch
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


class TopicsService:
    """Owned by the worker thread (see kafkatui.kafka.worker)."""

    def __init__(self, ctx: Context) -> None:
        self.active = False
        self.seen: ClusterSnapshot | None = None
        self.marks: dict[str, dict[int, Watermark]] = {}
        self.marks_ts: float | None = None
        self.offsets: tuple[Batch, Batch] | None = None
        self.want_offsets = False
        self.key_configs: dict[str, dict[str, str]] = {}
        self.configs_batch: Batch | None = None
        self.configs_queue: list[str] = []
        self.asked: set[str] = set()  # topics whose key configs were asked for this round
        self.configs_seen: ClusterSnapshot | None = None
        self.next_key_configs = 0.0
        self.selected: str | None = None
        self.selected_configs: TopicConfigs | None = None
        self.selected_batch: Batch | None = None
        self.next_selected = 0.0
        self.actions: list[PendingAction] = []
        self.unavailable: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.probe: Batch | None = None
        self.probed = False
        self.dirty = False
        self.next_emit = 0.0
        self.viewer: MessageViewer | None = None
        if ctx.settings.read_only:
            for action in ("create", "delete", "partitions"):
                self.unavailable[action] = "read-only mode: kafkatui was started with --read-only"

    # -- Service ------------------------------------------------------------------------

    def handle(self, ctx: Context, command: object) -> bool:
        now = ctx.clock()
        if isinstance(command, TopicsActive):
            self.active = command.active
            if command.active:
                self.dirty = True
                self.want_offsets = True
                self.next_emit = 0.0
            return True
        if isinstance(command, SelectTopic):
            if command.name != self.selected:
                self.selected = command.name
                self.selected_configs = None
                self.selected_batch = None
                self.next_selected = 0.0
                self.dirty = True
            return True
        if isinstance(command, CreateTopic | DeleteTopic | AddPartitions):
            self._act(ctx, command, now)
            return True
        if isinstance(command, ViewMessages):
            self._close_viewer()
            try:
                self.viewer = MessageViewer(ctx, command)
            except (KafkaException, ValueError) as exc:
                ctx.report("message viewer", exc)
            return True
        if isinstance(command, FilterMessages):
            if self.viewer is not None:
                self.viewer.set_filter(command.text)
            return True
        if isinstance(command, StopMessages):
            self._close_viewer()
            return True
        return False

    def poll(self, ctx: Context, now: float) -> None:
        self._collect(ctx, now)
        snap = ctx.snapshot
        if snap is not None and snap is not self.seen:
            self.seen = snap
            self.dirty = True
            self.want_offsets = True
            self._forget_gone(snap)
        if self.active and snap is not None:
            self._probe(ctx, snap)
            if self.want_offsets and self.offsets is None:
                self._request_offsets(ctx, snap, now)
            self._request_configs(ctx, snap, now)
        if self.active and self.dirty and now >= self.next_emit and snap is not None:
            ctx.emit(self._view(ctx, snap, now))
            self.dirty = False
            self.next_emit = now + EMIT_EVERY
        if self.viewer is not None:
            self.viewer.poll(ctx, now)

    def close(self, ctx: Context) -> None:
        self._close_viewer()

    # -- view ---------------------------------------------------------------------------

    def _view(self, ctx: Context, snap: ClusterSnapshot, now: float) -> TopicsView:
        return TopicsView(
            ts=now,
            metadata_ts=snap.ts,
            rows=build_rows(snap, self.marks, self.key_configs),
            topics={t.name: t for t in snap.topics},
            marks=self.marks,
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
        if snap.controller_id is not None:
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
        self.probe = Batch(futures, ctx.clock() + ctx.settings.timeout + GRACE)

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
            code, text = error_of(exc)
            log.info("CreateTopics probe: %s %s", code, text)
            if code in REFUSED:
                reason = (
                    f"not authorized on this cluster ({text})"
                    if "AUTHORIZATION" in code
                    else f"{UNSUPPORTED} ({text})"
                )
                self.unavailable.setdefault("create", reason)
                if "AUTHORIZATION" not in code:
                    self.unavailable.setdefault("delete", reason)
                    self.unavailable.setdefault("partitions", reason)
                self.dirty = True

    # -- watermarks ---------------------------------------------------------------------

    def _request_offsets(self, ctx: Context, snap: ClusterSnapshot, now: float) -> None:
        self.want_offsets = False
        tps = [
            TopicPartition(t.name, p.id)
            for t in snap.topics
            if t.error is None
            for p in t.partitions
            if p.leader >= 0
        ]
        if not tps:
            self.marks_ts = now
            return
        timeout = ctx.settings.timeout
        try:
            earliest: Any = OffsetSpec.earliest()  # type: ignore[no-untyped-call]
            latest: Any = OffsetSpec.latest()  # type: ignore[no-untyped-call]
            low = ctx.admin.list_offsets(dict.fromkeys(tps, earliest), request_timeout=timeout)
            high = ctx.admin.list_offsets(dict.fromkeys(tps, latest), request_timeout=timeout)
        except (KafkaException, ValueError, TypeError) as exc:
            self.notes["offsets"] = f"message counts unavailable: {error_of(exc)[1]}"
            self.dirty = True
            return
        deadline = now + timeout + GRACE
        self.offsets = (Batch(low, deadline), Batch(high, deadline))

    def _collect_offsets(self, now: float) -> None:
        if self.offsets is None:
            return
        low, high = self.offsets
        if not (low.done() and high.done()):
            if low.expired(now) or high.expired(now):
                self.offsets = None
                self.notes["offsets"] = "message counts: the cluster did not answer ListOffsets in time"
                self.dirty = True
            return
        self.offsets = None
        marks = {t: dict(m) for t, m in self.marks.items()}
        lows = dict(low.items)
        failed: dict[str, int] = {}
        for tp, hf in high.items:
            try:
                lo = lows[tp].result().offset
                hi = hf.result().offset
            except KafkaException as exc:
                failed[error_of(exc)[1]] = failed.get(error_of(exc)[1], 0) + 1
                continue
            marks.setdefault(tp.topic, {})[tp.partition] = Watermark(lo, hi)
        self.marks = marks
        self.marks_ts = now
        if failed:
            total = sum(failed.values())
            reason = max(failed, key=lambda k: failed[k])
            self.notes["offsets"] = (
                f"watermarks of {total} partition{'s' if total != 1 else ''} unknown: {reason}"
            )
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
        if self.configs_batch is None:
            if not self.configs_queue and now >= self.next_key_configs:
                self.configs_queue = [t.name for t in snap.topics if t.error is None]
                self.asked = set(self.configs_queue)
                self.next_key_configs = now + max(KEY_CONFIGS_EVERY, 6 * ctx.settings.refresh_interval)
            elif snap is not self.configs_seen:  # topics new since the last full round
                new = [t.name for t in snap.topics if t.error is None and t.name not in self.asked]
                self.asked.update(new)
                self.configs_queue += new
            self.configs_seen = snap
            if self.configs_queue:
                chunk, self.configs_queue = self.configs_queue[:CONFIG_CHUNK], self.configs_queue[CONFIG_CHUNK:]
                self.configs_batch = self._describe(ctx, chunk, now)

    def _describe(self, ctx: Context, names: list[str], now: float) -> Batch | None:
        resources = [ConfigResource(ResourceType.TOPIC, n) for n in names]
        try:
            futures = ctx.admin.describe_configs(resources, request_timeout=ctx.settings.timeout)
        except (KafkaException, ValueError, TypeError) as exc:
            self.notes["configs"] = f"configs unavailable: {error_of(exc)[1]}"
            self.dirty = True
            return None
        return Batch(futures, now + ctx.settings.timeout + GRACE)

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
                updated = dict(self.key_configs)
                errors: list[tuple[str, str]] = []
                for resource, future in batch.items:
                    try:
                        result = future.result()
                    except KafkaException as exc:
                        errors.append(error_of(exc))
                        continue
                    updated[resource.name] = {
                        k: result[k].value for k in ("retention.ms", "cleanup.policy") if k in result
                    }
                self.key_configs = updated
                if errors and len(errors) == len(batch.items):
                    code, text = errors[0]
                    sentence = self._configs_failed(code, text)
                    if code in REFUSED or "AUTHORIZATION" in code or "controller" in text.lower():
                        self.unavailable["configs"] = sentence
                        self.configs_queue = []
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
                    self.key_configs = {
                        **self.key_configs,
                        resource.name: {
                            k: values[k] for k in ("retention.ms", "cleanup.policy") if k in values
                        },
                    }
                except KafkaException as exc:
                    code, text = error_of(exc)
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
                        ctx, action, topic, False,
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
            code, text = error_of(exc)
            self._result(ctx, action, topic, False, explain_failure(action, topic, code, text, timeout=timeout))
            return
        self.actions.append(PendingAction(action, topic, Batch(futures, now + timeout + GRACE), rf))

    def _collect_actions(self, ctx: Context, now: float) -> None:
        for pending in list(self.actions):
            batch = pending.batch
            if not batch.done():
                if batch.expired(now):
                    self.actions.remove(pending)
                    self._result(
                        ctx, pending.action, pending.topic, False,
                        explain_failure(
                            pending.action, pending.topic, "_TIMED_OUT", "",
                            timeout=ctx.settings.timeout,
                        ),
                    )
                continue
            self.actions.remove(pending)
            _, future = batch.items[0]
            try:
                future.result()
            except KafkaException as exc:
                code, text = error_of(exc)
                brokers = self.seen.brokers_up if self.seen else None
                message = explain_failure(
                    pending.action, pending.topic, code, text,
                    brokers=brokers, replication_factor=pending.replication_factor,
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
        self._collect_offsets(now)
        self._collect_configs(now)
        self._collect_actions(ctx, now)

    def _close_viewer(self) -> None:
        if self.viewer is not None:
            self.viewer.close()
            self.viewer = None

