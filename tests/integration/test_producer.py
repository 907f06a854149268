"""The Producer pane against real Apache Kafka (1 broker): kcat round trip, acks=0, the partition
preview against 1,000 delivered keys, and bad input refused whole on a real broker."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, TextArea

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner, require_testbed
from kafkatui.domain.models import ClusterSnapshot
from kafkatui.domain.partitioner import predict
from kafkatui.domain.producer import (
    InspectTopic,
    Produce,
    ProduceRequest,
    ProducerNotice,
    ProducerView,
)
from kafkatui.kafka.producer import ProducerService
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.producer import ProducerPane

SEP = "\x1f"  # kcat field separator that no test value contains


def new_topic(tool: ToolRunner, bootstrap: str, partitions: int, *config: str) -> str:
    topic = f"producer-{uuid.uuid4().hex[:8]}"
    args = [
        "--bootstrap-server",
        bootstrap,
        "--create",
        "--topic",
        topic,
        "--partitions",
        str(partitions),
        "--replication-factor",
        "1",
    ]
    for item in config:
        args += ["--config", item]
    done = tool("TopicCommand", args)
    assert done.returncode == 0, done.stderr
    return topic


def read_back(kcat: Kcat, bootstrap: str, topic: str) -> list[dict[str, str]]:
    """Every record of `topic` as {k, s, h, p, o} (kcat's format fields)."""
    fmt = SEP.join(["%k", "%s", "%h", "%p", "%o"]) + "\x1e"
    done = kcat("-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", fmt)
    assert done.returncode == 0, done.stderr
    rows = []
    for record in done.stdout.split("\x1e"):
        if record.strip("\n"):
            k, s, h, p, o = record.split(SEP)
            rows.append({"k": k, "s": s, "h": h, "p": p, "o": o})
    return rows


class Live:
    """The real worker thread with the producer service, fed commands like the app feeds it."""

    def __init__(self, bootstrap: str, keep: int = 100, **settings: object) -> None:
        self.events: list[object] = []
        self.settings = Settings(
            _env_file=None,
            bootstrap_servers=bootstrap,  # type: ignore[call-arg]
            refresh_interval=1.0,
            **settings,
        )

        def service(ctx: Any) -> ProducerService:
            return ProducerService(ctx, keep=keep)

        self.worker = Worker(self.settings, self.events.append, extra_services=(service,))
        self.worker.start()

    def wait(self, pred: Callable[[], bool], timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out; last notices: {self.notices()[-3:]}")

    def has_topic(self, topic: str) -> bool:
        snaps = [e for e in self.events if isinstance(e, ClusterSnapshot)]
        return bool(snaps) and any(t.name == topic for t in snaps[-1].topics)

    def view(self) -> ProducerView:
        return [e for e in self.events if isinstance(e, ProducerView)][-1]

    def notices(self) -> list[ProducerNotice]:
        return [e for e in self.events if isinstance(e, ProducerNotice)]

    def settled(self, queued: int) -> bool:
        views = [e for e in self.events if isinstance(e, ProducerView)]
        if not views:
            return False
        v = views[-1]
        return (
            v.queued == queued
            and v.delivered + v.failed == queued
            and v.burst is not None
            and (v.burst.done or v.burst.total == 1)
            and v.in_flight == 0
        )

    def stop(self) -> None:
        self.worker.stop(2.0)


# -- the pane, driven by the pilot, read back by kcat ------------------------------------------


async def _wait(pilot: Any, pred: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        await pilot.pause(0.1)
    raise AssertionError("timed out waiting in the pilot")


@pytest.mark.kafka
def test_pane_round_trip_read_back_by_kcat(kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat) -> None:
    topic = new_topic(kafka_tool, kafka1.bootstrap, 3)
    settings = Settings(
        _env_file=None,
        bootstrap_servers=kafka1.bootstrap,
        topic=topic,  # type: ignore[call-arg]
        refresh_interval=1.0,
    )

    workers: list[Worker] = []

    def worker(s: Settings, emit: Callable[[object], None]) -> Worker:
        workers.append(Worker(s, emit, extra_services=(ProducerService,)))
        return workers[-1]

    app = KafkaTuiApp(settings, worker_factory=worker)
    sent: list[tuple[str, str, str]] = []
    reports: dict[str, tuple[int, int | None]] = {}

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            app.action_pane("producer")
            pane = app.query_one(ProducerPane)
            await _wait(pilot, lambda: pane.snapshot is not None and topic in pane.topic_names)

            async def send(key: str, value: str, headers: str) -> None:
                app.query_one("#p-key", Input).value = key
                app.query_one("#p-value", TextArea).text = value
                app.query_one("#p-headers", Input).value = headers
                await pilot.pause()
                app.query_one("#p-value", TextArea).focus()
                await pilot.press("ctrl+s")
                await _wait(pilot, lambda: pane.view is not None and any(r.key == key for r in pane.view.reports))
                sent.append((key, value, headers))

            # acks=all + idempotence (the defaults): a multi-line JSON value and two headers
            await send(
                "sensor1", '{\n  "sensor": "sensor1",\n  "temperature": -3.21\n}', "source=kafkatui; unit=celsius"
            )
            # the seed's plain reading, keyed, no headers
            await send("sensor2", "-1.50", "")
            # acks=0: switch the toggle; the pane rebuilds the producer, the report has no offset
            app.query_one("#p-acks", Select).value = "0"
            await pilot.pause()
            assert app.query_one("#p-idem", Checkbox).value is False
            await send("sensor0", "4.02", "acks=0")
            assert pane.view is not None
            for r in pane.view.reports:
                reports[r.key] = (r.partition if r.partition is not None else -1, r.offset)
            table = app.query_one("#p-reports", DataTable)
            assert table.row_count == 3
            assert str(table.get_row_at(0)[2]) == "none"  # newest first: the acks=0 one
            assert [table.get_row_at(i)[4] for i in range(3)] == ["0", "all", "all"]  # the acks that sent each
            await pilot.press("q")

    asyncio.run(scenario())
    assert workers and workers[0].stop(5.0)  # quitting never waits; the test does, to be tidy
    assert len(sent) == 3
    rows = {r["k"]: r for r in read_back(kcat, kafka1.bootstrap, topic)}
    assert set(rows) == {"sensor0", "sensor1", "sensor2"}
    for key, value, headers in sent:
        row = rows[key]
        assert row["s"] == value  # multi-line value intact
        expected_headers = ",".join(h.replace(" ", "") for h in headers.split(";")) if headers else ""
        assert row["h"] == expected_headers
        partition, offset = reports[key]
        assert int(row["p"]) == partition
        if key == "sensor0":
            assert offset is None  # acks=0: the broker sent no offset back
        else:
            assert int(row["o"]) == offset
        assert partition == predict(key.encode(), 3)  # the preview's partitioner


# -- the partition preview against 1,000 delivered keys ---------------------------------------


@pytest.mark.kafka
@pytest.mark.parametrize("partitioner", ["consistent_random", "murmur2_random", "fnv1a_random"])
def test_preview_equals_the_delivered_partition_for_1000_keys(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, partitioner: str
) -> None:
    topic = new_topic(kafka_tool, kafka1.bootstrap, 7)
    live = Live(kafka1.bootstrap, keep=1000, overrides={"partitioner": partitioner})
    try:
        live.wait(lambda: live.has_topic(topic))
        live.worker.submit(Produce(ProduceRequest(topic, "key-{i}", "v{i}", count=1000)))
        live.wait(lambda: live.settled(1000))
        reports = live.view().reports
        assert len(reports) == 1000 and all(r.ok for r in reports)
        assert live.view().partitioner == partitioner
        mismatches = [(r.key, r.partition) for r in reports if predict(r.key.encode(), 7, partitioner) != r.partition]
        assert mismatches == []
        assert len({r.partition for r in reports}) == 7
    finally:
        live.stop()


# -- bad input on a real broker -----------------------------------------------------------------


@pytest.fixture(scope="module")
def no_auto_create() -> Iterator[tb.Cluster]:
    """A 1-broker cluster with auto.create.topics.enable=false (only for these tests)."""
    require_testbed()
    cluster = tb.start_cluster(
        1, f"pytest-noauto-{uuid.uuid4().hex[:6]}", auto_create_topics=False, owner=True, die_with_parent=True
    )
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.kafka
def test_bad_input_is_refused_whole_on_a_real_broker(
    no_auto_create: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat
) -> None:
    bootstrap = no_auto_create.bootstrap
    topic = new_topic(kafka_tool, bootstrap, 2, "max.message.bytes=2000")
    live = Live(bootstrap)
    try:
        live.wait(lambda: live.has_topic(topic))
        live.worker.submit(InspectTopic(topic))
        live.wait(lambda: any(f.topic == topic for f in live.view().facts))
        facts = next(f for f in live.view().facts if f.topic == topic)
        assert (facts.partitions, facts.auto_create, facts.max_bytes) == (2, False, 2000)
        assert facts.max_bytes_source == "topic max.message.bytes"
        bad = [
            (
                ProduceRequest("does-not-exist", "k", "v"),
                "does-not-exist does not exist on this cluster and the broker does not create "
                "topics automatically (auto.create.topics.enable=false)",
            ),
            (ProduceRequest(topic, "k", "v", partition=2, count=50), "has 2 partitions (0..1); 2 is out of range"),
            (ProduceRequest(topic, "k", "x" * 3000), f"{topic} accepts at most 2,000 (topic max.message.bytes)"),
            (
                ProduceRequest(topic, "k{i}", "x" * 1990, count=20),
                f"{topic} accepts at most 2,000 (topic max.message.bytes)",
            ),
        ]
        for request, text in bad:
            count = len(live.notices())
            live.worker.submit(Produce(request))
            live.wait(lambda c=count: len(live.notices()) > c)  # type: ignore[misc]
            notice = live.notices()[-1]
            assert notice.error and text in notice.text, notice.text
        # nothing was sent half-way: the topic is empty and nothing was auto-created
        assert read_back(kcat, bootstrap, topic) == []
        listed = kcat("-b", bootstrap, "-L", "-t", "does-not-exist")
        assert "does-not-exist" not in listed.stdout or "Unknown topic" in listed.stdout
        assert live.view().queued == 0
        # a value just under the limit goes through
        live.worker.submit(Produce(ProduceRequest(topic, "k", "x" * 1900)))
        live.wait(lambda: live.settled(1))
        assert live.view().delivered == 1
    finally:
        live.stop()


@pytest.mark.kafka
def test_the_brokers_own_refusal_is_named_and_explained(kafka1: tb.Cluster, kafka_tool: ToolRunner) -> None:
    """Where our check is bypassed (a limit lowered after we looked), the broker's error shows."""
    topic = new_topic(kafka_tool, kafka1.bootstrap, 1)
    live = Live(kafka1.bootstrap)
    try:
        live.wait(lambda: live.has_topic(topic))
        live.worker.submit(InspectTopic(topic))
        live.wait(lambda: any(f.topic == topic for f in live.view().facts))
        altered = kafka_tool(
            "ConfigCommand",
            [
                "--bootstrap-server",
                kafka1.bootstrap,
                "--alter",
                "--entity-type",
                "topics",
                "--entity-name",
                topic,
                "--add-config",
                "max.message.bytes=1000",
            ],
        )
        assert altered.returncode == 0, altered.stderr
        live.worker.submit(Produce(ProduceRequest(topic, "k", "x" * 5000)))
        live.wait(lambda: live.settled(1))
        view = live.view()
        assert view.failed == 1 and view.last_failure is not None
        assert view.last_failure.error == "MSG_SIZE_TOO_LARGE"
        assert "max.message.bytes" in view.last_failure.meaning()
    finally:
        live.stop()
