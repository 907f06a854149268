"""Snapshots of the app shell with canned data (fixed size, fixed clock, no broker)."""

from __future__ import annotations

from typing import Any

import canned
from kafkatui.tui.app import KafkaTuiApp

SIZE = (120, 30)
SMALL = (80, 24)  # the smallest terminal every pane must serve


def make_app(**extra: object) -> KafkaTuiApp:
    return KafkaTuiApp(canned.settings(**extra), clock=canned.clock)


def test_cluster_pane_connected(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)


def test_cluster_pane_broker_down_and_unreachable(snap_compare: Any) -> None:
    app = make_app(read_only=True)

    async def feed(pilot: Any) -> None:
        app.apply(canned.cluster(broker_down=2))
        app.apply(canned.UNREACHABLE)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)


def test_help_screen(snap_compare: Any) -> None:
    app = make_app()

    async def open_help(pilot: Any) -> None:
        app.apply(canned.cluster())
        await pilot.pause(0.3)  # the active tab's underline is placed after the first layout
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.pause(0.3)  # focus and layout settle even on a loaded CI machine

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_freezer_pane(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.press("2")
        app.apply(canned.freezer_view())
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=feed)


def test_cluster_pane_80x24(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=feed)


def test_freezer_pane_80x24(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.press("2")
        app.apply(canned.freezer_view())
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=feed)
