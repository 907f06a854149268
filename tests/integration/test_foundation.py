"""The foundation against real Apache Kafka: check, worker snapshots, broker loss, demo."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable

import kafka_testbed as tb
from kafka_fixtures import ToolRunner, create_topic
from kafkatui.domain.models import ClusterSnapshot, ConnectionState, Link
from kafkatui.tui.app import KafkaTuiApp
from worker_probe import probe_settings, start_worker


def describe(
    kafka_tool: ToolRunner, bootstrap: str, topic: str
) -> dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]]:
    """partition -> (leader, replicas, isr) as Kafka's TopicCommand --describe prints them."""
    r = kafka_tool("TopicCommand", ["--bootstrap-server", bootstrap, "--describe", "--topic", topic])
    assert r.returncode == 0, r.stderr
    rows = {}
    pattern = re.compile(r"Partition: (\d+)\s+Leader: (-?\d+|none)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]*)")
    for m in pattern.finditer(r.stdout):
        leader = -1 if m.group(2) == "none" else int(m.group(2))
        rows[int(m.group(1))] = (
            leader,
            tuple(int(x) for x in m.group(3).split(",")),
            tuple(int(x) for x in m.group(4).split(",") if x),
        )
    assert rows, r.stdout
    return rows


def cluster_id(kafka_tool: ToolRunner, bootstrap: str) -> str:
    r = kafka_tool("org.apache.kafka.tools.ClusterTool", ["cluster-id", "--bootstrap-server", bootstrap])
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().split()[-1]


@pytest.mark.kafka
def test_check_prints_what_kafka_tools_report(kafka1: tb.Cluster, kafka_tool: ToolRunner, tmp_path: Path) -> None:
    create_topic(kafka_tool, kafka1.bootstrap, 3)
    r = subprocess.run(
        [sys.executable, "-m", "kafkatui", "check", "-b", kafka1.bootstrap],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "KAFKATUI_LOG_FILE": str(tmp_path / "l.log"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),  # this checkout, whatever is installed
        },
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert f"cluster id:  {cluster_id(kafka_tool, kafka1.bootstrap)}" in out
    assert "brokers:     1 up of 1" in out
    assert f"1  {kafka1.bootstrap}\n" in out  # KRaft: no broker flagged controller (test_controller.py)
    assert "controller:  not reported under KRaft" in out
    listed = kafka_tool("TopicCommand", ["--bootstrap-server", kafka1.bootstrap, "--list"]).stdout.split()
    assert f"({len([t for t in listed if not t.startswith('__')])} user" in out
    assert re.search(r"round trip:  \d+\.\d ms", out)


@pytest.mark.kafka
def test_worker_snapshot_matches_topic_command(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, 4)
    expected = describe(kafka_tool, kafka1.bootstrap, topic)
    worker, sink = start_worker(probe_settings(kafka1.bootstrap))
    try:
        state = sink.wait_for(ConnectionState, lambda s: s.link is Link.CONNECTED)
        assert state.ok
        snap = sink.wait_for(ClusterSnapshot, lambda s: any(t.name == topic for t in s.topics))
        info = next(t for t in snap.topics if t.name == topic)
        got = {p.id: (p.leader, p.replicas, p.isr) for p in info.partitions}
        assert got == expected
        assert snap.cluster_id == cluster_id(kafka_tool, kafka1.bootstrap)
        assert [b.id for b in snap.brokers] == [1] and snap.metadata_controller_id == 1
    finally:
        assert worker.stop(2.0)


@pytest.mark.kafka3
async def test_cluster_pane_shows_a_killed_broker(kafka3_faults: tb.Cluster) -> None:
    from kafkatui.kafka.worker import Worker

    settings = probe_settings(kafka3_faults.bootstrap)
    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit))
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one("#brokers", DataTable)

        async def wait(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
            deadline = time.monotonic() + timeout
            while not predicate():
                assert time.monotonic() < deadline, "timed out"
                await pilot.pause(0.2)

        await wait(lambda: table.row_count == 3)
        assert all(str(table.get_row(str(i))[4]) == "up" for i in (1, 2, 3))
        kafka3_faults.kill(2)
        await wait(lambda: str(table.get_row("2")[4]) == "DOWN")
        assert table.row_count == 3  # the broker stays listed, flagged
        assert "brokers 2/3" in app.query_one("#header").render_text().plain  # type: ignore[attr-defined]
        kafka3_faults.start(2)
        await wait(lambda: str(table.get_row("2")[4]) == "up")
        await pilot.press("q")


def test_worker_against_closed_port_says_unreachable() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    worker, sink = start_worker(probe_settings(f"127.0.0.1:{port}", timeout=2.0))
    try:
        state = sink.wait_for(ConnectionState, lambda s: s.link is Link.UNREACHABLE, timeout=5.0)
        assert "Connection refused" in state.reason
        start = time.monotonic()
        assert worker.stop(0.5)
        assert time.monotonic() - start < 0.5
    finally:
        worker.stop()
