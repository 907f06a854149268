"""The freezer's edges on real Kafka (issue 11, items 1, 7, 8): a sensor clock ahead of ours, a topic
created after launch, Schema Registry records and huge numbers."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from textual.pilot import Pilot

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner, create_topic
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.readings import RejectReason
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.worker import Worker
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.widgets.chart import TemperatureChart
from worker_probe import probe_settings, start_worker


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


@pytest.mark.kafka
@pytest.mark.parametrize("ahead", [3.0, 3600.0])
async def test_a_sensor_clock_ahead_of_ours_does_not_stop_the_app(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, ahead: float
) -> None:
    """Was: IndexError in plotext's legend (a line with no point in the chart's range), at every
    launch with --since 10m."""
    topic = create_topic(kafka_tool, kafka1.bootstrap, partitions=1, prefix="freezer-ahead")

    def produce_future() -> None:
        future = json.dumps({"sensor": "fast", "temperature": -2.0, "ts": time.time() + ahead})
        lines = f"sensor0|-3.0\nfast|{future}\nsensor0|-3.1\n"
        r = kcat("-b", kafka1.bootstrap, "-t", topic, "-P", "-K", "|", input=lines)
        assert r.returncode == 0, r.stderr

    produce_future()  # before launch: read back by --since at every launch
    settings = probe_settings(kafka1.bootstrap, topic=topic)

    def freezer(ctx: Context) -> Service:
        return FreezerFeed(ctx, since=600.0)  # as --since 10m

    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=(freezer,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        chart = app.query_one(TemperatureChart)
        source = app.query_one("#freezer-source")
        await _wait(pilot, lambda: "· 3 readings" in str(source.render()), "the readings from before launch")
        produce_future()  # and live, while the pane is drawn
        await _wait(pilot, lambda: "· 6 readings" in str(source.render()), "the live readings")
        await _wait(pilot, lambda: chart._drawn is not None and chart._drawn[0] is chart.data, "the chart drawn")
        await pilot.pause(1.0)  # a few more frames
        assert app.is_running and app.crash_line is None
        drawn = chart._drawn
        assert drawn is not None and "unavailable" not in drawn[3].plain and "sensor0" in drawn[3].plain
        if ahead > 60:  # (3 s ahead may be in the past by the time it is read)
            text = str(source.render())
            assert "readings stamped up to" in text and "ahead of our clock" in text
        await pilot.press("q")


@pytest.mark.kafka
def test_a_topic_created_after_launch_is_read_from_its_beginning(kafka1: tb.Cluster) -> None:
    """Was: the first assignment started at the end, so 924 of 1,998 readings were shown."""
    topic = f"freezer-late-{uuid.uuid4().hex[:8]}"
    settings = probe_settings(kafka1.bootstrap, topic=topic)
    worker, sink = start_worker(settings, FreezerFeed)
    sent = 0
    try:
        sink.wait_for(FreezerView, lambda v: "does not exist" in v.source)
        admin = AdminClient({"bootstrap.servers": kafka1.bootstrap})
        admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(10)
        producer = Producer({"bootstrap.servers": kafka1.bootstrap, "linger.ms": 0})
        done = threading.Event()

        def write() -> None:  # 200 msgs/s for 3 s, from the moment the topic exists
            nonlocal sent
            start = time.monotonic()
            for i in range(600):
                while True:
                    try:
                        producer.produce(topic, key=f"sensor{i % 5}", value=f"-{1 + i % 3}.5")
                        break
                    except BufferError:
                        producer.poll(0.05)
                sent += 1
                producer.poll(0)
                time.sleep(max(0.0, start + (i + 1) / 200 - time.monotonic()))
            assert producer.flush(10) == 0
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(30)
        assert done.is_set()
        view = sink.wait_for(FreezerView, lambda v: v.readings >= sent, timeout=30)
        assert view.readings == sent == 600
        assert "from its beginning" in sink.wait_for(FreezerView, lambda v: "partitions" in v.source).source
    finally:
        worker.stop(2.0)


@pytest.mark.kafka
def test_schema_registry_records_and_huge_numbers_are_named(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    """Was: "not UTF-8" (or "not a number") for a Schema Registry record, "NaN or infinity" for a
    2 MB value of digits."""
    topic = f"freezer-sr-{uuid.uuid4().hex[:8]}"
    args = ["--bootstrap-server", kafka1.bootstrap, "--create", "--topic", topic, "--partitions", "1"]
    r = kafka_tool("TopicCommand", [*args, "--replication-factor", "1", "--config", "max.message.bytes=4000000"])
    assert r.returncode == 0, r.stderr
    # an Avro record as confluent-kafka's AvroSerializer frames it: magic 0, schema id 7 (big endian), body
    avro = b"\x00" + (7).to_bytes(4, "big") + b"\x0esensor0\xcd\xcc\xcc\xcc\xcc\xcc\x0c\xc0\xff"
    producer = Producer({"bootstrap.servers": kafka1.bootstrap, "message.max.bytes": 4_000_000})
    producer.produce(topic, key=b"sensor0", value=avro)
    producer.produce(topic, key=b"sensor1", value=b"9" * 2_000_000)
    producer.produce(topic, key=b"sensor2", value=b"-3.5")
    assert producer.flush(10) == 0
    settings = probe_settings(kafka1.bootstrap, topic=topic)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0))
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings + v.rejects.total >= 3)
        assert view.readings == 1
        assert dict(view.rejects.counts) == {RejectReason.SCHEMA_REGISTRY: 1, RejectReason.TOO_LARGE: 1}
        details = {rej.reason: rej.detail for rej in view.rejects.recent}
        assert "Schema Registry framing (magic byte 0, schema id 7)" in details[RejectReason.SCHEMA_REGISTRY]
        assert details[RejectReason.TOO_LARGE].startswith("a number too large")
    finally:
        worker.stop(2.0)
