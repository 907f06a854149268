"""The app's side of the group client process (kafka/group_child.py).

`GroupClient` offers the four consumer-group calls of `AdminClient` (list, describe, offsets,
alter) as futures of typed values (`GroupListing`, `GroupDescription`, `GroupOffsets`).
Nothing blocks: requests are written to the child's stdin, answers are read by `pump()` (called
from the worker thread's poll) and complete the futures there.

If the child dies (librdkafka aborts, see group_child.py), every pending future fails with
`GroupClientCrash`, the crash is logged (secrets masked) and remembered in `crashes`, and the next
request starts a fresh child.

Why a hand-written pipe and not `concurrent.futures.ProcessPoolExecutor` (spawn): the pool would
complete futures on its own thread, but it cannot kill one stalled worker process (GroupsService
replaces a child whose calls only time out: that needs the pool's private `_processes`), cannot
start the child in its own session (terminal signals are the app's), and librdkafka's log lines
would need a second channel (a multiprocessing queue and a reader thread). The JSON-lines pipe
does all of that in one place; its answers are decoded into the typed values below.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import IO, Any, Protocol

from confluent_kafka import KafkaError, KafkaException

from kafkatui.kafka.clients import LIBRDKAFKA_LOGGER
from kafkatui.redact import redact

log = logging.getLogger("kafkatui.groups")
librdkafka_log = logging.getLogger(LIBRDKAFKA_LOGGER)  # the child's librdkafka lines go where the app's go

CHILD = [sys.executable, "-m", "kafkatui.kafka.group_child"]

Decode = Callable[[Any], Any]


class GroupClientCrash(RuntimeError):
    """The group client process ended while a request was pending."""


@dataclass(frozen=True)
class Crash:
    at: float  # wall clock
    reason: str  # the child's last stderr line (librdkafka's assertion), masked


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _failure(error: list[Any]) -> Exception:
    code, text = error
    return RuntimeError(text) if code is None else KafkaException(KafkaError(code, text))


def _kafka_error(error: list[Any] | None) -> KafkaError | None:
    return None if error is None else KafkaError(error[0] if error[0] is not None else KafkaError._FAIL, error[1])


# -- the answers, as typed values -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupListing:
    """ListGroups: the groups found, and the brokers' errors (some may not have answered)."""

    valid: tuple[str, ...]
    errors: tuple[KafkaError, ...]


@dataclass(frozen=True, slots=True)
class GroupMember:
    member_id: str
    host: str
    client_id: str
    partitions: tuple[tuple[str, int], ...]  # its assignment: (topic, partition)


@dataclass(frozen=True, slots=True)
class GroupDescription:
    """DescribeGroups of one group. `state` and `protocol` are librdkafka's enum names
    (ConsumerGroupState, ConsumerGroupType: "STABLE", "CLASSIC", ...), None when not given."""

    group_id: str
    state: str | None
    protocol: str | None
    members: tuple[GroupMember, ...]


@dataclass(frozen=True, slots=True)
class PartitionOffset:
    topic: str
    partition: int
    offset: int
    error: KafkaError | None


@dataclass(frozen=True, slots=True)
class GroupOffsets:
    """OffsetFetch or AlterOffsets of one group: an offset (or an error) per partition."""

    group_id: str
    partitions: tuple[PartitionOffset, ...]


def _listing(data: dict[str, Any]) -> GroupListing:
    errors = tuple(e for e in (_kafka_error(e) for e in data["errors"]) if e is not None)
    return GroupListing(tuple(str(g) for g in data["valid"]), errors)


def _description(gid: str) -> Decode:
    def decode(data: dict[str, Any]) -> GroupDescription:
        return GroupDescription(
            gid,
            data["state"],
            data["type"],
            tuple(
                GroupMember(member_id, host, client_id, tuple((t, p) for t, p in tps))
                for member_id, host, client_id, tps in data["members"]
            ),
        )

    return decode


def _partitions(gid: str) -> Decode:
    def decode(data: list[list[Any]]) -> GroupOffsets:
        return GroupOffsets(gid, tuple(PartitionOffset(t, p, o, _kafka_error(e)) for t, p, o, e in data))

    return decode


class GroupAdmin(Protocol):
    """What GroupsService needs of the group client (GroupClient; a scripted one in tests)."""

    crashes: list[Crash]
    generation: int

    @property
    def waiting(self) -> bool: ...

    @property
    def running(self) -> bool: ...

    @property
    def wakes(self) -> bool: ...

    def list_groups(self, timeout: float) -> Future[GroupListing]: ...

    def describe_groups(self, group_ids: list[str], timeout: float) -> dict[str, Future[GroupDescription]]: ...

    def fetch_offsets(
        self, group_id: str, partitions: list[tuple[str, int]] | None, timeout: float
    ) -> Future[GroupOffsets]: ...

    def alter_offsets(
        self, group_id: str, offsets: list[tuple[str, int, int]], timeout: float
    ) -> Future[GroupOffsets]: ...

    def pump(self) -> None: ...

    def close(self, why: str | None = None) -> None: ...


class GroupClient:
    """Consumer-group admin calls answered by a child process (started on first use)."""

    def __init__(
        self,
        config: dict[str, str],
        secrets: Iterable[str] = (),
        command: list[str] | None = None,
        clock: Callable[[], float] = time.time,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self._config = config
        self._wake = wake  # called (from a watcher thread) when the child has written something
        self._drained = threading.Event()  # pump() has read what the watcher announced
        self._clock = clock
        self._secrets = [s for s in secrets if s]
        self._command = command or CHILD
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._buffer = b""
        self._pending: dict[int, tuple[Future[Any], Decode]] = {}
        self._next_id = 0
        self.crashes: list[Crash] = []  # unexpected ends and replacements, to report
        self.starts = 0
        self.generation = 0  # +1 each time a child goes away: answers pending then are lost

    # -- the calls (one request each; answers complete the futures in pump()) ------------------

    def list_groups(self, timeout: float) -> Future[GroupListing]:
        (future,) = self._request({"op": "list", "timeout": timeout}, [_listing])
        return future

    def describe_groups(self, group_ids: list[str], timeout: float) -> dict[str, Future[GroupDescription]]:
        ids = list(dict.fromkeys(group_ids))
        futures = self._request({"op": "describe", "timeout": timeout, "groups": ids}, [_description(g) for g in ids])
        return dict(zip(ids, futures, strict=True))

    def fetch_offsets(
        self, group_id: str, partitions: list[tuple[str, int]] | None, timeout: float
    ) -> Future[GroupOffsets]:
        """Committed offsets of one group (librdkafka takes one group per request): of the
        partitions named, or of every partition it committed when `partitions` is None."""
        tps = None if partitions is None else [[t, p] for t, p in partitions]
        return self._one("offsets", group_id, tps, timeout)

    def alter_offsets(self, group_id: str, offsets: list[tuple[str, int, int]], timeout: float) -> Future[GroupOffsets]:
        return self._one("alter", group_id, [[t, p, o] for t, p, o in offsets], timeout)

    def _one(self, op: str, gid: str, tps: list[list[Any]] | None, timeout: float) -> Future[Any]:
        (future,) = self._request({"op": op, "timeout": timeout, "group": gid, "partitions": tps}, [_partitions(gid)])
        return future

    # -- the worker thread's side ---------------------------------------------------------

    @property
    def waiting(self) -> bool:
        return bool(self._pending)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def pump(self) -> None:
        """Complete the futures whose answers have arrived; notice a dead child."""
        proc = self._proc
        if proc is None or proc.stdout is None:
            return
        eof = False
        while True:
            try:
                chunk = os.read(proc.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                eof = True
                break
            self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self._dispatch(line)
        self._drained.set()
        if eof:
            self._died()

    def wait(self, seconds: float) -> None:
        """Sleep until an answer arrives or `seconds` pass (releases the GIL)."""
        proc = self._proc
        if proc is not None and proc.stdout is not None:
            select.select([proc.stdout], [], [], seconds)

    def close(self, why: str | None = None) -> None:
        """End the child now (pending requests fail). With `why`, it counts as a restart to report:
        the service gives up on a child that stopped answering."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self.generation += 1
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        proc.kill()  # nothing in it is worth waiting for; librdkafka may be stuck
        try:
            proc.wait(0.5)
        except subprocess.TimeoutExpired:
            log.warning("group client process %d did not end", proc.pid)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if why is not None:
            self.crashes.append(Crash(self._clock(), why))
            log.warning("group client process %d replaced: %s", proc.pid, why)
        self._fail_pending(f"the group client was stopped ({why or 'closed'})")

    # -- internals ------------------------------------------------------------------------

    def _request(self, message: dict[str, Any], decoders: list[Decode]) -> list[Future[Any]]:
        if not self.running:
            if self._proc is not None:
                self._died()  # noticed here before pump() saw it: still a crash to report
            self._start()
        futures: list[Future[Any]] = []
        ids: list[int] = []
        for decode in decoders:
            future: Future[Any] = Future()
            self._next_id += 1
            self._pending[self._next_id] = (future, decode)
            futures.append(future)
            ids.append(self._next_id)
        if message["op"] == "describe":
            message["groups"] = [[i, g] for i, g in zip(ids, message["groups"], strict=True)]
        else:
            message["id"] = ids[0]
        self._send(message)
        return futures

    def _send(self, message: dict[str, Any]) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(message).encode() + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._died()

    def _start(self) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _last_words / close)
        proc = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,  # terminal signals (Ctrl-C, Ctrl-Z) are the app's, not the child's
        )
        assert proc.stdin is not None and proc.stdout is not None
        os.set_blocking(proc.stdout.fileno(), False)
        proc.stdin.write(json.dumps({"config": self._config}).encode() + b"\n")
        proc.stdin.flush()
        self._proc = proc
        self._buffer = b""
        self.starts += 1
        log.info("group client process %d started", proc.pid)
        if self._wake is not None:
            threading.Thread(
                target=self._watch, args=(proc, self._wake), name="group-client-watch", daemon=True
            ).start()

    @property
    def wakes(self) -> bool:
        """True when an answer wakes the worker by itself (else it must poll while `waiting`)."""
        return self._wake is not None

    def _watch(self, proc: subprocess.Popen[bytes], wake: Callable[[], None]) -> None:
        """Wake the worker when the child has written something, so it reads it at once instead of
        looking every few ms; then wait until pump() has read it. Ends with that child."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while self._proc is proc:
            try:
                ready, _, _ = select.select([fd], [], [], 1.0)
            except (OSError, ValueError):  # closed under us: the child was replaced
                return
            if ready and self._proc is proc:
                self._drained.clear()
                wake()
                self._drained.wait(1.0)

    def _dispatch(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            log.warning("group client: unreadable line %r", line[:200])
            return
        if "log" in message:
            level, text = message["log"]
            librdkafka_log.log(level, "group client: %s", redact(text, self._secrets))
            return
        entry = self._pending.pop(message.get("id"), None)
        if entry is None:
            return
        future, decode = entry
        if "error" in message:
            future.set_exception(_failure(message["error"]))
            return
        try:
            future.set_result(decode(message["ok"]))
        except Exception as exc:  # a malformed answer fails its request, not the worker
            future.set_exception(exc)

    def _died(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self.generation += 1
        try:
            code = proc.wait(1.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        ended = f"killed by {_signal_name(-code)}" if code < 0 else f"exit status {code}"
        words = self._last_words()
        reason = f"{words}; {ended}" if words else ended
        self.crashes.append(Crash(self._clock(), reason))
        log.warning("group client process %d ended unexpectedly: %s", proc.pid, reason)
        self._fail_pending(f"the group client process stopped ({reason}); a new one starts on the next request")

    def _last_words(self) -> str:
        stderr, self._stderr = self._stderr, None
        if stderr is None:
            return ""
        try:
            stderr.seek(0, os.SEEK_END)
            stderr.seek(max(0, stderr.tell() - 4096))
            lines = [ln.strip() for ln in stderr.read().decode(errors="replace").splitlines() if ln.strip()]
        finally:
            stderr.close()
        return redact(lines[-1][:300], self._secrets) if lines else ""

    def _fail_pending(self, why: str) -> None:
        pending, self._pending = self._pending, {}
        for future, _ in pending.values():
            if not future.done():
                future.set_exception(GroupClientCrash(why))
