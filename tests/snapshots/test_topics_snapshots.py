"""Snapshot of the Topics pane (list + partition detail + configs) with canned data, no broker."""

from __future__ import annotations

from typing import Any

import canned
from kafkatui.tui.app import KafkaTuiApp
from unit.test_topics_pane import topics_view

SIZE = (120, 36)


def test_topics_list_and_detail(snap_compare: Any) -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster(broker_down=2))
        await pilot.press("3")
        app.apply(topics_view(extra_topics=4))
        await pilot.press("i")  # show internal topics too
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)


def test_topics_80x24(snap_compare: Any) -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster(broker_down=2))
        await pilot.press("3")
        app.apply(topics_view(extra_topics=4))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=feed)


def test_topics_80x24_configs(snap_compare: Any) -> None:
    """Below 140 columns the detail shows configs instead of partitions on g, values whole."""
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster(broker_down=2))
        await pilot.press("3")
        app.apply(topics_view(extra_topics=4))
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=feed)
