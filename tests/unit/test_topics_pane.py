"""Pilot tests of the Topics pane with canned views and a fake worker (no broker)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.widgets import Input

import canned
from kafkatui.domain.commands import Command, Refresh
from kafkatui.domain.message_viewer import MessagesView, Record, StartAt, StopMessages, ViewMessages
from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.topic_actions import ActionResult, CreateTopic
from kafkatui.domain.topic_configs import ConfigEntry, TopicConfigs
from kafkatui.domain.topic_list import RowCache, Watermark
from kafkatui.domain.topics_view import TopicsActive, TopicsView
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.screens.topic_create import CreateTopicScreen
from kafkatui.tui.screens.topic_messages import RecordScreen, TopicMessagesScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable


def topics_view(extra_topics: int = 0, count: int = 10, read_only: bool = False) -> TopicsView:
    """The canned 3-broker cluster with broker 2 down, plus `extra_topics` small topics."""
    snap = canned.cluster(broker_down=2)
    extra = tuple(TopicInfo(f"orders.{i:03d}", (PartitionInfo(0, 1, (1,), (1,)),)) for i in range(extra_topics))
    snap = replace(snap, topics=snap.topics + extra)
    marks = {
        "freezer-temperatura": {0: Watermark(0, count), 1: Watermark(3, 12), 2: Watermark(0, 5)},
        **{t.name: {0: Watermark(0, 1)} for t in extra},
    }
    key = {"freezer-temperatura": {"retention.ms": "604800000", "cleanup.policy": "delete"}}
    configs = TopicConfigs(
        "freezer-temperatura",
        (
            ConfigEntry("cleanup.policy", "delete", "Kafka default", True),
            ConfigEntry("min.insync.replicas", "2", "topic override", False),
            ConfigEntry("retention.ms", "604800000", "Kafka default", True),
        ),
    )
    return TopicsView(
        ts=canned.NOW,
        metadata_ts=canned.NOW - 2,
        rows=RowCache().rows(snap.topics, marks, key),
        topics={t.name: t for t in snap.topics},
        marks=marks,
        marks_ts=canned.NOW - 1,
        brokers_up=snap.brokers_up,
        selected=configs,
        read_only=read_only,
        unavailable={"create": "read-only mode"} if read_only else {},
    )


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.commands: list[Command] = []

    def start(self) -> None:
        return None

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.25) -> bool:
        return True


def make(read_only: bool = False) -> tuple[KafkaTuiApp, list[FakeWorker]]:
    fakes: list[FakeWorker] = []

    def factory(settings: Settings, emit: Callable[[object], None]) -> FakeWorker:
        fakes.append(FakeWorker(settings, emit))
        return fakes[-1]

    return KafkaTuiApp(canned.settings(read_only=read_only), worker_factory=factory, clock=canned.clock), fakes


async def test_list_filter_sort_and_cursor_survive_refresh() -> None:
    app, fakes = make()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert TopicsActive(True) in fakes[0].commands
        app.apply(topics_view(extra_topics=30))
        await pilot.pause()
        pane = app.query_one(TopicsPane)
        table = app.query_one("#topic-list", VirtualTable)
        assert table.row_count == 31  # __consumer_offsets hidden
        await pilot.press("down", "down", "down")
        assert table.cursor_key == "orders.002"
        app.apply(topics_view(extra_topics=31, count=99))  # a refresh with a new topic
        await pilot.pause()
        assert table.cursor_key == "orders.002" and table.row_count == 32
        assert table.render_cell_text("freezer-temperatura")[5] == "113"
        await pilot.press("i")
        assert table.row_count == 33
        await pilot.press("slash", *"orders.01")
        assert app.query_one("#topics-filter", Input).has_focus
        assert table.keys() == [f"orders.{i:03d}" for i in range(10, 20)]
        await pilot.press("enter")
        assert table.has_focus
        pane.action_sort_next()  # PARTS, largest first
        await pilot.press("slash", "ctrl+u", "enter")
        assert table.keys()[0] == "__consumer_offsets"
        # the detail follows the cursor: partitions of the selected topic, flags explained
        table.move_cursor(table.index["freezer-temperatura"])
        await pilot.pause(0.4)
        title = str(app.query_one("#topic-title").render())
        assert "freezer-temperatura" in title and "1 under-replicated" in title


async def test_create_form_checks_then_sends_and_result_refreshes() -> None:
    app, fakes = make()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        app.apply(topics_view())
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateTopicScreen)
        await pilot.press(*"bad name")
        message = str(app.screen.query_one("#create-message").render())
        assert "not allowed" in message
        app.screen.query_one("#create-name", Input).value = "orders.eu_west"
        await pilot.pause()
        assert "mixes '.' and '_'" in str(app.screen.query_one("#create-message").render())
        app.screen.query_one("#create-replication", Input).value = "3"
        app.screen.query_one("#create-retention", Input).value = "2d"
        await pilot.pause()
        assert "only 2 brokers are up" in str(app.screen.query_one("#create-message").render())
        app.screen.query_one("#create-partitions", Input).value = "zero"
        await pilot.press("enter")
        assert "partitions: 'zero' is not a whole number" in str(app.screen.query_one("#create-message").render())
        app.screen.query_one("#create-partitions", Input).value = "6"
        await pilot.press("enter")
        await pilot.pause()
        sent = [c for c in fakes[0].commands if isinstance(c, CreateTopic)]
        assert sent == [CreateTopic("orders.eu_west", 6, 3, (("retention.ms", "172800000"),))]
        app.apply(ActionResult(canned.NOW, "create", "orders.eu_west", True, "Topic 'orders.eu_west' created."))
        await pilot.pause()
        assert Refresh() in fakes[0].commands
        assert any("created" in n.message for n in app._notifications)


async def test_read_only_disables_writes_in_the_ui() -> None:
    app, fakes = make(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        app.apply(topics_view(read_only=True))
        await pilot.pause()
        pane = app.query_one(TopicsPane)
        assert pane.check_action("create", ()) is None and pane.check_action("delete", ()) is None
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, CreateTopicScreen)
        assert not [c for c in fakes[0].commands if isinstance(c, CreateTopic)]
        assert "read-only" in str(app.query_one("#topics-notes").render())


async def test_viewer_shows_records_and_opens_one() -> None:
    app, fakes = make()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        app.apply(topics_view())
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TopicMessagesScreen)
        assert ViewMessages("freezer-temperatura", None, StartAt()) in fakes[0].commands
        records = (
            *(
                Record(
                    i % 3,
                    i,
                    1_763_712_000_000 + i,
                    f"sensor{i}".encode(),
                    b'{"temperature": -3.5}',
                    (("origin", b"lab"),),
                    21,
                )
                for i in range(50)
            ),
            Record(0, 99, -1, None, b"\xff\xfe", (), 2),
        )
        app.apply(
            MessagesView(canned.NOW, "freezer-temperatura", None, StartAt(), records, 51, 51, 12.0, "", "reading")
        )
        await pilot.pause()
        table = app.screen.query_one("#records", VirtualTable)
        assert table.row_count == 51 and table.cursor_key == "0:99"  # follows the tail
        assert table.render_cell_text("0:99")[3:5] == ["(null)", "\\xff\\xfe"]
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        text = str(app.screen.query_one("#record-text").render())
        assert '"temperature": -3.5' in text and "origin = lab" in text and "(json" in text
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert StopMessages() in fakes[0].commands
        assert not isinstance(app.screen, TopicMessagesScreen)
