"""Snapshots of the Groups pane with canned refreshes (fixed size, fixed clock, no broker)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select

import canned
from kafkatui.domain.groups import (
    GroupFacts,
    GroupsView,
    GroupTracker,
    Member,
    ResetLine,
    ResetPreview,
    ResetSpec,
    ResetTarget,
)
from kafkatui.kafka.groups import MEMBER_COLUMNS
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.groups import GroupsPane
from kafkatui.tui.screens.group_reset import GroupResetScreen

SIZE = (160, 40)
TOPIC = "freezer-temperatura"
NOW = canned.NOW


def canned_groups() -> GroupsView:
    """Ten refreshes, 5 s apart, ending at canned.NOW: one group falling behind (WARN), one
    stopped with lag (STOP -> ERR), one keeping up (OK), with a partition never committed."""
    tracker = GroupTracker()
    alarm = Member(
        "rdkafka-3f0c7a52-9d7e-4c3b-8a1e-5b2f0e6d9c41",
        "/10.20.0.7",
        "freezer-alarm-1",
        ((TOPIC, 0), (TOPIC, 1), (TOPIC, 2)),
    )
    audit = (
        Member("audit-1-4b1d", "/10.20.0.8", "audit-1", (("audit-log", 0),)),
        Member("audit-2-93aa", "/10.20.0.9", "audit-2", (("audit-log", 1),)),
    )
    view = None
    for step in range(10):
        ts = NOW - 45 + 5 * step
        ends = {(TOPIC, p): 1000 + 60 * step + 7 * p for p in range(3)}
        ends |= {("audit-log", 0): 500 + 20 * step, ("audit-log", 1): 300 + 10 * step}
        facts = [
            GroupFacts(
                "freezer-alarm-service",
                "Stable",
                "classic",
                (alarm,),
                committed={(TOPIC, 0): 990 + 40 * step, (TOPIC, 1): 1000 + 50 * step},
            ),
            GroupFacts(
                "billing",
                "Empty",
                "consumer",
                (),
                committed={(TOPIC, 0): 700, (TOPIC, 1): 650, (TOPIC, 2): 600},
            ),
            GroupFacts(
                "audit",
                "Stable",
                "consumer",
                audit,
                committed={("audit-log", 0): 500 + 20 * step, ("audit-log", 1): 300 + 10 * step},
            ),
        ]
        view = tracker.update(ts, facts, ends, refresh_ms=12.3, interval=5.0)
    assert view is not None
    return view


def restricted_groups() -> GroupsView:
    tracker = GroupTracker()
    view = None
    for step in range(4):
        facts = [
            GroupFacts(
                "freezer-alarm-service",
                committed={(TOPIC, 0): 12 + 3 * step, (TOPIC, 2): 30 + 2 * step},
                describe_error="DescribeGroups: not supported by this cluster",
            )
        ]
        ends = {(TOPIC, 0): 20 + 4 * step, (TOPIC, 2): 31 + 2 * step}
        view = tracker.update(
            NOW - 15 + 5 * step,
            facts,
            ends,
            followed=["freezer-alarm-service"],
            notes=[
                "Listing groups refused (not supported by this cluster): showing the groups "
                "named with --group / KAFKATUI_GROUPS.",
                "DescribeGroups: not supported by this cluster (for freezer-alarm-service): "
                "state, protocol, members, consumer id, host and client id are "
                "unavailable (n/a); committed offsets and lag come from OffsetFetch with "
                "explicit partitions.",
            ],
            unavailable=MEMBER_COLUMNS,
            refresh_ms=1.2,
        )
    assert view is not None
    return view


def make_app(**extra: object) -> KafkaTuiApp:
    return KafkaTuiApp(canned.settings(**extra), clock=canned.clock)


def test_groups_pane(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.action_pane("groups")
        app.apply(canned_groups())
        await pilot.pause()
        app.query_one("#groups-list").focus()
        await pilot.press("down")  # the group with a member: consumer id, host, client id
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)


def test_groups_pane_80x24(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.action_pane("groups")
        app.apply(canned_groups())
        await pilot.pause()
        app.query_one("#groups-list").focus()
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=feed)


def test_groups_pane_restricted_cluster(snap_compare: Any) -> None:
    app = make_app(groups=("freezer-alarm-service",))

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.action_pane("groups")
        app.apply(restricted_groups())
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)


def test_group_reset_preview(snap_compare: Any) -> None:
    app = make_app()

    async def feed(pilot: Any) -> None:
        app.apply(canned.cluster())
        app.action_pane("groups")
        app.apply(canned_groups())
        await pilot.pause()
        pane = app.query_one(GroupsPane)
        app.push_screen(GroupResetScreen("billing", canned.clock))
        await pilot.pause()
        app.screen.query_one("#reset-target", Select).value = "shift"
        app.screen.query_one("#reset-value", Input).value = "-100"
        await pilot.pause()
        spec = ResetSpec(ResetTarget.SHIFT, -100)
        lines = (
            ResetLine(TOPIC, 0, 700, 600),
            ResetLine(TOPIC, 1, 650, 550),
            ResetLine(TOPIC, 2, 600, 500),
        )
        pane.apply(ResetPreview("billing", spec, lines))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)
