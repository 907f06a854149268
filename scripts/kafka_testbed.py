#!/usr/bin/env python3
"""Real Apache Kafka (KRaft) clusters on loopback for kafkatui's tests, without Docker.

Jars come from Maven Central into a cache folder outside the repository; brokers are combined
broker+controller JVMs with a static quorum, each in its own session, logging to a file per node.

CLI (see ``kafka-testbed --help``)::

    kafka-testbed fetch                    # download the jars only (CI runs this first)
    kafka-testbed up --brokers 3 --name x  # last stdout line: 127.0.0.1:P1,127.0.0.1:P2,...
    kafka-testbed up --sasl --tls --name s # adds SASL_PLAINTEXT, SSL and SASL_SSL client listeners
    kafka-testbed up --schema-registry     # adds a Schema Registry (Apicurio, Java >= 21); env shows its URL
    eval "$(kafka-testbed env --name s --listener SASL_SSL --mechanism SCRAM-SHA-512)"  # for kafkatui
    kafka-testbed status|down|heal --name x
    kafka-testbed kill 2 --name x ; kafka-testbed start 2 --name x
    kafka-testbed tool TopicCommand --bootstrap-server 127.0.0.1:P --list

Python API: :func:`ensure_jars`, :func:`start_cluster`, :func:`load_cluster`, :func:`down`,
:func:`run_tool`, :class:`Cluster`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import ctypes
import fcntl
import json
import logging
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import registry_testbed as rtb
from registry_testbed import Registry, RegistryUnavailable

# Newest first. The first version whose jars resolve (or are already cached) is used.
# Note: 4.4.0 of kafka_2.13 was seen on Maven Central without its kafka-tools artifact,
# so it is not listed; set KAFKATUI_KAFKA_VERSION to force a version.
KAFKA_VERSIONS: tuple[str, ...] = ("4.3.1", "4.3.0", "4.2.1", "4.1.2")
LOG4J_VERSION = "2.25.3"
DEPENDENCY_PLUGIN_VERSION = "3.8.1"

JVM_FLAGS: tuple[str, ...] = (
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)
TOOL_JVM_FLAGS: tuple[str, ...] = (
    "-Xms32m",
    "-Xmx256m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
)

TOOL_CLASSES: dict[str, str] = {
    "TopicCommand": "org.apache.kafka.tools.TopicCommand",
    "ConsumerGroupCommand": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "ConsoleProducer": "org.apache.kafka.tools.ConsoleProducer",
    "ConsoleConsumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "GetOffsetShell": "org.apache.kafka.tools.GetOffsetShell",
    "ConfigCommand": "kafka.admin.ConfigCommand",
    "AclCommand": "org.apache.kafka.tools.AclCommand",
    "StorageTool": "kafka.tools.StorageTool",
    "MetadataQuorumCommand": "org.apache.kafka.tools.MetadataQuorumCommand",
}

DEFAULT_NAME = "default"
STATE_FILE = "state.json"
COMPLETE_MARKER = "COMPLETE"

_LOG = logging.getLogger("kafkatui.testbed")
_RDKAFKA_LOG = logging.getLogger("kafkatui.testbed.librdkafka")
_RDKAFKA_LOG.addHandler(logging.NullHandler())
_RDKAFKA_LOG.propagate = False

# Brokers started by this process, so their exit can be reaped (no zombies counted as "up").
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class TestbedError(RuntimeError):
    """The test bed could not do what was asked (the message says why, with log tails)."""

    __test__ = False  # not a pytest test class


class TestbedUnavailable(TestbedError):
    """Java, Maven or the jars are not available on this machine."""

    __test__ = False


# --------------------------------------------------------------------------- paths


def cache_root() -> Path:
    env = os.environ.get("KAFKATUI_TESTBED_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "kafkatui-testbed"


def run_root() -> Path:
    env = os.environ.get("KAFKATUI_TESTBED_RUN")
    return Path(env) if env else cache_root() / "run"


def version_dir(version: str) -> Path:
    return cache_root() / f"kafka-{version}"


def lib_dir(version: str) -> Path:
    return version_dir(version) / "lib"


def candidate_versions() -> tuple[str, ...]:
    forced = os.environ.get("KAFKATUI_KAFKA_VERSION")
    return (forced,) if forced else KAFKA_VERSIONS


# --------------------------------------------------------------------------- jars


def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise TestbedUnavailable("java not found (set JAVA_HOME or put java on PATH)")
    return found


def jars_complete(version: str) -> bool:
    return (version_dir(version) / COMPLETE_MARKER).is_file() and lib_dir(version).is_dir()


def cached_version() -> str | None:
    """The first candidate version whose jars are already in the cache."""
    return next((v for v in candidate_versions() if jars_complete(v)), None)


def _pom(version: str) -> str:
    def dep(group: str, artifact: str, ver: str) -> str:
        return (
            f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{ver}</version></dependency>"
        )

    deps = "\n    ".join(
        [
            dep("org.apache.kafka", "kafka_2.13", version),
            dep("org.apache.kafka", "kafka-tools", version),
            dep("org.apache.logging.log4j", "log4j-api", LOG4J_VERSION),
            dep("org.apache.logging.log4j", "log4j-core", LOG4J_VERSION),
            dep("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION),
        ]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kafkatui</groupId>
  <artifactId>kafka-testbed-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    {deps}
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId>
    <artifactId>maven-dependency-plugin</artifactId>
    <version>{DEPENDENCY_PLUGIN_VERSION}</version>
  </plugin></plugins></build>
</project>
"""


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fetch_jars(version: str) -> Path:
    """Download Kafka ``version`` and its runtime dependencies into the cache; idempotent."""
    vdir = version_dir(version)
    with _file_lock(vdir / ".lock"):
        if jars_complete(version):
            return lib_dir(version)
        mvn = shutil.which("mvn")
        if not mvn:
            raise TestbedUnavailable("mvn not found: cannot download the Kafka jars")
        tmp = vdir / f"lib.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        (vdir / "pom.xml").write_text(_pom(version))
        cmd = [
            mvn, "-q", "-B", "-f", str(vdir / "pom.xml"),
            f"-Dmaven.repo.local={cache_root() / 'm2'}",
            "dependency:copy-dependencies", "-DincludeScope=runtime",
            f"-DoutputDirectory={tmp}",
        ]  # fmt: skip
        _LOG.info("fetching Kafka %s jars with Maven", version)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        jars = sorted(p.name for p in tmp.glob("*.jar")) if tmp.is_dir() else []
        if proc.returncode != 0 or not jars:
            shutil.rmtree(tmp, ignore_errors=True)
            tail = _tail_text(proc.stdout + proc.stderr, 30)
            raise TestbedUnavailable(f"Maven could not fetch Kafka {version}:\n{tail}")
        shutil.rmtree(lib_dir(version), ignore_errors=True)
        tmp.rename(lib_dir(version))
        (vdir / COMPLETE_MARKER).write_text("\n".join(jars) + "\n")
        return lib_dir(version)


def ensure_jars(version: str | None = None) -> tuple[str, Path]:
    """Return ``(version, lib_dir)``, fetching the newest resolvable candidate if needed."""
    if version:
        return version, fetch_jars(version)
    cached = cached_version()
    if cached:
        return cached, lib_dir(cached)
    errors: list[str] = []
    for candidate in candidate_versions():
        try:
            return candidate, fetch_jars(candidate)
        except TestbedUnavailable as exc:
            errors.append(str(exc))
            if not shutil.which("mvn"):
                break
    raise TestbedUnavailable("no Kafka version could be fetched:\n" + "\n".join(errors))


def check_available() -> str | None:
    """None if Java and the jars are usable (fetching them if needed), else the reason."""
    try:
        find_java()
        ensure_jars()
    except TestbedUnavailable as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- logging config


def _log4j2_xml(level: str, target: str) -> str:
    quiet = [
        "kafka.request.logger",
        "state.change.logger",
        "kafka.log.LogCleaner",
        "org.apache.kafka.clients",
        "org.apache.kafka.common.utils.AppInfoParser",
        "org.apache.kafka.storage.internals.log",
        "org.apache.kafka.raft",
        "org.apache.kafka.metadata",
        "kafka.coordinator",
        "org.apache.kafka.coordinator",
        "kafka.cluster.Partition",
        "kafka.log.UnifiedLog",
        "org.apache.kafka.server.config",
        "org.apache.kafka.common.config",
        "kafka.server.ReplicaFetcherThread",
        "kafka.server.ReplicaFetcherManager",
        "kafka.server.ReplicaAlterLogDirsManager",
        "kafka.server.metadata",
    ]
    loggers = "\n    ".join(f'<Logger name="{n}" level="WARN"/>' for n in quiet)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="out" target="{target}">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    {loggers}
    <Root level="{level}"><AppenderRef ref="out"/></Root>
  </Loggers>
</Configuration>
"""


def _tools_log4j2(version: str) -> Path:
    path = version_dir(version) / "tools-log4j2.xml"
    text = _log4j2_xml("WARN", "SYSTEM_ERR")
    if not path.is_file() or path.read_text() != text:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(path)  # atomic: a concurrent tool JVM never reads half a file
    return path


# --------------------------------------------------------------------------- tools


def tool_class(name: str) -> str:
    if "." in name:
        return name
    try:
        return TOOL_CLASSES[name]
    except KeyError:
        known = ", ".join(sorted(TOOL_CLASSES))
        raise TestbedError(f"unknown tool {name!r}; known: {known} (or a full class)") from None


def tool_command(cls_short_name: str, args: Sequence[str], version: str | None = None) -> list[str]:
    ver, lib = ensure_jars(version)
    return [
        find_java(),
        *TOOL_JVM_FLAGS,
        f"-Dlog4j2.configurationFile={_tools_log4j2(ver)}",
        "-cp",
        f"{lib}/*",
        tool_class(cls_short_name),
        *args,
    ]


def run_tool(
    cls_short_name: str,
    args: Sequence[str],
    *,
    timeout: float = 120.0,
    input: str | None = None,
    version: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a Kafka CLI class (e.g. ``TopicCommand``) from the cached jars; never raises on rc."""
    cmd = tool_command(cls_short_name, args, version)
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        check=False,
    )


# --------------------------------------------------------------------------- processes


def _proc_stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name "(...)" which may contain spaces.
    return raw[raw.rfind(")") + 2 :].split()


def _proc_start_time(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[19]) if fields else None  # field 22 of stat, counted from state=3


def _proc_cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _reap(pid: int) -> None:
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        _CHILDREN.pop(pid, None)


def pid_alive(pid: int | None, must_contain: str | None = None) -> bool:
    """True if ``pid`` runs (not a zombie) and, if given, its command line has ``must_contain``."""
    if not pid:
        return False
    _reap(pid)
    fields = _proc_stat(pid)
    if fields is None or fields[0] in ("Z", "X"):
        return False
    return must_contain is None or must_contain in _proc_cmdline(pid)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout)
        return
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _stray_pids(run_dir: Path) -> list[int]:
    """Broker and registry JVMs whose command line points into ``run_dir`` (survivors of lost state)."""
    needle = f"{run_dir}/"
    found = rtb.stray_pids(run_dir)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            cmdline = _proc_cmdline(int(entry.name))
            if needle in cmdline and "kafka.Kafka" in cmdline:
                found.append(int(entry.name))
    return found


_PRCTL: Any = None


def _pdeathsig_hook() -> Callable[[], None]:
    """A preexec hook making the child die with the forking thread (Linux PR_SET_PDEATHSIG).

    ``prctl`` is looked up here, in the parent, so the child only makes one libc call.
    """
    global _PRCTL
    if _PRCTL is None:
        _PRCTL = ctypes.CDLL(None, use_errno=True).prctl

    def hook() -> None:
        _PRCTL(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG

    return hook


def _tail_text(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def tail_file(path: Path | str, lines: int = 40) -> str:
    try:
        with Path(path).open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            return _tail_text(handle.read().decode(errors="replace"), lines)
    except OSError as exc:
        return f"<no log: {exc}>"


# --------------------------------------------------------------------------- schema registry

REGISTRY_STATE = "registry.json"


def fetch_registry() -> Path:
    """Download Apicurio Registry into the cache (idempotent); needs Maven, not Java."""
    try:
        return rtb.fetch(cache_root(), _file_lock)
    except RegistryUnavailable as exc:
        raise TestbedUnavailable(str(exc)) from exc


def registry_problem() -> str | None:
    """None if a Schema Registry can run here (fetching it if needed), else the reason."""
    try:
        rtb.find_java21()
        fetch_registry()
    except (RegistryUnavailable, TestbedUnavailable) as exc:
        return str(exc)
    return None


def _spawner(die_with_parent: bool) -> Callable[[list[str], Path, str], int]:
    """Popen for the registry; ``die_with_parent`` ties it to this process (PR_SET_PDEATHSIG, from the
    main thread only: the signal fires when the forking thread ends), as the pytest fixture wants."""
    tie = die_with_parent and threading.current_thread() is threading.main_thread() and sys.platform == "linux"
    return lambda cmd, log_path, cwd: _spawn_process(cmd, log_path, cwd, tie)


def _spawn_process(cmd: list[str], log_path: Path, cwd: str, tie: bool = False) -> int:
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_pdeathsig_hook() if tie else None,
        )
    _CHILDREN[proc.pid] = proc
    return proc.pid


def _save_registry(reg: Registry) -> None:
    (Path(reg.dir) / REGISTRY_STATE).write_text(json.dumps(asdict(reg), indent=2) + "\n")


def load_registry(run_dir: Path | str) -> Registry | None:
    """The registry started in ``run_dir`` (by ``up --schema-registry`` or the fixture), if any."""
    try:
        return Registry(**json.loads((Path(run_dir) / "registry" / REGISTRY_STATE).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def start_registry(run_dir: Path | str, timeout: float = 90.0, die_with_parent: bool = False) -> Registry:
    """Start a Schema Registry on two free loopback ports in ``run_dir/registry``; wait until ready."""
    java, source = rtb.find_java21()
    app = fetch_registry()
    port, management = free_ports(2)
    reg = Registry(str(Path(run_dir) / "registry"), port, management, java, source, str(app))
    reg.die_with_parent = die_with_parent
    reg.spawn(_spawner(die_with_parent))
    _save_registry(reg)
    try:
        reg.wait_ready(timeout)
    except RegistryUnavailable as exc:
        kill_registry(reg)
        raise TestbedError(str(exc)) from exc
    _LOG.info("schema registry ready at %s (java: %s)", reg.url, source)
    return reg


def kill_registry(reg: Registry, timeout: float = 15.0) -> None:
    """Stop the registry (SIGTERM, so its H2 file keeps its schemas; SIGKILL after ``timeout``)."""
    if reg.pid and reg.alive():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(reg.pid, signal.SIGTERM)
        _wait_gone(reg.pid, timeout)
        if reg.alive():
            _kill_group(reg.pid)
            _wait_gone(reg.pid)
    reg.pid = None
    if Path(reg.dir).is_dir():
        _save_registry(reg)


def restart_registry(reg: Registry, timeout: float = 90.0) -> None:
    """Start a killed registry again on the same ports and database; wait until ready."""
    if not reg.alive():
        reg.spawn(_spawner(reg.die_with_parent))
        _save_registry(reg)
    try:
        reg.wait_ready(timeout)
    except RegistryUnavailable as exc:
        raise TestbedError(str(exc)) from exc


# --------------------------------------------------------------------------- network


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (held open together so they differ)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class SilentListener:
    """A loopback TCP socket that accepts connections and never answers: a stuck broker.

    ``with SilentListener() as silent: ... silent.address`` (``127.0.0.1:port``). A client's
    connect succeeds and its first request (ApiVersions) waits for ever, so a metadata call stays
    in flight; tests and benchmarks need no unroutable outside address for that.
    """

    def __init__(self) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._server.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-listener", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.getsockname()[1])

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def accepted(self) -> int:
        return len(self._held)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _peer = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(conn)  # kept open, never read, never written

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()
        for conn in self._held:
            conn.close()

    def __enter__(self) -> SilentListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _admin(bootstrap: str) -> Any:
    from confluent_kafka.admin import AdminClient

    conf: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "logger": _RDKAFKA_LOG,
        "socket.timeout.ms": 3000,
        "reconnect.backoff.max.ms": 500,
        "topic.metadata.refresh.interval.ms": 1000,
    }
    return AdminClient(conf)


def _metadata(admin: Any, timeout: float = 3.0) -> Any | None:
    from confluent_kafka import KafkaException

    try:
        return admin.list_topics(timeout=timeout)
    except KafkaException:
        return None


def metadata_broker_ids(bootstrap: str, timeout: float = 3.0) -> set[int]:
    """Broker ids in one metadata response (empty set if no answer within ``timeout``)."""
    md = _metadata(_admin(bootstrap), timeout)
    return set(md.brokers) if md is not None else set()


def _unhealthy_partitions(md: Any) -> list[str]:
    bad = []
    for name, topic in md.topics.items():
        if topic.error is not None:
            bad.append(f"{name}: {topic.error}")
            continue
        for pid, part in topic.partitions.items():
            if part.leader < 0 or set(part.isrs) != set(part.replicas):
                bad.append(f"{name}-{pid} leader={part.leader} isr={part.isrs} rep={part.replicas}")
    return bad


# --------------------------------------------------------------------------- SASL and TLS

# Client listeners added by ``start_cluster(sasl=..., tls=...)``; the PLAINTEXT listener (used by
# the readiness checks and the tools) and the PLAINTEXT controller listener always stay.
SASL_PLAINTEXT = "SASL_PLAINTEXT"
SSL = "SSL"
SASL_SSL = "SASL_SSL"
SECURE_LISTENERS: tuple[str, ...] = (SASL_PLAINTEXT, SSL, SASL_SSL)
SCRAM_MECHANISM = "SCRAM-SHA-512"
_PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule"
_SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"


def _openssl(*args: str) -> None:
    exe = shutil.which("openssl")
    if not exe:
        raise TestbedUnavailable("openssl not found: cannot make the throwaway TLS certificates")
    proc = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise TestbedError(f"openssl {args[0]} failed:\n{_tail_text(proc.stderr, 10)}")


def make_ca(directory: Path | str, name: str = "ca") -> tuple[Path, Path]:
    """A throwaway CA (2 days): returns ``(cert.pem, key.pem)`` written into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    cert, key = out / f"{name}.crt", out / f"{name}.key"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key))
    key.chmod(0o600)
    _openssl(
        "req", "-x509", "-new", "-key", str(key), "-sha256", "-days", "2",
        "-subj", f"/CN=kafkatui test bed {name} {uuid.uuid4().hex[:8]}", "-out", str(cert),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return cert, key


def make_server_cert(
    directory: Path | str,
    ca_cert: Path | str,
    ca_key: Path | str,
    name: str = "broker",
    hosts: Sequence[str] = ("localhost", "127.0.0.1"),
) -> Path:
    """A server certificate signed by the CA, for ``hosts`` (DNS names or IPs), 2 days.

    Returns a PEM keystore (unencrypted PKCS#8 key + certificate chain) in ``directory``, the
    form Kafka reads with ``ssl.keystore.type=PEM``.
    """
    out = Path(directory)
    key, csr, cert, ext = (out / f"{name}{s}" for s in (".key", ".csr", ".crt", ".ext"))
    pem = out / f"{name}-keystore.pem"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key))
    key.chmod(0o600)
    _openssl("req", "-new", "-key", str(key), "-subj", f"/CN={hosts[0]}", "-out", str(csr))
    sans = ",".join(f"IP:{h}" if h.replace(".", "").isdigit() or ":" in h else f"DNS:{h}" for h in hosts)
    ext.write_text(
        f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
        "-set_serial", str(int(uuid.uuid4().int >> 66)), "-sha256", "-days", "2",
        "-extfile", str(ext), "-out", str(cert),
    )  # fmt: skip
    pem.write_text(key.read_text() + cert.read_text() + Path(ca_cert).read_text())
    pem.chmod(0o600)
    csr.unlink()
    ext.unlink()
    return pem


@dataclass
class Security:
    """Facts about a cluster's secured client listeners, made fresh (and throwaway) at start.

    ``plain_*`` exist only in the PLAIN JAAS config, ``scram_*`` only in the SCRAM-SHA-512
    credential store (added at format time), so a test can tell the mechanisms apart.
    """

    sasl: bool
    tls: bool
    plain_username: str = ""
    plain_password: str = ""
    scram_username: str = ""
    scram_password: str = ""
    scram_mechanism: str = SCRAM_MECHANISM
    ca_path: str = ""  # PEM CA certificate that signed the broker certificate
    keystore_path: str = ""  # the broker's PEM key + chain

    @classmethod
    def fresh(cls, sasl: bool, tls: bool) -> Security:
        if not (sasl or tls):
            raise TestbedError("Security needs sasl or tls")
        suffix = uuid.uuid4().hex[:6]
        return cls(
            sasl=sasl,
            tls=tls,
            plain_username=f"plain-{suffix}" if sasl else "",
            plain_password=secrets.token_hex(12) if sasl else "",
            scram_username=f"scram-{suffix}" if sasl else "",
            scram_password=secrets.token_hex(12) if sasl else "",
        )

    @property
    def listeners(self) -> tuple[str, ...]:
        wanted = {SASL_PLAINTEXT: self.sasl, SSL: self.tls, SASL_SSL: self.sasl and self.tls}
        return tuple(name for name in SECURE_LISTENERS if wanted[name])

    def credentials(self, mechanism: str) -> tuple[str, str]:
        """``(username, password)`` valid for ``mechanism`` (PLAIN or SCRAM-SHA-512)."""
        if mechanism == "PLAIN":
            return self.plain_username, self.plain_password
        if mechanism == self.scram_mechanism:
            return self.scram_username, self.scram_password
        raise TestbedError(f"no credentials for SASL mechanism {mechanism!r}")

    def format_args(self) -> list[str]:
        """Extra ``StorageTool format`` arguments (the SCRAM credential)."""
        if not self.sasl:
            return []
        cred = f"name={self.scram_username},password={self.scram_password}"
        return ["--add-scram", f"{self.scram_mechanism}=[{cred}]"]

    def broker_properties(self) -> dict[str, str]:
        """Per-listener SASL and TLS settings (listeners themselves are set by the caller)."""
        props: dict[str, str] = {}
        sasl_listeners = [n for n in self.listeners if n.startswith("SASL_")]
        if sasl_listeners:
            props["sasl.enabled.mechanisms"] = f"PLAIN,{self.scram_mechanism}"
        for listener in sasl_listeners:
            prefix = f"listener.name.{listener.lower()}"
            props[f"{prefix}.plain.sasl.jaas.config"] = (
                f'{_PLAIN_MODULE} required user_{self.plain_username}="{self.plain_password}";'
            )
            props[f"{prefix}.{self.scram_mechanism.lower()}.sasl.jaas.config"] = f"{_SCRAM_MODULE} required;"
        if self.tls:
            props["ssl.keystore.type"] = "PEM"
            props["ssl.keystore.location"] = self.keystore_path
            props["ssl.client.auth"] = "none"
        return props


def _make_tls(security: Security, directory: Path) -> None:
    ca_cert, ca_key = make_ca(directory, "ca")
    security.keystore_path = str(make_server_cert(directory, ca_cert, ca_key))
    security.ca_path = str(ca_cert)


# --------------------------------------------------------------------------- cluster


@dataclass
class Node:
    node_id: int
    port: int
    controller_port: int
    dir: str
    props_path: str
    log_path: str
    properties: dict[str, str]
    cmd: list[str] = field(default_factory=list)
    pid: int | None = None
    listener_ports: dict[str, int] = field(default_factory=dict)  # SASL/TLS client listeners

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def address(self, listener: str = "PLAINTEXT") -> str:
        """``127.0.0.1:port`` of this node's ``listener`` (PLAINTEXT, SASL_PLAINTEXT, SSL, ...)."""
        if listener == "PLAINTEXT":
            return self.bootstrap
        try:
            return f"127.0.0.1:{self.listener_ports[listener]}"
        except KeyError:
            have = ", ".join(["PLAINTEXT", *self.listener_ports])
            raise TestbedError(f"node {self.node_id} has no {listener} listener ({have})") from None

    def alive(self) -> bool:
        return pid_alive(self.pid, self.props_path)


def node_properties(
    node_id: int,
    nodes: Sequence[tuple[int, int, int]],
    data_dir: Path,
    *,
    auto_create_topics: bool = True,
    extra: dict[str, str] | None = None,
    listener_ports: Mapping[str, int] | None = None,
    security: Security | None = None,
) -> dict[str, str]:
    """Properties of a combined broker+controller node; ``nodes`` = (id, port, controller port).

    ``listener_ports`` adds client listeners named after their protocol (``SASL_PLAINTEXT``,
    ``SSL``, ``SASL_SSL``) configured from ``security``; inter-broker and controller traffic
    stays on the PLAINTEXT listeners.
    """
    count = len(nodes)
    port, cport = next((p, c) for i, p, c in nodes if i == node_id)
    min_isr = "1" if count < 3 else "2"
    client = {"PLAINTEXT": port, **(listener_ports or {})}
    if listener_ports and security is None:
        raise TestbedError("secured listeners need a Security")
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": ",".join(f"{i}@127.0.0.1:{c}" for i, _, c in nodes),
        "listeners": ",".join(
            [*(f"{n}://127.0.0.1:{p}" for n, p in client.items()), f"CONTROLLER://127.0.0.1:{cport}"]
        ),
        "advertised.listeners": ",".join(f"{n}://127.0.0.1:{p}" for n, p in client.items()),
        "listener.security.protocol.map": ",".join([*(f"{n}:{n}" for n in client), "CONTROLLER:PLAINTEXT"]),
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(data_dir),
        "auto.create.topics.enable": "true" if auto_create_topics else "false",
        "offsets.topic.replication.factor": str(count),
        "transaction.state.log.replication.factor": str(count),
        "transaction.state.log.min.isr": min_isr,
        "share.coordinator.state.topic.replication.factor": str(count),
        "share.coordinator.state.topic.min.isr": min_isr,
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "2",
        "num.recovery.threads.per.data.dir": "1",
        "log.cleaner.dedupe.buffer.size": "2097152",
    }
    if count >= 3:
        props["broker.session.timeout.ms"] = "4000"
        props["broker.heartbeat.interval.ms"] = "500"
    if security is not None and listener_ports:
        props.update(security.broker_properties())
    props.update(extra or {})
    return props


def new_cluster_id() -> str:
    """A Kafka ``Uuid`` string (URL-safe base64 of 16 random bytes, never starting with '-')."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


@dataclass
class Cluster:
    """A running (or partly running) test-bed cluster; its state lives in ``run_dir``."""

    name: str
    run_dir: str
    version: str
    lib_dir: str
    java: str
    cluster_id: str
    nodes: list[Node]
    owner_pid: int | None = None
    owner_start: int | None = None
    die_with_parent: bool = False
    security: Security | None = None  # SASL/TLS listeners, credentials and CA (None: PLAINTEXT only)

    # ---- facts
    @property
    def brokers(self) -> int:
        return len(self.nodes)

    @property
    def node_ids(self) -> list[int]:
        return [n.node_id for n in self.nodes]

    @property
    def bootstrap(self) -> str:
        return ",".join(n.bootstrap for n in self.nodes)

    def node(self, n: int) -> Node:
        for node in self.nodes:
            if node.node_id == n:
                return node
        raise TestbedError(f"cluster {self.name!r} has no node {n} (nodes: {self.node_ids})")

    def bootstrap_of(self, n: int) -> str:
        return self.node(n).bootstrap

    def bootstrap_for(self, listener: str) -> str:
        """Bootstrap servers of a listener: PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL."""
        return ",".join(n.address(listener) for n in self.nodes)

    @property
    def listeners(self) -> tuple[str, ...]:
        return ("PLAINTEXT", *(self.security.listeners if self.security else ()))

    def _secured(self) -> Security:
        if self.security is None:
            raise TestbedError(f"cluster {self.name!r} was started without --sasl/--tls")
        return self.security

    def client_env(self, listener: str, mechanism: str = "PLAIN") -> dict[str, str]:
        """Environment for kafkatui (the seed's .env names) to use ``listener`` correctly."""
        env = {"BOOTSTRAP_SERVERS": self.bootstrap_for(listener), "SECURITY_PROTOCOL": listener}
        registry = self.registry
        if registry is not None:
            env["SCHEMA_REGISTRY_URL"] = registry.url
        if listener.startswith("SASL_"):
            user, password = self._secured().credentials(mechanism)
            env |= {"SASL_MECHANISM": mechanism, "SASL_USERNAME": user, "SASL_PASSWORD": password}
        if listener in (SSL, SASL_SSL):
            env["SSL_CA_LOCATION"] = self._secured().ca_path
        return env

    def client_config(self, listener: str, mechanism: str = "PLAIN") -> dict[str, str]:
        """The same as :meth:`client_env`, as librdkafka properties (for kcat -X or a client)."""
        names = {
            "SCHEMA_REGISTRY_URL": "schema.registry.url",
            "BOOTSTRAP_SERVERS": "bootstrap.servers",
            "SECURITY_PROTOCOL": "security.protocol",
            "SASL_MECHANISM": "sasl.mechanism",
            "SASL_USERNAME": "sasl.username",
            "SASL_PASSWORD": "sasl.password",
            "SSL_CA_LOCATION": "ssl.ca.location",
        }
        return {names[k]: v for k, v in self.client_env(listener, mechanism).items()}

    @property
    def registry(self) -> Registry | None:
        """The cluster's Schema Registry (``up --schema-registry``), or None."""
        return load_registry(self.run_dir)

    def is_up(self, n: int) -> bool:
        node = self.node(n)
        return node.alive() and port_open(node.port)

    def log_tail(self, n: int, lines: int = 40) -> str:
        return tail_file(self.node(n).log_path, lines)

    # ---- state
    @property
    def state_path(self) -> Path:
        return Path(self.run_dir) / STATE_FILE

    def save(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n")
        tmp.replace(self.state_path)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cluster:
        nodes = [Node(**n) for n in data.pop("nodes")]
        sec = data.pop("security", None)
        return cls(nodes=nodes, security=Security(**sec) if sec else None, **data)

    # ---- processes
    def _tie_to_me(self) -> bool:
        # PDEATHSIG fires when the forking *thread* ends: only tie to the owner's main thread.
        return (
            self.die_with_parent
            and self.owner_pid == os.getpid()
            and threading.current_thread() is threading.main_thread()
            and sys.platform == "linux"
        )

    def _spawn(self, node: Node) -> None:
        with Path(node.log_path).open("ab") as log:
            proc = subprocess.Popen(
                node.cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=node.dir,
                start_new_session=True,
                preexec_fn=_pdeathsig_hook() if self._tie_to_me() else None,
            )
        _CHILDREN[proc.pid] = proc
        node.pid = proc.pid
        self.save()

    def _check_alive(self, ids: Iterable[int]) -> None:
        for n in ids:
            node = self.node(n)
            if not node.alive():
                raise TestbedError(
                    f"Kafka node {n} of {self.name!r} exited; log {node.log_path}:\n" + tail_file(node.log_path)
                )

    def _wait(self, ids: set[int], ready: Callable[[set[int]], bool], timeout: float, what: str) -> None:
        """Poll until every node in ``ids`` has its port open and ``ready(metadata ids)``."""
        deadline = time.monotonic() + timeout
        admin: Any = None
        seen: set[int] = set()
        while True:
            self._check_alive(ids)
            if all(port_open(self.node(n).port) for n in ids):
                admin = admin if admin is not None else _admin(self.bootstrap)
                md = _metadata(admin, timeout=2.0)
                seen = set(md.brokers) if md is not None else set()
                if ready(seen):
                    return
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- node {n}:\n{self.log_tail(n, 15)}" for n in sorted(ids))
                raise TestbedError(
                    f"timeout after {timeout:.0f}s waiting for {what} in {self.name!r} "
                    f"(metadata lists {sorted(seen)})\n{tails}"
                )
            time.sleep(0.2)

    def wait_ready(self, ids: Iterable[int] | None = None, timeout: float = 120.0) -> None:
        """Wait until nodes ``ids`` (default all) accept connections and metadata lists them."""
        want = set(ids) if ids is not None else set(self.node_ids)
        self._wait(want, want.issubset, timeout, f"nodes {sorted(want)} to be ready")

    def wait_for_brokers(self, expected: Iterable[int], timeout: float = 60.0) -> None:
        """Wait until a metadata response lists exactly the broker ids ``expected``."""
        want = set(expected)
        self._wait(set(), want.__eq__, timeout, f"metadata to list brokers {sorted(want)}")

    def metadata_broker_ids(self, timeout: float = 3.0) -> set[int]:
        return metadata_broker_ids(self.bootstrap, timeout)

    def kill(self, n: int) -> None:
        """SIGKILL node ``n`` (1-based node id) and wait for the process to be gone."""
        node = self.node(n)
        if node.pid and pid_alive(node.pid, node.props_path):
            _kill_group(node.pid)
            _wait_gone(node.pid)
        node.pid = None
        self.save()

    def start(self, n: int, timeout: float = 90.0) -> None:
        """Restart node ``n`` with its original command and folders; wait until it is listed."""
        self.start_nodes([n], timeout)

    def start_nodes(self, ids: Iterable[int], timeout: float = 90.0) -> None:
        """Start the given nodes together (needed when a quorum majority is down)."""
        want = [n for n in ids if not self.node(n).alive()]
        for n in want:
            self._spawn(self.node(n))
        if want:
            self.wait_ready(want, timeout)

    def heal(self, timeout: float = 120.0) -> None:
        """Restart every dead node, then wait for all brokers listed and every ISR full."""
        self.start_nodes(self.node_ids, timeout)
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout: float = 120.0) -> None:
        """Wait until metadata lists every node and every partition has a leader and full ISR."""
        deadline = time.monotonic() + timeout
        admin = _admin(self.bootstrap)
        problems: list[str] = ["no metadata yet"]
        while time.monotonic() < deadline:
            self._check_alive(self.node_ids)
            md = _metadata(admin, timeout=3.0)
            if md is not None:
                problems = _unhealthy_partitions(md)
                if set(md.brokers) != set(self.node_ids):
                    problems.insert(0, f"brokers listed: {sorted(md.brokers)}")
                if not problems:
                    return
            time.sleep(0.25)
        raise TestbedError(f"cluster {self.name!r} not healthy after {timeout:.0f}s: {problems[:10]}")

    def stop(self) -> None:
        """Kill every node (SIGKILL to the process groups) and delete the run folder."""
        for node in self.nodes:
            if node.pid and pid_alive(node.pid, node.props_path):
                _kill_group(node.pid)
        for node in self.nodes:
            if node.pid:
                _wait_gone(node.pid)
        _remove_run_dir(Path(self.run_dir))

    down = stop

    def status_lines(self) -> list[str]:
        lines = []
        for node in self.nodes:
            state = "up" if self.is_up(node.node_id) else "down"
            pid = node.pid if node.alive() else "-"
            secured = "".join(f" {n}={node.address(n)}" for n in node.listener_ports)
            lines.append(
                f"node {node.node_id}: {state:4} pid={pid} {node.bootstrap}{secured} "
                f"controller=127.0.0.1:{node.controller_port} log={node.log_path}"
            )
        if self.security is not None and self.security.tls:
            lines.append(f"CA certificate: {self.security.ca_path}")
        registry = self.registry
        if registry is not None:
            lines.append(registry.status_line())
        return lines


def _remove_run_dir(run_dir: Path) -> None:
    for pid in _stray_pids(run_dir):
        _kill_group(pid)
        _wait_gone(pid)
    shutil.rmtree(run_dir, ignore_errors=True)


def load_cluster(name: str = DEFAULT_NAME) -> Cluster | None:
    path = run_root() / name / STATE_FILE
    try:
        return Cluster.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def down(name: str = DEFAULT_NAME) -> bool:
    """Tear down cluster ``name`` (also a half-started one). True if something was there."""
    run_dir = run_root() / name
    cluster = load_cluster(name)
    if cluster is not None:
        cluster.stop()
        return True
    existed = run_dir.exists()
    _remove_run_dir(run_dir)
    return existed


def cluster_names() -> list[str]:
    root = run_root()
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def reap_orphans() -> list[str]:
    """Tear down clusters (and pytest registries) whose owning process (e.g. a crashed pytest) is gone."""
    reaped = []
    for name in cluster_names():
        owner = name.removeprefix("pytest-registry-")
        if owner != name and owner.isdigit() and not pid_alive(int(owner)):
            _remove_run_dir(run_root() / name)
            reaped.append(name)
    for name in cluster_names():
        cluster = load_cluster(name)
        if cluster is None or cluster.owner_pid is None:
            continue
        owner_alive = pid_alive(cluster.owner_pid) and (_proc_start_time(cluster.owner_pid) == cluster.owner_start)
        if not owner_alive:
            cluster.stop()
            reaped.append(name)
    return reaped


def _format_storage(cluster: Cluster, timeout: float = 120.0) -> None:
    """Run ``StorageTool format`` for every node, in parallel."""
    procs = []
    for node in cluster.nodes:
        args = ["format", "-t", cluster.cluster_id, "-c", node.props_path]
        if cluster.security is not None:
            args += cluster.security.format_args()
        cmd = tool_command("StorageTool", args, cluster.version)
        procs.append((node, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
    for node, proc in procs:
        out, _ = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            text = out.decode(errors="replace")
            raise TestbedError(f"format of node {node.node_id} failed:\n{_tail_text(text, 20)}")


def _build_cluster(
    name: str,
    brokers: int,
    version: str,
    lib: Path,
    *,
    auto_create_topics: bool,
    extra_props: dict[str, str] | None,
    owner: bool,
    die_with_parent: bool,
    security: Security | None = None,
) -> Cluster:
    run_dir = run_root() / name
    run_dir.mkdir(parents=True)
    log4j = run_dir / "log4j2.xml"
    log4j.write_text(_log4j2_xml("INFO", "SYSTEM_OUT"))
    secured = security.listeners if security else ()
    if security is not None and security.tls:
        _make_tls(security, run_dir / "tls")  # throwaway CA + broker cert, removed with run_dir
    per_node = 2 + len(secured)
    ports = free_ports(per_node * brokers)
    layout = [(i, ports[per_node * (i - 1)], ports[per_node * (i - 1) + 1]) for i in range(1, brokers + 1)]
    java = find_java()
    nodes = []
    for node_id, port, cport in layout:
        ndir = run_dir / f"node{node_id}"
        ndir.mkdir()
        first = per_node * (node_id - 1) + 2
        listener_ports = dict(zip(secured, ports[first : first + len(secured)], strict=True))
        props = node_properties(
            node_id, layout, ndir / "data", auto_create_topics=auto_create_topics,
            extra=extra_props, listener_ports=listener_ports, security=security,
        )  # fmt: skip
        props_path = ndir / "server.properties"
        props_path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        cmd = [
            java, *JVM_FLAGS, f"-Dlog4j2.configurationFile={log4j}",
            f"-Dkafka.logs.dir={ndir}", "-cp", f"{lib}/*", "kafka.Kafka", str(props_path),
        ]  # fmt: skip
        log_path = str(ndir / "node.log")
        node = Node(node_id, port, cport, str(ndir), str(props_path), log_path, props, cmd)
        node.listener_ports = listener_ports
        nodes.append(node)
    cluster = Cluster(
        name=name,
        run_dir=str(run_dir),
        version=version,
        lib_dir=str(lib),
        java=java,
        cluster_id=new_cluster_id(),
        nodes=nodes,
        owner_pid=os.getpid() if owner else None,
        owner_start=_proc_start_time(os.getpid()) if owner else None,
        die_with_parent=die_with_parent,
        security=security,
    )
    cluster.save()
    return cluster


def start_cluster(
    brokers: int = 1,
    name: str = DEFAULT_NAME,
    *,
    auto_create_topics: bool = True,
    extra_props: dict[str, str] | None = None,
    timeout: float = 120.0,
    version: str | None = None,
    owner: bool = False,
    die_with_parent: bool = False,
    sasl: bool = False,
    tls: bool = False,
    schema_registry: bool = False,
) -> Cluster:
    """Start a fresh ``brokers``-node KRaft cluster named ``name`` and wait until it is ready.

    A leftover cluster of the same name is torn down first. ``owner=True`` records this process
    as the owner, so :func:`reap_orphans` removes the cluster once this process is gone;
    ``die_with_parent=True`` makes the brokers die with the starting thread (PR_SET_PDEATHSIG).

    ``sasl=True`` adds a ``SASL_PLAINTEXT`` client listener (PLAIN and SCRAM-SHA-512, fresh
    random credentials); ``tls=True`` adds an ``SSL`` listener with a throwaway CA and broker
    certificate made now in the run dir; both add a ``SASL_SSL`` listener too. The facts are in
    ``cluster.security`` and :meth:`Cluster.bootstrap_for` (and in state.json).

    ``schema_registry=True`` also starts a Schema Registry (``cluster.registry``; its URL is in
    :meth:`Cluster.client_env` as ``SCHEMA_REGISTRY_URL``).
    """
    if brokers < 1:
        raise TestbedError("brokers must be >= 1")
    ver, lib = ensure_jars(version)
    find_java()
    for attempt in (1, 2):
        down(name)
        cluster = _build_cluster(
            name, brokers, ver, lib,
            auto_create_topics=auto_create_topics, extra_props=extra_props,
            owner=owner, die_with_parent=die_with_parent,
            security=Security.fresh(sasl, tls) if (sasl or tls) else None,
        )  # fmt: skip
        try:
            _format_storage(cluster)
            for node in cluster.nodes:
                cluster._spawn(node)
            if schema_registry:
                start_registry(cluster.run_dir, timeout)
            cluster.wait_ready(timeout=timeout)
            return cluster
        except BaseException as exc:
            for node in cluster.nodes:
                if node.pid:
                    _kill_group(node.pid)
                    _wait_gone(node.pid)
            for pid in rtb.stray_pids(Path(cluster.run_dir)):
                _kill_group(pid)
                _wait_gone(pid)
            port_clash = "Address already in use" in str(exc)
            if attempt == 2 or not port_clash or not isinstance(exc, TestbedError):
                raise
            _LOG.warning("port clash while starting %s; retrying with new ports", name)
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- CLI


def _need_cluster(name: str) -> Cluster:
    cluster = load_cluster(name)
    if cluster is None:
        raise TestbedError(f"no cluster named {name!r} (run: kafka-testbed up --name {name})")
    return cluster


def _cmd_fetch(args: argparse.Namespace) -> int:
    started = time.monotonic()
    version, lib = ensure_jars(args.version)
    jars = len(list(lib.glob("*.jar")))
    print(f"Kafka {version}: {jars} jars in {lib} ({time.monotonic() - started:.1f}s)")
    if not args.no_schema_registry:
        started = time.monotonic()
        app = fetch_registry()
        print(f"Apicurio Registry {rtb.APICURIO_VERSION}: {app} ({time.monotonic() - started:.1f}s)")
        try:
            java, source = rtb.find_java21()
            print(f"Java for the registry: {java} from {source}")
        except RegistryUnavailable as exc:
            print(f"Java for the registry: none ({exc})")
    return 0


def _cmd_java21(args: argparse.Namespace) -> int:
    try:
        java, source = rtb.find_java21()
    except RegistryUnavailable as exc:
        print(f"kafka-testbed: {exc}", file=sys.stderr)
        return 1
    print(f"{java}\t{source}")
    return 0


def _cmd_up(args: argparse.Namespace) -> int:
    started = time.monotonic()
    cluster = start_cluster(
        args.brokers,
        args.name,
        auto_create_topics=not args.no_auto_create,
        timeout=args.timeout,
        version=args.version,
        sasl=args.sasl,
        tls=args.tls,
        schema_registry=args.schema_registry,
    )
    elapsed = time.monotonic() - started
    print(
        f"cluster {cluster.name!r}: Kafka {cluster.version}, {cluster.brokers} node(s) ready "
        f"in {elapsed:.1f}s; run dir {cluster.run_dir}",
        file=sys.stderr,
    )
    for listener in cluster.listeners[1:]:
        print(f"  {listener}: {cluster.bootstrap_for(listener)}", file=sys.stderr)
    registry = cluster.registry
    if registry is not None:
        print(f"  schema registry: {registry.url} (java: {registry.java_source})", file=sys.stderr)
    if cluster.security is not None:
        print(
            f"  credentials and CA: kafka-testbed env --name {cluster.name} --listener "
            f"{cluster.listeners[1]} [--mechanism PLAIN|{SCRAM_MECHANISM}]",
            file=sys.stderr,
        )
    print(cluster.bootstrap, flush=True)
    return 0


def _cmd_env(args: argparse.Namespace) -> int:
    cluster = _need_cluster(args.name)
    if args.listener not in cluster.listeners:
        raise TestbedError(f"cluster {cluster.name!r} has no {args.listener} listener")
    for key, value in cluster.client_env(args.listener, args.mechanism).items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def _cmd_down(args: argparse.Namespace) -> int:
    names = cluster_names() if args.all else [args.name]
    for name in names:
        print(f"{name}: {'removed' if down(name) else 'not running'}", file=sys.stderr)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    cluster = load_cluster(args.name)
    if cluster is None:
        print(f"no cluster named {args.name!r}", file=sys.stderr)
        return 2
    print(f"cluster {cluster.name!r}: Kafka {cluster.version}, run dir {cluster.run_dir}")
    for line in cluster.status_lines():
        print(line)
    print(cluster.bootstrap)
    return 0 if all(cluster.is_up(n) for n in cluster.node_ids) else 1


def _cmd_list(args: argparse.Namespace) -> int:
    for name in cluster_names():
        cluster = load_cluster(name)
        desc = cluster.bootstrap if cluster else "(no state)"
        print(f"{name}\t{desc}")
    return 0


def _cmd_kill(args: argparse.Namespace) -> int:
    _need_cluster(args.name).kill(args.node)
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    cluster = _need_cluster(args.name)
    cluster.start(args.node, timeout=args.timeout)
    print(cluster.bootstrap_of(args.node))
    return 0


def _cmd_heal(args: argparse.Namespace) -> int:
    _need_cluster(args.name).heal(timeout=args.timeout)
    return 0


def _cmd_logs(args: argparse.Namespace) -> int:
    print(_need_cluster(args.name).log_tail(args.node, args.lines))
    return 0


def _cmd_tool(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: kafka-testbed tool CLASS [ARGS...]   CLASS: " + ", ".join(TOOL_CLASSES))
        return 0 if argv else 2
    cmd = tool_command(argv[0], argv[1:])
    return subprocess.run(cmd, check=False).returncode


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kafka-testbed", description="Real Kafka KRaft clusters on loopback for tests."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def named(cmd: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(cmd, help=help_text)
        p.add_argument("--name", default=DEFAULT_NAME, help="cluster name (default: default)")
        return p

    fetch = sub.add_parser("fetch", help="download the Kafka jars and the Schema Registry into the cache only")
    fetch.add_argument("--version", default=None)
    fetch.add_argument("--no-schema-registry", action="store_true", help="Kafka's jars only")
    sub.add_parser("java21", help="print the Java >= 21 the Schema Registry would use (exit 1 if none)")
    up = named("up", "start a cluster; last stdout line is the bootstrap servers")
    up.add_argument("--brokers", type=int, choices=(1, 3), default=1)
    up.add_argument("--no-auto-create", action="store_true", help="auto.create.topics=false")
    up.add_argument("--timeout", type=float, default=120.0)
    up.add_argument("--version", default=None)
    up.add_argument("--sasl", action="store_true", help="add a SASL_PLAINTEXT listener (PLAIN, SCRAM)")
    up.add_argument("--tls", action="store_true", help="add an SSL listener (throwaway CA)")
    up.add_argument("--schema-registry", action="store_true", help="also run a Schema Registry (Apicurio)")
    env = named("env", "print shell exports (the seed's .env names) for kafkatui on a listener")
    env.add_argument("--listener", choices=("PLAINTEXT", *SECURE_LISTENERS), default="PLAINTEXT")
    env.add_argument("--mechanism", choices=("PLAIN", SCRAM_MECHANISM), default="PLAIN")
    dn = named("down", "kill the cluster and delete its folders")
    dn.add_argument("--all", action="store_true", help="every cluster under the run dir")
    named("status", "per node up/down, then the bootstrap servers")
    sub.add_parser("list", help="list clusters")
    for cmd, text in (("kill", "SIGKILL node N"), ("start", "restart node N")):
        p = named(cmd, text)
        p.add_argument("node", type=int)
        p.add_argument("--timeout", type=float, default=90.0)
    heal = named("heal", "restart dead nodes and wait for full ISRs")
    heal.add_argument("--timeout", type=float, default=120.0)
    logs = named("logs", "tail the log of node N")
    logs.add_argument("node", type=int)
    logs.add_argument("-n", "--lines", type=int, default=40)
    sub.add_parser("tool", help="run a Kafka CLI class: tool TopicCommand --bootstrap-server ...")
    return parser


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "fetch": _cmd_fetch,
    "java21": _cmd_java21,
    "up": _cmd_up,
    "env": _cmd_env,
    "down": _cmd_down,
    "status": _cmd_status,
    "list": _cmd_list,
    "kill": _cmd_kill,
    "start": _cmd_start,
    "heal": _cmd_heal,
    "logs": _cmd_logs,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="kafka-testbed: %(message)s", stream=sys.stderr)
    try:
        if argv and argv[0] == "tool":
            return _cmd_tool(argv[1:])
        args = _parser().parse_args(argv)
        return _HANDLERS[args.command](args)
    except TestbedError as exc:
        print(f"kafka-testbed: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
