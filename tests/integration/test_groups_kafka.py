"""The Groups pane against real Apache Kafka, checked number for number against Kafka's own
`ConsumerGroupCommand --describe` (and `--reset-offsets` results read back the same way)."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from textual.widgets import DataTable, Input, Select

import kafka_testbed as tb
from kafka_fixtures import ToolRunner
from kafkatui.domain.groups import (
    ApplyReset,
    GroupsView,
    PreviewReset,
    ResetPreview,
    ResetResult,
    ResetSpec,
    ResetTarget,
)
from kafkatui.domain.models import Refused, WorkerError
from kafkatui.kafka.groups import GroupsService
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.groups import TOOL_COLUMNS, GroupsPane
from kafkatui.tui.screens.group_reset import GroupResetScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable
from worker_probe import probe_settings, start_worker

pytestmark = pytest.mark.kafka

PER_PARTITION = (10, 15, 20)  # messages produced to partitions 0, 1, 2


def quiet() -> Any:
    import logging

    log = logging.getLogger("tests.librdkafka")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    return log


@dataclass
class Bed:
    bootstrap: str
    topic: str

    def group(self, name: str) -> str:
        return f"{name}-{self.topic}"


@pytest.fixture(scope="module")
def bed(kafka1: tb.Cluster) -> Bed:
    """A 3-partition topic with 10, 15 and 20 messages."""
    topic = f"groups-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": kafka1.bootstrap, "logger": quiet()})
    admin.create_topics([NewTopic(topic, 3, 1)])[topic].result(30)
    producer = Producer({"bootstrap.servers": kafka1.bootstrap, "logger": quiet()})
    for partition, count in enumerate(PER_PARTITION):
        for i in range(count):
            producer.produce(topic, f"m{i}".encode(), partition=partition)
    assert producer.flush(30) == 0
    return Bed(kafka1.bootstrap, topic)


def commit(bed: Bed, group: str, offsets: dict[int, int]) -> None:
    """Commit chosen offsets for `group` from a consumer that never joins (the group stays empty)."""
    consumer = Consumer({"bootstrap.servers": bed.bootstrap, "group.id": group, "logger": quiet()})
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                consumer.commit(
                    offsets=[TopicPartition(bed.topic, p, o) for p, o in offsets.items()], asynchronous=False
                )
                return
            except KafkaException as exc:  # a fresh broker is still creating __consumer_offsets
                if not exc.args[0].retriable() and "coordinator" not in str(exc).lower():
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()


class LiveMember:
    """A subscribed consumer that stays in the group (polling on a thread) until stopped."""

    def __init__(self, bed: Bed, group: str, client_id: str, protocol: str = "classic") -> None:
        self.consumer = Consumer(
            {
                "bootstrap.servers": bed.bootstrap,
                "group.id": group,
                "group.protocol": protocol,
                "client.id": client_id,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "logger": quiet(),
            }
        )
        self.assigned = threading.Event()
        self.stop = threading.Event()
        self.consumer.subscribe([bed.topic], on_assign=lambda c, parts: self.assigned.set())
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.assigned.wait(30), "the consumer was never assigned its partitions"

    def _run(self) -> None:
        while not self.stop.is_set():
            self.consumer.poll(0.1)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.consumer.close()


def tool_describe(kafka_tool: ToolRunner, bootstrap: str, group: str) -> tuple[list[tuple[str, ...]], str]:
    """The rows (9 cells each) `kafka-consumer-groups --describe` prints, and its whole output."""
    r = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", bootstrap, "--describe", "--group", group])
    assert r.returncode == 0, r.stderr
    rows: list[tuple[str, ...]] = []
    header_seen = False
    for line in r.stdout.splitlines():
        cells = tuple(line.split())
        if cells[:1] == ("GROUP",):
            assert cells == TOOL_COLUMNS, line
            header_seen = True
        elif header_seen and len(cells) == len(TOOL_COLUMNS):
            rows.append(cells)
    assert header_seen, r.stdout + r.stderr
    return sorted(rows), r.stdout + r.stderr


def wait(predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def app_with_worker(settings: Settings) -> KafkaTuiApp:
    def factory(s: Settings, emit: Any) -> Worker:
        return Worker(s, emit, extra_services=(GroupsService,))

    return KafkaTuiApp(settings, worker_factory=factory)  # type: ignore[arg-type]


async def pane_rows(
    app: KafkaTuiApp, pilot: Any, group: str, ready: Callable[[GroupsView], bool]
) -> list[tuple[str, ...]]:
    """The pane's detail rows (the tool's nine columns) for `group`, once `ready(view)`."""
    pane = app.query_one(GroupsPane)
    deadline = time.monotonic() + 40
    while pane.view is None or pane.view.group(group) is None or not ready(pane.view):
        assert time.monotonic() < deadline, f"group {group} never shown as expected"
        await pilot.pause(0.1)
    pane.select(group)
    await pilot.pause()
    assert pane.selected == group
    table = app.query_one("#group-detail", DataTable)
    return sorted(tuple(str(c) for c in table.get_row_at(i)[:9]) for i in range(table.row_count))


@pytest.fixture(scope="module")
def groups(bed: Bed) -> Iterator[dict[str, Any]]:
    """The groups every test here reads (created once): see each test for its positions."""
    empty = bed.group("empty")
    commit(bed, empty, {0: 4, 1: 15})  # p1 caught up, p2 never committed
    alive = bed.group("alive")
    commit(bed, alive, {0: 3, 1: 7})  # p2 no commit, assigned: "-" offsets, member shown
    member = LiveMember(bed, alive, "kafkatui-it-client")
    try:
        yield {"empty": empty, "alive": alive, "member": member}
    finally:
        member.close()


async def test_pane_rows_equal_the_tool_for_an_empty_group_and_a_live_one(
    bed: Bed, groups: dict[str, Any], kafka_tool: ToolRunner
) -> None:
    settings = probe_settings(bed.bootstrap)
    app = app_with_worker(settings)
    async with app.run_test(size=(200, 50)) as pilot:
        app.action_pane("groups")
        ours_empty = await pane_rows(app, pilot, groups["empty"], lambda v: True)
        ours_alive = await pane_rows(app, pilot, groups["alive"], lambda v: (v.group(groups["alive"]).members or 0) > 0)
        listed = app.query_one("#groups-list", VirtualTable)
        row = listed.get_row(groups["alive"])
        empty_row = listed.get_row(groups["empty"])
        app.stop_worker()
    tool_empty, out_empty = tool_describe(kafka_tool, bed.bootstrap, groups["empty"])
    tool_alive, _ = tool_describe(kafka_tool, bed.bootstrap, groups["alive"])

    assert "has no active members" in out_empty
    assert ours_empty == tool_empty
    assert ours_empty == [
        (groups["empty"], bed.topic, "0", "4", "10", "6", "-", "-", "-"),
        (groups["empty"], bed.topic, "1", "15", "15", "0", "-", "-", "-"),
    ]  # partition 2 has no commit and no member: not listed, as by the tool
    assert ours_alive == tool_alive
    by_partition = {r[2]: r for r in ours_alive}
    assert by_partition["0"][3:6] == ("3", "10", "7")
    assert by_partition["2"][3:6] == ("-", "20", "-")  # assigned, no commit
    assert all(r[6] != "-" and r[7].startswith("/") and r[8] == "kafkatui-it-client" for r in ours_alive)
    # the list: state, protocol, members, total lag
    assert [str(c) for c in row[1:4]] == ["Stable", "classic", "1"] and str(row[5]) == "15"
    assert [str(c) for c in empty_row[1:4]] == ["Empty", "classic", "0"] and str(empty_row[5]) == "6"


def test_followed_group_is_shown_even_when_it_does_not_exist(bed: Bed) -> None:
    ghost = bed.group("ghost")
    worker, sink = start_worker(probe_settings(bed.bootstrap, groups=(ghost,)), GroupsService)
    try:
        view = sink.wait_for(GroupsView, lambda v: v.group(ghost) is not None, timeout=30)
    finally:
        worker.stop(1.0)
    g = view.group(ghost)
    assert g is not None and g.followed and g.error is not None and "does not exist" in g.error


def test_a_crashed_group_client_process_is_restarted_and_the_pane_says_so(bed: Bed, groups: dict[str, Any]) -> None:
    group = groups["empty"]
    worker, sink = start_worker(probe_settings(bed.bootstrap), GroupsService)
    try:
        before = sink.wait_for(GroupsView, lambda v: v.group(group) is not None, timeout=30)
        service = next(s for s in worker.services if isinstance(s, GroupsService))
        client = service.group_admin
        old = client._proc.pid
        os.kill(old, signal.SIGABRT)  # what librdkafka's failed assertion does to the process
        sink.clear()
        after = sink.wait_for(GroupsView, lambda v: any("restarted once" in n for n in v.notes), timeout=30)
        new = client._proc.pid
    finally:
        worker.stop(1.0)
    assert new != old and client.starts == 2
    assert client.crashes[0].reason == "killed by SIGABRT"
    assert after.group(group).total_lag == before.group(group).total_lag == 6  # p0 6 behind, p1 caught up
    assert worker.services and not any(isinstance(e, WorkerError) for e in sink.events)


async def test_offset_reset_from_the_pane_is_confirmed_by_the_tool(bed: Bed, kafka_tool: ToolRunner) -> None:
    group = bed.group("reset")
    commit(bed, group, {0: 8, 1: 9, 2: 10})
    app = app_with_worker(probe_settings(bed.bootstrap))
    async with app.run_test(size=(200, 50)) as pilot:
        app.action_pane("groups")
        await pane_rows(app, pilot, group, lambda v: True)
        pane = app.query_one(GroupsPane)
        app.query_one("#groups-list", VirtualTable).focus()
        await pilot.press("slash", *group, "enter")
        await pilot.pause()
        assert pane.selected == group
        await pilot.press("x")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GroupResetScreen)
        screen.query_one("#reset-target", Select).value = "shift"
        screen.query_one("#reset-value", Input).value = "-5"
        screen.query_one("#reset-partitions", Input).value = f"{bed.topic}:0,2"
        await pilot.pause()
        await pilot.click("#preview")
        table = screen.query_one("#reset-preview", DataTable)
        deadline = time.monotonic() + 30
        while screen.preview is None:
            assert time.monotonic() < deadline, str(screen.query_one("#reset-message").render())
            await pilot.pause(0.1)
        assert [[str(c) for c in table.get_row_at(i)][:5] for i in range(table.row_count)] == [
            [bed.topic, "0", "8", "3", "-5"],
            [bed.topic, "2", "10", "5", "-5"],
        ]
        await pilot.click("#apply")
        deadline = time.monotonic() + 30
        while "reset" not in str(screen.query_one("#reset-message").render()).lower() or screen.waiting:
            assert time.monotonic() < deadline
            await pilot.pause(0.1)
        assert "Offsets of 2 partitions" in str(screen.query_one("#reset-message").render())
        app.stop_worker()  # as quitting does, before the screens go away
        await pilot.press("escape")
        await pilot.pause()
    rows, _ = tool_describe(kafka_tool, bed.bootstrap, group)
    assert [(r[2], r[3]) for r in rows] == [("0", "3"), ("1", "9"), ("2", "5")]


def test_reset_of_an_active_group_is_refused(bed: Bed, groups: dict[str, Any], kafka_tool: ToolRunner) -> None:
    group = groups["alive"]
    before, _ = tool_describe(kafka_tool, bed.bootstrap, group)
    worker, sink = start_worker(probe_settings(bed.bootstrap), GroupsService)
    try:
        sink.wait_for(GroupsView, timeout=30)
        worker.submit(PreviewReset(group, ResetSpec(ResetTarget.EARLIEST)))
        preview = sink.wait_for(ResetPreview, timeout=30)
        assert preview.refused is not None and "active" in preview.refused, preview
        worker.submit(ApplyReset(group, ((bed.topic, 0, 0), (bed.topic, 1, 0))))  # skipping the preview
        result = sink.wait_for(ResetResult, timeout=30)
    finally:
        worker.stop(1.0)
    assert not result.ok and "active" in result.message and "stop its consumers" in result.message
    after, _ = tool_describe(kafka_tool, bed.bootstrap, group)
    assert [r[:6] for r in after] == [r[:6] for r in before]


def test_reset_is_refused_by_the_worker_in_read_only_mode(bed: Bed, kafka_tool: ToolRunner) -> None:
    group = bed.group("readonly")
    commit(bed, group, {0: 6})
    worker, sink = start_worker(probe_settings(bed.bootstrap, read_only=True), GroupsService)
    try:
        worker.submit(ApplyReset(group, ((bed.topic, 0, 0),)))
        refused = sink.wait_for(Refused, lambda e: e.command == "ApplyReset", timeout=30)
    finally:
        worker.stop(1.0)
    assert "read-only" in refused.describe()  # the worker refused it before the groups service saw it
    rows, _ = tool_describe(kafka_tool, bed.bootstrap, group)
    assert [(r[2], r[3]) for r in rows] == [("0", "6")]


async def test_a_consumer_protocol_group_kip_848_matches_the_tool(bed: Bed, kafka_tool: ToolRunner) -> None:
    group = bed.group("kip848")
    commit(bed, group, {1: 11})
    member = LiveMember(bed, group, "kafkatui-it-848", protocol="consumer")
    try:
        app = app_with_worker(probe_settings(bed.bootstrap))
        async with app.run_test(size=(200, 50)) as pilot:
            app.action_pane("groups")
            ours = await pane_rows(app, pilot, group, lambda v: (v.group(group).members or 0) > 0)
            listed = app.query_one("#groups-list", VirtualTable).get_row(group)
            app.stop_worker()
        theirs, _ = tool_describe(kafka_tool, bed.bootstrap, group)
    finally:
        member.close()
    assert ours == theirs
    assert [r[3] for r in ours] == ["-", "11", "-"]
    assert str(listed[2]) == "consumer" and str(listed[1]) == "Stable"
