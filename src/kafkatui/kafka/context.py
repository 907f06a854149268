"""What every worker service shares: settings, the admin client, the clock, the emit function."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from confluent_kafka.admin import AdminClient

from kafkatui.domain.models import ClusterSnapshot, WorkerError
from kafkatui.redact import redact
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.worker")


@dataclass
class Context:
    """Owned by the worker thread; services read and update it only on that thread."""

    settings: Settings
    emit: Callable[[object], None]
    clock: Callable[[], float]
    admin: AdminClient
    snapshot: ClusterSnapshot | None = None  # the latest metadata, for services that need it
    connected: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    decoder: Any = None  # the Schema Registry decoder (kafka.decoder.shared_decoder), made on first use

    def report(self, where: str, exc: BaseException) -> None:
        """An unexpected failure: logged and shown, never fatal, never with a secret."""
        message = redact(f"{type(exc).__name__}: {exc}", self.settings.secret_values())
        log.error("%s failed: %s", where, message)
        self.emit(WorkerError(self.clock(), where, message))


class Service(Protocol):
    """One source of data (or actions) inside the worker thread."""

    def poll(self, ctx: Context, now: float) -> None:
        """Do a bounded amount of work; never block for long."""

    def handle(self, ctx: Context, command: object) -> bool:
        """Act on a command meant for this service; False if it is not."""

    def close(self, ctx: Context) -> None:
        """Release clients (called on the worker thread when it ends).

        A service may also expose a `busy` property: while true, the worker polls without idling.
        """
