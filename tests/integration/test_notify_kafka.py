"""Alerts that reach people, on real Kafka, with a real HTTP receiver on loopback.

kcat writes readings; the dashboard (pilot) and `kafkatui watch` (a real process) raise and resolve
alerts and send them to a `json://` notification URL served by a small `http.server` on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition
from textual.pilot import Pilot
from textual.widgets import Input, Static

import kafka_testbed as tb
from http_receiver import Received, Receiver
from kafka_fixtures import Kcat, ToolRunner, create_topic
from kafkatui.domain.alerts import Thresholds
from kafkatui.domain.limits import SensorLimits
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.worker import Worker
from kafkatui.limits_file import load_limits
from kafkatui.notify.hub import NotifyHub
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.screens.limits import LimitsScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable
from worker_probe import probe_settings

CANARY = "CANARY-hook-pw-91c2"
BASE = SensorLimits(Thresholds(-5.0, 5.0), 30.0)
LIMITS = """\
# the test room
[defaults]
min = -5
max = 5

[sensors."chiller-*"]   # chillers run warmer
min = 0
max = 8

[groups."lagging-*"]
max_lag_seconds = 2
"""


def _produce(kcat: Kcat, bootstrap: str, topic: str, lines: list[str]) -> None:
    r = kcat("-b", bootstrap, "-t", topic, "-P", "-K", "|", input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


def _titles(got: list[Received]) -> list[str]:
    return [r.json()["title"] for r in got if r.status == 200]


def _bodies(got: list[Received]) -> list[str]:
    return [r.json()["message"] for r in got if r.status == 200]


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


def _wait_sync(predicate: Callable[[], bool], what: str, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.kafka
async def test_the_dashboard_sends_raise_and_resolved_keeps_alerting_when_an_endpoint_hangs_and_saves_limits(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, partitions=1, prefix="notify-app")
    limits_path = tmp_path / "limits.toml"
    limits_path.write_text(LIMITS, encoding="utf-8")
    limits = load_limits(limits_path, BASE)
    with Receiver([200]) as good, Receiver(hang=True) as hanging:
        # URL 1 never answers; URL 2 must get every message all the same
        urls = (hanging.url("stuck"), good.url("hook", password=CANARY))
        settings = probe_settings(kafka1.bootstrap, topic=topic, notify=urls, limits=limits_path)
        feed: list[FreezerFeed] = []
        hubs: list[NotifyHub] = []

        def freezer(ctx: Context) -> Service:
            feed.append(FreezerFeed(ctx, limits=limits, limits_path=limits_path))
            return feed[0]

        def factory(s: object, emit: Callable[[object], None]) -> Worker:
            hub = NotifyHub(settings, limits, emit=emit)
            hub.start()
            hubs.append(hub)
            return Worker(settings, hub.tap, extra_services=(freezer,))

        app = KafkaTuiApp(settings, worker_factory=factory)
        try:
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.press("2")
                sensors = app.query_one("#sensors", VirtualTable)
                names = [key for key, _ in sensors.columns]

                def status(sensor: str) -> str:
                    return str(sensors.get_row(sensor)[names.index("STATUS")]) if sensor in sensors.index else ""

                await _wait(pilot, lambda: bool(feed) and bool(feed[0].assigned), "the partition assignment")
                for _ in range(30):  # the feed starts at the end: repeat until the row is there
                    _produce(kcat, kafka1.bootstrap, topic, ["chiller-1|6.5"])
                    try:
                        await _wait(pilot, lambda: status("chiller-1") == "OK", "chiller-1 OK", 1.0)
                        break
                    except AssertionError:
                        continue
                # 6.5 is inside chiller-*'s own limits (0..8), outside the defaults (-5..5): OK
                assert status("chiller-1") == "OK"

                _produce(kcat, kafka1.bootstrap, topic, ["chiller-1|9.5", "chiller-1|9.75"])
                await _wait(pilot, lambda: status("chiller-1") == "WARM", "chiller-1 WARM on screen")
                await _wait(
                    pilot, lambda: any("RAISED sensor chiller-1" in t for t in _titles(good.received())), "raise"
                )
                body = _bodies(good.received())[0]
                assert "9.75 °C (max 8 °C)" in body and f"Cluster: {kafka1.bootstrap}" in body
                # the endpoint that hangs got its request and holds it (its sender may have retried by
                # now on a loaded machine, or be a moment behind the good one): the app went on all the same
                await _wait(pilot, lambda: len(hanging.received()) >= 1, "the hanging endpoint's request")

                _produce(kcat, kafka1.bootstrap, topic, ["chiller-1|3.0"])
                await _wait(pilot, lambda: status("chiller-1") == "OK", "chiller-1 back to OK")
                await _wait(
                    pilot, lambda: any("RESOLVED sensor chiller-1" in t for t in _titles(good.received())), "resolved"
                )
                source = app.query_one("#rejects", Static)
                await _wait(pilot, lambda: "notify: 2 sent" in str(source.render()), "the delivery status line")

                # the limits modal: the selected sensor's entry (chiller-*) is edited and written back
                sensors.focus()
                sensors.move_cursor(sensors.keys().index("chiller-1"))
                await pilot.press("e")
                await _wait(pilot, lambda: isinstance(app.screen, LimitsScreen), "the limits modal")
                assert app.screen.current.tmax == 8  # type: ignore[attr-defined]
                app.screen.query_one("#tmax", Input).value = "7.5"
                await pilot.press("enter")
                await _wait(pilot, lambda: "max = 7.5" in limits_path.read_text(encoding="utf-8"), "the file saved")
                text = limits_path.read_text(encoding="utf-8")
                assert "# chillers run warmer" in text and "# the test room" in text
                assert load_limits(limits_path, BASE).sensor("chiller-4").thresholds.tmax == 7.5
                await _wait(
                    pilot,
                    lambda: any(
                        r.sensor == "chiller-1" and r.tmax == 7.5 for r in (feed[0].board.view(time.time()).rows)
                    ),
                    "the new limit in force",
                )
                await pilot.press("q")
        finally:
            app.stop_worker()  # also when the test failed half-way: no worker left for the next tests
            for hub in hubs:
                hub.stop(0.2)
    everything = " ".join(r.body.decode() for r in good.received()) + str(app.screen_stack)
    assert CANARY not in everything


class WatchProcess:
    """`kafkatui watch` as a real process; its stdout and stderr lines collected on threads."""

    def __init__(self, args: list[str], tmp_path: Path) -> None:
        env = dict(os.environ)
        env["KAFKATUI_LOG_FILE"] = str(tmp_path / "watch.log")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(__file__).parents[2] / "src"), env.get("PYTHONPATH")) if p
        )
        self.log_file = tmp_path / "watch.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kafkatui", "watch", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _read(stream: object, sink: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            sink.append(line.rstrip("\n"))

    def events(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in list(self.out) if line.startswith("{")]

    def stop(self) -> float:
        """SIGTERM; how long it took to end."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        return time.monotonic() - started


def _commit(bootstrap: str, topic: str, group: str, offset: int) -> None:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                consumer.commit(offsets=[TopicPartition(topic, 0, offset)], asynchronous=False)
                return
            except KafkaException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()


@pytest.mark.kafka
def test_watch_sends_one_message_for_ten_sensors_retries_a_500_reports_lag_and_ends_on_sigterm(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, partitions=1, prefix="notify-watch")
    orders = create_topic(kafka_tool, kafka1.bootstrap, partitions=1, prefix="orders")
    group = f"lagging-{uuid.uuid4().hex[:6]}"
    (tmp_path / "limits.toml").write_text(LIMITS, encoding="utf-8")
    with Receiver([500, 200]) as receiver:
        watch = WatchProcess(
            [
                "-b", kafka1.bootstrap, "-t", topic, "--limits", "limits.toml", "--json",
                "--notify", receiver.url("hook", password=CANARY), "--timeout", "5",
            ],
            tmp_path,
        )  # fmt: skip
        try:
            # the feed reads from the end: a probe sensor until its alert shows the feed is live
            def probe_raised() -> bool:
                return any(e["name"] == "probe" and e["event"] == "raised" for e in watch.events())

            deadline = time.monotonic() + 60
            while not probe_raised():
                assert watch.proc.poll() is None, watch.err
                assert time.monotonic() < deadline, f"no probe alert: {watch.out} {watch.err}"
                _produce(kcat, kafka1.bootstrap, topic, ["probe|20", "probe|21"])
                time.sleep(0.5)
            # the first message met a 500, then was delivered on a retry
            receiver.wait_for(lambda got: any(r.status == 200 for r in got))
            assert [r.status for r in receiver.received()][:2] == [500, 200]

            # ten sensors out at once: ten lines on stdout, one message
            before = len(receiver.delivered())
            _produce(kcat, kafka1.bootstrap, topic, [f"chiller-{i}|{v}" for v in (9.0, 9.5) for i in range(10)])
            _wait_sync(lambda: sum(1 for e in watch.events() if str(e["name"]).startswith("chiller-")) >= 10, "lines")
            receiver.wait_for(lambda got: len([r for r in got if r.status == 200]) > before)
            time.sleep(1.0)  # anything split off would have been sent by now
            burst = receiver.delivered()[before:]
            assert len(burst) == 1, [r.json()["title"] for r in burst]
            assert burst[0].json()["title"] == f"kafkatui {kafka1.bootstrap}: 10 raised"
            assert burst[0].json()["message"].count("too warm: 9.5 °C (max 8 °C)") == 10

            # back in range: resolved, always sent
            _produce(kcat, kafka1.bootstrap, topic, [f"chiller-{i}|3.0" for i in range(10)])
            receiver.wait_for(lambda got: any("10 resolved" in r.json()["title"] for r in got if r.status == 200))

            # a consumer group that lags past its limit (2 s): committed at 0 while records keep coming
            _commit(kafka1.bootstrap, orders, group, 0)
            deadline = time.monotonic() + 90
            while not any(e["name"] == group and e["condition"] == "lag" for e in watch.events()):
                assert time.monotonic() < deadline, f"no lag notice: {watch.out[-5:]}"
                _produce(kcat, kafka1.bootstrap, orders, [f"k|{i}" for i in range(5)])
                time.sleep(0.5)
            receiver.wait_for(
                lambda got: any(
                    f"group {group} lag over its limit" in r.json()["message"] for r in got if r.status == 200
                )
            )
        finally:
            took = watch.stop()
    assert watch.proc.returncode == 0, watch.err
    assert took < 3.0  # the issue asks for 1 s; a loaded test machine gets some slack
    lines = "\n".join(watch.out + watch.err) + watch.log_file.read_text(encoding="utf-8")
    assert "notify: 1 sent; last delivered" in lines and "after 2 attempts" in lines  # the retry, counted
    assert any("notify: 0 sent; URL 1 failed (attempt 1 of 5), retrying" in line for line in watch.err)
    assert CANARY not in lines


@pytest.mark.kafka
def test_watch_keeps_reading_and_alerting_while_the_endpoint_never_answers(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, partitions=1, prefix="notify-hang")
    with Receiver(hang=True) as receiver:
        watch = WatchProcess(["-b", kafka1.bootstrap, "-t", topic, "--notify", receiver.url(password=CANARY)], tmp_path)
        try:
            deadline = time.monotonic() + 60
            while not any("RAISED sensor s1" in line for line in watch.out):
                assert time.monotonic() < deadline, f"no alert line: {watch.out} {watch.err}"
                _produce(kcat, kafka1.bootstrap, topic, ["s1|20", "s1|21"])
                time.sleep(0.5)
            receiver.wait_for(lambda got: len(got) >= 1)  # the request hangs from now on
            _produce(kcat, kafka1.bootstrap, topic, ["s1|0"])
            _wait_sync(lambda: any("RESOLVED sensor s1" in line for line in watch.out), "the resolved line")
            _produce(kcat, kafka1.bootstrap, topic, ["s2|-9", "s2|-9.5"])
            _wait_sync(lambda: any("RAISED sensor s2 too cold" in line for line in watch.out), "the next alert")
        finally:
            took = watch.stop()
    assert watch.proc.returncode == 0 and took < 3.0
    assert CANARY not in "\n".join(watch.out + watch.err) + watch.log_file.read_text(encoding="utf-8")


@pytest.mark.kafka
def test_watch_tells_when_the_cluster_is_unreachable_and_back(kafka1: tb.Cluster, tmp_path: Path) -> None:
    with Receiver([200]) as receiver:
        watch = WatchProcess(["-b", kafka1.bootstrap, "--timeout", "3", "--notify", receiver.url()], tmp_path)
        try:
            time.sleep(3.0)  # connected (nothing to say about that)
            kafka1.kill(1)
            _wait_sync(lambda: any("RAISED cluster" in line and "unreachable" in line for line in watch.out), "down")
            receiver.wait_for(lambda got: any("RAISED cluster" in r.json()["message"] for r in got))
            kafka1.start(1)
            _wait_sync(lambda: any("RESOLVED cluster" in line for line in watch.out), "back", timeout=60)
            # (in a message of its own, or with what else happened then: a group seen again, say)
            got = receiver.wait_for(lambda got: any("RESOLVED cluster" in r.json()["message"] for r in got))
            resolved = next(r.json()["message"] for r in got if "RESOLVED cluster" in r.json()["message"])
            assert f"RESOLVED cluster {kafka1.bootstrap} unreachable: now connected" in resolved
        finally:
            if not kafka1.is_up(1):
                kafka1.start(1)
            watch.stop()
    assert watch.proc.returncode == 0, watch.err


@pytest.mark.kafka
def test_check_names_the_notification_urls_by_kind_only_and_the_limits_file(
    kafka1: tb.Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kafkatui import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "k.log"))
    (tmp_path / "limits.toml").write_text(LIMITS, encoding="utf-8")
    url = f"json://me:{CANARY}@127.0.0.1:9/hook"
    assert cli.main(["check", "-b", kafka1.bootstrap, "--notify", url, "--limits", "limits.toml"]) == 0
    out = capsys.readouterr()
    assert "notifications: 1 URL (json://…; the rest not shown: secrets)" in out.out
    assert "limits file: limits.toml (1 sensor entry, 1 group entry)" in out.out
    assert CANARY not in out.out + out.err + (tmp_path / "k.log").read_text(encoding="utf-8")
