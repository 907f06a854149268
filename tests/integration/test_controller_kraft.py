"""The controller shown is never a guess (issue: the header's controller went 1 -> 2 -> 3 -> 1 on a
3-node KRaft cluster while the quorum's leader stayed 2).

Under KRaft, Kafka's Metadata response names an arbitrary live broker as controller; the active
controller is told only by DescribeQuorum, which librdkafka does not offer. Checked against Kafka's
own `MetadataQuorumCommand describe --status` on the 3-node test bed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

import kafka_testbed as tb
from kafka_fixtures import ToolRunner
from kafkatui.domain.models import ClusterMode, ClusterSnapshot
from worker_probe import probe_settings, start_worker

SRC = Path(__file__).resolve().parents[2] / "src"


def quorum_leader(kafka_tool: ToolRunner, bootstrap: str) -> int:
    r = kafka_tool("MetadataQuorumCommand", ["--bootstrap-server", bootstrap, "describe", "--status"])
    assert r.returncode == 0, r.stderr
    found = re.search(r"LeaderId:\s+(\d+)", r.stdout)
    assert found, r.stdout
    return int(found.group(1))


@pytest.mark.kafka3
def test_metadata_names_arbitrary_controllers_under_kraft(kafka3: tb.Cluster, kafka_tool: ToolRunner) -> None:
    """The premise: what Metadata says is not the quorum's leader (so it must not be shown)."""
    leader = quorum_leader(kafka_tool, kafka3.bootstrap)
    admin = AdminClient({"bootstrap.servers": kafka3.bootstrap})
    named = {admin.list_topics(timeout=10).controller_id for _ in range(30)}
    assert len(named) > 1 or named != {leader}, (named, leader)
    assert quorum_leader(kafka_tool, kafka3.bootstrap) == leader


@pytest.mark.kafka3
def test_worker_shows_no_controller_under_kraft(kafka3: tb.Cluster, kafka_tool: ToolRunner) -> None:
    leader = quorum_leader(kafka_tool, kafka3.bootstrap)
    worker, sink = start_worker(probe_settings(kafka3.bootstrap, refresh_interval=0.5))
    try:
        sink.wait_for(ClusterSnapshot, lambda s: s.mode is ClusterMode.KRAFT, timeout=30)
        sink.clear()
        snaps = [sink.wait_for(ClusterSnapshot, timeout=10)]
        while len(snaps) < 6:
            sink.clear()
            snaps.append(sink.wait_for(ClusterSnapshot, timeout=10))
    finally:
        assert worker.stop(2.0)
    assert {s.mode for s in snaps} == {ClusterMode.KRAFT}
    assert {s.controller_id for s in snaps} == {None}
    assert not any(b.is_controller for s in snaps for b in s.brokers)
    assert all(s.metadata_controller_id is not None for s in snaps)  # admin requests still routable
    assert quorum_leader(kafka_tool, kafka3.bootstrap) == leader


@pytest.mark.kafka3
def test_check_shows_no_controller_under_kraft(kafka3: tb.Cluster, tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "kafkatui", "check", "-b", kafka3.bootstrap],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "KAFKATUI_LOG_FILE": str(tmp_path / "l.log"),
            "PYTHONPATH": str(SRC),  # this checkout's kafkatui, whatever is installed
        },
    )
    assert r.returncode == 0, r.stderr
    assert "controller:  not reported under KRaft" in r.stdout
    assert "brokers:     3 up of 3" in r.stdout
    broker_lines = [line for line in r.stdout.splitlines() if re.match(r"\s+\d+\s+127\.0\.0\.1:\d+", line)]
    assert len(broker_lines) == 3 and not any("controller" in line for line in broker_lines), r.stdout
