"""The freezer feed against real Kafka: kcat writes, the pane's worker reads (no group, no commit)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner, create_topic
from kafkatui.domain.alerts import AlertBatch, AlertKind
from kafkatui.domain.commands import Rewind, SetThresholds
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.readings import RejectReason
from kafkatui.kafka.context import Context
from kafkatui.kafka.freezer import FreezerFeed
from worker_probe import probe_settings, start_worker


def make_topic(kafka_tool: ToolRunner, bootstrap: str, partitions: int = 3) -> str:
    return create_topic(kafka_tool, bootstrap, partitions, prefix="freezer")


def produce(kcat: Kcat, bootstrap: str, topic: str, lines: list[str], *extra: str) -> None:
    r = kcat("-b", bootstrap, "-t", topic, "-P", "-K", "|", *extra, input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


def groups(kafka_tool: ToolRunner, bootstrap: str) -> list[str]:
    r = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", bootstrap, "--list"])
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


@pytest.mark.kafka
def test_history_parsing_rejections_and_no_group(kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat) -> None:
    topic = make_topic(kafka_tool, kafka1.bootstrap)
    produce(
        kcat,
        kafka1.bootstrap,
        topic,
        [
            "sensor0|-3.21",
            "sensor1|-1.50",
            "sensor2|2.00",
            'sensor1|{"temperature": -2.5}',
            'x|{"sensor": "sensor7", "temp": 1.25}',
            "sensor0|abc",
            "sensor0|nan",
            'sensor2|{"humidity": 3}',
            "sensor2|999",
        ],
    )
    settings = probe_settings(kafka1.bootstrap, topic=topic)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0))
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings + v.rejects.total >= 9)
        assert view.readings == 5
        assert {r.sensor: r.last for r in view.rows} == {
            "sensor0": -3.21,
            "sensor1": -2.5,
            "sensor2": 2.0,
            "sensor7": 1.25,
        }
        counts = dict(view.rejects.counts)
        assert counts == {
            RejectReason.NOT_A_NUMBER: 1,
            RejectReason.NOT_FINITE: 1,
            RejectReason.MISSING_FIELD: 1,
            RejectReason.OUT_OF_SANITY: 1,
        }
        assert "from 600 s ago" in view.source
    finally:
        worker.stop(2.0)
    assert not [g for g in groups(kafka_tool, kafka1.bootstrap) if g.startswith("kafkatui")]


@pytest.mark.kafka
def test_live_alerts_new_partitions_and_alert_log(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    topic = make_topic(kafka_tool, kafka1.bootstrap, partitions=2)
    produce(kcat, kafka1.bootstrap, topic, ["old|1.0"])  # before start: not read (starts at end)
    log_file = tmp_path / "alerts.jsonl"
    settings = probe_settings(kafka1.bootstrap, topic=topic)

    def feed(ctx: Context) -> FreezerFeed:
        return FreezerFeed(ctx, alert_log=log_file)

    worker, sink = start_worker(settings, feed)
    try:
        sink.wait_for(FreezerView, lambda v: "from the end" in v.source and "2 partitions" in v.source)
        time.sleep(1.0)  # let the assignment reach the broker (offset lookup of "end")
        produce(kcat, kafka1.bootstrap, topic, ["sensor1|9.5", "sensor1|9.8", "sensor0|-1.0"])
        batch = sink.wait_for(AlertBatch, lambda b: any(e.kind is AlertKind.TOO_WARM for e in b.raised))
        raised = next(e for e in batch.raised if e.kind is AlertKind.TOO_WARM)
        assert raised.sensor == "sensor1" and raised.value == 9.8 and raised.threshold == 5.0
        view = sink.wait_for(FreezerView, lambda v: v.readings == 3)
        assert "old" not in {r.sensor for r in view.rows}
        # a partition added while running is picked up from its beginning
        r = kafka_tool(
            "TopicCommand", ["--bootstrap-server", kafka1.bootstrap, "--alter", "--topic", topic, "--partitions", "3"]
        )
        assert r.returncode == 0, r.stderr
        sink.wait_for(FreezerView, lambda v: "3 partitions" in v.source, timeout=30)
        produce(kcat, kafka1.bootstrap, topic, ["sensor9|-4.0"], "-p", "2")
        view = sink.wait_for(FreezerView, lambda v: any(r.sensor == "sensor9" for r in v.rows))
    finally:
        worker.stop(2.0)
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert any(e["sensor"] == "sensor1" and e["event"] == "raised" and e["kind"] == "too_warm" for e in lines)
    assert {e["cluster"] for e in lines} == {settings.bootstrap_servers}  # each line names its cluster


@pytest.mark.kafka
def test_a_rewind_rereads_the_window_while_commands_go_on(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat
) -> None:
    topic = make_topic(kafka_tool, kafka1.bootstrap, partitions=3)
    produce(kcat, kafka1.bootstrap, topic, [f"sensor{i % 4}|{i % 3}.5" for i in range(12)])
    settings = probe_settings(kafka1.bootstrap, topic=topic)
    worker, sink = start_worker(settings, FreezerFeed)  # live: the 12 records are behind the start
    try:
        sink.wait_for(FreezerView, lambda v: "from the end" in v.source and "3 partitions" in v.source)
        worker.submit(Rewind(600.0))
        worker.submit(SetThresholds(-20.0, 20.0))  # handled whether or not the lookup has come back
        view = sink.wait_for(FreezerView, lambda v: "from 600 s ago" in v.source and v.readings == 12)
        assert {r.sensor for r in view.rows} == {"sensor0", "sensor1", "sensor2", "sensor3"}
        limits = sink.wait_for(FreezerView, lambda v: v.thresholds.tmax == 20.0).thresholds
        assert (limits.tmin, limits.tmax) == (-20.0, 20.0)
        produce(kcat, kafka1.bootstrap, topic, ["sensor9|1.0"])  # and it goes on live after the history
        sink.wait_for(FreezerView, lambda v: v.readings == 13 and any(r.sensor == "sensor9" for r in v.rows))
    finally:
        worker.stop(2.0)
