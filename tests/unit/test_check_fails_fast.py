"""`kafkatui check` ends at once when no retry can help, and only then.

Every bootstrap address refused (on every address it resolves to) or unresolvable: the reason
comes back long before the timeout (60 s here). A silent address (accepts, never answers) or one
of several addresses silent: the whole timeout is waited. Real sockets, all on loopback.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kafka_testbed as tb
from kafkatui.domain.models import Link
from kafkatui.kafka.check import bootstrap_entries, final_failure, run_check
from worker_probe import probe_settings

SRC = Path(__file__).resolve().parents[2] / "src"
LONG = 60.0


@pytest.fixture
def refused() -> Iterator[str]:
    """A loopback port bound but not listening: every connect is refused (and nobody else gets it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sock.getsockname()[1]}"


def test_bootstrap_entries() -> None:
    assert bootstrap_entries("a:1, b:2,SASL_SSL://c:3,[::1]:4,d") == [
        ("a", 1),
        ("b", 2),
        ("c", 3),
        ("::1", 4),
        ("d", 9092),
    ]


def test_final_failure_per_address(refused: str) -> None:
    host, port = refused.split(":")
    assert "connection refused" in (final_failure(host, int(port), 1.0) or "")
    assert "cannot be resolved" in (final_failure("no-such-host.invalid", 9092, 1.0) or "")
    with tb.SilentListener() as silent:
        assert final_failure("127.0.0.1", silent.port, 1.0) is None


def test_refused_port_is_reported_before_the_timeout(refused: str) -> None:
    start = time.monotonic()
    result = run_check(probe_settings(refused, timeout=LONG))
    assert result.failure is not None and result.failure.link is Link.UNREACHABLE
    assert "connection refused" in result.failure.reason and "retrying will not help" in result.failure.reason
    assert time.monotonic() - start < LONG  # it did not wait the timeout out


def test_unresolvable_name_is_reported_before_the_timeout() -> None:
    start = time.monotonic()
    result = run_check(probe_settings("no-such-host.invalid:9092", timeout=LONG))
    assert result.failure is not None and result.failure.link is Link.UNREACHABLE
    assert "no-such-host.invalid:9092: the name cannot be resolved" in result.failure.reason
    assert time.monotonic() - start < LONG


def test_all_addresses_final_names_each(refused: str) -> None:
    result = run_check(probe_settings(f"{refused},no-such-host.invalid:9092", timeout=LONG))
    assert result.failure is not None
    assert f"{refused}: connection refused" in result.failure.reason
    assert "no-such-host.invalid:9092: the name cannot be resolved" in result.failure.reason


@pytest.mark.parametrize("with_refused", [False, True], ids=["silent", "silent+refused"])
def test_a_silent_address_gets_the_whole_timeout(refused: str, with_refused: bool) -> None:
    timeout = 2.0
    with tb.SilentListener() as silent:
        bootstrap = f"{silent.address},{refused}" if with_refused else silent.address
        start = time.monotonic()
        result = run_check(probe_settings(bootstrap, timeout=timeout))
        waited = time.monotonic() - start
        assert silent.accepted >= 1
    assert result.failure is not None
    assert "retrying will not help" not in result.failure.reason
    assert waited >= timeout  # not given up early: a silent broker may still answer


def test_cli_check_names_the_refusal(refused: str, tmp_path: Path) -> None:
    start = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "kafkatui", "check", "-b", refused, "--timeout", str(LONG)],
        capture_output=True,
        text=True,
        timeout=LONG + 30,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(SRC)},
    )
    assert r.returncode == 1
    assert r.stderr.startswith(f"kafkatui: error: {refused}: unreachable: {refused}: connection refused")
    assert r.stderr.count("\n") == 1
    assert time.monotonic() - start < LONG
