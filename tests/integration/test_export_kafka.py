"""Exports from the running app against what Kafka's own tools print for the same moment:
a group's lag table against kafka-consumer-groups --describe, the message viewer's records
against kcat. Nothing is produced or committed between the export and the tool's run."""

from __future__ import annotations

import csv
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner, create_topic
from kafkatui.domain.message_viewer import StartAt, StartMode
from kafkatui.kafka.services import DashboardOptions, dashboard_commands, dashboard_services
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.groups import GroupsPane
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.screens.export import ExportScreen
from kafkatui.tui.screens.topic_messages import TopicMessagesScreen
from worker_probe import probe_settings

pytestmark = pytest.mark.kafka

TOOL_COLUMNS = (
    "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID",
)  # fmt: skip


def _app(settings: Settings) -> KafkaTuiApp:
    services = dashboard_services(DashboardOptions())

    def factory(s: Settings, emit: Any) -> Worker:
        return Worker(s, emit, extra_services=services, commands=dashboard_commands())

    return KafkaTuiApp(settings, worker_factory=factory)  # type: ignore[arg-type]


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


async def _export(app: KafkaTuiApp, pilot: Pilot[int], path: Path, choice: int = 0) -> None:
    """E, pick the table (by the keys), type the file name, enter; wait until it is written."""
    await pilot.press("E")
    await _wait(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    if choice:
        screen.query_one(RadioSet).focus()
        await pilot.pause()
        for _ in range(choice):
            await pilot.press("down")
        await pilot.press("enter")
        assert screen.chosen == choice
    field = screen.query_one("#export-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.press("enter")
    await _wait(pilot, lambda: app.screen is not screen, "the export to finish")
    assert path.is_file() and not path.with_name(path.name + ".partial").exists()


def _commit(bootstrap: str, group: str, topic: str, offsets: dict[int, int]) -> None:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "log_level": 0})
    deadline = time.monotonic() + 60
    try:
        while True:  # a fresh cluster creates __consumer_offsets on first use
            try:
                consumer.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
                return
            except KafkaException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()


def _tool_rows(kafka_tool: ToolRunner, bootstrap: str, group: str) -> list[tuple[str, ...]]:
    r = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", bootstrap, "--describe", "--group", group])
    assert r.returncode == 0, r.stderr
    rows: list[tuple[str, ...]] = []
    header = False
    for line in r.stdout.splitlines():
        cells = tuple(line.split())
        if cells[:1] == ("GROUP",):
            assert cells == TOOL_COLUMNS, line
            header = True
        elif header and len(cells) == len(TOOL_COLUMNS):
            rows.append(cells)
    assert header, r.stdout + r.stderr
    return sorted(rows)


def _produce(kcat: Kcat, bootstrap: str, topic: str, partition: int, lines: list[str], *extra: str) -> None:
    r = kcat("-P", "-b", bootstrap, "-t", topic, "-p", str(partition), "-K", "|", *extra, input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


async def test_the_lag_table_exported_equals_kafka_consumer_groups_describe(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, 3, 1, prefix="export")
    _produce(kcat, kafka1.bootstrap, topic, 0, [f"k{i}|{i}" for i in range(10)])
    _produce(kcat, kafka1.bootstrap, topic, 1, [f"k{i}|{i}" for i in range(5)])
    group = f"export-{uuid.uuid4().hex[:6]}"
    _commit(kafka1.bootstrap, group, topic, {0: 4, 1: 5})  # partition 2 never committed
    app = _app(probe_settings(kafka1.bootstrap, groups=(group,)))
    lag_file, list_file = tmp_path / "lag.csv", tmp_path / "groups.jsonl"
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.query_one(GroupsPane)
        await _wait(pilot, lambda: pane.composed, "the Groups pane")
        await pilot.press("4")

        def ready() -> bool:
            g = pane.view.group(group) if pane.view is not None else None
            return g is not None and g.total_lag == 6

        await _wait(pilot, ready, "the group's lag")
        pane.select(group)
        await pilot.pause()
        await _export(app, pilot, lag_file, choice=1)
        await _export(app, pilot, list_file, choice=0)
        app.stop_worker()
    tool = _tool_rows(kafka_tool, kafka1.bootstrap, group)

    with lag_file.open(newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0][:9]) == TOOL_COLUMNS
    ours = sorted(tuple(r[:9]) for r in rows[1:])
    assert ours == tool
    assert [r[3:6] for r in ours] == [("4", "10", "6"), ("5", "5", "0")]
    listed = [json.loads(line) for line in list_file.read_text().splitlines()]
    mine = next(g for g in listed if g["group"] == group)
    assert mine["lag"] == 6 and mine["topics"] == topic and mine["members"] == 0


async def test_the_records_exported_equal_what_kcat_reads(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    topic = create_topic(kafka_tool, kafka1.bootstrap, 2, 1, prefix="export")
    _produce(kcat, kafka1.bootstrap, topic, 0, [f'k{i}|{{"n": {i}, "s": "a,b"}}' for i in range(12)], "-H", "src=kcat")
    _produce(kcat, kafka1.bootstrap, topic, 1, ["sensor0|-3.21", "sensor1|ção"])
    app = _app(probe_settings(kafka1.bootstrap))
    out = tmp_path / "records.csv"
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("3")
        pane = app.query_one(TopicsPane)
        await _wait(pilot, lambda: pane.view is not None and topic in pane.view.topics, "the topic")
        await pilot.press("slash")
        app.query_one("#topics-filter", Input).value = topic  # the list shows only it: the cursor is on it
        await pilot.press("enter")
        await _wait(pilot, lambda: pane.selected == topic, "the topic selected")
        await pilot.press("m")
        await _wait(pilot, lambda: isinstance(app.screen, TopicMessagesScreen), "the viewer")
        viewer = app.screen
        assert isinstance(viewer, TopicMessagesScreen)
        viewer.start(StartAt(StartMode.BEGINNING))
        await _wait(pilot, lambda: len(viewer.records) == 14, "the 14 records")
        await _export(app, pilot, out)
        app.stop_worker()
    fmt = "%p\\t%o\\t%k\\t%s\\t%h\\n"
    r = kcat("-C", "-b", kafka1.bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", fmt)
    assert r.returncode == 0, r.stderr
    theirs = sorted(tuple(line.split("\t")) for line in r.stdout.splitlines())
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ours = sorted((r["partition"], r["offset"], r["key"], r["value"], r["headers"]) for r in rows)
    assert len(ours) == 14
    assert [o[:4] for o in ours] == [t[:4] for t in theirs]
    assert all(o[4] == ("src=kcat" if o[0] == "0" else "") for o in ours)
    assert ("1", "1", "sensor1", "ção", "") in ours  # UTF-8 text stays text
