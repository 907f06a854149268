"""The in-app cluster switch with canned data: the old cluster's queued events are dropped, every
pane starts empty, the header names the new profile. (The same on real clusters, with the worker,
threads and processes counted: tests/integration/test_profiles_kafka.py.)"""

from __future__ import annotations

import canned
from kafkatui.domain.groups import GroupRow, GroupStatus, GroupsView
from kafkatui.settings import SettingsError
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.messages import WorkerEvent
from kafkatui.tui.panes.cluster import ClusterPane
from kafkatui.tui.panes.groups import GroupsPane
from kafkatui.tui.screens.clusters import ClusterChoice
from kafkatui.tui.widgets.header import ClusterHeader

OTHER = "127.0.0.1:29092"


def _settings_for(name: str) -> object:
    if name == "broken":
        raise SettingsError("config file c.toml [clusters.broken] sasl_password: ${X} is not set in the environment")
    return canned.settings(bootstrap_servers=OTHER, read_only=True)


def _app() -> KafkaTuiApp:
    return KafkaTuiApp(
        canned.settings(),
        clock=canned.clock,
        profile="one",
        clusters=[
            ClusterChoice("one", "127.0.0.1:19092", "PLAINTEXT", False),
            ClusterChoice("two", OTHER, "PLAINTEXT", True),
        ],
        settings_for=_settings_for,  # type: ignore[arg-type]
    )


def _groups_view() -> GroupsView:
    row = GroupRow("billing", "Stable", "classic", 1, ("orders",), 7, (7,), None, None, None, None, GroupStatus.OK)
    return GroupsView(canned.NOW, (row,), ())


async def test_a_switch_forgets_the_old_cluster_and_drops_its_queued_events() -> None:
    app = _app()
    async with app.run_test(size=(120, 30)) as pilot:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.apply(_groups_view())
        await pilot.press("4")
        await pilot.pause()
        assert app.query_one(GroupsPane).view is not None
        header = app.query_one(ClusterHeader).render_text().plain
        assert " one " in header and "READ-ONLY" not in header

        await pilot.press("C")
        await pilot.pause()
        await pilot.press("down", "enter")
        for _ in range(50):
            if (
                app.profile == "two"
                and app.query(ClusterHeader)
                and OTHER in app.query_one(ClusterHeader).render_text().plain
            ):
                break
            await pilot.pause(0.05)
        assert app.profile == "two" and app.settings.bootstrap_servers == OTHER
        # an event of the old worker still queued arrives after the switch: dropped
        app.post_message(WorkerEvent(canned.cluster(), generation=0))
        app.post_message(WorkerEvent(_groups_view(), generation=0))
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        assert app.query_one(GroupsPane).view is None  # no row of the old cluster
        header = app.query_one(ClusterHeader).render_text().plain
        assert " two " in header and "READ-ONLY" in header and OTHER in header and "brokers" not in header
        # the new worker's events (this generation) are shown
        app.post_message(WorkerEvent(canned.cluster(), generation=app.generation))
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert app.query_one(ClusterPane).snapshot is not None
        assert "brokers" in app.query_one(ClusterHeader).render_text().plain


async def test_a_profile_that_cannot_be_built_keeps_the_current_cluster_and_says_why() -> None:
    app = _app()
    app.clusters.append(ClusterChoice("broken", "(error)", "", False))
    async with app.run_test(size=(120, 30)) as pilot:
        app.apply(canned.cluster())
        app._chosen("broken")
        await pilot.pause()
        assert app.profile == "one" and app.settings.bootstrap_servers != OTHER
        messages = [str(n.message) for n in app._notifications]
        assert any("Cluster broken cannot be used" in m and "Still on one" in m for m in messages)


async def test_a_config_file_warning_is_shown_in_the_dashboard() -> None:
    warning = (
        "config file c.toml holds a plain secret ([clusters.one] sasl_password) and others can read it (mode 0644)"
    )
    app = KafkaTuiApp(canned.settings(), clock=canned.clock, notices=[warning])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert any("plain secret" in str(n.message) for n in app._notifications)
