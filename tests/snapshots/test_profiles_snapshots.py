"""Snapshots of the cluster list (C) and the export dialog (E), at 80x24 and 160x48, canned data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import canned
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.screens.clusters import ClusterChoice
from kafkatui.tui.screens.export import ExportScreen
from unit.test_topics_pane import topics_view

SIZES = [(80, 24), (160, 48)]
CHOICES = [
    ClusterChoice("local", "127.0.0.1:19092", "PLAINTEXT", False),
    ClusterChoice("staging", "127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094", "SASL_SSL", True),
    ClusterChoice(
        "cloud",
        "config file config.toml [clusters.cloud] sasl_password: ${CLOUD_SECRET} is not set in the environment",
        "",
        False,
        usable=False,
    ),
]


def make_app() -> KafkaTuiApp:
    return KafkaTuiApp(
        canned.settings(read_only=True),
        clock=canned.clock,
        profile="staging",
        clusters=CHOICES,
        settings_for=lambda name: canned.settings(),
        config_source="config.toml",
    )


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_cluster_list(snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.pause(0.3)
        await pilot.press("C")
        await pilot.pause()
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=feed)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_export_dialog_on_topics(snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.press("3")
        app.apply(topics_view(extra_topics=4))
        await pilot.pause(0.3)
        pane = app.query_one(TopicsPane)
        app.push_screen(ExportScreen(pane.export_sources(), canned.clock, folder=Path("/data")))
        await pilot.pause()
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=feed)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_export_dialog_of_the_viewer_with_a_range(snap_compare: Any, size: tuple[int, int]) -> None:
    """The message viewer's export: the records loaded, or a range read from Kafka (chosen here)."""
    from textual.widgets import RadioSet

    from kafkatui.domain.export import ExportSource
    from kafkatui.tui.screens.export import RangeChoice

    app = make_app()
    loaded = ExportSource("Records of orders, partition 1 (1,000 records loaded)", "records", "orders", ("a",), list)

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.pause(0.3)
        screen = ExportScreen([loaded], canned.clock, folder=Path("/data"), ranged=RangeChoice("orders", 1, (0, 1, 2)))
        app.push_screen(screen)
        await pilot.pause()
        screen.query_one(RadioSet).focus()
        await pilot.press("down", "enter")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=feed)
