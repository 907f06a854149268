"""Topics pane worker service against real Kafka (1- and 3-broker test beds).

Oracles: Kafka's own TopicCommand and ConsumerGroupCommand from the test-bed jars, kcat, and
librdkafka's delivery reports.
"""

from __future__ import annotations

import queue
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from confluent_kafka import Producer

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner
from kafkatui.domain.message_viewer import MessagesView, StartAt, StartMode, StopMessages, ViewMessages
from kafkatui.domain.models import Refused
from kafkatui.domain.partitioner import predict
from kafkatui.domain.partitions import Flag, partition_rows
from kafkatui.domain.topic_actions import ActionResult, AddPartitions, CreateTopic, DeleteTopic
from kafkatui.domain.topics_view import SelectTopic, TopicsActive, TopicsView
from kafkatui.kafka.topics import TopicsService
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings


def _topic(prefix: str = "tp") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Harness:
    """A real Worker with the Topics service; events collected from its thread."""

    def __init__(self, bootstrap: str, **extra: Any) -> None:
        values: dict[str, Any] = {"bootstrap_servers": bootstrap, "timeout": 8.0, "refresh_interval": 1.0}
        values.update(extra)
        self.settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        self.events: queue.Queue[object] = queue.Queue()
        self.worker = Worker(self.settings, self.events.put, extra_services=(TopicsService,))
        self.worker.start()
        self.worker.submit(TopicsActive(True))

    def wait_for(self, match: Callable[[Any], bool], timeout: float = 30.0, what: str = "event") -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                if match(event):
                    return event
            except (KeyError, AttributeError):
                continue
        raise AssertionError(f"no {what} within {timeout} s")

    def view(self, match: Callable[[TopicsView], bool], timeout: float = 30.0) -> TopicsView:
        return self.wait_for(lambda e: isinstance(e, TopicsView) and match(e), timeout, "matching TopicsView")

    def result(self, action: str, topic: str, timeout: float = 30.0) -> ActionResult:
        return self.wait_for(
            lambda e: isinstance(e, ActionResult) and e.action == action and e.topic == topic,
            timeout,
            f"{action} result for {topic}",
        )

    def messages(self, match: Callable[[MessagesView], bool], timeout: float = 30.0) -> MessagesView:
        return self.wait_for(lambda e: isinstance(e, MessagesView) and match(e), timeout, "matching MessagesView")

    def close(self) -> None:
        self.worker.stop(2.0)


@pytest.fixture
def pane1(kafka1: tb.Cluster) -> Iterator[Harness]:
    h = Harness(kafka1.bootstrap)
    yield h
    h.close()


DESCRIBE_LINE = re.compile(
    r"Topic: (?P<topic>\S+)\s+Partition: (?P<p>\d+)\s+Leader: (?P<leader>\S+)\s+"
    r"Replicas: (?P<replicas>\S+)\s+Isr: (?P<isr>\S*)"
)


def described(tool: ToolRunner, bootstrap: str, topic: str) -> dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]]:
    """TopicCommand --describe: partition -> (leader, replicas, isr)."""
    out = tool("TopicCommand", ["--bootstrap-server", bootstrap, "--describe", "--topic", topic])
    assert out.returncode == 0, out.stderr
    result = {}
    for m in DESCRIBE_LINE.finditer(out.stdout):
        leader = -1 if m["leader"] == "none" else int(m["leader"])
        replicas = tuple(int(x) for x in m["replicas"].split(",") if x)
        isr = tuple(int(x) for x in m["isr"].split(",") if x)
        result[int(m["p"])] = (leader, replicas, isr)
    return result


def listed(tool: ToolRunner, bootstrap: str) -> set[str]:
    out = tool("TopicCommand", ["--bootstrap-server", bootstrap, "--list"])
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


# --------------------------------------------------------------------------- 1 broker


@pytest.mark.kafka
def test_topics_created_by_topic_command_match_its_describe(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, pane1: Harness
) -> None:
    topic = _topic("tc")
    created = kafka_tool(
        "TopicCommand",
        [
            "--bootstrap-server",
            kafka1.bootstrap,
            "--create",
            "--topic",
            topic,
            "--partitions",
            "4",
            "--replication-factor",
            "1",
            "--config",
            "retention.ms=3600000",
        ],
    )
    assert created.returncode == 0, created.stderr
    produced = kcat("-P", "-b", kafka1.bootstrap, "-t", topic, "-p", "2", input="a\nb\nc\n")
    assert produced.returncode == 0, produced.stderr
    oracle = described(kafka_tool, kafka1.bootstrap, topic)
    assert len(oracle) == 4
    view = pane1.view(lambda v: any(r.name == topic and r.messages == 3 and r.retention_ms is not None for r in v.rows))
    row = next(r for r in view.rows if r.name == topic)
    assert (row.partitions, row.replication_factor, row.under_replicated, row.offline) == (4, 1, 0, 0)
    assert row.retention_ms == 3600000 and row.cleanup == "delete"
    ours = {
        r.partition: (r.leader, r.replicas, r.isr) for r in partition_rows(view.topics[topic], view.marks.get(topic))
    }
    assert ours == oracle
    assert view.marks[topic][2].high == 3
    # configs of the selected topic: the override is marked non-default with its source
    pane1.worker.submit(SelectTopic(topic))
    view = pane1.view(lambda v: v.selected is not None and v.selected.topic == topic and bool(v.selected.entries))
    assert view.selected is not None
    retention = next(e for e in view.selected.entries if e.name == "retention.ms")
    assert retention.value == "3600000" and not retention.is_default and retention.source == "topic override"
    segment = next(e for e in view.selected.entries if e.name == "segment.bytes")
    assert segment.is_default and segment.source == "Kafka default"


@pytest.mark.kafka
def test_create_add_partitions_and_delete_are_confirmed_by_the_broker(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, pane1: Harness
) -> None:
    topic = _topic("mk")
    pane1.worker.submit(CreateTopic(topic, 2, 1, (("cleanup.policy", "compact"),)))
    result = pane1.result("create", topic)
    assert result.ok, result.message
    assert topic in listed(kafka_tool, kafka1.bootstrap)
    assert len(described(kafka_tool, kafka1.bootstrap, topic)) == 2
    pane1.worker.submit(AddPartitions(topic, 5))
    result = pane1.result("partitions", topic)
    assert result.ok, result.message
    assert len(described(kafka_tool, kafka1.bootstrap, topic)) == 5
    pane1.view(lambda v: topic in v.topics and len(v.topics[topic].partitions) == 5)
    pane1.worker.submit(DeleteTopic(topic))
    result = pane1.result("delete", topic)
    assert result.ok, result.message
    assert topic not in listed(kafka_tool, kafka1.bootstrap)
    pane1.view(lambda v: topic not in v.topics)


@pytest.mark.kafka
def test_refusals_are_sentences(kafka1: tb.Cluster, kafka_tool: ToolRunner, pane1: Harness) -> None:
    topic = _topic("no")
    pane1.view(lambda v: True)
    pane1.worker.submit(CreateTopic(topic, 3, 3))
    assert pane1.result("create", topic).message == (
        f"Cannot create topic '{topic}': replication factor 3 needs 3 brokers, but only 1 is available."
    )
    pane1.worker.submit(CreateTopic("bad name!", 1, 1))
    assert "not allowed" in pane1.result("create", "bad name!").message
    pane1.worker.submit(CreateTopic(topic, 2, 1))
    assert pane1.result("create", topic).ok
    pane1.view(lambda v: topic in v.topics)
    pane1.worker.submit(CreateTopic(topic, 2, 1))
    assert pane1.result("create", topic).message == f"Cannot create topic '{topic}': topic '{topic}' already exists."
    pane1.worker.submit(AddPartitions(topic, 1))
    message = pane1.result("partitions", topic).message
    assert message.startswith(f"Cannot add partitions to '{topic}':") and "2 partition" in message
    pane1.worker.submit(CreateTopic(_topic("cfg"), 1, 1, (("retention.ms", "soon"),)))
    assert "Kafka refused a config" in pane1.wait_for(lambda e: isinstance(e, ActionResult)).message
    pane1.worker.submit(DeleteTopic(_topic("gone")))
    assert "does not exist" in pane1.wait_for(lambda e: isinstance(e, ActionResult)).message
    assert topic in listed(kafka_tool, kafka1.bootstrap)


@pytest.mark.kafka
def test_read_only_refuses_in_the_worker(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    h = Harness(kafka1.bootstrap, read_only=True)
    try:
        topic = _topic("ro")
        view = h.view(lambda v: True)
        assert view.read_only and "read-only" in view.unavailable["create"]
        h.worker.submit(CreateTopic(topic, 1, 1))
        # the worker itself refuses every write command in read-only mode (the service never sees it)
        refused = h.wait_for(lambda e: isinstance(e, Refused) and e.command == "CreateTopic", what="Refused")
        assert "read-only" in refused.describe()
        assert topic not in listed(kafka_tool, kafka1.bootstrap)
    finally:
        h.close()


def _kcat_produce(kcat: Kcat, bootstrap: str, topic: str, lines: list[str], *extra: str) -> None:
    done = kcat("-P", "-b", bootstrap, "-t", topic, "-K", "|", *extra, input="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr


@pytest.mark.kafka
def test_viewer_reads_what_kcat_produced(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, pane1: Harness
) -> None:
    topic = _topic("view")
    pane1.worker.submit(CreateTopic(topic, 2, 1))
    assert pane1.result("create", topic).ok
    first = [f'k{i}|{{"n": {i}}}' for i in range(10)]
    _kcat_produce(kcat, kafka1.bootstrap, topic, first, "-p", "0", "-H", "source=kcat", "-H", "trace=abc")
    time.sleep(1.2)
    split_ms = int(time.time() * 1000)
    time.sleep(0.3)
    _kcat_produce(kcat, kafka1.bootstrap, topic, [f"late{i}|v{i}" for i in range(4)], "-p", "1")

    pane1.worker.submit(ViewMessages(topic, None, StartAt(StartMode.BEGINNING)))
    view = pane1.messages(lambda v: v.topic == topic and len(v.records) == 14)
    p0 = [r for r in view.records if r.partition == 0]
    assert [r.offset for r in p0] == list(range(10))
    assert p0[3].key == b"k3" and p0[3].value == b'{"n": 3}'
    assert p0[3].headers == (("source", b"kcat"), ("trace", b"abc"))

    pane1.worker.submit(ViewMessages(topic, 0, StartAt(StartMode.OFFSET, 7)))
    view = pane1.messages(lambda v: v.partition == 0 and v.start.mode is StartMode.OFFSET and len(v.records) == 3)
    assert [r.offset for r in view.records] == [7, 8, 9]

    pane1.worker.submit(ViewMessages(topic, None, StartAt(StartMode.TIMESTAMP, split_ms)))
    view = pane1.messages(lambda v: v.start.mode is StartMode.TIMESTAMP and len(v.records) == 4, timeout=20)
    assert {r.key for r in view.records} == {f"late{i}".encode() for i in range(4)}
    assert all(r.timestamp_ms >= split_ms for r in view.records)

    pane1.worker.submit(ViewMessages(topic, None, StartAt(StartMode.LAST, 2), filter="k8"))
    view = pane1.messages(lambda v: v.start.mode is StartMode.LAST and v.consumed == 4)
    assert [r.key for r in view.records] == [b"k8"]

    pane1.worker.submit(ViewMessages(topic, None, StartAt(StartMode.END)))
    pane1.messages(lambda v: v.start.mode is StartMode.END and v.state == "reading")
    time.sleep(1.0)  # the assignment reaches the end before the new record
    _kcat_produce(kcat, kafka1.bootstrap, topic, ["live|now"], "-p", "1")
    view = pane1.messages(lambda v: v.start.mode is StartMode.END and len(v.records) == 1)
    assert view.records[0].key == b"live"
    pane1.worker.submit(StopMessages())

    groups = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", kafka1.bootstrap, "--list"])
    assert groups.returncode == 0, groups.stderr
    assert "kafkatui-viewer" not in groups.stdout  # read by assignment: never joined, never committed
    assert "kafkatui-watermarks" not in groups.stdout  # ListOffsets only: never joins either


@pytest.mark.kafka
def test_predicted_partition_matches_delivery_reports(kafka1: tb.Cluster, pane1: Harness) -> None:
    topic = _topic("keys")
    pane1.worker.submit(CreateTopic(topic, 7, 1))
    assert pane1.result("create", topic).ok
    for partitioner in ("consistent_random", "murmur2_random"):
        conf: dict[str, Any] = {"bootstrap.servers": kafka1.bootstrap, "linger.ms": 5}
        if partitioner != "consistent_random":
            conf["partitioner"] = partitioner  # librdkafka's default is consistent_random
        producer = Producer(conf)
        delivered: dict[bytes, int] = {}

        def report(err: Any, msg: Any, into: dict[bytes, int] = delivered) -> None:
            assert err is None, err
            into[msg.key()] = msg.partition()

        keys = [f"sensor-{i}".encode() for i in range(1000)]
        for key in keys:
            producer.produce(topic, key=key, value=b"x", on_delivery=report)
            producer.poll(0)
        assert producer.flush(30) == 0
        assert len(delivered) == 1000
        wrong = [k for k in keys if predict(k, 7, partitioner) != delivered[k]]
        assert wrong == [], f"{partitioner}: {len(wrong)} keys predicted wrong"
        assert len(set(delivered.values())) == 7


# --------------------------------------------------------------------------- 3 brokers


@pytest.mark.kafka3
def test_killed_broker_flags_under_replicated_and_moved_leaders(kafka3_faults: tb.Cluster) -> None:
    cluster = kafka3_faults
    h = Harness(cluster.bootstrap)
    try:
        topic = _topic("rf3")
        h.worker.submit(CreateTopic(topic, 6, 3))
        assert h.result("create", topic).ok
        cluster.wait_healthy(timeout=60)
        view = h.view(
            lambda v: (
                topic in v.topics
                and all(len(p.isr) == 3 for p in v.topics[topic].partitions)
                and not any(p.leader < 0 for p in v.topics[topic].partitions)
            )
        )
        before = {p.id: p.leader for p in view.topics[topic].partitions}
        victim = 2
        assert victim in before.values(), before
        cluster.kill(victim)
        killed = time.monotonic()
        view = h.view(
            lambda v: all(victim not in p.isr and p.leader != victim for p in v.topics[topic].partitions),
            timeout=30,
        )
        took = time.monotonic() - killed
        rows = partition_rows(view.topics[topic], view.marks.get(topic))
        assert all(Flag.UNDER_REPLICATED in r.flags for r in rows)
        moved = [r for r in rows if before[r.partition] == victim]
        assert moved and all(r.leader != victim and Flag.NOT_PREFERRED in r.flags for r in moved)
        assert all(r.offline_replicas == (victim,) for r in rows)
        row = next(r for r in view.rows if r.name == topic)
        assert row.under_replicated == 6 and row.offline == 0
        # fenced after broker.session.timeout.ms (4 s) + one refresh (1 s) + slack
        print(f"flags shown {took:.1f} s after the kill")
        assert took < 4 + 1 + 5, took
        cluster.start(victim)
        view = h.view(lambda v: all(len(p.isr) == 3 for p in v.topics[topic].partitions), timeout=90)
        rows = partition_rows(view.topics[topic], view.marks.get(topic))
        assert not any(Flag.UNDER_REPLICATED in r.flags or Flag.OFFLINE in r.flags for r in rows)
    finally:
        h.close()
