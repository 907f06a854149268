"""The freezer pane end to end: kcat writes readings, the real app (worker + FreezerFeed) shows the alert."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.worker import Worker
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.widgets.header import ClusterHeader
from kafkatui.tui.widgets.virtual_table import VirtualTable
from worker_probe import probe_settings


def _make_topic(kafka_tool: ToolRunner, bootstrap: str) -> str:
    topic = f"freezer-app-{uuid.uuid4().hex[:8]}"
    args = ["--bootstrap-server", bootstrap, "--create", "--topic", topic]
    r = kafka_tool("TopicCommand", [*args, "--partitions", "1", "--replication-factor", "1"])
    assert r.returncode == 0, r.stderr
    return topic


def _produce(kcat: Kcat, bootstrap: str, topic: str, lines: list[str]) -> None:
    r = kcat("-b", bootstrap, "-t", topic, "-P", "-K", "|", input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


@pytest.mark.kafka
async def test_alert_raises_and_clears_in_the_running_app(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat
) -> None:
    topic = _make_topic(kafka_tool, kafka1.bootstrap)
    # defaults: min -5, max 5, hysteresis 0.5, raise after 2 readings out of range
    settings = probe_settings(kafka1.bootstrap, topic=topic)
    feed: list[FreezerFeed] = []

    def freezer(ctx: Context) -> Service:
        feed.append(FreezerFeed(ctx))  # live: from the end, as the app does
        return feed[0]

    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=(freezer,)))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2")
        sensors = app.query_one("#sensors", VirtualTable)
        header = app.query_one(ClusterHeader)

        names = [key for key, _ in sensors.columns]

        def cell(sensor: str, column: str) -> str:
            return str(sensors.get_row(sensor)[names.index(column)])

        def status(sensor: str) -> str:
            return cell(sensor, "STATUS") if sensor in sensors.index else ""

        def header_alerts() -> str:
            return header.render_text().plain  # type: ignore[attr-defined,no-any-return]

        # the feed starts at the end (live), and librdkafka resolves that position on its own
        # time: repeat the first readings until both rows are there, so none is missed
        await _wait(pilot, lambda: bool(feed) and bool(feed[0].assigned), "the partition assignment")
        for _ in range(20):
            _produce(kcat, kafka1.bootstrap, topic, ["sensor0|-3.00", "sensor1|2.5"])
            try:
                await _wait(pilot, lambda: status("sensor0") == "OK" and status("sensor1") == "OK", "rows", 1.0)
                break
            except AssertionError:
                continue
        await _wait(pilot, lambda: status("sensor0") == "OK" and status("sensor1") == "OK", "both rows OK")
        assert "alerts  0 " in header_alerts()

        # plain and JSON, both too warm: two readings out of range raise one alert
        _produce(kcat, kafka1.bootstrap, topic, ["sensor1|9.5", 'sensor1|{"temperature": 9.75}'])
        await _wait(pilot, lambda: status("sensor1") == "WARM", "sensor1 ALERT")
        await _wait(pilot, lambda: "alerts  1 " in header_alerts(), "header alert count 1")
        assert status("sensor0") == "OK"
        assert cell("sensor1", "LAST °C") == "9.75"

        # 4.8 is inside the limits but not by the hysteresis: the alert stays up
        _produce(kcat, kafka1.bootstrap, topic, ["sensor1|4.8"])
        await _wait(pilot, lambda: cell("sensor1", "LAST °C") == "4.80", "the 4.8 reading")
        assert status("sensor1") == "WARM"
        assert "alerts  1 " in header_alerts()

        # 4.0 <= max - hysteresis (4.5): cleared
        _produce(kcat, kafka1.bootstrap, topic, ['{"sensor": "sensor1", "temperature": 4.0}'])
        await _wait(pilot, lambda: status("sensor1") == "OK", "sensor1 back to OK")
        await _wait(pilot, lambda: "alerts  0 " in header_alerts(), "header alert count 0")
        await pilot.press("q")
