"""Every row of docs/bad-input.md, run for real: the doc's input in, the doc's message out.

The rows are read from the markdown tables, so the page cannot drift from the code: change a
message and this test names the row; add a row and it is tested (a row whose section has no
runner, or whose "given" this file cannot build, fails).
"""

from __future__ import annotations

import logging
import re
import shlex
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import canned
from kafkatui import cli
from kafkatui.domain.alerts import Thresholds
from kafkatui.domain.groups import parse_partitions, parse_reset
from kafkatui.domain.producer import FormInput, TopicFacts, check_cluster, effective_limit, parse_form
from kafkatui.domain.readings import ParseRules, RejectCounter, Rejection, parse

DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-input.md"
COLUMNS = ["id", "given", "input", "message", "exit"]
CANARY = "CANARY"  # every secret in the doc's rows contains it; it must never come out
KEY_PASSWORD = "right-pw-CANARY"  # the encrypted key's real password (never typed in a row)


@dataclass(frozen=True)
class Row:
    section: str
    id: str
    given: str
    input: str
    message: str
    exit: str


def _cell(text: str) -> str:
    """A table cell: escaped pipes restored, one whole code span unwrapped."""
    text = text.strip().replace("\\|", "|")
    for tick in ("``", "`"):
        inner = text[len(tick) : -len(tick)]
        if len(text) >= 2 * len(tick) and text.startswith(tick) and text.endswith(tick) and tick not in inner:
            return inner.strip() if tick == "``" else inner
    return text


def load_rows(path: Path = DOC) -> list[Row]:
    rows: list[Row] = []
    section = ""
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [_cell(c) for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if header is None:
            header = cells
            assert header == COLUMNS, f"{path.name}: table columns {header}, expected {COLUMNS}"
            continue
        if set(line) <= {"|", "-", " ", ":"}:
            continue
        assert len(cells) == len(COLUMNS), f"{path.name}: {line!r} has {len(cells)} cells"
        rows.append(Row(section, *cells))
    return rows


ROWS = load_rows()


def test_the_catalogue_is_complete() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids)), "row ids must be unique"
    assert len(ROWS) >= 25
    assert {r.section for r in ROWS} == set(RUNNERS), "every section needs a runner, every runner a section"
    used = {item for r in ROWS for item in _given_items(r.given) if " = " not in item}
    assert used == set(FIXTURES), "every fixture phrase in the doc is built here, and only those"


# -- givens: files written in the working directory, or a named fixture --------------------


def _given_items(given: str) -> list[str]:
    return [i.strip() for i in given.split("; ") if i.strip()]


def _literal(text: str) -> str | bytes:
    value = eval(text, {"__builtins__": {}}, {})  # a str or bytes literal from our own doc
    assert isinstance(value, str | bytes), text
    return value


class Given:
    """Builds a row's "given" in `where` and collects the placeholders it fills."""

    def __init__(self, where: Path, request: pytest.FixtureRequest) -> None:
        self.where = where
        self.request = request
        self.values: dict[str, str] = {}

    def build(self, given: str) -> None:
        for item in _given_items(given):
            name, sep, literal = item.partition(" = ")
            if sep:
                content = _literal(_cell(literal))
                target = self.where / _cell(name)
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, encoding="utf-8")
                continue
            FIXTURES[item](self)

    def fill(self, text: str) -> str:
        for key, value in self.values.items():
            text = text.replace("{" + key + "}", value)
        return text


def _closed_port(g: Given) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        g.values["closed"] = str(s.getsockname()[1])


def _http_server(g: Given) -> None:
    g.values["http"] = str(g.request.getfixturevalue("http_port"))


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def pem_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate with its key encrypted, and an unrelated key (made once: RSA is slow)."""
    where = tmp_path_factory.mktemp("pem")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-keyout", "enc.key", "-passout", f"pass:{KEY_PASSWORD}",
        "-out", "cert.crt", "-days", "2", "-subj", "/CN=kafkatui-test", cwd=where,
    )  # fmt: skip
    _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "other.key", cwd=where)
    return where


def _copy_pem(*names: str) -> Callable[[Given], None]:
    def build(g: Given) -> None:
        source: Path = g.request.getfixturevalue("pem_files")
        for name in names:
            (g.where / name).write_bytes((source / name).read_bytes())

    return build


def _secure(listener: str, name: str) -> Callable[[Given], None]:
    def build(g: Given) -> None:
        cluster = g.request.getfixturevalue("kafka_secure")
        g.values[name] = cluster.bootstrap_for(listener)
        if listener == "SASL_PLAINTEXT":
            g.values["user"] = cluster.client_env(listener)["SASL_USERNAME"]

    return build


FIXTURES: dict[str, Callable[[Given], None]] = {
    "`{closed}`: a port nothing listens on": _closed_port,
    "`{http}`: a port that answers like a web server": _http_server,
    "`cert.crt` + `enc.key`: a certificate and its key, encrypted": _copy_pem("cert.crt", "enc.key"),
    "`other.key`: a private key": _copy_pem("other.key"),
    "`{sasl}`: a real Kafka broker's SASL_PLAINTEXT listener": _secure("SASL_PLAINTEXT", "sasl"),
    "`{user}`: a user it knows": lambda g: None,  # set with {sasl}
    "`{ssl}`: a real Kafka broker's SSL listener": _secure("SSL", "ssl"),
}


@pytest.fixture(scope="module")
def http_port() -> Iterator[int]:
    """A loopback port that answers every connection like a web server, then hangs up."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1.0)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    server.close()


# -- matching -------------------------------------------------------------------------------


def matches(expected: str, actual: str) -> bool:
    """`expected` with `…` standing for any text (none of it a newline)."""
    pattern = "[^\n]*?".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, actual) is not None


def _kwargs(text: str) -> dict[str, Any]:
    """The input column of a form row: Python keyword arguments (literals, `'x' * 10`)."""
    value = eval(f"dict({text})", {"__builtins__": {"dict": dict}}, {})  # our own doc
    assert isinstance(value, dict)
    return value


# -- the runners, one per section ---------------------------------------------------------


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A clean environment and working directory (conftest puts the kafkatui loggers back)."""
    canned.clear_settings_env(monkeypatch)
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "log" / "kafkatui.log"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def run_command_line(
    row: Row, g: Given, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[str, int]:
    words = shlex.split(g.fill(row.input))
    env: dict[str, str] = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0], re.DOTALL):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words and words[0] == "kafkatui", f"{row.id}: the input must be a kafkatui command"
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def no_dashboard(*args: object) -> int:
        raise AssertionError(f"{row.id}: the dashboard would have started (it ends the process)")

    monkeypatch.setattr(cli, "_dashboard", no_dashboard)
    capsys.readouterr()
    try:
        code = cli.main(words[1:])
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert out == "", f"{row.id}: nothing on stdout, got {out!r}"
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, f"{row.id}: one line, got {err!r}"
    logs = "".join(p.read_text(errors="replace") for p in (g.where / "log").glob("kafkatui.log*"))
    for text in (err, logs):
        assert CANARY not in text, f"{row.id}: a secret came out"
    return err.rstrip("\n"), code


def run_payload(row: Row, g: Given) -> str:
    fields = {"key": b"sensor0", **_kwargs(row.input)}
    rules = ParseRules.mapped(fields.get("value_field"), unit=fields.get("unit", "C"))
    result = parse(fields["key"], fields["value"], 1_700_000_000.0, 0, 7, rules)
    assert isinstance(result, Rejection), f"{row.id}: {result} was accepted"
    counter = RejectCounter()
    counter.add(result)
    from kafkatui.tui.panes.freezer import FreezerPane

    # the pane's own text for the `x` view (only `show_rejects` and `view.rejects` are read)
    text = FreezerPane._rejects_text(SimpleNamespace(show_rejects=True), SimpleNamespace(rejects=counter.snapshot()))  # type: ignore[arg-type]
    head, line = text.plain.split("\n")
    assert head == f"Rejected messages: 1 ({result.reason.value} 1)"  # counted, never silently dropped
    return line.strip()


BAD_INPUT_REGISTRY = "mock://bad-input"


def _bad_input_registry() -> Any:
    """The in-process registry of the section: id 1 the simulator's Avro schema, id 2 a record
    with no temperature field (for the decoded-but-unreadable row), id 3 a JSON Schema, id 4 an
    Avro record whose reference is missing (the in-process registry does not check references), id 5
    a .proto text that does not compile, id 6 a .proto text message Reading {sensor, temperature}."""
    from confluent_kafka.schema_registry import Schema, SchemaReference

    from kafkatui.kafka.registry import mock_client
    from kafkatui.kafka.schemas import SENSOR_AVRO

    client = mock_client(BAD_INPUT_REGISTRY)
    if not client.get_subjects():
        client.register_schema("freezer-temperatura-value", Schema(SENSOR_AVRO, "AVRO"))
        other = '{"type": "record", "name": "Door", "fields": [{"name": "open", "type": "boolean"}]}'
        client.register_schema("door-value", Schema(other, "AVRO"))
        readings = (
            '{"type": "object", "properties": {"sensor": {"type": "string"}, "temp": {"type": "number"}},'
            ' "required": ["sensor", "temp"]}'
        )
        client.register_schema("json-readings-value", Schema(readings, "JSON"))
        # id 4: an Avro record referencing a type under a subject the registry does not hold
        sited = (
            '{"type": "record", "name": "SitedReading", "fields": [{"name": "sensor", "type": "string"},'
            ' {"name": "site", "type": "kafkatui.sensors.Site"}]}'
        )
        missing = [SchemaReference("kafkatui.sensors.Site", "site-value", 1)]
        client.register_schema("sited-value", Schema(sited, "AVRO", missing))
        # id 5: a Protobuf schema held as .proto text that does not compile (Bogus is defined nowhere)
        client.register_schema("bogus-value", Schema('syntax = "proto3";\nmessage A { Bogus b = 1; }\n', "PROTOBUF"))
        # id 6: a Protobuf schema as .proto text (the Producer pane's Protobuf rows)
        proto = 'syntax = "proto3";\nmessage Reading { string sensor = 1; double temperature = 2; }\n'
        client.register_schema("proto-readings-value", Schema(proto, "PROTOBUF"))
    return client


def run_registry_payload(row: Row, g: Given) -> str:
    """The freezer feed's own decode step (FreezerFeed._decoded) with a real decoder."""
    import time

    from kafkatui.domain.readings import DEFAULT_RULES
    from kafkatui.kafka.decoder import RecordDecoder
    from kafkatui.kafka.freezer import FreezerFeed
    from kafkatui.kafka.registry import make_client

    fields = {"key": b"sensor0", **_kwargs(g.fill(row.input))}
    _bad_input_registry()
    settings = canned.settings().model_copy(update={"schema_registry_url": fields["registry"], "timeout": 5.0})
    client = make_client(settings)
    assert client is not None
    feed = SimpleNamespace(decoder=RecordDecoder(client, settings), rules=DEFAULT_RULES, parked=[])
    deadline = time.monotonic() + 10
    result: Any = None
    while time.monotonic() < deadline:
        result = FreezerFeed._decoded(feed, fields["key"], fields["value"], 1_700_000_000.0, 0, 7)  # type: ignore[arg-type]
        if result is not None:  # None: parked while the schema is fetched
            break
        feed.parked.clear()
        time.sleep(0.02)
    feed.decoder.close()
    assert isinstance(result, Rejection), f"{row.id}: {result} was accepted"
    counter = RejectCounter()
    counter.add(result)
    from kafkatui.tui.panes.freezer import FreezerPane

    text = FreezerPane._rejects_text(SimpleNamespace(show_rejects=True), SimpleNamespace(rejects=counter.snapshot()))  # type: ignore[arg-type]
    head, line = text.plain.split("\n")
    assert head == f"Rejected messages: 1 ({result.reason.value} 1)"
    return line.strip()


def run_topic_form(row: Row, g: Given) -> str:
    from kafkatui.tui.screens.topic_create import build_command

    fields = _kwargs(row.input)
    with pytest.raises(ValueError) as info:
        build_command(fields["name"], "3", "1", "", "", "", "", ("freezer-temperatura", "sensor_data"))
    return str(info.value)


async def run_limits_form(row: Row, g: Given) -> str:
    from textual.app import App
    from textual.widgets import Input, Static

    from kafkatui.tui.screens.limits import LimitsScreen

    current = Thresholds(-5.0, 5.0)
    results: list[Thresholds | None] = []
    fields = _kwargs(row.input)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(LimitsScreen(current), results.append)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LimitsScreen)
        for name, key in (("min", "tmin"), ("max", "tmax"), ("hysteresis", "hysteresis")):
            screen.query_one(f"#{key}", Input).value = fields[name]
        screen.query_one("#tmin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and results == [], f"{row.id}: the form was accepted"
        assert screen.current == current  # the old limits stay in force
        return str(screen.query_one("#limits-message", Static).render())


def run_producer_form(row: Row, g: Given) -> str:
    fields = {"topic": "freezer-temperatura", **_kwargs(row.input)}
    parsed = parse_form(FormInput(**fields))
    if isinstance(parsed, list):
        problems = parsed
    else:  # what the worker knows of the cluster (the pane asks the same function)
        limit, source = effective_limit(1_048_588, 1_000_000)
        problems = check_cluster(parsed, TopicFacts("freezer-temperatura", 3, True, limit, source))
    assert problems, f"{row.id}: the send was accepted"
    return "\n".join(str(p) for p in problems)


def run_schema_send(row: Row, g: Given) -> str:
    """What the producer service checks before a send with a schema (the pane shows its notice)."""
    from kafkatui.kafka.registry import classify
    from kafkatui.kafka.schema_writer import DoesNotFit, SchemaRef, resolve

    fields = {"topic": "freezer-temperatura", **_kwargs(row.input)}
    parsed = parse_form(FormInput(**fields))
    assert not isinstance(parsed, list), f"{row.id}: the form itself refused it: {parsed}"
    client = _bad_input_registry()
    settings = canned.settings().model_copy(update={"schema_registry_url": BAD_INPUT_REGISTRY})
    ref = SchemaRef(parsed.schema, parsed.subject, parsed.schema_version)
    try:
        writer = resolve(client, ref)
        writer.encode(parsed.value)
    except DoesNotFit as exc:
        return f"not sent: {exc}"
    except Exception as exc:
        return f"not sent: {classify(exc, settings, f'the {ref.describe()}').text}"
    raise AssertionError(f"{row.id}: the value was accepted")


def run_reset_form(row: Row, g: Given) -> str:
    fields = _kwargs(row.input)
    with pytest.raises(ValueError) as info:
        parse_reset(fields["target"], fields["value"], 1_764_000_000.0)
        parse_partitions(fields.get("partitions", "all"))
    return str(info.value)


def run_export_name(row: Row, g: Given) -> str:
    from kafkatui.domain.export import ExportSource
    from kafkatui.tui.screens.export import ExportScreen

    source = ExportSource("t", "topics", "", ("a",), lambda: iter([]))
    screen = ExportScreen([source], lambda: 1_764_000_000.0, folder=g.where)
    before = sorted(p.name for p in g.where.iterdir())
    problem, path, fmt = screen._check(_kwargs(row.input)["path"].strip())
    assert problem is not None and path is None and fmt is None, f"{row.id}: accepted"
    assert sorted(p.name for p in g.where.iterdir()) == before  # nothing written or touched
    return problem


async def run_range_export(row: Row, g: Given) -> str:
    """The viewer's export dialog with "a range read from Kafka" chosen: the fields typed, enter."""
    from textual.app import App
    from textual.widgets import Input, Select, Static

    from kafkatui.tui.messages import SendCommand
    from kafkatui.tui.screens.export import ExportScreen, RangeChoice

    fields = {"from_mode": "earliest", "from_value": "", "to_mode": "end", "to_value": "", "partitions": "all"}
    fields.update(_kwargs(row.input))
    modes = {"earliest": "beginning", "end": "end", "offset": "offset", "time": "timestamp"}
    sent: list[object] = []
    screen = ExportScreen([], lambda: 1_764_000_000.0, folder=g.where, ranged=RangeChoice("t", None, (0, 1, 2)))

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

        def on_send_command(self, message: SendCommand) -> None:
            sent.append(message.command)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen.is_range
        screen.query_one("#range-from-mode", Select).value = modes[fields["from_mode"]]
        screen.query_one("#range-to-mode", Select).value = modes[fields["to_mode"]]
        await pilot.pause()
        screen.query_one("#range-from", Input).value = fields["from_value"]
        screen.query_one("#range-to", Input).value = fields["to_value"]
        screen.query_one("#range-partitions", Input).value = fields["partitions"]
        screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert sent == [] and screen.range_job is None, f"{row.id}: the export was sent"
        assert list(g.where.iterdir()) == [], f"{row.id}: a file was written"
        return str(screen.query_one("#export-status", Static).render())


RUNNERS: dict[str, Any] = {
    "Command line, settings files and the environment": run_command_line,
    "Reaching the cluster": run_command_line,
    "Freezer: records on the topic": run_payload,
    "Freezer: Schema Registry records": run_registry_payload,
    "Topics: the create form (`c`)": run_topic_form,
    "Freezer: the limits form (`e`)": run_limits_form,
    "Producer pane (`5`)": run_producer_form,
    "Producer pane (`5`): sending with a schema": run_schema_send,
    "Groups: the offset reset form (`x`)": run_reset_form,
    "Export: the file name (`E`)": run_export_name,
    "Export: a range read from Kafka (`E` in the message viewer)": run_range_export,
}


def _param(row: Row) -> Any:
    marks = [pytest.mark.kafka] if any("real Kafka broker" in i for i in _given_items(row.given)) else []
    return pytest.param(row, id=row.id, marks=marks)


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
async def test_row(
    row: Row,
    isolated: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    g = Given(isolated, request)
    g.build(row.given)
    runner = RUNNERS[row.section]
    if runner is run_command_line:
        message, code = runner(row, g, monkeypatch, capsys)
        assert str(code) == row.exit, f"{row.id}: exit {code}, the doc says {row.exit}: {message}"
    elif runner in (run_limits_form, run_range_export):
        message = await runner(row, g)
    else:
        message = runner(row, g)
        assert row.exit == "", f"{row.id}: only commands have an exit code"
    expected = g.fill(row.message)
    assert matches(expected, message), f"{row.id}:\n  doc:    {expected}\n  actual: {message}"


# -- beyond the table ---------------------------------------------------------------------


def test_an_unexpected_error_before_the_settings_load_is_one_line_and_logged(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last line of defence: no traceback on the terminal, the details in the log file."""
    import kafkatui.settings

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    logging.getLogger("kafkatui").handlers.clear()
    monkeypatch.setattr(kafkatui.settings, "load_settings", boom)
    code = cli.main(["check"])
    err = capsys.readouterr().err
    log = isolated / "log" / "kafkatui.log"
    assert code == 1
    assert err == f"kafkatui: error: unexpected RuntimeError: disk on fire second line (details in {log})\n"
    assert "Traceback" in log.read_text() and "disk on fire" in log.read_text()


def test_the_parser_reads_escaped_pipes_and_code_spans(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "## S\n\n| id | given | input | message | exit |\n|---|---|---|---|---|\n"
        "| a | | `x \\| y` | ``it's `quoted` `` | 2 |\n"
    )
    assert load_rows(doc) == [Row("S", "a", "", "x | y", "it's `quoted`", "2")]
    assert matches("after …ms in state", "after 12ms in state")
    assert not matches("after …ms", "after 1\nms")
