"""Field mapping and the field picker end to end: kcat writes a new user's JSON, the real app
(worker + FreezerFeed) launched with --value-field/--sensor-field charts it; the picker lists the
numbers of recent records and switching fields charts the other one at once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner
from kafkatui import cli
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.worker import Worker
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.screens.field_picker import FieldPickerScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable

FLAT = '{"device":"freezer-7","temp_c":-19.5}'
NESTED = '{"device":"freezer-8","readings":{"celsius":-18.25},"samples":[{"v":1.5}]}'


def _produce(kcat: Kcat, bootstrap: str, topic: str, lines: list[str]) -> None:
    r = kcat("-b", bootstrap, "-t", topic, "-P", input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr


async def _wait(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


@pytest.mark.kafka
async def test_a_mapped_field_charts_and_the_picker_switches_fields(
    kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat
) -> None:
    topic = f"freezer-fields-{uuid.uuid4().hex[:8]}"
    r = kafka_tool(
        "TopicCommand",
        ["--bootstrap-server", kafka1.bootstrap, "--create", "--topic", topic, "--partitions", "1"],
    )
    assert r.returncode == 0, r.stderr
    # the settings as the command line makes them
    ns = cli.build_parser().parse_args(
        ["-b", kafka1.bootstrap, "-t", topic, "--value-field", "temp_c", "--sensor-field", "device"]
    )
    settings = cli.load(ns).model_copy(update={"refresh_interval": 1.0, "timeout": 5.0})
    feed: list[FreezerFeed] = []

    def freezer(ctx: Context) -> Service:
        feed.append(FreezerFeed(ctx))  # live, from the end, with the settings' rules
        return feed[0]

    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=(freezer,)))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2")
        sensors = app.query_one("#sensors", VirtualTable)
        names = [key for key, _ in sensors.columns]

        def last(sensor: str) -> str:
            return str(sensors.get_row(sensor)[names.index("LAST °C")]) if sensor in sensors.index else ""

        await _wait(pilot, lambda: bool(feed) and bool(feed[0].assigned), "the partition assignment")
        for _ in range(20):  # the live start position is resolved on librdkafka's time: repeat
            _produce(kcat, kafka1.bootstrap, topic, [FLAT, NESTED])
            try:
                await _wait(pilot, lambda: last("freezer-7") == "-19.50", "the freezer-7 row", 1.0)
                break
            except AssertionError:
                continue
        await _wait(pilot, lambda: last("freezer-7") == "-19.50", "freezer-7 charted at -19.5")
        line = str(app.query_one("#freezer-mapping").render())
        assert line.startswith("value temp_c · sensor device/key")
        assert "freezer-8" not in sensors.index  # its records have no temp_c: rejected, counted

        await pilot.press("p")
        await _wait(pilot, lambda: isinstance(app.screen, FieldPickerScreen), "the field picker")
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[1]): str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert rows["temp_c"] == "-19.5"
        assert rows["readings.celsius"] == "-18.25" and rows["samples.0.v"] == "1.5"

        index = next(i for i in range(table.row_count) if str(table.get_row_at(i)[1]) == "readings.celsius")
        table.move_cursor(row=index)
        await pilot.press("enter")
        await _wait(pilot, lambda: feed[0].rules.temp_fields == ("readings.celsius",), "the new rules")
        await _wait(pilot, lambda: "freezer-7" not in sensors.index, "the old field's series cleared")
        _produce(kcat, kafka1.bootstrap, topic, [FLAT, NESTED])
        await _wait(pilot, lambda: last("freezer-8") == "-18.25", "freezer-8 charted from the new field")
        assert "freezer-7" not in sensors.index  # never a temp_c value in the readings.celsius chart
        await _wait(
            pilot,
            lambda: str(app.query_one("#freezer-mapping").render()).startswith("value readings.celsius"),
            "the mapping line",
        )
        await pilot.press("q")
