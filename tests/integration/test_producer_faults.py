"""acks and idempotence on the 3-broker test bed while a broker is killed and restarted mid-burst.

- acks=all + idempotence: every one of 20,000 keyed messages is delivered exactly once and in
  order per key (read back and counted).
- acks=1 (no idempotence): the pane accounts for every message; what failed is reported as failed
  with the librdkafka error and its meaning, never as success.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

import pytest
from test_producer import Live, read_back

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner
from kafkatui.domain.producer import Configure, Produce, ProducerConfig, ProduceRequest, guarantee

TOTAL = 30_000
KEYS = 50
RATE = 800.0  # ~37 s of burst: the kill and the restart (up to ~25 s on a loaded machine) land inside it


def _topic(tool: ToolRunner, cluster: tb.Cluster) -> str:
    topic = f"idem-{uuid.uuid4().hex[:8]}"
    done = tool(
        "TopicCommand",
        [
            "--bootstrap-server",
            cluster.bootstrap,
            "--create",
            "--topic",
            topic,
            "--partitions",
            "3",
            "--replication-factor",
            "3",
            "--config",
            "min.insync.replicas=2",
        ],
    )
    assert done.returncode == 0, done.stderr
    cluster.wait_healthy(timeout=60)
    return topic


def _burst_with_a_kill(live: Live, cluster: tb.Cluster, topic: str) -> int:
    """Start the burst, kill a broker a fifth of the way in, restart it; returns the victim."""
    live.wait(lambda: live.has_topic(topic))
    live.worker.submit(Produce(ProduceRequest(topic, "sensor{i%" + str(KEYS) + "}", "{i}", count=TOTAL, rate=RATE)))
    live.wait(lambda: live.view().queued >= TOTAL // 5, timeout=60)
    victim = 2
    cluster.kill(victim)
    killed_at = live.view().queued
    live.wait(lambda: live.view().queued >= killed_at + TOTAL // 10, timeout=120)  # ~4 s sent to 2 of 3
    cluster.start(victim)
    assert live.view().queued < TOTAL, "the burst ended before the broker came back"
    return victim


def _per_key(rows: list[dict[str, str]]) -> dict[str, list[int]]:
    """Values per key in log order (a key lives in one partition; offsets order it)."""
    by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
    partitions: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_key[r["k"]].append((int(r["o"]), int(r["s"])))
        partitions[r["k"]].add(r["p"])
    assert all(len(p) == 1 for p in partitions.values()), "a key spread over partitions"
    return {k: [v for _, v in sorted(items)] for k, items in by_key.items()}


@pytest.mark.kafka3
def test_idempotent_burst_is_exactly_once_and_in_order_through_a_broker_kill(
    kafka3_faults: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat
) -> None:
    cluster = kafka3_faults
    topic = _topic(kafka_tool, cluster)
    live = Live(cluster.bootstrap)
    try:
        live.worker.submit(Configure(ProducerConfig("all", True, "none", 5)))
        _burst_with_a_kill(live, cluster, topic)
        live.wait(lambda: live.settled(TOTAL), timeout=300)
        view = live.view()
        assert (view.queued, view.delivered, view.failed) == (TOTAL, TOTAL, 0), view.errors
        assert guarantee(view.config).name == "no duplicates per partition"
    finally:
        live.stop()
    rows = read_back(kcat, cluster.bootstrap, topic)
    assert len(rows) == TOTAL  # no loss, no duplicate
    per_key = _per_key(rows)
    assert len(per_key) == KEYS
    for key, values in per_key.items():
        n = int(key.removeprefix("sensor"))
        assert values == list(range(n, TOTAL, KEYS)), f"{key}: out of order or duplicated"


@pytest.mark.kafka3
def test_acks_1_reports_what_it_lost_instead_of_claiming_success(
    kafka3_faults: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat
) -> None:
    cluster = kafka3_faults
    topic = _topic(kafka_tool, cluster)
    # a short message.timeout.ms makes librdkafka give up while the broker is away
    live = Live(cluster.bootstrap, keep=TOTAL, overrides={"message.timeout.ms": "3000"})
    try:
        live.worker.submit(Configure(ProducerConfig("1", False, "none", 5)))
        _burst_with_a_kill(live, cluster, topic)
        live.wait(lambda: live.settled(TOTAL), timeout=300)
        view = live.view()
    finally:
        live.stop()
    assert view.config.acks == "1" and guarantee(view.config).name == "at least once"
    # every message is accounted for: delivered or reported failed, nothing silently dropped
    assert view.delivered + view.failed == TOTAL
    assert len(view.reports) == TOTAL
    failed = [r for r in view.reports if not r.ok]
    assert len(failed) == view.failed
    for r in failed:  # each failure is named, with a sentence on what it means
        assert r.error and r.meaning() and not r.meaning().startswith("librdkafka reported")
    burst_notices = [n for n in live.notices() if n.text.startswith("burst done")]
    assert burst_notices and burst_notices[-1].error == (view.failed > 0)
    assert f"{view.failed:,} failed" in burst_notices[-1].text
    # what the log holds, against what was reported
    rows = read_back(kcat, cluster.bootstrap, topic)
    stored = {(r["p"], r["o"]): r["s"] for r in rows}
    values = [int(r["s"]) for r in rows]
    duplicates = len(values) - len(set(values))
    lost_after_ack = sum(1 for r in view.reports if r.ok and (str(r.partition), str(r.offset)) not in stored)
    missing = TOTAL - len(set(values))
    print(
        f"\nacks=1 with broker 2 killed mid-burst: delivered {view.delivered}, failed "
        f"{view.failed} ({dict(view.errors)}), missing from the log {missing}, duplicates "
        f"{duplicates}, acknowledged then lost {lost_after_ack}"
    )
    # Whatever is missing was either reported failed or acknowledged-then-lost (acks=1's known
    # hole, which the guarantee text names). Only the newest reports are kept, so acknowledged-
    # then-lost can be counted exactly only among them: check what is checkable.
    assert lost_after_ack <= missing
