"""The command line as a user meets it: help, version, bad settings, check against nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kafkatui import __version__

CANARY = "CANARY-s3cr3t-7f1d"


def run(args: list[str], tmp_path: Path, env: dict[str, str] | None = None, timeout: float = 30):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKATUI_", "SASL_"))}
    full_env["KAFKATUI_LOG_FILE"] = str(tmp_path / "kafkatui.log")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kafkatui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tmp_path,
        env=full_env,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_help_names_the_log_file_and_precedence(tmp_path: Path) -> None:
    r = run(["--help"], tmp_path)
    assert r.returncode == 0
    assert "--demo" in r.stdout and "check" in r.stdout
    assert "kafkatui.log" in r.stdout
    assert "command line > environment > cluster profile > .env > --config file > defaults" in " ".join(
        r.stdout.split()
    )


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from kafkatui import cli; "
        "bad=[m for m in ('textual','confluent_kafka','pydantic','pydantic_settings') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == ""


def test_version(tmp_path: Path) -> None:
    r = run(["--version"], tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"kafkatui {__version__}"


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["check", "-X", "no.such.prop=1"], {}, "property no.such.prop: unknown librdkafka property"),
        (["check", "--timeout", "abc"], {}, "--timeout: expected a number"),
        (["check"], {"KAFKATUI_TIMEOUT": "0"}, "setting KAFKATUI_TIMEOUT: must be greater than 0"),
        (
            ["check", "-X", "acks=maybe"],
            {},
            'librdkafka config: Invalid value for configuration property "request.required.acks"',
        ),
        (["check", "-b", "nohost"], {}, "--bootstrap-servers: 'nohost' is not host:port"),
        (["check", "-X", "linger.ms"], {}, "-X linger.ms: expected -X key=value"),
        (["check", "-F", "missing.properties"], {}, "config file missing.properties: no such file"),
    ],
)
def test_bad_settings_one_line_exit_2(tmp_path: Path, args: list[str], env: dict[str, str], expected: str) -> None:
    r = run(args, tmp_path, env)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert expected in lines[0]
    assert "Traceback" not in r.stderr


def test_check_against_closed_port_fails_in_time(tmp_path: Path) -> None:
    port = closed_port()
    start = time.monotonic()
    r = run(["check", "-b", f"127.0.0.1:{port}", "--timeout", "2"], tmp_path)
    elapsed = time.monotonic() - start
    assert r.returncode == 1
    assert "unreachable" in r.stderr and "connection refused" in r.stderr.lower()
    assert elapsed < 2 + 3.0  # the timeout plus interpreter start-up


def test_secret_canary_never_printed_or_logged(tmp_path: Path) -> None:
    props = tmp_path / "client.properties"
    props.write_text(f"sasl.password={CANARY}\nssl.key.password={CANARY}x\n")
    env = {"SASL_USERNAME": "user", "SASL_PASSWORD": CANARY, "KAFKATUI_TIMEOUT": "1.5"}
    port = closed_port()
    outputs = []
    for args in (
        ["check", "-b", f"127.0.0.1:{port}", "-F", str(props)],
        ["check", "-b", f"127.0.0.1:{port}", "-X", f"sasl.password={CANARY}", "-X", "sasl.mechanism=PLAIN"],
        ["check", "-b", f"127.0.0.1:{port}", "-X", f"acks={CANARY}"],  # a bad value that IS the secret
        ["--help"],
    ):
        r = run(args, tmp_path, env)
        outputs += [r.stdout, r.stderr]
    logs = "".join(p.read_text() for p in tmp_path.glob("kafkatui.log*"))
    assert logs, "the log file should exist"
    for text in [*outputs, logs]:
        assert CANARY not in text
