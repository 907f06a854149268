"""Export: the pure formatting (domain/export.py) and the dialog that streams it to a file."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from kafkatui.domain import export
from kafkatui.domain.export import ExportSource, Format, default_name, format_of, lines, record_row
from kafkatui.domain.message_viewer import Record
from kafkatui.tui.screens.export import PARTIAL_SUFFIX, ExportScreen

NOW = 1_763_712_000.0  # 2025-11-21 08:00:00 UTC


def test_csv_quotes_what_needs_quoting_and_leaves_unknown_empty() -> None:
    rows = [("a,b", 1, None, True, 'say "hi"'), ("plain", 2.5, 0, False, "x")]
    text = "".join(lines(Format.CSV, ("name", "n", "lag", "flag", "note"), rows))
    assert text.splitlines()[0] == "name,n,lag,flag,note"
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1] == ["a,b", "1", "", "true", 'say "hi"']
    assert parsed[2] == ["plain", "2.5", "0", "false", "x"]  # 0 stays 0: only None is empty


def test_json_lines_keep_types_and_null() -> None:
    text = "".join(
        lines(Format.JSONL, ("name", "lag", "rate", "ok"), [("g1", None, float("nan"), True), ("g2", 7, 1.5, False)])
    )
    first, second = (json.loads(line) for line in text.splitlines())
    assert first == {"name": "g1", "lag": None, "rate": None, "ok": True}  # NaN is no JSON: null
    assert second == {"name": "g2", "lag": 7, "rate": 1.5, "ok": False}


def test_a_control_character_in_a_name_never_breaks_a_line() -> None:
    """A group or topic name from the cluster is external text: one record stays one line."""
    name = "evil\ngroup\x1b[31m"
    for fmt in Format:
        text = "".join(lines(fmt, ("group",), [(name,)]))
        assert "\x1b" not in text
        assert text.count("\n") == (2 if fmt is Format.CSV else 1)
        cell = (
            next(csv.reader(io.StringIO(text.splitlines()[1])))[0] if fmt is Format.CSV else json.loads(text)["group"]
        )
        assert cell == "evil\\ngroup\\x1b[31m"  # escaped as on screen


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        list(lines(Format.CSV, ("a", "b", "c"), [(1, 2)]))
    with pytest.raises(ValueError):
        list(lines(Format.JSONL, ("a",), [(1, 2)]))


def test_the_file_name_says_the_format() -> None:
    assert format_of("lag.csv") is Format.CSV and format_of("LAG.CSV") is Format.CSV
    assert format_of("r.jsonl") is Format.JSONL and format_of("r.json") is Format.JSONL
    assert format_of("r.txt") is None


def test_default_names_hold_only_safe_characters() -> None:
    assert default_name("group", "billing", NOW, Format.CSV) == "kafkatui-group-billing-20251121-080000.csv"
    assert default_name("topics", "", NOW, Format.JSONL) == "kafkatui-topics-20251121-080000.jsonl"
    name = default_name("group", "../../etc/passwd\n", NOW, Format.CSV)
    assert "/" not in name and "\n" not in name and name.endswith(".csv")


def test_a_record_is_exported_whole_and_decoded_as_the_viewer_shows_it() -> None:
    value = ("x" * 5000).encode() + b"\xff\x00"
    row = record_row(2, 41, 1_763_712_000_123, "2025-11-21T08:00:00.123Z", b"sensor0", value, [("h", b"1")], len(value))
    assert row[:4] == (2, 41, 1_763_712_000_123, "2025-11-21T08:00:00.123Z")
    assert row[4] == "sensor0"
    assert row[5] == "x" * 5000 + "\\xff\\x00"  # never cut to a column width; bytes escaped as on screen
    assert row[6] == "h=1" and row[7] is False and row[8] is None
    null = record_row(0, 0, -1, "", None, None, [], 0)
    assert null[2] is None and null[3] is None and null[4] is None and null[5] is None


def test_a_value_the_viewer_kept_cut_says_so() -> None:
    (row,) = export.records_rows([Record(0, 1, 5, b"k", b"abc", (), value_size=10)])
    assert row[export.RECORD_COLUMNS.index("value_cut")] is True


# -- the dialog: streaming, cancelling, never overwriting ---------------------------------------


def _source(n: int, slow: float = 0.0) -> ExportSource:
    def rows() -> Iterator[tuple[int, str]]:
        for i in range(n):
            if slow and i % 1000 == 0:
                time.sleep(slow)
            yield (i, f"row{i}")

    return ExportSource(f"Numbers ({n})", "numbers", "t", ("i", "name"), rows, n)


class Host(App[None]):
    def __init__(self, screen: ExportScreen) -> None:
        super().__init__()
        self.export_screen = screen

    def compose(self) -> ComposeResult:
        yield Static("under")

    def on_mount(self) -> None:
        self.push_screen(self.export_screen)


async def _wait(pilot: object, predicate: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def test_an_export_streams_every_row_to_the_default_file(tmp_path: Path) -> None:
    screen = ExportScreen([_source(10_000)], lambda: NOW, folder=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        field = screen.query_one("#export-path", Input)
        assert field.value == str(tmp_path / "kafkatui-numbers-t-20251121-080000.csv")
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is not screen)
    out = tmp_path / "kafkatui-numbers-t-20251121-080000.csv"
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["i", "name"] and len(rows) == 10_001 and rows[-1] == ["9999", "row9999"]
    assert not list(tmp_path.glob("*" + PARTIAL_SUFFIX))


async def test_json_lines_by_the_name_typed(tmp_path: Path) -> None:
    screen = ExportScreen([_source(3)], lambda: NOW, folder=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one("#export-path", Input).value = "mine.jsonl"
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is not screen)
    assert [json.loads(x) for x in (tmp_path / "mine.jsonl").read_text().splitlines()] == [
        {"i": 0, "name": "row0"},
        {"i": 1, "name": "row1"},
        {"i": 2, "name": "row2"},
    ]


async def test_a_cancelled_export_leaves_a_file_named_partial_and_says_so(tmp_path: Path) -> None:
    screen = ExportScreen([_source(2_000_000, slow=0.01)], lambda: NOW, folder=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one("#export-path", Input).value = "big.csv"
        await pilot.press("enter")
        await _wait(pilot, lambda: "rows…" in str(screen.query_one("#export-status", Static).render()))
        await pilot.press("escape")
        await _wait(pilot, lambda: screen.job is None)
        status = str(screen.query_one("#export-status", Static).render())
        assert "cancelled after" in status and "big.csv.partial" in status
        assert app.screen is screen  # still open: the user reads what happened
    assert not (tmp_path / "big.csv").exists()  # never a complete-looking file with part of the rows
    partial = (tmp_path / "big.csv.partial").read_text().splitlines()
    assert partial[0] == "i,name" and 1 < len(partial) < 2_000_001


async def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "lag.csv").write_text("precious\n")
    screen = ExportScreen([_source(3)], lambda: NOW, folder=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one("#export-path", Input).value = "lag.csv"
        await pilot.press("enter")
        await pilot.pause()
        assert "already exists" in str(screen.query_one("#export-status", Static).render())
        screen.query_one("#export-path", Input).value = "lag.txt"
        await pilot.press("enter")
        await pilot.pause()
        assert "End the file name in .csv" in str(screen.query_one("#export-status", Static).render())
    assert (tmp_path / "lag.csv").read_text() == "precious\n"


async def test_an_export_whose_dialog_was_closed_under_it_finishes_and_says_so(tmp_path: Path) -> None:
    """A cluster switch closes every dialog: the file is still completed, and a toast says where."""
    screen = ExportScreen([_source(20_000, slow=0.1)], lambda: NOW, folder=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one("#export-path", Input).value = "late.csv"
        await pilot.press("enter")
        app.pop_screen()
        await _wait(pilot, lambda: screen.job is None)
        await pilot.pause()
        assert any("Export written: 20,000 rows" in str(n.message) for n in app._notifications)
    assert len((tmp_path / "late.csv").read_text().splitlines()) == 20_001


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text() -> None:
    """Keys, values and names come from the cluster: '=HYPERLINK(...)' must not become a formula
    when the CSV is opened in a spreadsheet. Numbers, negative ones included, stay numbers."""
    rows = [('=HYPERLINK("http://127.0.0.1/x")',), ("+1+2",), ("@SUM(A1)",), ("-3.21",), ("-",), ("-x",), ("plain",)]
    text = "".join(lines(Format.CSV, ("value",), rows))
    cells = [r[0] for r in csv.reader(io.StringIO(text))][1:]
    assert cells == ['\'=HYPERLINK("http://127.0.0.1/x")', "'+1+2", "'@SUM(A1)", "-3.21", "-", "'-x", "plain"]
    # JSON lines carry the text as it is (no spreadsheet reads them)
    assert json.loads("".join(lines(Format.JSONL, ("value",), rows[:1])))["value"] == rows[0][0]


def test_a_schema_registry_record_is_exported_as_the_viewer_decodes_it() -> None:
    record = Record(
        0,
        5,
        1_763_712_000_000,
        b"\x00\x00\x00\x00\x03k",
        b"\x00\x00\x00\x00\x03\x02x",
        (),
        7,
        key_decoded='"sensor0"',
        value_decoded='{"temperature": -3.5}',
        schema="value: Avro, schema id 3",
    )
    (row,) = export.records_rows([record])
    assert row[4] == '"sensor0"' and row[5] == '{"temperature": -3.5}' and row[8] == "value: Avro, schema id 3"


# -- the dialog's "a range read from Kafka" (the worker is canned: its events are fed by hand) --


class RangeHost(App[None]):
    def __init__(self, screen: ExportScreen) -> None:
        super().__init__()
        self.export_screen = screen
        self.sent: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("under")

    def on_mount(self) -> None:
        self.push_screen(self.export_screen)

    def on_send_command(self, message: object) -> None:
        self.sent.append(message.command)  # type: ignore[attr-defined]


def _ranged(tmp_path: Path, loaded: int = 3) -> ExportScreen:
    from kafkatui.tui.screens.export import RangeChoice

    sources = [_source(loaded)] if loaded else []
    return ExportScreen(sources, lambda: NOW, folder=tmp_path, ranged=RangeChoice("orders", 1, (0, 1, 2)))


async def test_the_range_choice_sends_one_command_and_shows_the_workers_progress(tmp_path: Path) -> None:
    from textual.widgets import RadioSet, Select

    from kafkatui.domain.message_viewer import StartAt, StartMode
    from kafkatui.domain.range_export import ExportRange, RangeExportProgress, RangeSpec, RangeState

    screen = _ranged(tmp_path)
    app = RangeHost(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not screen.is_range and not screen.query_one("#export-range").display
        screen.query_one(RadioSet).focus()
        await pilot.press("down", "enter")
        assert screen.is_range and screen.query_one("#export-range").display
        path = screen.query_one("#export-path", Input)
        assert path.value == str(tmp_path / "kafkatui-records-orders-20251121-080000.csv")
        assert screen.query_one("#range-partitions", Input).value == "1"  # the viewer's partition
        screen.query_one("#range-from-mode", Select).value = StartMode.OFFSET.value
        await pilot.pause()
        screen.query_one("#range-from", Input).value = "100"
        path.value = "r.jsonl"
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
        [command] = app.sent
        assert isinstance(command, ExportRange)
        assert command.topic == "orders" and command.fmt is Format.JSONL
        assert command.spec == RangeSpec(StartAt(StartMode.OFFSET, 100), StartAt(StartMode.END), (1,))
        assert command.path == str(tmp_path / "r.jsonl")
        await pilot.press("enter")  # a second enter while it runs sends nothing
        assert len(app.sent) == 1

        def feed(state: RangeState, written: int, job: int = command.job) -> None:
            screen.range_progress(
                RangeExportProgress(NOW, job, command.path, command.path + ".partial", state, written, 900)
            )

        feed(RangeState.READING, 5, job=command.job + 1000)  # another job's: ignored
        feed(RangeState.READING, 400)
        await pilot.pause()
        assert "400 of ~900 records" in str(screen.query_one("#export-status", Static).render())
        feed(RangeState.DONE, 880)
        await pilot.pause()
        assert app.screen is not screen
        assert any("Exported 880 records" in str(n.message) for n in app._notifications)


async def test_escape_cancels_the_range_export_and_the_dialog_says_what_is_left(tmp_path: Path) -> None:
    from kafkatui.domain.range_export import CancelRangeExport, ExportRange, RangeExportProgress, RangeState

    screen = _ranged(tmp_path, loaded=0)  # nothing loaded: the range is the one choice
    app = RangeHost(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        assert screen.is_range
        await pilot.press("enter")
        await pilot.pause()
        [command] = app.sent
        assert isinstance(command, ExportRange)
        await pilot.press("escape")
        await pilot.pause()
        assert app.sent[1:] == [CancelRangeExport(command.job)] and app.screen is screen
        Path(command.path + ".partial").write_text("partition,offset\n0,1\n")  # what the writer left
        screen.range_progress(
            RangeExportProgress(NOW, command.job, command.path, command.path + ".partial", RangeState.CANCELLED, 1, 9)
        )
        await pilot.pause()
        status = str(screen.query_one("#export-status", Static).render())
        assert "Export cancelled after 1 record:" in status and ".partial holds only those" in status
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_a_range_export_whose_dialog_was_closed_says_so_in_a_toast(tmp_path: Path) -> None:
    """A cluster switch pops every dialog and stops the worker that reads the range."""
    screen = _ranged(tmp_path, loaded=0)
    app = RangeHost(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.pop_screen()
        await pilot.pause(0.6)
        assert any(
            "Range export stopped" in str(n.message) and ".partial" in str(n.message) for n in app._notifications
        )


async def test_bad_range_fields_send_nothing(tmp_path: Path) -> None:
    screen = _ranged(tmp_path, loaded=0)
    app = RangeHost(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        screen.query_one("#range-partitions", Input).value = "5"
        await pilot.press("enter")
        await pilot.pause()
        assert app.sent == []
        assert "no partition 5" in str(screen.query_one("#export-status", Static).render())
