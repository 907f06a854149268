"""Hostile records on a real broker: the running app shows them inert (issue 11, item 2).

Keys such as ``sensorT\\x1b]0;PWNED-TITLE\\x07`` retitled the terminal, ``sensorU\\x1b[2J\\x1b[H``
blanked it, ``\\x1b[31m`` painted it red, and a 5,000-character key widened the SENSOR column by
5,000 characters. Here they are produced to the freezer topic of a 1-broker test bed with
confluent-kafka (keys, values and headers), read by the real worker, and every line the app draws
— Freezer table, chart legend, alert box, toasts, then the message viewer and the record view —
is checked for control characters; the SENSOR column stays within its limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from confluent_kafka import Producer
from textual.pilot import Pilot
from textual.widgets import Input

import kafka_testbed as tb
from kafka_fixtures import ToolRunner, create_topic
from kafkatui.domain.text import SENSOR_LIMIT
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.topics import TopicsService
from kafkatui.kafka.worker import Worker
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.screens.topic_messages import RecordScreen, TopicMessagesScreen
from kafkatui.tui.widgets.header import ClusterHeader
from kafkatui.tui.widgets.virtual_table import VirtualTable
from worker_probe import probe_settings

HOSTILE_KEYS = (
    b"sensorT\x1b]0;PWNED-TITLE\x07",
    b"sensorU\x1b[2J\x1b[H",
    b"\x1b[31msensorR",
    b"[bold red]sensorM[/]",
    b"sensorL" + b"k" * 5000,
)
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_chars(app: KafkaTuiApp) -> list[tuple[str, str]]:
    """(character, line) for every C0/C1/DEL/bidi control in what the app draws now."""
    found = []
    for screen in app.screen_stack:
        for strip in screen._compositor.render_strips():
            line = "".join(segment.text for segment in strip)
            found += [(c, line) for c in line if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in BIDI]
    return found


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


def _produce(bootstrap: str, topic: str, value: bytes) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for key in HOSTILE_KEYS * 2:  # twice: two readings out of range raise an alert (a toast)
        producer.produce(
            topic,
            key=key,
            value=value,
            headers=[("origin\x1b]0;PWNED\x07", b"\x1b[2J"), ("[/]", b"\x9b31m\xe2\x80\xae")],
        )
    producer.produce(topic, key=b"sensorV", value=b"\x1b]0;PWNED-VALUE\x07")  # a rejected value
    assert producer.flush(10) == 0


@pytest.mark.kafka
async def test_hostile_keys_values_headers_are_inert_on_screen(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, partitions=1, prefix="freezer-inert")
    settings = probe_settings(kafka1.bootstrap, topic=topic)
    feed: list[FreezerFeed] = []

    def freezer(ctx: Context) -> Service:
        feed.append(FreezerFeed(ctx))  # live, from the end, as the app does
        return feed[0]

    services = (freezer, TopicsService)  # the Freezer pane and the Topics pane's message viewer
    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=services))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("2")
        sensors = app.query_one("#sensors", VirtualTable)
        await _wait(pilot, lambda: bool(feed) and bool(feed[0].assigned), "the partition assignment")
        for _ in range(20):  # the live start is resolved on librdkafka's time: repeat until seen
            _produce(kafka1.bootstrap, topic, b"9.5")
            try:
                await _wait(pilot, lambda: sensors.row_count >= len(HOSTILE_KEYS), "rows", 1.0)
                break
            except AssertionError:
                continue
        await _wait(pilot, lambda: sensors.row_count >= len(HOSTILE_KEYS), "a row per hostile key")
        header = app.query_one(ClusterHeader)
        await _wait(pilot, lambda: "alerts  5 " in header.render_text().plain, "five alerts")
        await pilot.pause(0.5)
        assert app.is_running and app._exception is None
        assert control_chars(app) == []
        assert sensors.widths[0] <= SENSOR_LIMIT  # the SENSOR column
        await pilot.press("x")  # the rejected messages, escaped
        await pilot.pause()
        assert control_chars(app) == []

        # the message viewer and the record view: keys, values and headers
        await pilot.press("3")
        await pilot.press("slash")
        app.query_one("#topics-filter", Input).value = topic
        await pilot.press("enter")
        pane = app.query_one(TopicsPane)
        await _wait(pilot, lambda: pane.selected == topic, "the topic selected")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TopicMessagesScreen)
        viewer = app.screen
        await pilot.pause(1.0)
        for _ in range(20):
            _produce(kafka1.bootstrap, topic, b"\x1b[2J\x1b[H\x1b]0;PWNED-VALUE\x07 -3.5")
            try:
                await _wait(pilot, lambda: viewer.query_one("#records").row_count >= len(HOSTILE_KEYS), "records", 1.0)
                break
            except AssertionError:
                continue
        assert viewer.query_one("#records").row_count >= len(HOSTILE_KEYS)
        await pilot.pause(0.5)
        assert control_chars(app) == []
        await pilot.press("home", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert control_chars(app) == []
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.is_running and app._exception is None
        await pilot.press("q")
