"""Broker loss and recovery with the real worker: state changes, recovery, no lost or repeated readings."""

from __future__ import annotations

import time

import pytest

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner, create_topic
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.models import ClusterSnapshot, ConnectionState, Link
from kafkatui.kafka.context import Context
from kafkatui.kafka.freezer import FreezerFeed
from worker_probe import EventSink, probe_settings, start_worker


def topic_with(kafka_tool: ToolRunner, bootstrap: str, partitions: int, rf: int) -> str:
    return create_topic(kafka_tool, bootstrap, partitions, rf, prefix="life")


def produce(kcat: Kcat, bootstrap: str, topic: str, start: int, count: int) -> None:
    lines = [f"sensor{i % 3}|{(i % 7) - 3}.{i % 100:02d}" for i in range(start, start + count)]
    r = kcat("-b", bootstrap, "-t", topic, "-P", "-K", "|", "-X", "acks=all", input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


def since_ready(sink: EventSink, topic: str) -> FreezerView:
    return sink.wait_for(FreezerView, lambda v: "partitions" in v.source and topic in v.source)


@pytest.mark.kafka
def test_single_broker_killed_and_back(kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat) -> None:
    topic = topic_with(kafka_tool, kafka1.bootstrap, 3, 1)
    produce(kcat, kafka1.bootstrap, topic, 0, 30)
    settings = probe_settings(kafka1.bootstrap, topic=topic, timeout=3.0)

    def feed(ctx: Context) -> FreezerFeed:
        return FreezerFeed(ctx, since=3600.0)

    worker, sink = start_worker(settings, feed)
    try:
        sink.wait_for(FreezerView, lambda v: v.readings == 30)
        sink.clear()
        kafka1.kill(1)
        killed = time.monotonic()
        down = sink.wait_for(ConnectionState, lambda s: s.link is Link.UNREACHABLE, timeout=10)
        detected = time.monotonic() - killed
        assert detected <= 5.0, f"state change took {detected:.1f} s"
        assert down.reason
        kafka1.start(1)
        back_at = time.monotonic()
        sink.wait_for(ConnectionState, lambda s: s.link is Link.CONNECTED, timeout=15)
        recovered = time.monotonic() - back_at
        assert recovered <= 10.0, f"recovery took {recovered:.1f} s"
        sink.wait_for(ClusterSnapshot)
        produce(kcat, kafka1.bootstrap, topic, 30, 30)
        view = sink.wait_for(FreezerView, lambda v: v.readings >= 60, timeout=30)
        time.sleep(1.0)
        latest = sink.latest(FreezerView)
        assert latest is not None and latest.readings == 60  # none lost, none read twice
        assert view.rejects.total == 0
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

    worker, sink = start_worker(settings, feed)
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
    finally:
        worker.stop(2.0)
