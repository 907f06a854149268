"""Tests of the real-Kafka test bed itself (scripts/kafka_testbed.py) against real brokers."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _topic() -> str:
    return f"testbed-{uuid.uuid4().hex[:8]}"


@pytest.mark.kafka
def test_one_broker_is_up(kafka1: tb.Cluster) -> None:
    assert kafka1.brokers == 1
    assert kafka1.node_ids == [1]
    assert kafka1.is_up(1)
    assert kafka1.bootstrap == kafka1.bootstrap_of(1)
    assert kafka1.metadata_broker_ids() == {1}


@pytest.mark.kafka
def test_topic_command_creates_and_describes(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    topic = _topic()
    server = ["--bootstrap-server", kafka1.bootstrap]
    created = kafka_tool(
        "TopicCommand",
        [*server, "--create", "--topic", topic, "--partitions", "3", "--replication-factor", "1"],
    )
    assert created.returncode == 0, created.stderr
    described = kafka_tool("TopicCommand", [*server, "--describe", "--topic", topic])
    assert described.returncode == 0, described.stderr
    assert f"Topic: {topic}" in described.stdout
    assert "PartitionCount: 3" in described.stdout
    assert "ReplicationFactor: 1" in described.stdout


@pytest.mark.kafka
def test_consumer_group_command_runs(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    listed = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", kafka1.bootstrap, "--list"])
    assert listed.returncode == 0, listed.stderr


@pytest.mark.kafka
def test_kcat_sees_the_broker(kafka1: tb.Cluster, kcat: Kcat) -> None:
    result = kcat("-b", kafka1.bootstrap, "-L", "-m", "10")
    assert result.returncode == 0, result.stderr
    assert "1 brokers:" in result.stdout
    assert f"broker 1 at {kafka1.bootstrap}" in result.stdout


@pytest.mark.kafka
def test_cli_status_prints_bootstrap_last(kafka1: tb.Cluster) -> None:
    result = subprocess.run(
        [str(SCRIPTS / "kafka-testbed"), "status", "--name", kafka1.name],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == kafka1.bootstrap
    assert any(line.startswith("node 1: up") for line in lines)


@pytest.mark.kafka3
def test_three_brokers_replicate(kafka3: tb.Cluster, kafka_tool: ToolRunner) -> None:
    assert kafka3.node_ids == [1, 2, 3]
    assert kafka3.metadata_broker_ids() == {1, 2, 3}
    topic = _topic()
    server = ["--bootstrap-server", kafka3.bootstrap]
    created = kafka_tool(
        "TopicCommand",
        [*server, "--create", "--topic", topic, "--partitions", "2", "--replication-factor", "3"],
    )
    assert created.returncode == 0, created.stderr
    kafka3.wait_healthy(timeout=30)
    described = kafka_tool("TopicCommand", [*server, "--describe", "--topic", topic])
    assert "ReplicationFactor: 3" in described.stdout


@pytest.mark.kafka3
def test_kill_and_restart_a_broker(kafka3_faults: tb.Cluster) -> None:
    cluster = kafka3_faults
    cluster.kill(2)
    assert not cluster.is_up(2)
    cluster.wait_for_brokers({1, 3}, timeout=30)  # fenced after broker.session.timeout.ms
    cluster.start(2)
    assert cluster.is_up(2)
    cluster.wait_for_brokers({1, 2, 3}, timeout=30)
    cluster.wait_healthy(timeout=60)


def test_down_removes_leftovers_without_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A half-started cluster (no state file) is still found and killed by ``down``."""
    monkeypatch.setenv("KAFKATUI_TESTBED_RUN", str(tmp_path))
    run_dir = tmp_path / "leftover"
    run_dir.mkdir()
    fake = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", "kafka.Kafka", f"{run_dir}/x"],
        start_new_session=True,
    )
    try:
        assert tb.down("leftover") is True
        assert fake.wait(timeout=10) != 0
        assert not run_dir.exists()
        assert tb.down("leftover") is False
    finally:
        fake.kill()
        fake.wait()


def test_node_properties_follow_cluster_size(tmp_path: Path) -> None:
    three = [(1, 1001, 2001), (2, 1002, 2002), (3, 1003, 2003)]
    props = tb.node_properties(2, three, tmp_path)
    assert props["controller.quorum.voters"] == ("1@127.0.0.1:2001,2@127.0.0.1:2002,3@127.0.0.1:2003")
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:1002,CONTROLLER://127.0.0.1:2002"
    assert props["offsets.topic.replication.factor"] == "3"
    assert props["transaction.state.log.min.isr"] == "2"
    assert props["broker.session.timeout.ms"] == "4000"
    assert props["auto.create.topics.enable"] == "true"
    one = tb.node_properties(1, three[:1], tmp_path, auto_create_topics=False)
    assert one["transaction.state.log.min.isr"] == "1"
    assert one["auto.create.topics.enable"] == "false"
    assert "broker.session.timeout.ms" not in one


def test_cluster_id_is_a_kafka_uuid() -> None:
    cid = tb.new_cluster_id()
    assert len(cid) == 22
    assert not cid.startswith("-")
