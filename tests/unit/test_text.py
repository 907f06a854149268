"""The one helper for text from outside (domain.text), and the nets that use it (tables, logs)."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from kafkatui.domain.alerts import AlertEvent, AlertKind
from kafkatui.domain.text import escape_raw, inert, inert_lines
from kafkatui.kafka.freezer import AlertLog
from kafkatui.logs import setup_logging
from kafkatui.tui.widgets.keyed_table import plain_cell

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def controls(text: str, allow: str = "") -> list[str]:
    return [c for c in text if c not in allow and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in BIDI)]


def test_inert_escapes_what_the_issue_saw() -> None:
    assert inert("sensorT\x1b]0;PWNED-TITLE\x07") == "sensorT\\x1b]0;PWNED-TITLE\\x07"
    assert inert("sensorU\x1b[2J\x1b[H") == "sensorU\\x1b[2J\\x1b[H"
    assert inert("\x9b31m\u202eevil") == "\\x9b31m\\u202eevil"
    assert inert("a\nb\tc\\d") == "a\\nb\\tc\\\\d"  # a backslash doubles once escapes are needed
    assert inert("plain\\name") == "plain\\name"  # ...and not in a plain name
    assert inert("sensor0") == "sensor0"
    assert inert(None) == "(null)"


def test_inert_bounds_the_length_at_a_whole_escape() -> None:
    assert inert("k" * 5000, 32) == "k" * 31 + "…"
    assert len(inert("k" * 5000, 32)) == 32
    assert inert("abc\x1b", 6) == "abc…"  # "\x1b" would not fit whole: cut before it
    assert inert("k" * 32, 32) == "k" * 32


def test_inert_lines_keeps_line_breaks_only() -> None:
    assert inert_lines('{\n  "k": "\x1b[2J\u202e"\n}') == '{\n  "k": "\\x1b[2J\\u202e"\n}'
    assert inert_lines("a\r\nb\rc") == "a\nb\\rc"
    assert inert_lines("x" * 50, 10) == "x" * 9 + "…"


@given(st.text(), st.integers(1, 300))
def test_inert_is_one_printable_bounded_line(text: str, limit: int) -> None:
    shown = inert(text, limit)
    assert len(shown) <= limit
    assert shown.isprintable() and not controls(shown)


@given(st.text(), st.integers(1, 300))
def test_inert_lines_has_no_control_but_newlines(text: str, limit: int) -> None:
    shown = inert_lines(text, limit)
    assert len(shown) <= limit
    assert not controls(shown, allow="\n")


@given(st.binary(), st.integers(1, 300))
def test_escape_raw_is_one_printable_bounded_line(raw: bytes, limit: int) -> None:
    shown = escape_raw(raw, limit)
    assert len(shown) <= limit and shown.isprintable()


def test_plain_cell_never_hands_markup_or_controls_to_a_table() -> None:
    assert plain_cell("sensor0") == "sensor0"  # plain and short: the cheap str stays
    cell = plain_cell("[bold red]x[/]")
    assert isinstance(cell, Text) and cell.plain == "[bold red]x[/]" and not cell.spans
    assert plain_cell("a\x1b[2J").plain == "a\\x1b[2J"
    assert plain_cell("k" * 500, 20).plain == "k" * 19 + "…"
    styled = plain_cell(Text("x\x1b[2J", "bold red"))  # Rich strips BEL, not ESC
    assert styled.plain == "x\\x1b[2J" and str(styled.style) == "bold red"
    assert plain_cell(3) == 3


def test_log_file_arguments_are_inert(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "k.log", ["Zq9-CANARY"])
    assert path is not None
    log = logging.getLogger("kafkatui.test")
    log.warning("freezer consumer: %s", "broker says \x1b]0;PWNED\x07\nFAKE ERROR line")
    log.info("partition %d: %s", 3, "\u202eevil")
    log.error("unexpected error in the UI:\n%s", "Traceback\n  \x1b[2J boom", extra={"multiline": True})
    try:
        raise ValueError("key \x1b[31mred Zq9-CANARY")
    except ValueError:
        log.exception("failed")
    for handler in logging.getLogger("kafkatui").handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert not controls(text, allow="\n")
    assert "broker says \\x1b]0;PWNED\\x07\\nFAKE ERROR line" in text  # one line: no forged line
    assert "partition 3: \\u202eevil" in text
    assert "Traceback\n  \\x1b[2J boom" in text  # a traceback keeps its lines
    assert "key \\x1b[31mred ********" in text and "Zq9-CANARY" not in text


def test_alert_log_csv_sensor_is_inert_and_json_is_escaped(tmp_path: Path) -> None:
    event = AlertEvent(AlertKind.TOO_WARM, "sensorT\x1b]0;PWNED\x07", True, 9.5, 5.0, 1_700_000_000.0, 0, 7)
    for name in ("alerts.csv", "alerts.jsonl"):
        log = AlertLog(tmp_path / name)
        log.write(event)
        log.close()
        assert not controls((tmp_path / name).read_text(encoding="utf-8"), allow="\r\n")
    rows = list(csv.reader((tmp_path / "alerts.csv").open(encoding="utf-8")))
    assert rows[1][2] == "sensorT\\x1b]0;PWNED\\x07"
    assert "sensorT\\u001b]0;PWNED\\u0007" in (tmp_path / "alerts.jsonl").read_text(encoding="utf-8")
    assert event.describe() == "sensorT\\x1b]0;PWNED\\x07 too warm: 9.5 °C > max 5 °C"


def test_alert_log_names_the_cluster_and_keeps_an_older_csv_in_its_columns(tmp_path: Path) -> None:
    event = AlertEvent(AlertKind.TOO_WARM, "sensor1", True, 9.5, 5.0, 1_700_000_000.0, 0, 7)
    for cluster in ("127.0.0.1:19092", "127.0.0.1:29092"):  # a cluster switch: one file, both clusters, each named
        for name in ("alerts.csv", "alerts.jsonl"):
            log = AlertLog(tmp_path / name, cluster)
            log.write(event)
            log.close()
    rows = list(csv.reader((tmp_path / "alerts.csv").open(encoding="utf-8")))
    assert rows[0][-1] == "cluster" and [r[-1] for r in rows[1:]] == ["127.0.0.1:19092", "127.0.0.1:29092"]
    lines = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["cluster"] for line in lines] == ["127.0.0.1:19092", "127.0.0.1:29092"]
    older = tmp_path / "older.csv"  # begun by an earlier kafkatui, before the cluster column
    older.write_text(",".join(AlertLog.OLD_FIELDS) + "\r\n", encoding="utf-8")
    log = AlertLog(older, "127.0.0.1:19092")
    log.write(event)
    log.close()
    rows = list(csv.reader(older.open(encoding="utf-8")))
    assert len(rows[1]) == len(rows[0]) == len(AlertLog.OLD_FIELDS)
