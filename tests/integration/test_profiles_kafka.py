"""Cluster profiles against two real clusters (1 broker and 3 brokers) and one that is not there:
`--cluster` reaches each, `clusters --check` reports all three, and the in-app switch shows only
the chosen cluster's topics and leaves no thread, process or client behind."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import canned
import kafka_testbed as tb
from kafka_fixtures import ToolRunner, create_topic
from kafkatui import cli
from kafkatui.kafka.services import DashboardOptions, dashboard_commands, dashboard_services
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.widgets.header import ClusterHeader

pytestmark = pytest.mark.kafka


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def config(kafka1: tb.Cluster, kafka3: tb.Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    canned.clear_settings_env(monkeypatch)
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "kafkatui.log"))
    monkeypatch.setenv("ONE_PASSWORD", "one-CANARY-secret")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "config.toml"
    path.write_text(
        f"""default = "one"

[clusters.one]
bootstrap_servers = "{kafka1.bootstrap}"
timeout = 5
# PLAINTEXT sends no SASL: the password is only there to be resolved and masked
sasl_password = "${{ONE_PASSWORD}}"

[clusters.three]
bootstrap_servers = "{kafka3.bootstrap}"
timeout = 5
read_only = true

[clusters.gone]
bootstrap_servers = "127.0.0.1:{_closed_port()}"
timeout = 3
""",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


def test_cluster_reaches_each_profile(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--config-file", str(config), "--cluster", "one"]) == 0
    one = capsys.readouterr().out
    assert "brokers:     1 up of 1" in one
    assert cli.main(["check", "--config-file", str(config), "--cluster", "three"]) == 0
    three = capsys.readouterr().out
    assert "brokers:     3 up of 3" in three
    assert cli.main(["check", "--config-file", str(config)]) == 0  # the default
    assert "brokers:     1 up of 1" in capsys.readouterr().out


def test_clusters_check_reports_every_profile_in_parallel(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["clusters", "--check", "--config-file", str(config)]) == 1  # one profile is down
    out, err = capsys.readouterr()
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert set(lines) == {"one", "three", "gone"}
    assert " OK " in lines["one"] and "1 of 1 brokers up" in lines["one"]
    assert " OK " in lines["three"] and "3 of 3 brokers up" in lines["three"]
    assert " FAILED " in lines["gone"] and "connection refused" in lines["gone"]
    assert "CANARY" not in out + err


def test_clusters_lists_profiles_with_the_resolved_secret_masked(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["clusters", "--config-file", str(config)]) == 0
    out, err = capsys.readouterr()
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows[0][0] == "one*" and rows[1][0] == "three" and rows[1][-1] == "yes"
    assert "CANARY" not in out + err
    settings = cli.load(cli.build_parser().parse_args(["--config-file", str(config)]))
    assert settings.sasl_password is not None and settings.sasl_password.get_secret_value() == "one-CANARY-secret"
    assert "one-CANARY-secret" in settings.secret_values()


def _children() -> set[int]:
    """This process's group client processes (its other children are the test brokers)."""
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as f:
                found |= {int(p) for p in f.read().split()}
        except OSError:
            continue
    return {pid for pid in found if b"kafkatui.kafka.group_child" in _cmdline(pid)}


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))  # every OS thread, librdkafka's included


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


async def _open_topics(app: KafkaTuiApp, pilot: Pilot[int]) -> None:
    pane = app.query_one(TopicsPane)
    await _wait(pilot, lambda: pane.composed, "the Topics pane")
    await pilot.press("3")
    await _wait(pilot, lambda: pane.showing, "the Topics tab")


def _topics(app: KafkaTuiApp) -> set[str]:
    pane = app.query_one(TopicsPane)
    return {row.name for row in pane.view.rows} if pane.view is not None else set()


async def test_the_live_switch_shows_only_the_new_clusters_topics_and_leaves_nothing_behind(
    config: Path, kafka1: tb.Cluster, kafka3: tb.Cluster, kafka_tool: ToolRunner
) -> None:
    only_one = create_topic(kafka_tool, kafka1.bootstrap, 1, 1, prefix="prof-one")
    only_three = create_topic(kafka_tool, kafka3.bootstrap, 1, 1, prefix="prof-three")
    ns = cli.build_parser().parse_args(["--config-file", str(config)])
    profiles = cli._AppProfiles(ns, None)
    services = dashboard_services(DashboardOptions())
    workers: list[Worker] = []

    def factory(s: Settings, emit: Any) -> Worker:
        workers.append(Worker(s, emit, extra_services=services, commands=dashboard_commands()))
        return workers[-1]

    app = KafkaTuiApp(
        profiles.settings_for("one"),
        worker_factory=factory,  # type: ignore[arg-type]
        profile=profiles.current,
        clusters=profiles.choices,
        settings_for=profiles.settings_for,
        config_source=profiles.source,
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_topics(app, pilot)
        await _wait(pilot, lambda: only_one in _topics(app), "cluster one's topic")
        assert only_three not in _topics(app)
        header = app.query_one(ClusterHeader).render_text().plain
        assert " one " in header and "READ-ONLY" not in header
        await _wait(pilot, lambda: len(_children()) == 1, "the group client process")
        await pilot.pause(2)  # every service's clients are up
        threads_before = _threads()

        # by the keys, as a user does: C, then the second line of the list
        await pilot.press("C")
        await pilot.pause(0.2)
        await pilot.press("down", "enter")
        await _wait(pilot, lambda: app.profile == "three" and app.worker is not None, "the switch to three")
        await _open_topics(app, pilot)
        assert only_one not in _topics(app)  # the first cluster's rows are gone at once
        await _wait(pilot, lambda: only_three in _topics(app), "cluster three's topic")
        assert only_one not in _topics(app)
        header = app.query_one(ClusterHeader).render_text().plain
        assert " three " in header and "READ-ONLY" in header and kafka3.bootstrap in header

        # nine more switches: ends on cluster one
        for target in ["one", "three"] * 4 + ["one"]:
            await app.switch_cluster(target, profiles.settings_for(target))
            await pilot.pause(0.3)
        await _open_topics(app, pilot)
        await _wait(pilot, lambda: only_one in _topics(app), "cluster one's topic again")
        assert only_three not in _topics(app)
        assert len(workers) == 11
        await _wait(pilot, lambda: not any(w.alive for w in workers[:-1]), "the old workers to end")
        await _wait(pilot, lambda: len(_children()) <= 1, "old group client processes to end")
        await _wait(pilot, lambda: _threads() <= threads_before, "old client threads to end")
        mine = {w._thread for w in workers}  # another test's worker, if one is left, is not this one's
        names = [t.name for t in threading.enumerate() if t.name != "kafka-worker" or t in mine]
        assert names.count("kafka-worker") == 1, names
        app.stop_worker()
