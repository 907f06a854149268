"""Pilot tests of the Producer pane with a fake worker: what it sends, what it refuses, toggles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static, TextArea

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.producer import (
    Configure,
    DeliveryReport,
    InspectTopic,
    Produce,
    ProducerConfig,
    ProduceRequest,
    ProducerNotice,
    ProducerView,
    TopicFacts,
)
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.producer import ProducerPane

SIZE = (120, 40)


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.emit = emit
        self.commands: list[Command] = []

    def start(self) -> None:
        self.emit(canned.CONNECTED)
        self.emit(canned.cluster())

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.25) -> bool:
        return True


def make(**settings: object) -> tuple[KafkaTuiApp, list[FakeWorker]]:
    fakes: list[FakeWorker] = []

    def factory(s: Settings, emit: Callable[[object], None]) -> FakeWorker:
        fakes.append(FakeWorker(s, emit))
        return fakes[-1]

    return KafkaTuiApp(canned.settings(**settings), worker_factory=factory, clock=canned.clock), fakes


async def open_pane(app: KafkaTuiApp, pilot: Any) -> ProducerPane:
    await pilot.pause()
    app.action_pane("producer")
    await pilot.pause()
    return app.query_one(ProducerPane)


def fill(app: KafkaTuiApp, **fields: str) -> None:
    for name, value in fields.items():
        if name == "value":
            app.query_one("#p-value", TextArea).text = value
        else:
            app.query_one(f"#p-{name}", Input).value = value


def produced(fakes: list[FakeWorker]) -> list[ProduceRequest]:
    return [c.request for c in fakes[0].commands if isinstance(c, Produce)]


def message(app: KafkaTuiApp) -> str:
    return str(app.query_one("#p-message", Static).render())


async def test_send_puts_one_validated_request_on_the_queue() -> None:
    app, fakes = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        fill(app, key="sensor1", value="-3.21", headers="source=kafkatui; unit=C", partition="2")
        await pilot.pause()
        preview = str(app.query_one("#p-preview", Static).render())
        assert "partition 2 (chosen by hand" in preview
        app.query_one("#p-send", Button).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert produced(fakes) == [
            ProduceRequest("freezer-temperatura", "sensor1", "-3.21", (("source", "kafkatui"), ("unit", "C")), 2)
        ]
        assert "sending 1 message" in message(app)


async def test_preview_uses_the_partitioner_on_the_snapshots_partition_count() -> None:
    app, _ = make(overrides={"partitioner": "murmur2_random"})
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(app, pilot)
        assert pane.partitioner == "murmur2_random"
        from kafkatui.domain.partitioner import predict

        fill(app, key="sensor2")
        await pilot.pause()
        expected = predict(b"sensor2", 3, "murmur2_random")
        text = str(app.query_one("#p-preview", Static).render())
        assert f"key sensor2 → partition {expected} of 3 (murmur2_random)" in text


async def test_bad_input_is_explained_and_nothing_is_sent() -> None:
    app, fakes = make()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(app, pilot)
        cases = [
            ({"topic": ""}, "topic: empty"),
            ({"partition": "3"}, "freezer-temperatura has 3 partitions (0..2); 3 is out of range"),
            ({"headers": "a=1; nonsense"}, "headers: entry 2 'nonsense' is not name=value"),
            ({"topic": "no-such-topic"}, None),  # the worker decides (auto-creation)
        ]
        for fields, expected in cases:
            fill(app, topic="freezer-temperatura", partition="", headers="", value="-1")
            fill(app, **fields)
            await pilot.pause()
            before = len(produced(fakes))
            pane.action_send()
            await pilot.pause()
            if expected is None:
                assert len(produced(fakes)) == before + 1
            else:
                assert expected in message(app) and "not sent" in message(app)
                assert len(produced(fakes)) == before
        # JSON mode with invalid JSON
        fill(app, topic="freezer-temperatura", value='{"temperature": ')
        app.query_one("#p-json", Checkbox).value = True
        await pilot.pause()
        pane.action_send()
        await pilot.pause()
        assert "value: not valid JSON" in message(app)
        # above the limit the worker reported for this topic
        app.apply(
            ProducerView(
                canned.NOW,
                ProducerConfig(),
                facts=(TopicFacts("freezer-temperatura", 3, True, 500, "topic max.message.bytes"),),
            )
        )
        app.query_one("#p-json", Checkbox).value = False
        fill(app, value="x" * 600)
        await pilot.pause()
        assert "of at most 500 B" in str(app.query_one("#p-preview", Static).render())
        before = len(produced(fakes))
        pane.action_send()
        await pilot.pause()
        assert "accepts at most 500 (topic max.message.bytes)" in message(app)
        assert len(produced(fakes)) == before


async def test_topic_completion_and_inspect() -> None:
    app, fakes = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        topic = app.query_one("#p-topic", Input)
        topic.value = ""
        topic.focus()
        await pilot.press("f", "r")
        await pilot.pause()
        await pilot.press("right")  # → at the end of the input accepts the suggestion
        await pilot.pause()
        assert topic.value == "freezer-temperatura"
        assert InspectTopic("freezer-temperatura") in fakes[0].commands


async def test_idempotence_forces_acks_all_and_rebuilds() -> None:
    app, fakes = make()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(app, pilot)
        assert pane.config == ProducerConfig("all", True, "none", 5.0)
        app.query_one("#p-acks", Select).value = "1"
        await pilot.pause()
        assert app.query_one("#p-idem", Checkbox).value is False
        assert pane.config.acks == "1" and not pane.config.idempotence
        guarantee = str(app.query_one("#p-guarantee", Static).render())
        assert "at least once" in guarantee and "idempotence turned off for acks=1" in guarantee
        app.query_one("#p-idem", Checkbox).value = True
        await pilot.pause()
        assert app.query_one("#p-acks", Select).value == "all"
        guarantee = str(app.query_one("#p-guarantee", Static).render())
        assert "no duplicates per partition" in guarantee and "acks set to all (was 1)" in guarantee
        app.query_one("#p-compression", Select).value = "zstd"
        linger = app.query_one("#p-linger", Input)
        linger.value = "25"
        linger.focus()
        await pilot.press("enter")
        await pilot.pause()
        configs = [c.config for c in fakes[0].commands if isinstance(c, Configure)]
        assert configs == [
            ProducerConfig("1", False, "none", 5.0),
            ProducerConfig("all", True, "none", 5.0),
            ProducerConfig("all", True, "zstd", 5.0),
            ProducerConfig("all", True, "zstd", 25.0),
        ]


async def test_reports_counters_and_failures() -> None:
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        reports = (
            DeliveryReport(3, canned.NOW, "freezer-temperatura", 1, None, "sensor1", 0.4),
            DeliveryReport(
                2,
                canned.NOW - 1,
                "freezer-temperatura",
                None,
                None,
                "sensor0",
                30000.0,
                "_MSG_TIMED_OUT",
                "Local: Message timed out",
            ),
            DeliveryReport(1, canned.NOW - 2, "freezer-temperatura", 2, 41, "sensor2", 3.2),
        )
        app.apply(
            ProducerView(
                canned.NOW,
                ProducerConfig("0", False),
                queued=3,
                delivered=2,
                failed=1,
                reports=reports,
                last_failure=reports[1],
                errors=(("_MSG_TIMED_OUT", 1),),
            )
        )
        await pilot.pause()
        table = app.query_one("#p-reports", DataTable)
        assert [table.get_row_at(i)[0] for i in range(3)] == [3, 2, 1]  # newest first
        assert str(table.get_row_at(0)[2]) == "none"  # acks=0: no offset
        assert str(table.get_row_at(2)[2]) == "41"
        assert str(table.get_row_at(1)[5]) == "_MSG_TIMED_OUT"
        assert table.get_row_at(1)[3] == "30.0 s"  # a send reported after 30 s (was cut to '30,00')
        assert table.get_row_at(2)[3] == "3.2 ms"
        assert table.get_row_at(2)[7] == "freezer-temperatura"  # whole, not 'freezer-tem…'
        assert table.get_row_at(2)[4] == "?"  # acks not recorded with this report: not made up
        counters = str(app.query_one("#p-counters", Static).render())
        assert "queued 3" in counters and "delivered 2" in counters and "failed 1" in counters
        failure = str(app.query_one("#p-failure", Static).render())
        assert "_MSG_TIMED_OUT" in failure and "message.timeout.ms" in failure
        # a newer view shifts the rows down: slot keys stay, the cells change in place
        newer = (DeliveryReport(4, canned.NOW, "freezer-temperatura", 0, 7, "sensor0", 1.0), *reports)
        app.apply(ProducerView(canned.NOW, ProducerConfig("1", False), queued=4, delivered=3, failed=1, reports=newer))
        await pilot.pause()
        assert [table.get_row_at(i)[0] for i in range(4)] == [4, 3, 2, 1]
        assert [k.value for k in table.rows] == ["0", "1", "2", "3"]
        app.apply(ProducerNotice(canned.NOW, "not sent: topic: x does not exist", True, "topic"))
        await pilot.pause()
        assert "does not exist" in message(app)


async def test_templates_fill_key_and_value() -> None:
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        app.query_one("#p-value", TextArea).focus()
        await pilot.press("ctrl+t")
        key = app.query_one("#p-key", Input).value
        value = app.query_one("#p-value", TextArea).text
        assert key.startswith("sensor") and -5 <= float(value) <= 5
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.query_one("#p-json", Checkbox).value is True
        assert '"temperature"' in app.query_one("#p-value", TextArea).text
        app.query_one("#p-value", TextArea).text = '{"a":1}'
        await pilot.press("ctrl+l")
        assert app.query_one("#p-value", TextArea).text == '{\n  "a": 1\n}'


async def test_read_only_disables_the_pane() -> None:
    app, fakes = make(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(app, pilot)
        assert app.query_one("#p-body").disabled
        assert "Read-only mode" in str(app.query_one("#p-readonly", Static).render())
        pane.action_send()
        await pilot.pause()
        assert produced(fakes) == []


async def test_a_hidden_pane_renders_its_latest_view_when_shown() -> None:
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the Cluster pane is showing
        report = DeliveryReport(1, canned.NOW, "freezer-temperatura", 2, 41, "sensor2", 3.2)
        app.apply(ProducerView(canned.NOW, ProducerConfig(), queued=1, delivered=1, reports=(report,)))
        await pilot.pause()
        pane = app.query_one(ProducerPane)
        table = app.query_one("#p-reports", DataTable)
        assert pane.view is None and table.row_count == 0  # nothing drawn while hidden
        app.action_pane("producer")
        assert pane.view is not None and table.row_count == 1  # at once, before the next frame
