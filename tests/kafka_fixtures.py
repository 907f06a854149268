"""Pytest plugin: real Apache Kafka clusters (scripts/kafka_testbed.py) as session fixtures.

Fixtures
- ``kafka1``: a 1-node KRaft cluster for the whole session (:class:`kafka_testbed.Cluster`).
- ``kafka3``: a 3-node KRaft cluster for the whole session.
- ``kafka3_faults``: ``kafka3`` for a test that kills nodes; heals the cluster afterwards
  (restarts dead nodes and waits for every ISR to be full), so the next test sees it healthy.
- ``kafka_secure``: a 1-node cluster whose PLAINTEXT listener (readiness, Kafka's tools) is joined
  by ``SASL_PLAINTEXT`` (PLAIN + SCRAM-SHA-512), ``SSL`` and ``SASL_SSL`` client listeners, with
  fresh credentials and a throwaway CA made at start (``cluster.security``,
  ``cluster.bootstrap_for(listener)``, ``cluster.client_env(listener, mechanism)``).
- ``kafka_tool``: ``run(cls_short_name, args) -> CompletedProcess[str]`` for Kafka's CLI tools
  (``TopicCommand``, ``ConsumerGroupCommand``, ...) from the same jars.
- ``kcat``: :class:`Kcat`, a callable running ``kcat`` (or ``kafkacat``) from PATH.
- ``schema_registry``: a real Schema Registry (Apicurio, Confluent-compatible API, Java >= 21) for the
  whole session (:class:`registry_testbed.Registry`; ``.url``). ``tb.kill_registry(reg)`` /
  ``tb.restart_registry(reg)`` stop and start it; its schemas survive a restart.

Without Java, the jars (and Maven to fetch them) or kcat these fixtures skip the test, except
under ``CI=true`` where they fail it: CI must never silently skip the real-Kafka tests.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NoReturn, Protocol

import pytest

import kafka_testbed as tb

Cluster = tb.Cluster


class ToolRunner(Protocol):
    def __call__(
        self, cls_short_name: str, args: Sequence[str], *, timeout: float = ...
    ) -> subprocess.CompletedProcess[str]: ...


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it under ``CI=true``."""
    if in_ci():
        pytest.fail(f"Kafka test bed unavailable under CI=true: {reason}", pytrace=False)
    pytest.skip(f"Kafka test bed unavailable: {reason}")


@functools.cache
def testbed_problem() -> str | None:
    """Why the test bed cannot run here (None if it can); fetches the jars on first use."""
    return tb.check_available()


def require_testbed() -> None:
    problem = testbed_problem()
    if problem:
        unavailable(problem)


def _session_cluster(brokers: int, suffix: str = "", **options: bool) -> Iterator[tb.Cluster]:
    require_testbed()
    tb.reap_orphans()  # clusters left behind by crashed sessions
    name = f"pytest-{brokers}b{suffix}-{os.getpid()}"
    try:
        cluster = tb.start_cluster(brokers, name, owner=True, die_with_parent=True, **options)
    except tb.TestbedUnavailable as exc:  # e.g. no openssl for the TLS listeners
        unavailable(str(exc))
    atexit.register(cluster.stop)  # safety net if the session dies before teardown
    try:
        yield cluster
    finally:
        cluster.stop()
        atexit.unregister(cluster.stop)


@pytest.fixture(scope="session")
def kafka1() -> Iterator[tb.Cluster]:
    """A 1-broker KRaft cluster on loopback, shared by the whole session."""
    yield from _session_cluster(1)


@pytest.fixture(scope="session")
def kafka3() -> Iterator[tb.Cluster]:
    """A 3-broker KRaft cluster on loopback, shared by the whole session."""
    yield from _session_cluster(3)


@pytest.fixture(scope="session")
def kafka_secure() -> Iterator[tb.Cluster]:
    """A 1-broker cluster with SASL_PLAINTEXT, SSL and SASL_SSL listeners (one start per session)."""
    yield from _session_cluster(1, "-secure", sasl=True, tls=True)


@pytest.fixture(scope="session")
def schema_registry() -> Iterator[tb.Registry]:
    """A real Schema Registry on loopback, shared by the whole session (skips, or fails under CI)."""
    problem = tb.registry_problem()
    if problem:
        unavailable(problem)
    tb.reap_orphans()  # registries (and clusters) left behind by crashed sessions
    run_dir = tb.run_root() / f"pytest-registry-{os.getpid()}"
    tb.down(run_dir.name)
    reg = tb.start_registry(run_dir, die_with_parent=True)

    def stop() -> None:
        tb.kill_registry(reg)
        shutil.rmtree(run_dir, ignore_errors=True)

    atexit.register(stop)
    try:
        yield reg
    finally:
        stop()
        atexit.unregister(stop)


@pytest.fixture
def kafka3_faults(kafka3: tb.Cluster) -> Iterator[tb.Cluster]:
    """``kafka3`` for a test that kills brokers; heals it (all nodes up, ISRs full) after."""
    kafka3.wait_healthy()
    try:
        yield kafka3
    finally:
        kafka3.heal()


@pytest.fixture(scope="session")
def kafka_tool() -> ToolRunner:
    """Run a Kafka CLI class from the test-bed jars, e.g. ``kafka_tool("TopicCommand", [...])``."""
    require_testbed()

    def run(cls_short_name: str, args: Sequence[str], *, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        return tb.run_tool(cls_short_name, list(args), timeout=timeout)

    return run


@dataclass(frozen=True)
class Kcat:
    """``kcat`` (or ``kafkacat``) found on PATH; call it with the command-line arguments."""

    path: str

    def __call__(self, *args: str, input: str | None = None, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.path, *args],
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def find_kcat() -> str | None:
    return shutil.which("kcat") or shutil.which("kafkacat")


@pytest.fixture(scope="session")
def kcat() -> Kcat:
    path = find_kcat()
    if path is None:
        unavailable("neither kcat nor kafkacat is on PATH (apt-get install kcat)")
    return Kcat(path)


def create_topic(kafka_tool: ToolRunner, bootstrap: str, partitions: int = 3, rf: int = 1, prefix: str = "it") -> str:
    """A new uniquely named topic, created with Kafka's own TopicCommand (an independent peer)."""
    import uuid

    topic = f"{prefix}-{uuid.uuid4().hex[:8]}"
    args = ["--bootstrap-server", bootstrap, "--create", "--topic", topic]
    r = kafka_tool("TopicCommand", [*args, "--partitions", str(partitions), "--replication-factor", str(rf)])
    assert r.returncode == 0, r.stderr
    return topic
