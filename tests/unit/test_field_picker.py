"""The field mapping on the Freezer pane and the field picker: domain, then the pane with canned events."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.mapping import (
    FieldsFound,
    FieldStat,
    ListFields,
    MappingView,
    SetValueField,
    describe,
    summarize,
)
from kafkatui.domain.readings import DEFAULT_RULES, ParseRules, decode_json
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.palette import COMMANDS, run
from kafkatui.tui.screens.field_picker import FieldPickerScreen

# -- domain -----------------------------------------------------------------------------------


def test_summarize_counts_records_per_field_with_the_newest_sample() -> None:
    values = [
        b'{"device": "freezer-7", "temp_c": -19.5}',
        b'{"device": "freezer-7", "temp_c": -19.25, "door": 0}',
        b'{"meta": {"id": "f2"}, "samples": [{"v": 1.5}]}',
        b'{"device": "freezer-9", "temp_c": "-4 \xc2\xb0F"}',  # a string that reads as a number
        b"-3.2",  # a plain value: no field
        b"\x00\x00\x00\x00\x01avro",  # Schema Registry framing: not JSON
        b'{"broken": ',
    ]
    found = summarize([decode_json(v) for v in values], len(values))
    assert found.records == 7 and found.decoded == 4
    assert found.fields == (
        FieldStat("temp_c", "-4 °F", 3),
        FieldStat("door", "0", 1),
        FieldStat("samples.0.v", "1.5", 1),
    )


def test_summarize_lists_a_bounded_number_of_fields() -> None:
    doc = {f"f{i}": i for i in range(500)}
    found = summarize([doc], 1)
    assert 0 < len(found.fields) <= 50


def test_describe_fits_a_line() -> None:
    assert describe(DEFAULT_RULES) == "value auto · sensor auto/key · time auto/record · unit °C"
    mapped = ParseRules.mapped("temp_c", "device", "at", "K")
    assert describe(mapped) == "value temp_c · sensor device/key · time at/record · unit K"
    assert describe(ParseRules.mapped(unit="F")).endswith("unit °F")


# -- the pane ---------------------------------------------------------------------------------


class FakeWorker:
    def __init__(self) -> None:
        self.commands: list[Command] = []

    def start(self) -> None: ...

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.1) -> bool:
        return True


FOUND = FieldsFound((FieldStat("temp_c", "-19.5", 18), FieldStat("readings.celsius", "-18", 2)), 20, 20)


def _app() -> tuple[KafkaTuiApp, FakeWorker]:
    worker = FakeWorker()
    return KafkaTuiApp(canned.settings(), clock=canned.clock, worker_factory=lambda s, emit: worker), worker


def _text(app: KafkaTuiApp, selector: str) -> str:
    rendered: Any = app.query_one(selector, Static).render()
    return str(rendered)


async def test_the_pane_shows_the_mapping_in_use() -> None:
    app, _ = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        app.apply(MappingView(ParseRules.mapped("temp_c", "device")))
        await pilot.pause()
        line = _text(app, "#freezer-mapping")
        assert line.startswith("value temp_c · sensor device/key · time auto/record · unit °C")
        assert "(p picks)" in line


async def test_picking_a_field_sends_it_to_the_feed() -> None:
    app, worker = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        app.apply(MappingView(DEFAULT_RULES))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert worker.commands[-1] == ListFields()
        app.apply(FOUND)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FieldPickerScreen)
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[1][1:] == ["temp_c", "-19.5", "18 of 20"]
        assert rows[2][1:] == ["readings.celsius", "-18", "2 of 20"]
        assert rows[0][0] == "●"  # the built-in names are in use
        await pilot.press("down", "enter")
        await pilot.pause()
        assert worker.commands[-1] == SetValueField("temp_c")
        assert app.screen is not screen
        assert any("Charting temp_c from now on" in n.message for n in app._notifications)


async def test_escape_changes_nothing_and_an_unasked_answer_opens_nothing() -> None:
    app, worker = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        app.apply(MappingView(ParseRules.mapped("temp_c")))
        app.apply(FOUND)  # nobody asked: no picker
        await pilot.pause()
        assert not isinstance(app.screen, FieldPickerScreen)
        await pilot.press("p")
        app.apply(FOUND)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FieldPickerScreen)
        assert screen.query_one(DataTable).cursor_row == 1  # on the field in use
        await pilot.press("enter")  # the field in use again: nothing to change
        await pilot.pause()
        await pilot.press("p")
        app.apply(FOUND)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not any(isinstance(c, SetValueField) for c in worker.commands)


async def test_the_picker_says_why_it_lists_nothing() -> None:
    app, _ = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "p")
        app.apply(FieldsFound((), 12, 0))
        await pilot.pause()
        note = str(app.screen.query_one("#picker-note", Static).render())
        assert (
            note == "None of the last 12 records is an object or array with a number (a plain number needs no field)."
        )
        await pilot.press("escape")
        await pilot.press("p")
        app.apply(FieldsFound((), 0, 0))
        await pilot.pause()
        note = str(app.screen.query_one("#picker-note", Static).render())
        assert note.startswith("No record read yet")


async def test_the_palette_opens_the_picker_from_another_pane() -> None:
    app, worker = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        command = next(c for c in COMMANDS if c.action == "pick_field")
        run(app, command)
        for _ in range(40):
            await pilot.pause(0.05)
            if ListFields() in worker.commands:
                break
        assert ListFields() in worker.commands


def test_the_board_keeps_the_last_conversion_for_the_view() -> None:
    from kafkatui.domain.alerts import Thresholds
    from kafkatui.domain.freezer import FreezerBoard
    from kafkatui.domain.readings import parse

    board = FreezerBoard("t", Thresholds(-30.0, 5.0))
    board.add(parse(b"freezer-9", b"-3.5", canned.NOW, 0, 1), canned.NOW)
    assert board.view(canned.NOW).converted == ""
    board.add(parse(b"freezer-9", b"-4 F", canned.NOW, 0, 2), canned.NOW)
    assert board.view(canned.NOW).converted == "freezer-9: -4 °F = -20.00 °C"


async def test_the_mapping_line_shows_the_last_conversion() -> None:
    from kafkatui.domain.alerts import Thresholds
    from kafkatui.domain.freezer import FreezerBoard
    from kafkatui.domain.readings import parse

    board = FreezerBoard("t", Thresholds(-30.0, 5.0))
    board.add(parse(b"freezer-9", b"253.15K", canned.NOW, 0, 2), canned.NOW)
    app, _ = _app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("2")
        app.apply(MappingView(DEFAULT_RULES))
        app.apply(board.view(canned.NOW))
        await pilot.pause()
        assert _text(app, "#freezer-mapping").endswith("last converted freezer-9: 253.15 K = -20.00 °C")
