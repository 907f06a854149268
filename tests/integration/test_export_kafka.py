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


# -- a range read straight from Kafka (the viewer's export dialog, "a range read from Kafka") ----

KCAT_FORMAT = "%p\\t%o\\t%k\\t%s\\t%h\\n"


def _fill(kcat: Kcat, bootstrap: str, topic: str, start: int, n: int) -> None:
    """n records a partition: partition 0 with keys and a header, 1 with keys, 2 with no key."""
    _produce(
        kcat, bootstrap, topic, 0, [f'k{i}|{{"n": {i}, "s": "a,b"}}' for i in range(start, start + n)], "-H", "src=kcat"
    )
    _produce(kcat, bootstrap, topic, 1, [f"key {i}|v{i} ção" for i in range(start, start + n)])
    r = kcat(
        "-P",
        "-b",
        bootstrap,
        "-t",
        topic,
        "-p",
        "2",
        input="\n".join(f"plain {i}" for i in range(start, start + n)) + "\n",
    )
    assert r.returncode == 0, r.stderr


def _kcat_rows(kcat: Kcat, bootstrap: str, topic: str, partition: int, *args: str) -> list[tuple[str, ...]]:
    """What kcat reads of one partition: `args` such as -o 1000 -c 1500, or -o s@T1 -o e@T2."""
    args = ("-C", "-b", bootstrap, "-t", topic, "-p", str(partition), *args)
    r = kcat(*args, "-e", "-q", "-f", KCAT_FORMAT, timeout=120)
    assert r.returncode == 0, r.stderr
    return [tuple(line.split("\t")) for line in r.stdout.splitlines()]


def _file_rows(path: Path) -> list[tuple[str, ...]]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    else:
        rows = [
            {k: "" if v is None else str(v) for k, v in json.loads(line).items()}
            for line in path.read_text().splitlines()
        ]
    return [(r["partition"], r["offset"], r["key"], r["value"], r["headers"]) for r in rows]


def _worker(bootstrap: str) -> tuple[Worker, Any]:
    from worker_probe import EventSink

    sink = EventSink()
    worker = Worker(
        probe_settings(bootstrap),
        sink,
        extra_services=dashboard_services(DashboardOptions()),
        commands=dashboard_commands(),
    )
    worker.start()
    return worker, sink


def _run_range(sink: Any, worker: Worker, command: Any, timeout: float = 120.0) -> Any:
    from kafkatui.domain.range_export import RangeExportProgress

    worker.submit(command)
    return sink.wait_for(RangeExportProgress, lambda e: e.job == command.job and e.state.finished, timeout=timeout)


async def test_a_range_by_offset_exported_from_the_dialog_equals_what_kcat_reads(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    from textual.widgets import Select

    topic = create_topic(kafka_tool, kafka1.bootstrap, 3, 1, prefix="range")
    _fill(kcat, kafka1.bootstrap, topic, 0, 3000)
    app = _app(probe_settings(kafka1.bootstrap))
    out = tmp_path / "range.csv"
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("3")
        pane = app.query_one(TopicsPane)
        await _wait(pilot, lambda: pane.view is not None and topic in pane.view.topics, "the topic")
        await pilot.press("slash")
        app.query_one("#topics-filter", Input).value = topic
        await pilot.press("enter")
        await _wait(pilot, lambda: pane.selected == topic, "the topic selected")
        await pilot.press("m")
        await _wait(pilot, lambda: isinstance(app.screen, TopicMessagesScreen), "the viewer")
        await pilot.press("E")
        await _wait(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert dialog.sources == []  # the viewer tails the end: nothing loaded, the range is the one choice
        assert dialog.is_range
        dialog.query_one("#range-from-mode", Select).value = "offset"
        dialog.query_one("#range-to-mode", Select).value = "offset"
        await pilot.pause()
        dialog.query_one("#range-from", Input).value = "1000"
        dialog.query_one("#range-to", Input).value = "2500"
        dialog.query_one("#range-partitions", Input).value = "all"
        field = dialog.query_one("#export-path", Input)
        field.value = str(out)
        field.focus()
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is not dialog, "the range export", timeout=120)
        app.stop_worker()
    assert out.is_file() and not out.with_name("range.csv.partial").exists()
    theirs = sorted(
        row for p in range(3) for row in _kcat_rows(kcat, kafka1.bootstrap, topic, p, "-o", "1000", "-c", "1500")
    )
    ours = sorted(_file_rows(out))
    assert len(ours) == 3 * 1500
    assert ours == theirs
    assert ("0", "1000", "k1000", '{"n": 1000, "s": "a,b"}', "src=kcat") in ours
    assert ("2", "2499", "", "plain 2499", "") in ours  # no key: empty, as kcat prints it


def test_a_range_by_time_equals_what_kcat_reads_between_the_same_times(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    from kafkatui.domain.export import Format
    from kafkatui.domain.range_export import ExportRange, RangeSpec, RangeState

    topic = create_topic(kafka_tool, kafka1.bootstrap, 3, 1, prefix="range")
    _fill(kcat, kafka1.bootstrap, topic, 0, 2000)
    time.sleep(1.5)
    t1 = int(time.time() * 1000)
    time.sleep(0.5)
    _fill(kcat, kafka1.bootstrap, topic, 2000, 2500)
    time.sleep(1.5)
    t2 = int(time.time() * 1000)
    time.sleep(0.5)
    _fill(kcat, kafka1.bootstrap, topic, 4500, 1000)
    worker, sink = _worker(kafka1.bootstrap)
    try:
        out = tmp_path / "by-time.jsonl"
        spec = RangeSpec(StartAt(StartMode.TIMESTAMP, t1), StartAt(StartMode.TIMESTAMP, t2))
        done = _run_range(sink, worker, ExportRange(101, topic, spec, str(out), Format.JSONL))
        assert done.state is RangeState.DONE, done
        assert done.written == done.expected == 3 * 2500
        one = tmp_path / "p1-from-3000.csv"  # one partition, from an offset to the end as it was
        spec1 = RangeSpec(StartAt(StartMode.OFFSET, 3000), StartAt(StartMode.END), (1,))
        done1 = _run_range(sink, worker, ExportRange(102, topic, spec1, str(one), Format.CSV))
        assert done1.state is RangeState.DONE and done1.written == 2500, done1
    finally:
        worker.stop(1.0)
    theirs = sorted(
        row for p in range(3) for row in _kcat_rows(kcat, kafka1.bootstrap, topic, p, "-o", f"s@{t1}", "-o", f"e@{t2}")
    )
    ours = sorted(_file_rows(out))
    assert len(theirs) == 3 * 2500 and ours == theirs
    assert sorted(_file_rows(one)) == sorted(_kcat_rows(kcat, kafka1.bootstrap, topic, 1, "-o", "3000"))


def test_a_cancelled_range_export_leaves_a_partial_file_and_an_existing_target_is_never_overwritten(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat, tmp_path: Path
) -> None:
    from kafkatui.domain.export import Format
    from kafkatui.domain.range_export import CancelRangeExport, ExportRange, RangeExportProgress, RangeSpec, RangeState

    topic = create_topic(kafka_tool, kafka1.bootstrap, 3, 1, prefix="range")
    _fill(kcat, kafka1.bootstrap, topic, 0, 100_000)
    worker, sink = _worker(kafka1.bootstrap)
    try:
        out = tmp_path / "big.csv"
        worker.submit(ExportRange(201, topic, RangeSpec(), str(out), Format.CSV))
        sink.wait_for(RangeExportProgress, lambda e: e.job == 201 and e.written > 0, timeout=60)
        worker.submit(CancelRangeExport(201))
        cancelled = sink.wait_for(RangeExportProgress, lambda e: e.job == 201 and e.state.finished, timeout=60)
        assert cancelled.state is RangeState.CANCELLED, cancelled
        assert not out.exists()
        rows = (tmp_path / "big.csv.partial").read_text().splitlines()
        assert rows[0].startswith("partition,offset,")
        assert 1 < len(rows) < 300_001

        precious = tmp_path / "taken.csv"
        precious.write_text("precious\n")
        refused = _run_range(
            sink, worker, ExportRange(202, topic, RangeSpec(partitions=(2,)), str(precious), Format.CSV)
        )
        assert refused.state is RangeState.FAILED and "appeared while exporting" in refused.message, refused
        assert precious.read_text() == "precious\n"
    finally:
        worker.stop(1.0)
