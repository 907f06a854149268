"""Launch timing: lazily mounted panes fed by a fast worker, pane keys pressed at once.

A pane mounted after the first frame may receive a view before its own children exist; it must
hold the view until it is composed (issue 12: `NoMatches: No nodes match 'TemperatureChart'`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.groups import GroupFacts, GroupTracker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.widgets.virtual_table import VirtualTable

LAUNCHES = 30
ROUNDS = 40  # a round every 2 ms through the launch
TOPIC = "freezer-temperatura"


def _groups_view():  # type: ignore[no-untyped-def]
    tracker = GroupTracker()
    facts = [GroupFacts("freezer-alarm-service", "Empty", "classic", (), committed={(TOPIC, 0): 5})]
    return tracker.update(canned.NOW, facts, {(TOPIC, 0): 9})


EVENTS: list[object] = [canned.CONNECTED, canned.cluster(), canned.freezer_view(), _groups_view()]


class FastWorker:
    """Emits canned views from its own thread, far faster than a real refresh, through the
    first moments of the launch (while panes 2-5 are being mounted)."""

    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.emit = emit
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        for _ in range(ROUNDS):
            if self.halt.is_set():
                return
            for event in EVENTS:
                self.emit(event)
            self.halt.wait(0.002)

    def submit(self, command: Command) -> None:
        pass

    def stop(self, timeout: float = 0.1) -> bool:
        self.halt.set()
        return True


async def test_pane_keys_at_launch_under_a_fast_feed_never_crash() -> None:
    for launch in range(LAUNCHES):
        workers: list[FastWorker] = []

        def factory(settings: Settings, emit: Callable[[object], None], made: list[FastWorker] = workers) -> FastWorker:
            made.append(FastWorker(settings, emit))
            return made[-1]

        app = KafkaTuiApp(canned.settings(), worker_factory=factory, clock=canned.clock, lazy_panes=True)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.press("1", "2", "3", "4", "5", "2")
                await pilot.pause()
                assert app.is_running, f"launch {launch}: the app stopped"
                assert not app.errors, f"launch {launch}: {app.errors}"
                # the Freezer pane shows the view it was sent before it was composed
                assert app.query_one("#sensors", VirtualTable).row_count == 4
        finally:
            for worker in workers:
                worker.stop()
        assert app.return_code in (0, None), f"launch {launch}: exit code {app.return_code}"
