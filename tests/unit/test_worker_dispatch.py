"""The worker's contract: a dispatch table built at start from each service's HANDLES (one
handler per command, Refresh to every service listing it), and a worker that sleeps until a
service is due, waking at once for a command."""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

import pytest

from kafkatui.domain.commands import Command, Refresh, SetWindow
from kafkatui.domain.models import WorkerError
from kafkatui.kafka import metadata, worker
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.demo import DemoCluster
from kafkatui.kafka.dispatch import DispatchError, build_table
from kafkatui.kafka.services import DASHBOARD_SERVICES, dashboard_commands
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings


class Windows(Service):
    HANDLES: ClassVar[tuple[type[Command], ...]] = (SetWindow, Refresh)

    def __init__(self, ctx: Context | None = None) -> None:
        self.seen: list[Command] = []
        self.handled = threading.Event()

    def handle(self, ctx: Context, command: Command) -> None:
        self.seen.append(command)
        if isinstance(command, SetWindow):
            self.handled.set()

    def next_due(self, now: float) -> float:
        return now + 3600.0  # nothing scheduled: only a command should wake the worker


class MoreWindows(Windows):
    pass


def test_a_command_type_handled_twice_fails_at_start() -> None:
    with pytest.raises(DispatchError, match="SetWindow is handled twice"):
        build_table([Windows(), MoreWindows()])


def test_a_command_type_nobody_handles_fails_at_start() -> None:
    class RefreshOnly(Service):
        HANDLES: ClassVar[tuple[type[Command], ...]] = (Refresh,)

    with pytest.raises(DispatchError, match="no service handles SetWindow"):
        build_table([RefreshOnly()], required=(Refresh, SetWindow))


def test_refresh_is_the_one_broadcast() -> None:
    a, b = Windows(), MoreWindows.__new__(MoreWindows)
    b.HANDLES = (Refresh,)  # type: ignore[misc]
    table = build_table([a, b])
    assert table[Refresh] == (a, b) and table[SetWindow] == (a,)


def test_the_dashboards_services_handle_every_command_once() -> None:
    services = [cls.__new__(cls) for cls in DASHBOARD_SERVICES]
    table = build_table(services, dashboard_commands())
    assert set(table) == set(dashboard_commands())
    assert all(len(handlers) == 1 for kind, handlers in table.items() if kind is not Refresh)


@pytest.fixture
def mock() -> Any:
    demo = DemoCluster()  # librdkafka's mock cluster only: no simulator, no group
    yield demo
    demo.stop()


def settings(bootstrap: str) -> Settings:
    return Settings(_env_file=None, bootstrap_servers=bootstrap, demo=True, refresh_interval=3600)  # type: ignore[call-arg]


def test_a_worker_whose_services_do_not_cover_the_commands_does_not_start(mock: Any) -> None:
    events: list[object] = []
    w = Worker(settings(mock.bootstrap), events.append, extra_services=(Windows, MoreWindows))
    w.start()
    deadline = time.monotonic() + 20
    while w.alive and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not w.alive
    errors = [e for e in events if isinstance(e, WorkerError)]
    assert errors and "handled twice" in errors[0].message


def test_the_worker_sleeps_until_something_is_due_and_a_command_wakes_it(
    mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "MAX_SLEEP", 3600.0)
    monkeypatch.setattr(metadata, "CALLBACKS_EVERY", 3600.0)
    made: list[Windows] = []

    def windows(ctx: Context) -> Windows:
        made.append(Windows(ctx))
        return made[0]

    events: list[object] = []
    w = Worker(settings(mock.bootstrap), events.append, extra_services=(windows,))
    w.start()
    try:
        deadline = time.monotonic() + 20
        while not any(type(e).__name__ == "ClusterSnapshot" for e in events):
            assert time.monotonic() < deadline, "no metadata from the mock cluster"
            time.sleep(0.05)
        time.sleep(0.5)  # let the probes' answers come in
        steps = w.steps
        time.sleep(1.0)
        assert w.steps - steps <= 2, "nothing was due: the worker must sleep, not poll"
        w.submit(SetWindow(120.0))
        assert made[0].handled.wait(10.0), "a submitted command must wake the worker"
        w.submit(Refresh())
        deadline = time.monotonic() + 10
        while not any(isinstance(c, Refresh) for c in made[0].seen):
            assert time.monotonic() < deadline, "Refresh goes to every service listing it"
            time.sleep(0.05)
    finally:
        assert w.stop(2.0)
