"""Broker loss and recovery with the real worker: state changes, recovery, no lost or repeated readings."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner, create_topic
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.groups import GroupsView
from kafkatui.domain.models import ClusterSnapshot, ConnectionState, Link
from kafkatui.kafka.context import Context
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.groups import GroupsService
from worker_probe import EventSink, probe_settings, start_worker


def topic_with(kafka_tool: ToolRunner, bootstrap: str, partitions: int, rf: int) -> str:
    return create_topic(kafka_tool, bootstrap, partitions, rf, prefix="life")


def produce(kcat: Kcat, bootstrap: str, topic: str, start: int, count: int) -> None:
    lines = [f"sensor{i % 3}|{(i % 7) - 3}.{i % 100:02d}" for i in range(start, start + count)]
    r = kcat("-b", bootstrap, "-t", topic, "-P", "-K", "|", "-X", "acks=all", input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


def commit(bootstrap: str, group: str, topic: str, offsets: dict[int, int]) -> None:
    """Commit offsets for `group` from a consumer that never joins it."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "log_level": 0})
    deadline = time.monotonic() + 60
    try:
        while True:  # a fresh cluster creates __consumer_offsets on first use: NOT_COORDINATOR for a while
            try:
                consumer.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
                return
            except KafkaException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()


def tool_lag(kafka_tool: ToolRunner, bootstrap: str, group: str) -> int:
    """The group's total lag as Kafka's own ConsumerGroupCommand --describe prints it."""
    r = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", bootstrap, "--describe", "--group", group])
    lags = [
        int(c[5])
        for c in (ln.split() for ln in r.stdout.splitlines())
        if c[:1] == [group] and re.fullmatch(r"\d+", c[5])
    ]
    assert lags, r.stdout + r.stderr
    return sum(lags)


def since_ready(sink: EventSink, topic: str) -> FreezerView:
    return sink.wait_for(FreezerView, lambda v: "partitions" in v.source and topic in v.source)


@pytest.mark.kafka
def test_single_broker_killed_and_back(kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat) -> None:
    topic = topic_with(kafka_tool, kafka1.bootstrap, 3, 1)
    produce(kcat, kafka1.bootstrap, topic, 0, 30)
    settings = probe_settings(kafka1.bootstrap, topic=topic, timeout=3.0)

    def feed(ctx: Context) -> FreezerFeed:
        return FreezerFeed(ctx, since=3600.0)

    group = f"life-readers-{uuid.uuid4().hex[:6]}"
    commit(kafka1.bootstrap, group, topic, {0: 1, 1: 2})
    worker, sink = start_worker(settings, feed, GroupsService)
    try:
        sink.wait_for(FreezerView, lambda v: v.readings == 30)
        sink.wait_for(GroupsView, lambda v: v.group(group) is not None and v.group(group).total_lag is not None)
        sink.clear()
        kafka1.kill(1)
        killed = time.monotonic()
        # behaviour, not speed: the loss is seen and the link comes back (the bounds are generous because
        # the restart includes the broker's own start, 3-15 s on a loaded 2-core machine)
        down = sink.wait_for(ConnectionState, lambda s: s.link is Link.UNREACHABLE, timeout=20)
        detected = time.monotonic() - killed
        assert down.reason
        kafka1.start(1)
        back_at = time.monotonic()
        sink.wait_for(ConnectionState, lambda s: s.link is Link.CONNECTED, timeout=45)
        recovered = time.monotonic() - back_at
        sink.wait_for(ClusterSnapshot)
        produce(kcat, kafka1.bootstrap, topic, 30, 30)
        view = sink.wait_for(FreezerView, lambda v: v.readings >= 60, timeout=30)
        time.sleep(1.0)
        latest = sink.latest(FreezerView)
        assert latest is not None and latest.readings == 60  # none lost, none read twice
        assert view.rejects.total == 0
        # the Groups pane is back too, and agrees with Kafka's own tool about the lag
        lag = tool_lag(kafka_tool, kafka1.bootstrap, group)
        sink.wait_for(GroupsView, lambda v: v.group(group) is not None and v.group(group).total_lag == lag, timeout=30)
        print(f"broker loss seen after {detected:.2f} s; recovered {recovered:.2f} s after restart")
    finally:
        if not kafka1.is_up(1):
            kafka1.start(1)
        worker.stop(2.0)


@pytest.mark.kafka3
def test_one_of_three_brokers_killed_mid_stream(kafka3_faults: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat) -> None:
    bootstrap = kafka3_faults.bootstrap
    topic = topic_with(kafka_tool, bootstrap, 3, 3)
    kafka3_faults.wait_healthy()  # a brand-new topic: every partition led, ISRs full, before we read
    settings = probe_settings(bootstrap, topic=topic, timeout=3.0)

    def feed(ctx: Context) -> FreezerFeed:
        return FreezerFeed(ctx, since=3600.0)

    group = f"life-readers-{uuid.uuid4().hex[:6]}"
    commit(bootstrap, group, topic, {0: 0, 1: 0, 2: 0})
    worker, sink = start_worker(settings, feed, GroupsService)
    try:
        produce(kcat, bootstrap, topic, 0, 100)
        try:
            sink.wait_for(FreezerView, lambda v: v.readings == 100)
        except AssertionError:
            last = sink.latest(FreezerView)
            print("last view:", last.readings if last else None, last.source if last else None)
            raise
        kafka3_faults.kill(2)
        snap = sink.wait_for(ClusterSnapshot, lambda s: any(not b.up for b in s.brokers), timeout=20)
        assert [b.id for b in snap.brokers if not b.up] == [2]
        alive = ",".join(kafka3_faults.bootstrap_of(n) for n in (1, 3))
        produce(kcat, alive, topic, 100, 100)
        sink.wait_for(FreezerView, lambda v: v.readings >= 200, timeout=30)
        kafka3_faults.start(2)
        produce(kcat, bootstrap, topic, 200, 100)
        sink.wait_for(FreezerView, lambda v: v.readings >= 300, timeout=30)
        time.sleep(1.0)
        latest = sink.latest(FreezerView)
        assert latest is not None and latest.readings == 300
        assert sink.latest(ConnectionState) is not None
        # wherever the group's coordinator was, the Groups pane agrees with Kafka's tool again
        sink.wait_for(GroupsView, lambda v: v.group(group) is not None and v.group(group).total_lag == 300, timeout=40)
        assert tool_lag(kafka_tool, bootstrap, group) == 300
    finally:
        worker.stop(2.0)
