"""Run the real Worker in tests and wait for the events it emits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kafkatui.kafka.worker import ServiceFactory, Worker
from kafkatui.settings import Settings

T = TypeVar("T")


class EventSink:
    """Collects events posted by the worker thread."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._cond = threading.Condition()

    def __call__(self, event: object) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(self, kind: type[T], predicate: Callable[[T], bool] = lambda _: True, timeout: float = 20.0) -> T:
        """The first event of `kind` (oldest first, including ones already seen) matching."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events:
                    if isinstance(event, kind) and predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({type(e).__name__ for e in self.events})
                    raise AssertionError(f"no matching {kind.__name__} within {timeout} s (saw {seen})")
                self._cond.wait(remaining)

    def latest(self, kind: type[T]) -> T | None:
        with self._cond:
            for event in reversed(self.events):
                if isinstance(event, kind):
                    return event
        return None

    def clear(self) -> None:
        with self._cond:
            self.events.clear()


def probe_settings(bootstrap: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {"bootstrap_servers": bootstrap, "refresh_interval": 1.0, "timeout": 5.0}
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def start_worker(settings: Settings, *services: ServiceFactory) -> tuple[Worker, EventSink]:
    sink = EventSink()
    worker = Worker(settings, sink, extra_services=tuple(services))
    worker.start()
    return worker, sink
