"""80×24 is the floor: at every common terminal size each pane keeps in view what a user acts on.

Less important columns give way first (the tables list the important ones first below a width),
side panels move behind a key; the checks read where Textual placed each widget and column.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_topics_pane import topics_view
from textual.widget import Widget
from textual.widgets import DataTable

import canned
from kafkatui.domain.groups import GroupFacts, GroupsView, GroupTracker, Member
from kafkatui.domain.producer import DeliveryReport, ProducerConfig, ProducerView
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.widgets.virtual_table import VirtualTable

SIZES = [(80, 24), (100, 30), (120, 40), (160, 48), (200, 60)]
T = "freezer-temperatura"


def groups_view() -> GroupsView:
    tracker = GroupTracker()
    member = Member("consumer-1-4b1d", "/127.0.0.1", "freezer-alarm-1", ((T, 0), (T, 1), (T, 2)))
    facts = [
        GroupFacts(
            "freezer-alarm-service",
            "Stable",
            "consumer",
            (member,),
            committed={(T, 0): 990, (T, 1): 1000, (T, 2): 1010},
        ),
        GroupFacts("billing", "Empty", "classic", (), committed={(T, 0): 700}),
    ]
    return tracker.update(canned.NOW, facts, {(T, 0): 1000, (T, 1): 1060, (T, 2): 1017})


def producer_view() -> ProducerView:
    report = DeliveryReport(7, canned.NOW - 1, T, 1, 6_607, "sensor1", 20_280.0, acks="all")
    return ProducerView(ts=canned.NOW, config=ProducerConfig(), state="idle", queued=7, delivered=7, reports=(report,))


def shown(app: KafkaTuiApp, widget: Widget) -> bool:
    """On screen: displayed, not empty, and above the key bar."""
    region = widget.region
    return bool(widget.display) and region.width > 0 and region.height > 0 and region.bottom <= app.size.height - 1


def columns_in_view(table: DataTable[Any] | VirtualTable) -> list[str]:
    """The columns whose whole width fits in the table (not scrolled)."""
    room = table.scrollable_content_region.width
    names, x = [], 0
    if isinstance(table, VirtualTable):
        for (key, _), width in zip(table.columns, table.widths, strict=True):
            x += width + 2  # a cell and its padding
            if x > room:
                break
            names.append(key)
        return names
    for column in table.ordered_columns:
        x += column.get_render_width(table)
        if x > room:
            break
        names.append(str(column.key.value))
    return names


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_every_pane_keeps_what_a_user_acts_on_in_view(size: tuple[int, int]) -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=size) as pilot:
        for event in (
            canned.CONNECTED,
            canned.cluster(),
            canned.freezer_view(),
            topics_view(),
            groups_view(),
            producer_view(),
        ):
            app.apply(event)
        await pilot.press("2")
        await pilot.pause()
        sensors = app.query_one("#sensors", VirtualTable)
        assert {"SENSOR", "LAST °C", "STATUS"} <= set(columns_in_view(sensors)), size
        assert shown(app, sensors) and shown(app, app.query_one("#alert-log"))
        alerts = app.query_one("#alert-log")
        assert "Active alerts: 2" in str(alerts.render())
        assert alerts.size.height >= 3, size  # the count and both active alerts (one line each)
        chart = app.query_one("#chart")
        assert shown(app, chart) and chart.size.height >= 8 and chart.size.width >= size[0] - 4

        await pilot.press("3")
        await pilot.pause()
        topics = app.query_one("#topic-list", VirtualTable)
        assert shown(app, topics) and topics.size.height >= 3, size  # header and two topic rows
        assert shown(app, app.query_one("#partitions"))

        await pilot.press("4")
        await pilot.pause()
        groups = app.query_one("#groups-list", VirtualTable)
        detail = app.query_one("#group-detail", DataTable)
        assert shown(app, groups) and shown(app, detail)
        assert {"GROUP", "LAG", "STATUS"} <= set(columns_in_view(groups)), size
        assert {"PARTITION", "LAG"} <= set(columns_in_view(detail)), size

        await pilot.press("5")
        await pilot.pause()
        for name in ("#p-topic", "#p-key", "#p-value", "#p-acks", "#p-idem", "#p-send", "#p-reports"):
            assert shown(app, app.query_one(name)), (size, name)
        idem = app.query_one("#p-idem")
        assert idem.region.right <= app.size.width, size  # 'enable.idempotence' whole
        reports = app.query_one("#p-reports", DataTable)
        assert {"P", "OFFSET", "LATENCY", "ACKS"} <= set(columns_in_view(reports)), size
        assert reports.row_count == 1 and reports.get_row_at(0)[3] == "20.3 s"
