"""What every worker service shares: settings, the admin client, the clock, emit and wake; and
the contract a service keeps (`Service`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from confluent_kafka.admin import AdminClient

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.models import ClusterSnapshot, WorkerError
from kafkatui.redact import redact
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.worker")

Emit = Callable[[Event], None]

IDLE_DUE = 1.0  # seconds: when a service has nothing scheduled, the worker still looks this often


def _no_wake() -> None:
    return None


@dataclass
class Context:
    """Owned by the worker thread; services read and update it only on that thread (`wake` is the
    one exception: any thread may call it)."""

    settings: Settings
    emit: Emit
    clock: Callable[[], float]
    admin: AdminClient
    snapshot: ClusterSnapshot | None = None  # the latest metadata, for services that need it
    connected: bool = False
    wake: Callable[[], None] = _no_wake  # ends the worker's sleep now (a future finished, say)
    decoder: Any = None  # the Schema Registry decoder (kafka.decoder.shared_decoder), made on first use

    def report(self, where: str, exc: BaseException) -> None:
        """An unexpected failure: logged and shown, never fatal, never with a secret."""
        message = redact(f"{type(exc).__name__}: {exc}", self.settings.secret_values())
        log.error("%s failed: %s", where, message)
        self.emit(WorkerError(self.clock(), where, message))


class Service:
    """One source of data (or actions) inside the worker thread.

    - `HANDLES`: the command types this service acts on. The worker builds its dispatch table from
      them at start (kafka/dispatch.py): each command type goes to exactly one service, except
      the broadcast `Refresh`, which goes to every service that lists it.
    - `poll` does a bounded amount of work and never blocks for long (at most a few ms; waits on
      the broker are futures checked with `kafka/pending.py`).
    - `busy`: work is queued (a burst, a catch-up): the worker polls again without sleeping.
    - `next_due(now)`: the time this service next needs a poll; the worker sleeps until the
      earliest one, a submitted command or `ctx.wake()` (called when an awaited future finishes).
    """

    HANDLES: ClassVar[tuple[type[Command], ...]] = ()

    def handle(self, ctx: Context, command: Command) -> None:
        """Act on a command of one of the `HANDLES` types."""
        raise NotImplementedError(f"{type(self).__name__} handles no {type(command).__name__}")

    def poll(self, ctx: Context, now: float) -> None:
        """Do a bounded amount of work; never block for long."""

    def close(self, ctx: Context) -> None:
        """Release clients (called on the worker thread when it ends)."""

    @property
    def busy(self) -> bool:
        """True while work is queued: the worker then polls again without sleeping."""
        return False

    def next_due(self, now: float) -> float:
        """When this service next needs a poll (a clock time; `now` or earlier means at once)."""
        return now + IDLE_DUE
