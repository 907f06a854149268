"""NOT_ENOUGH_REPLICAS named, on the 3-broker test bed.

A topic with replication factor 3 and min.insync.replicas=3, one broker killed: an acks=all send
cannot be acknowledged. librdkafka retries the broker's NOT_ENOUGH_REPLICAS silently and reports
only _MSG_TIMED_OUT after message.timeout.ms; before the fix the pane said "waiting for 1 delivery
reports" all that time and never said why. The metadata (ISR) and the topic's config tell.
"""

from __future__ import annotations

import time
import uuid

import pytest
from test_producer import Live

import kafka_testbed as tb
from kafka_fixtures import ToolRunner
from kafkatui.domain.models import ClusterSnapshot
from kafkatui.domain.producer import InspectTopic, Produce, ProduceRequest

pytestmark = [pytest.mark.kafka, pytest.mark.kafka3]

SENTENCE = "fewer than min.insync.replicas=3"


def _isr(live: Live, topic: str) -> int | None:
    snaps = [e for e in live.events if isinstance(e, ClusterSnapshot)]
    if not snaps:
        return None
    t = next((t for t in snaps[-1].topics if t.name == topic), None)
    return None if t is None or not t.partitions else len(t.partitions[0].isr)


def test_acks_all_below_min_isr_is_named_before_and_after_the_wait(
    kafka3_faults: tb.Cluster, kafka_tool: ToolRunner
) -> None:
    cluster = kafka3_faults
    topic = f"isr-{uuid.uuid4().hex[:8]}"
    done = kafka_tool(
        "TopicCommand",
        ["--bootstrap-server", cluster.bootstrap, "--create", "--topic", topic, "--partitions", "1",
         "--replication-factor", "3", "--config", "min.insync.replicas=3"],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    cluster.wait_healthy(timeout=60)
    live = Live(cluster.bootstrap, overrides={"message.timeout.ms": "8000"})
    try:
        live.wait(lambda: live.has_topic(topic))
        live.worker.submit(InspectTopic(topic))  # the pane asks for the topic's configs as you type
        cluster.kill(3)
        live.wait(lambda: (_isr(live, topic) or 3) < 3, timeout=60)
        # as the pane does when the topic field changes: the first DescribeConfigs may have been
        # in flight to the broker just killed, leaving min.insync.replicas unknown (no warning then)
        live.worker.submit(InspectTopic(topic))
        time.sleep(1.0)
        sent = time.monotonic()
        live.worker.submit(Produce(ProduceRequest(topic, "sensor0", "-3.21", partition=0)))
        live.wait(lambda: any(SENTENCE in n.text for n in live.notices()), timeout=20)
        told = time.monotonic()
        notice = next(n for n in live.notices() if SENTENCE in n.text)
        assert "partition 0 of " + topic in notice.text
        assert "NOT_ENOUGH_REPLICAS" in notice.text
        assert not live.view().reports, "told only after the delivery report"
        assert told - sent < 8.0  # before message.timeout.ms ran out
        # and the pane's state line says why it waits, while it waits
        live.wait(lambda: "delivery reports" in live.view().state and SENTENCE in live.view().state, timeout=8)
        assert not live.view().reports
        live.wait(lambda: live.settled(1), timeout=60)
        view = live.view()
    finally:
        live.stop()
    (report,) = view.reports
    assert report.error in ("_MSG_TIMED_OUT", "NOT_ENOUGH_REPLICAS", "NOT_ENOUGH_REPLICAS_AFTER_APPEND")
    meaning = report.meaning()
    assert "Likely cause" in meaning and SENTENCE in meaning, meaning
