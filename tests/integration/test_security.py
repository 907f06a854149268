"""SASL (PLAIN, SCRAM-SHA-512) and TLS against a real broker: `kafkatui check` and the Worker.

One session cluster (``kafka_secure``) serves every test: a PLAINTEXT listener plus
SASL_PLAINTEXT, SSL and SASL_SSL client listeners, fresh credentials and a throwaway CA.
Every failure must come back as its own sentence well before the timeout, and no password
(a canary value) may appear in stdout, stderr or the log file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import kafka_testbed as tb
from kafkatui.domain.models import ClusterSnapshot, ConnectionState, Link
from kafkatui.kafka.check import run_check
from worker_probe import probe_settings, start_worker

pytestmark = pytest.mark.kafka

TIMEOUT = 5.0  # --timeout for runs that should succeed
FAIL_TIMEOUT = 10.0  # --timeout for runs that should fail: they must answer in under half of it
FAST = 2.5  # in-process: seconds within which a failure must be reported (timeout 5)
REPO = Path(__file__).resolve().parents[2]

PLAIN, SCRAM = "PLAIN", "SCRAM-SHA-512"


def canary() -> str:
    return f"CANARY-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Run:
    """One `kafkatui` subprocess: exit code, outputs, the log file's text and the wall time."""

    rc: int
    stdout: str
    stderr: str
    log: str
    elapsed: float

    def leaks(self, secret: str) -> list[str]:
        return [
            name
            for name, text in (("stdout", self.stdout), ("stderr", self.stderr), ("log", self.log))
            if secret in text
        ]


def kafkatui(tmp_path: Path, env: dict[str, str], *args: str, timeout: float = TIMEOUT) -> Run:
    """Run `kafkatui ARGS --timeout T` with only `env` (the seed's .env names) around it."""
    log = tmp_path / f"kafkatui-{uuid.uuid4().hex[:6]}.log"
    full_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KAFKATUI_LOG_FILE": str(log),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),  # this checkout, whatever is installed
        **env,
    }
    start = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "kafkatui", *args, "--timeout", f"{timeout:g}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,  # no stray .env
        env=full_env,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.monotonic() - start
    text = log.read_text(errors="replace") if log.exists() else ""
    return Run(r.returncode, r.stdout, r.stderr, text, elapsed)


def settings_for(cluster: tb.Cluster, listener: str, mechanism: str = PLAIN, **changes: Any) -> dict[str, Any]:
    """Settings fields (for probe_settings) that use `listener` correctly, then `changes`."""
    env = cluster.client_env(listener, mechanism)
    fields: dict[str, Any] = {"security_protocol": listener}
    names = {
        "SASL_MECHANISM": "sasl_mechanism",
        "SASL_USERNAME": "sasl_username",
        "SASL_PASSWORD": "sasl_password",
        "SSL_CA_LOCATION": "ssl_ca_location",
    }
    fields.update({names[k]: v for k, v in env.items() if k in names})
    fields.update(changes)
    return fields


def worker_state(bootstrap: str, fields: dict[str, Any], until: Link) -> tuple[ConnectionState, float, list[str]]:
    """Start the real Worker; the first state with link `until`, when it came, and every link seen."""
    start = time.monotonic()
    worker, sink = start_worker(probe_settings(bootstrap, **fields))
    try:
        state = sink.wait_for(ConnectionState, lambda s: s.link is not Link.CONNECTING, timeout=3 * TIMEOUT)
        elapsed = time.monotonic() - start
        links = [e.link.value for e in sink.events if isinstance(e, ConnectionState)]
        assert state.link is until, (state.describe(), links)
        return state, elapsed, links
    finally:
        assert worker.stop(2.0)


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second throwaway CA: it signed nothing the broker presents."""
    cert, _key = tb.make_ca(tmp_path_factory.mktemp("other-ca"), "other")
    return cert


# --------------------------------------------------------------------------- the test bed


def test_secure_cluster_state_and_throwaway_material(kafka_secure: tb.Cluster) -> None:
    sec = kafka_secure.security
    assert sec is not None and sec.sasl and sec.tls
    assert kafka_secure.listeners == ("PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL")
    ports = {kafka_secure.bootstrap_for(n) for n in kafka_secure.listeners}
    assert len(ports) == 4  # four distinct listeners
    # state.json round-trips, so `kafka-testbed env` and other processes see the same facts
    loaded = tb.load_cluster(kafka_secure.name)
    assert loaded is not None and loaded.security == sec
    assert loaded.bootstrap_for("SASL_SSL") == kafka_secure.bootstrap_for("SASL_SSL")
    # key material is made at start inside the run dir (deleted with it), never in the repository
    for path in (sec.ca_path, sec.keystore_path):
        assert Path(path).is_file()
        assert Path(path).resolve().is_relative_to(Path(kafka_secure.run_dir).resolve())
        assert not Path(path).resolve().is_relative_to(REPO)
    assert oct(Path(sec.keystore_path).stat().st_mode & 0o777) == "0o600"
    # the two mechanisms have their own users, so a SCRAM test cannot pass through PLAIN
    assert sec.credentials(PLAIN)[0] != sec.credentials(SCRAM)[0]


def test_testbed_env_command_prints_kafkatui_settings(kafka_secure: tb.Cluster) -> None:
    r = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "kafka_testbed.py"), "env", "--name", kafka_secure.name,
         "--listener", "SASL_SSL", "--mechanism", SCRAM],
        capture_output=True, text=True, timeout=30,
        env={**os.environ, "KAFKATUI_TESTBED_RUN": str(Path(kafka_secure.run_dir).parent)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    exports = dict(line.removeprefix("export ").split("=", 1) for line in r.stdout.splitlines())
    assert exports == {k: v for k, v in kafka_secure.client_env("SASL_SSL", SCRAM).items()}
    assert exports["SECURITY_PROTOCOL"] == "SASL_SSL" and exports["SASL_MECHANISM"] == SCRAM


# --------------------------------------------------------------------------- correct credentials


def _right_env(cluster: tb.Cluster, case: str) -> dict[str, str]:
    """The environment a user would write for each way in (the seed's and MSK's names)."""
    if case == "sasl_plain":
        return cluster.client_env("SASL_PLAINTEXT", PLAIN)
    if case == "sasl_scram":
        return cluster.client_env("SASL_PLAINTEXT", SCRAM)
    if case == "ssl_msk_names":  # MSK-style: TLS on, CA given, no SECURITY_PROTOCOL
        assert cluster.security is not None
        return {
            "BOOTSTRAP_SERVERS": cluster.bootstrap_for("SSL"),
            "MSK_SSL_ENABLED": "true",
            "MSK_SSL_CA_LOCATION": cluster.security.ca_path,
        }
    if case == "sasl_ssl_seed_style":  # the seed's Confluent-style .env: SASL_SSL implied by a username
        env = cluster.client_env("SASL_SSL", PLAIN)
        del env["SECURITY_PROTOCOL"], env["SASL_MECHANISM"]
        return env
    if case == "sasl_ssl_scram":
        return cluster.client_env("SASL_SSL", SCRAM)
    raise AssertionError(case)


RIGHT = [
    ("sasl_plain", "SASL_PLAINTEXT"),
    ("sasl_scram", "SASL_PLAINTEXT"),
    ("ssl_msk_names", "SSL"),
    ("sasl_ssl_seed_style", "SASL_SSL"),
    ("sasl_ssl_scram", "SASL_SSL"),
]


@pytest.mark.parametrize(("case", "listener"), RIGHT, ids=[c for c, _ in RIGHT])
def test_check_connects_with_right_credentials(
    kafka_secure: tb.Cluster, tmp_path: Path, case: str, listener: str
) -> None:
    env = _right_env(kafka_secure, case)
    r = kafkatui(tmp_path, env, "check")
    assert r.rc == 0, r.stderr
    address = kafka_secure.bootstrap_for(listener)
    assert f"bootstrap:   {address}" in r.stdout
    assert f"cluster id:  {kafka_secure.cluster_id}" in r.stdout
    assert "brokers:     1 up of 1" in r.stdout
    assert f"1  {address}\n" in r.stdout  # the broker as advertised on this listener (KRaft: no flag)
    assert r.elapsed < TIMEOUT + 5  # interpreter start-up on a loaded machine included
    if "SASL_PASSWORD" in env:
        assert r.leaks(env["SASL_PASSWORD"]) == []


@pytest.mark.parametrize(
    ("listener", "mechanism"),
    [("SASL_PLAINTEXT", PLAIN), ("SASL_PLAINTEXT", SCRAM), ("SSL", PLAIN), ("SASL_SSL", PLAIN), ("SASL_SSL", SCRAM)],
)
def test_worker_connects_with_right_credentials(kafka_secure: tb.Cluster, listener: str, mechanism: str) -> None:
    fields = settings_for(kafka_secure, listener, mechanism)
    worker, sink = start_worker(probe_settings(kafka_secure.bootstrap_for(listener), **fields))
    try:
        sink.wait_for(ConnectionState, lambda s: s.link is Link.CONNECTED, timeout=TIMEOUT)
        snap = sink.wait_for(ClusterSnapshot, timeout=TIMEOUT)
        assert snap.cluster_id == kafka_secure.cluster_id
        assert [b.address for b in snap.brokers] == [kafka_secure.bootstrap_for(listener)]
        links = {e.link for e in sink.events if isinstance(e, ConnectionState)}
        assert links == {Link.CONNECTING, Link.CONNECTED}
    finally:
        assert worker.stop(2.0)


# --------------------------------------------------------------------------- wrong password


@pytest.mark.parametrize(
    ("listener", "mechanism"), [("SASL_PLAINTEXT", PLAIN), ("SASL_PLAINTEXT", SCRAM), ("SASL_SSL", SCRAM)]
)
def test_wrong_password_says_authentication_failed_fast_and_never_leaks(
    kafka_secure: tb.Cluster, tmp_path: Path, listener: str, mechanism: str
) -> None:
    secret = canary()
    env = {**kafka_secure.client_env(listener, mechanism), "SASL_PASSWORD": secret}
    r = kafkatui(tmp_path, env, "check", timeout=FAIL_TIMEOUT)
    assert r.rc == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "authentication failed" in lines[0]
    assert "unreachable" not in r.stderr
    assert r.elapsed < FAIL_TIMEOUT / 2, f"took {r.elapsed:.1f}s: it waited for the timeout"
    assert "SASL authentication" in r.log  # the log has librdkafka's lines, so the canary check means something
    assert r.leaks(secret) == []


@pytest.mark.parametrize("mechanism", [PLAIN, SCRAM])
def test_wrong_password_in_process_and_in_the_worker(kafka_secure: tb.Cluster, mechanism: str) -> None:
    fields = settings_for(kafka_secure, "SASL_PLAINTEXT", mechanism, sasl_password=canary())
    bootstrap = kafka_secure.bootstrap_for("SASL_PLAINTEXT")
    start = time.monotonic()
    result = run_check(probe_settings(bootstrap, **fields))
    elapsed = time.monotonic() - start
    assert result.failure is not None and result.failure.link is Link.AUTH_FAILED
    assert elapsed < FAST, f"check took {elapsed:.2f}s"
    expected = (
        "Invalid username or password" if mechanism == PLAIN else f"invalid credentials with SASL mechanism {SCRAM}"
    )
    assert expected.lower() in result.failure.reason.lower()
    _state, took, links = worker_state(bootstrap, fields, Link.AUTH_FAILED)
    assert took < FAST, f"worker took {took:.2f}s"
    assert Link.UNREACHABLE.value not in links


def test_scram_user_is_not_a_plain_user(kafka_secure: tb.Cluster) -> None:
    """The SCRAM tests really use SCRAM: the same credentials over PLAIN are refused."""
    assert kafka_secure.security is not None
    user, password = kafka_secure.security.credentials(SCRAM)
    fields = settings_for(kafka_secure, "SASL_PLAINTEXT", PLAIN, sasl_username=user, sasl_password=password)
    result = run_check(probe_settings(kafka_secure.bootstrap_for("SASL_PLAINTEXT"), **fields))
    assert result.failure is not None and result.failure.link is Link.AUTH_FAILED


def test_simulate_with_wrong_password_fails_without_leaking(kafka_secure: tb.Cluster, tmp_path: Path) -> None:
    secret = canary()
    env = {**kafka_secure.client_env("SASL_PLAINTEXT", SCRAM), "SASL_PASSWORD": secret}
    r = kafkatui(tmp_path, env, "simulate", "--count", "1", "-t", f"sec-{uuid.uuid4().hex[:6]}", timeout=2)
    assert r.rc == 1, r.stderr
    assert "authentication failed" in r.stderr  # said at once, not "undelivered" after the timeout
    assert r.leaks(secret) == []


# --------------------------------------------------------------------------- TLS failures


@pytest.mark.parametrize("listener", ["SSL", "SASL_SSL"])
def test_wrong_ca_is_a_tls_verification_failure(
    kafka_secure: tb.Cluster, other_ca: Path, tmp_path: Path, listener: str
) -> None:
    env = {**kafka_secure.client_env(listener, SCRAM), "SSL_CA_LOCATION": str(other_ca)}
    r = kafkatui(tmp_path, env, "check", timeout=FAIL_TIMEOUT)
    assert r.rc == 1, r.stderr
    line = r.stderr.strip()
    assert "TLS failure" in line and "certificate verif" in line, line
    assert "authentication failed" not in line and "unreachable" not in line
    assert r.elapsed < FAIL_TIMEOUT / 2, f"took {r.elapsed:.1f}s"
    if "SASL_PASSWORD" in env:
        assert r.leaks(env["SASL_PASSWORD"]) == []
    fields = settings_for(kafka_secure, listener, SCRAM, ssl_ca_location=other_ca)
    state, took, _ = worker_state(kafka_secure.bootstrap_for(listener), fields, Link.TLS_FAILED)
    assert "certificate verif" in state.reason and took < FAST


def test_plaintext_client_on_tls_listener_names_the_mismatch(kafka_secure: tb.Cluster, tmp_path: Path) -> None:
    env = {"BOOTSTRAP_SERVERS": kafka_secure.bootstrap_for("SSL"), "SECURITY_PROTOCOL": "PLAINTEXT"}
    r = kafkatui(tmp_path, env, "check", timeout=FAIL_TIMEOUT)
    assert r.rc == 1, r.stderr
    line = r.stderr.strip()
    assert "protocol mismatch" in line and "TLS listener" in line, line
    assert "security.protocol is PLAINTEXT (try SSL)" in line
    assert r.elapsed < FAIL_TIMEOUT / 2, f"took {r.elapsed:.1f}s"
    state, took, _ = worker_state(env["BOOTSTRAP_SERVERS"], {"security_protocol": "PLAINTEXT"}, Link.UNREACHABLE)
    assert state.reason.startswith("protocol mismatch") and "TLS listener" in state.reason
    assert took < FAST + 1.0  # the worker waits a second before calling a plain disconnect a failure


MISMATCHES = [
    # (client protocol, listener, link, words in the sentence)
    ("PLAINTEXT", "SASL_PLAINTEXT", Link.UNREACHABLE, "as a SASL listener does"),
    ("SASL_PLAINTEXT", "SASL_SSL", Link.UNREACHABLE, "as a TLS listener does"),
    ("SSL", "SASL_PLAINTEXT", Link.TLS_FAILED, "is not a TLS listener"),
    ("SSL", "PLAINTEXT", Link.TLS_FAILED, "is not a TLS listener"),
    ("SASL_PLAINTEXT", "PLAINTEXT", Link.AUTH_FAILED, "does not do SASL on this listener"),
]


@pytest.mark.parametrize(
    ("client", "listener", "link", "words"), MISMATCHES, ids=[f"{c}-on-{s}" for c, s, _, _ in MISMATCHES]
)
def test_every_protocol_mismatch_is_named(
    kafka_secure: tb.Cluster, client: str, listener: str, link: Link, words: str
) -> None:
    # right credentials and CA throughout: only the protocol is wrong
    fields = settings_for(kafka_secure, "SASL_SSL", PLAIN, security_protocol=client)
    start = time.monotonic()
    result = run_check(probe_settings(kafka_secure.bootstrap_for(listener), **fields))
    elapsed = time.monotonic() - start
    assert result.failure is not None
    assert result.failure.link is link, result.failure.describe()
    assert result.failure.reason.startswith("protocol mismatch") and words in result.failure.reason
    assert f"security.protocol is {client}" in result.failure.reason
    assert elapsed < FAST, f"took {elapsed:.2f}s"


# --------------------------------------------------------------------------- broken TLS files


@pytest.mark.parametrize("names", ["SSL_CA_LOCATION", "MSK_SSL_CA_LOCATION"])
def test_ca_file_that_is_not_pem_is_a_settings_error(kafka_secure: tb.Cluster, tmp_path: Path, names: str) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("this is not a certificate\n")
    env = {"BOOTSTRAP_SERVERS": kafka_secure.bootstrap_for("SSL"), "SECURITY_PROTOCOL": "SSL", names: str(bad)}
    r = kafkatui(tmp_path, env, "check")
    assert r.rc == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "ssl.ca.location" in lines[0] and str(bad) in lines[0] and "PEM" in lines[0]
    assert r.elapsed < TIMEOUT  # refused before any connection is tried
