"""An exception in a UI handler is reported and the app keeps running: on a pane, in the app's
handling of a worker event, and on a modal screen; every screen and pane of ours is guarded."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.screen import Screen
from textual.widgets import Input

import canned
import kafkatui.tui.panes
import kafkatui.tui.screens
from kafkatui.domain.alerts import Thresholds
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.guard import GuardedHandlers
from kafkatui.tui.messages import WorkerEvent
from kafkatui.tui.panes.base import PaneMixin
from kafkatui.tui.panes.cluster import ClusterPane
from kafkatui.tui.screens.limits import LimitsScreen


def _classes(package: object) -> list[type]:
    found = []
    for info in pkgutil.iter_modules(package.__path__):  # type: ignore[attr-defined]
        module = importlib.import_module(f"{package.__name__}.{info.name}")  # type: ignore[attr-defined]
        found += [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
    return found


def test_every_screen_and_pane_is_guarded() -> None:
    screens = [c for c in _classes(kafkatui.tui.screens) if issubclass(c, Screen)]
    panes = [c for c in _classes(kafkatui.tui.panes) if issubclass(c, PaneMixin) and c is not PaneMixin]
    assert len(screens) >= 10 and len(panes) == 5
    assert [c.__name__ for c in screens + panes if not issubclass(c, GuardedHandlers)] == []


async def test_an_error_showing_a_worker_event_is_reported_and_the_next_one_is_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    shown = ClusterPane.show
    calls: list[int] = []

    def broken_once(self: ClusterPane, snapshot: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom while drawing")
        shown(self, snapshot)  # type: ignore[arg-type]

    monkeypatch.setattr(ClusterPane, "show", broken_once)
    async with app.run_test(size=(120, 30)) as pilot:
        app.post_message(WorkerEvent(canned.cluster()))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert "RuntimeError: boom while drawing" in app.errors[-1].message
        assert app.errors[-1].where == "KafkaTuiApp.on_worker_event"
        app.post_message(WorkerEvent(canned.cluster(broker_down=2)))  # the app still takes events
        await pilot.pause()
        assert app.query_one(ClusterPane).snapshot is not None


async def test_an_error_in_a_modal_screen_handler_is_reported_and_the_screen_still_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)

    def broken(self: LimitsScreen, event: Input.Submitted) -> None:
        raise RuntimeError("boom in a modal")

    monkeypatch.setattr(LimitsScreen, "on_input_submitted", broken)
    async with app.run_test(size=(120, 30)) as pilot:
        app.push_screen(LimitsScreen(Thresholds(-5, 5)))
        await pilot.pause()
        app.screen.query_one("#tmin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.errors and app.errors[-1].where == "LimitsScreen.on_input_submitted"
        assert any("boom in a modal" in n.message for n in app._notifications)
        await pilot.press("escape")  # the modal's own loop still runs
        await pilot.pause()
        assert not isinstance(app.screen, LimitsScreen)
