"""The command palette (ctrl+p) offers the app's own actions by plain name (pilot tests)."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList, CommandPalette
from textual.widgets import TabbedContent

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.topics_view import TopicsView
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.screens.group_help import GroupRulesScreen
from kafkatui.tui.screens.limits import LimitsScreen
from kafkatui.tui.screens.topic_create import CreateTopicScreen

UNSUPPORTED = "not supported by this cluster: librdkafka's mock cluster names no controller"


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None], unsupported: bool = False) -> None:
        self.emit = emit
        self.unsupported = unsupported

    def start(self) -> None:
        self.emit(canned.CONNECTED)
        self.emit(canned.cluster())
        if self.unsupported:
            unavailable = {"create": UNSUPPORTED, "delete": UNSUPPORTED, "partitions": UNSUPPORTED}
            self.emit(TopicsView(canned.NOW, canned.NOW, (), {}, {}, None, 3, unavailable=unavailable))

    def submit(self, command: Command) -> None:
        return None

    def stop(self, timeout: float = 0.25) -> bool:
        return True


def make_app(read_only: bool = False, unsupported: bool = False) -> KafkaTuiApp:
    return KafkaTuiApp(
        canned.settings(read_only=read_only),
        worker_factory=lambda s, emit: FakeWorker(s, emit, unsupported),
        clock=canned.clock,
    )


async def search(pilot, app: KafkaTuiApp, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the palette, type `query`, return the hits' prompts as plain text."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(40):  # the palette searches in a worker: wait for its list to settle
        await pilot.pause(0.05)
        options = app.screen.query_one(CommandList).options
        if options and "Searching" not in str(options[0].prompt):
            break
    return [str(getattr(o.prompt, "plain", o.prompt)).split("\n")[0] for o in options]


async def test_palette_finds_the_apps_actions_by_plain_name() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        hits = await search(pilot, app, "create topic")
        assert hits[0].startswith("Create topic") and "(unavailable)" not in hits[0]
        await pilot.press("escape")
        await pilot.pause()
        hits = await search(pilot, app, "producer")
        assert any(h.startswith("Show Producer") for h in hits)


async def test_choosing_create_topic_opens_the_form_on_the_topics_pane() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await search(pilot, app, "create topic")
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause(0.05)
            if isinstance(app.screen, CreateTopicScreen):
                break
        assert app.query_one("#panes", TabbedContent).active == "topics"
        assert isinstance(app.screen, CreateTopicScreen)


async def test_pane_switches_and_pane_actions() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await search(pilot, app, "show groups")
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.query_one("#panes", TabbedContent).active == "groups"
        await search(pilot, app, "status rules")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, GroupRulesScreen)
        await pilot.press("escape")
        await pilot.pause()
        await search(pilot, app, "edit freezer limits")
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause(0.05)
            if isinstance(app.screen, LimitsScreen):
                break
        assert app.query_one("#panes", TabbedContent).active == "freezer"
        assert isinstance(app.screen, LimitsScreen)


async def test_read_only_marks_writes_unavailable_with_the_reason() -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        for query in ("create topic", "reset consumer group offsets", "send message", "delete topic"):
            hits = await search(pilot, app, query)
            assert hits[0].endswith("(unavailable)"), (query, hits)
            await pilot.press("escape")
            await pilot.pause()
        hits = await search(pilot, app, "message viewer")  # reading is fine in read-only mode
        assert "(unavailable)" not in hits[0]
        await pilot.press("escape")
        await pilot.pause()
        await search(pilot, app, "create topic")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, CreateTopicScreen)
        assert any("read-only mode" in n.message for n in app._notifications)


async def test_unsupported_by_the_cluster_is_marked_with_the_reason() -> None:
    app = make_app(unsupported=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("3")  # the Topics pane (mounted) has the worker's capability answer
        await pilot.pause(0.2)
        hits = await search(pilot, app, "add partitions")
        assert hits[0] == "Add partitions (unavailable)"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert any("mock cluster names no controller" in n.message for n in app._notifications)


async def test_topic_writes_unavailable_on_a_cluster_without_controller_before_the_pane_hears() -> None:
    """The demo's mock names no controller: CreateTopics cannot be routed, known from the metadata."""
    from dataclasses import replace

    class NoController(FakeWorker):
        def start(self) -> None:
            self.emit(canned.CONNECTED)
            self.emit(replace(canned.cluster(), controller_id=None, metadata_controller_id=None, is_mock=True))

    app = KafkaTuiApp(canned.settings(), worker_factory=lambda s, emit: NoController(s, emit), clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        hits = await search(pilot, app, "create topic")
        assert hits[0] == "Create topic (unavailable)"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, CreateTopicScreen)
        assert any("mock cluster names no controller" in n.message for n in app._notifications)
