"""What keeps the Topics pane cheap on big clusters, without a broker: reused metadata objects,
rows rebuilt only for changed topics, watermarks in chunks one call per poll, configs of the
topics on screen first, and the list's prepared filter (the filter's rule, sort_rows' order)."""

from __future__ import annotations

from concurrent.futures import Future, wait
from dataclasses import replace
from itertools import product
from types import SimpleNamespace
from typing import Any

from confluent_kafka import KafkaError, KafkaException, TopicPartition

import canned
from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.topic_list import (
    COLUMN_KEYS,
    COLUMNS,
    RowCache,
    TopicList,
    Watermark,
    row_cells,
    sort_rows,
    topic_row,
)
from kafkatui.domain.topics_view import ShowTopics, TopicsActive, TopicsView
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context
from kafkatui.kafka.topics import WATERMARK_CHUNK, TopicsService, watermark_chunks

# --------------------------------------------------------------------------- metadata


def _md(topics: dict[str, list[tuple[int, int, list[int], list[int]]]], errors: dict[str, Any] | None = None) -> Any:
    """A stand-in for librdkafka's ClusterMetadata (the attributes snapshot_from_metadata reads)."""
    errors = errors or {}
    brokers = {1: SimpleNamespace(id=1, host="127.0.0.1", port=9092)}
    return SimpleNamespace(
        controller_id=1,
        cluster_id="c1",
        brokers=brokers,
        topics={
            name: SimpleNamespace(
                error=errors.get(name),
                partitions={
                    pid: SimpleNamespace(id=pid, leader=leader, replicas=list(r), isrs=list(i), error=None)
                    for pid, leader, r, i in parts
                },
            )
            for name, parts in topics.items()
        },
    )


def test_unchanged_topics_keep_their_objects_and_changed_ones_do_not() -> None:
    bootstrap = "reuse-test:1"
    layout = {
        "a": [(0, 1, [1, 2], [1, 2]), (1, 2, [2, 1], [2, 1])],
        "b": [(0, 1, [1], [1])],
    }
    first = clients.snapshot_from_metadata(_md(layout), bootstrap, 1.0, {}, 0.0)
    again = clients.snapshot_from_metadata(_md(layout), bootstrap, 1.0, {}, 1.0)
    assert [t.name for t in again.topics] == ["a", "b"]
    assert all(x is y for x, y in zip(first.topics, again.topics, strict=True))
    changed = {**layout, "a": [(0, 1, [1, 2], [1]), (1, 2, [2, 1], [2, 1])]}  # replica 2 left an ISR
    third = clients.snapshot_from_metadata(_md(changed), bootstrap, 1.0, {}, 2.0)
    assert third.topics[0] is not again.topics[0] and third.topics[1] is again.topics[1]
    assert third.topics[0].partitions[0] == PartitionInfo(0, 1, (1, 2), (1,))
    assert third.topics[0].under_replicated == 1
    # broker 2 is a replica but not live: it shows as down, as before
    assert [(b.id, b.up) for b in third.brokers] == [(1, True), (2, False)]


def test_topics_with_errors_are_never_reused_and_errors_are_never_compared() -> None:
    bootstrap = "error-test:1"
    layout = {"a": [(0, 1, [1], [1])]}
    err = KafkaError(KafkaError.LEADER_NOT_AVAILABLE)  # (`err == None` raises: never compared)
    first = clients.snapshot_from_metadata(_md(layout, {"a": err}), bootstrap, 1.0, {}, 0.0)
    second = clients.snapshot_from_metadata(_md(layout, {"a": err}), bootstrap, 1.0, {}, 1.0)
    assert first.topics[0].error and second.topics[0].error
    assert first.topics[0] is not second.topics[0]
    md = _md(layout)
    md.topics["a"].partitions[0].error = err
    third = clients.snapshot_from_metadata(md, bootstrap, 1.0, {}, 2.0)
    assert third.topics[0].partitions[0].error is not None
    clean = clients.snapshot_from_metadata(_md(layout), bootstrap, 1.0, {}, 3.0)
    assert clean.topics[0].partitions[0].error is None


# --------------------------------------------------------------------------- rows


def _snapshot(n: int) -> Any:
    topics = tuple(
        TopicInfo(f"t{i:04d}", (PartitionInfo(0, 1, (1,), (1,)), PartitionInfo(1, 1, (1,), (1,)))) for i in range(n)
    )
    return replace(canned.cluster(), topics=canned.cluster().topics + topics)


def test_row_cache_rebuilds_only_changed_topics_and_reuses_the_tuple() -> None:
    snap = _snapshot(300)
    marks: dict[str, dict[int, Watermark]] = {t.name: {0: Watermark(0, 1), 1: Watermark(0, 2)} for t in snap.topics}
    cache = RowCache()
    rows = cache.rows(snap.topics, marks, {})
    assert cache.rebuilt == len(snap.topics)
    assert rows == tuple(topic_row(t, marks.get(t.name), None) for t in snap.topics)
    assert cache.rows(snap.topics, marks, {}) is rows and cache.rebuilt == 0
    marks["t0007"] = {0: Watermark(0, 5), 1: Watermark(0, 5)}  # replaced, never mutated
    again = cache.rows(snap.topics, marks, {"t0010": {"retention.ms": "1000"}})
    assert cache.rebuilt == 2 and again is not rows
    changed = [r.name for r, old in zip(again, rows, strict=True) if r is not old]
    assert changed == ["t0007", "t0010"]
    assert next(r for r in again if r.name == "t0007").messages == 10
    gone = replace(snap, topics=snap.topics[:-1])
    assert [r.name for r in cache.rows(gone.topics, marks, {})] == [t.name for t in gone.topics]


def test_prepared_list_filters_and_sorts_exactly_like_the_rules() -> None:
    snap = _snapshot(40)
    marks = {t.name: {0: Watermark(0, i % 5), 1: Watermark(0, 1)} for i, t in enumerate(snap.topics) if i % 3}
    rows = RowCache().rows(snap.topics, marks, {"t0003": {"retention.ms": "60000", "cleanup.policy": "compact"}})
    model = TopicList()
    model.prepare(rows)
    for text, internal, column, descending in product(
        ("", "t00", "T001", "t 3", "nothing"), (False, True), COLUMN_KEYS, (False, True)
    ):
        words = text.lower().split()  # the rule: internal topics when asked, every word in the name
        kept = [r for r in rows if (internal or not r.internal) and all(w in r.name.lower() for w in words)]
        expected = sort_rows(kept, column, descending)
        shown = model.visible(text, internal, column, descending)
        assert [r for r, _ in shown] == expected, (text, internal, column, descending)
        assert all(cells == row_cells(r) for r, cells in shown)
    widths = [max(len(label), *(len(row_cells(r)[i]) for r in rows)) for i, (_, label) in enumerate(COLUMNS)]
    assert model.widths == widths and model.internal == 1
    first = model.visible("", True)[5][1]
    model.prepare(tuple(rows))  # a new tuple of the same row objects: cells are kept
    assert model.visible("", True)[5][1] is first


# --------------------------------------------------------------------------- worker service


class FakeConsumer:
    """offsets_for_times: latest = 10 x partition + len(topic), earliest = 0; records each call."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, int, int]]] = []
        self.fail: KafkaException | None = None
        self.high_bump = 0

    def offsets_for_times(self, tps: list[TopicPartition], timeout: float) -> list[TopicPartition]:
        self.calls.append([(tp.topic, tp.partition, tp.offset) for tp in tps])
        if self.fail is not None:
            raise self.fail
        return [
            TopicPartition(
                tp.topic, tp.partition, 0 if tp.offset == -2 else 10 * tp.partition + len(tp.topic) + self.high_bump
            )
            for tp in tps
        ]

    def close(self) -> None:
        return None


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


class FakeAdmin:
    def __init__(self) -> None:
        self.described: list[list[str]] = []

    def create_topics(self, topics: list[Any], **_: Any) -> dict[str, Future[Any]]:
        return {t.topic: _done(None) for t in topics}

    def describe_configs(self, resources: list[Any], **_: Any) -> dict[Any, Future[Any]]:
        self.described.append([r.name for r in resources])
        entry = SimpleNamespace(value="604800000", is_sensitive=False, source=5, is_default=True, is_read_only=False)
        return {r: _done({"retention.ms": entry}) for r in resources}


class Harness:
    def __init__(self, topics: int) -> None:
        self.events: list[object] = []
        self.now = 1000.0
        self.admin = FakeAdmin()
        self.ctx = Context(canned.settings(), self.events.append, lambda: self.now, self.admin)  # type: ignore[arg-type]
        self.ctx.snapshot = _snapshot(topics)
        self.service = TopicsService(self.ctx)
        self.consumer = FakeConsumer()
        self.service.offsets_consumer = self.consumer

    def step(self, command: object | None = None, dt: float = 0.02) -> None:
        self.now += dt
        if command is not None:
            assert type(command) in self.service.HANDLES
            self.service.handle(self.ctx, command)
        self.service.poll(self.ctx, self.now)
        # the watermark call runs on its own thread; let it end so the next step takes its answer
        rnd = self.service.round
        if rnd is not None and rnd.pending is not None:
            wait([rnd.pending.first], timeout=10)

    def views(self) -> list[TopicsView]:
        return [e for e in self.events if isinstance(e, TopicsView)]


def test_the_list_is_sent_before_any_watermark_call() -> None:
    h = Harness(20)
    h.step(TopicsActive(True))
    views = h.views()
    assert len(views) == 1 and len(views[0].rows) == 22 and views[0].marks_ts is None
    assert all(r.messages is None for r in views[0].rows)
    assert len(h.consumer.calls) == 1  # the first call came after the view, in the same poll


def test_watermarks_come_in_chunks_of_whole_topics_one_call_per_poll() -> None:
    h = Harness(600)  # 3 + 6 + 600 x 2 = 1,209 partitions
    chunks = watermark_chunks(h.ctx.snapshot)  # type: ignore[arg-type]
    assert [len(c) for c in chunks] == [499, 500, 210]  # whole topics, at most WATERMARK_CHUNK
    assert all(len(c) <= WATERMARK_CHUNK for c in chunks) and sum(map(len, chunks)) == 1209
    topics = [{t for t, _ in c} for c in chunks]
    assert not (topics[0] & topics[1]) and not (topics[1] & topics[2])
    h.step(TopicsActive(True))
    for _ in range(2 * len(chunks) + 2):
        h.step(dt=0.6)
    assert [len(c) for c in h.consumer.calls[:6]] == [499, 499, 500, 500, 210, 210]
    assert [c[0][2] for c in h.consumer.calls[:6]] == [-1, -2, -1, -2, -1, -2]  # latest, then earliest
    view = h.views()[-1]
    assert view.marks_ts is not None and all(r.messages is not None for r in view.rows)
    row = next(r for r in view.rows if r.name == "t0042")
    assert row.messages == (0 + 5) + (10 + 5)
    assert view.marks["freezer-temperatura"][2] == Watermark(0, 20 + len("freezer-temperatura"))


def test_an_unchanged_round_keeps_every_object_and_a_changed_topic_only_its_own() -> None:
    h = Harness(50)
    h.step(TopicsActive(True))
    for _ in range(4):
        h.step(dt=0.6)
    first = h.views()[-1]
    h.service.want_offsets = True
    for _ in range(4):
        h.step(dt=0.6)
    second = h.views()[-1]
    assert second is not first and second.rows is first.rows  # same values: the same tuple
    assert all(second.marks[n] is first.marks[n] for n in first.marks)
    h.consumer.high_bump = 1
    h.service.want_offsets = True
    for _ in range(4):
        h.step(dt=0.6)
    third = h.views()[-1]
    assert third.rows is not first.rows and all(r.messages is not None for r in third.rows)


def test_a_broker_that_does_not_answer_ends_the_round_with_a_sentence() -> None:
    h = Harness(5)
    h.consumer.fail = KafkaException(KafkaError(KafkaError._TIMED_OUT))
    h.step(TopicsActive(True))  # the list, and the first call
    h.step(dt=0.6)  # its failure
    h.step(dt=0.6)  # the view that says so
    view = h.views()[-1]
    assert any("did not answer ListOffsets within 0.5 s" in n for n in view.notes)
    assert h.service.round is None and view.marks_ts is None
    calls = len(h.consumer.calls)
    h.step(dt=0.6)
    assert len(h.consumer.calls) == calls  # no retry until the next metadata snapshot


def test_configs_of_the_topics_on_screen_are_asked_first() -> None:
    h = Harness(500)
    h.step(TopicsActive(True))
    assert h.admin.described[0][:3] == ["__consumer_offsets", "freezer-temperatura", "t0000"]
    h.step(ShowTopics(("t0400", "t0401", "t0001")))
    for _ in range(3):
        h.step(dt=1.1)
    asked = [n for batch in h.admin.described for n in batch]
    assert asked.index("t0400") < asked.index("t0100")
    assert asked.count("t0001") == 1  # asked once in a round, on screen or in turn
    view = h.views()[-1]
    assert next(r for r in view.rows if r.name == "t0400").retention_ms == 604800000
