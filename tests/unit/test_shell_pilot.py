"""Pilot tests of the shell: keys, help, state routing, quitting stops the worker."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Input, Tab, TabbedContent, TabPane, Tabs

import canned
from kafkatui.domain.commands import Command, Refresh
from kafkatui.domain.models import WorkerError
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.freezer import FreezerPane
from kafkatui.tui.screens.help import HelpScreen
from kafkatui.tui.widgets.header import ClusterHeader
from kafkatui.tui.widgets.virtual_table import VirtualTable


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.emit = emit
        self.commands: list[Command] = []
        self.started = False
        self.stopped = False

    def start(self) -> None:
        self.started = True
        self.emit(canned.CONNECTED)
        self.emit(canned.cluster())

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.25) -> bool:
        self.stopped = True
        return True


async def test_worker_events_reach_header_and_cluster_pane() -> None:
    fakes: list[FakeWorker] = []

    def factory(settings: Settings, emit: Callable[[object], None]) -> FakeWorker:
        fakes.append(FakeWorker(settings, emit))
        return fakes[-1]

    app = KafkaTuiApp(canned.settings(), worker_factory=factory, clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert fakes and fakes[0].started
        table = app.query_one("#brokers", DataTable)
        assert table.row_count == 3
        assert [table.get_row(k)[0] for k in ("1", "2", "3")] == ["1", "2", "3"]
        header = app.query_one(ClusterHeader).render_text().plain
        assert "connected" in header and "brokers 3/3" in header and "controller 1" in header
        # a broker goes down: the row stays, flagged DOWN, header counts 2/3
        app.apply(canned.cluster(broker_down=2))
        await pilot.pause()
        assert str(table.get_row("2")[4]) == "DOWN"
        assert "brokers 2/3" in app.query_one(ClusterHeader).render_text().plain
        app.apply(canned.UNREACHABLE)
        await pilot.pause()
        header = app.query_one(ClusterHeader).render_text().plain
        assert "unreachable" in header and "Connection refused" in header and "data 2 s old" in header
        await pilot.press("r")
        assert fakes[0].commands == [Refresh()]
        await pilot.press("q")
    assert fakes[0].stopped


async def test_help_lists_every_key() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {(s, b.key) for s, bindings in app.screen.sections for b in bindings}
        for binding in app.BINDINGS:
            key = binding.key if hasattr(binding, "key") else binding[0]
            assert ("everywhere", key) in listed
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("1")
        assert app.query_one("#panes", TabbedContent).active == "cluster"


async def test_worker_error_is_shown_not_fatal() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        app.apply(WorkerError(canned.NOW, "worker loop", "RuntimeError: boom"))
        await pilot.pause()
        assert app.errors and app.is_running
        assert any("boom" in n.message for n in app._notifications)


async def test_stale_banner_over_every_pane_with_age() -> None:
    now = [canned.NOW]
    app = KafkaTuiApp(canned.settings(), clock=lambda: now[0])
    async with app.run_test(size=(120, 30)) as pilot:
        banner = app.query_one("#stale-banner")
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())  # data from NOW - 2
        await pilot.pause()
        assert not banner.display
        now[0] += 10
        app.apply(canned.UNREACHABLE)
        await pilot.pause()
        assert banner.display
        text = str(banner.render())
        assert "STALE" in text and "12 s ago" in text and "Connection refused" in text
        for pane in ("2", "3", "4", "5"):
            await pilot.press(pane)
            assert banner.display  # above the tabs: visible whichever pane is open
        app.apply(canned.CONNECTED)
        await pilot.pause()
        assert not banner.display


async def test_number_keys_switch_panes_and_never_land_in_a_text_field() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        tabs = app.query_one("#panes", TabbedContent)
        for key, pane in (
            ("3", "topics"),
            ("1", "cluster"),
            ("5", "producer"),
            ("2", "freezer"),
            ("4", "groups"),
            ("1", "cluster"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == pane
            assert not isinstance(app.focused, Input), f"{pane}: focus in {app.focused}"
        await pilot.press("5")
        await pilot.pause()
        field = app.query_one("#producer-pane").query(Input).first()
        field.focus()
        await pilot.press("3")  # typed into the field: digits belong to it
        assert tabs.active == "producer"
        await pilot.press("escape", "3")  # escape gives the keys back
        await pilot.pause()
        assert tabs.active == "topics"


async def test_number_keys_typed_at_once_end_on_the_last_pane_typed() -> None:
    """Keys that arrive in one burst ("5 1 2", or pressed during start) are all handled before the
    first switch's focus lands; that focus must not pull the tabs back to pane 5."""
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.pause()
        tabs = app.query_one("#panes", TabbedContent)
        for burst, pane in (("512", "freezer"), ("3451", "cluster"), ("25", "producer"), ("54", "groups")):
            for key in burst:
                app.simulate_key(key)
            await pilot.pause(0.3)
            assert tabs.active == pane, burst
            assert app.focused is not None and tabs.get_pane(pane) in app.focused.ancestors, (burst, app.focused)


async def test_a_pane_key_typed_with_the_key_that_opens_the_pane_reaches_it() -> None:
    """ "2b" in one burst: the number key is handled as it arrives and focuses the Freezer pane, so
    `b` (the pane's bell toggle) reaches it (it used to go to the pane left behind). A text field
    keeps its digits, and so does a dialog."""
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        freezer = app.query_one(FreezerPane)
        bell = freezer.bell
        for key in "2b":
            app.simulate_key(key)
        await pilot.pause(0.3)
        tabs = app.query_one("#panes", TabbedContent)
        assert tabs.active == "freezer" and freezer.bell is not bell
        await pilot.press("3", "slash", "1", "2")  # the Topics filter field
        await pilot.pause()
        assert tabs.active == "topics" and app.query_one("#topics-filter", Input).value == "12"
        await pilot.press("escape", "question_mark", "5")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and tabs.active == "topics"


async def test_a_focus_message_from_a_tab_no_longer_open_does_not_reopen_it() -> None:
    """The start-up focus of the Cluster table is announced by a message; when a pane is chosen
    before that message is handled (a key pressed at start, a test opening a pane at once), the
    stale message used to pull the user back to the Cluster pane (it failed three Groups tests)."""
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tabs = app.query_one("#panes", TabbedContent)
        cluster = tabs.get_pane("cluster")
        app.action_pane("groups")
        cluster.post_message(TabPane.Focused(cluster))  # what focusing the Cluster table posted
        strip = tabs.query_one(Tabs)
        first = strip.query(Tab).first()
        strip.post_message(Tabs.TabActivated(strip, first))  # the strip's own start-up message
        await pilot.pause(0.3)
        assert tabs.active == "groups"
        assert app.focused is not None and tabs.get_pane("groups") in app.focused.ancestors, app.focused
        await pilot.click(f"#{first.id}")  # a click on a tab still opens it
        await pilot.pause()
        assert tabs.active == "cluster"


async def test_a_pane_opened_as_the_app_starts_stays_open() -> None:
    for pane in ("groups", "producer", "topics"):
        app = KafkaTuiApp(canned.settings(), clock=canned.clock)
        async with app.run_test(size=(80, 24)) as pilot:
            app.action_pane(pane)  # before the start-up focus has been announced
            await pilot.pause(0.3)
            assert app.query_one("#panes", TabbedContent).active == pane


async def test_lazy_panes_get_the_state_they_missed() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock, lazy_panes=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.apply(canned.freezer_view())  # may arrive before the Freezer pane is mounted
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        sensors = app.query_one("#sensors", VirtualTable)
        assert sensors.row_count == 4


async def test_toasts_leave_the_producers_toggles_visible() -> None:
    """Toasts sit at the top right (off the Freezer's alert list) but at the bottom right on the
    Producer pane, whose acks and idempotence toggles are at the top right."""
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        for pane, top in (("freezer", True), ("producer", False), ("groups", True)):
            app.action_pane(pane)
            app.notify("sensor1 too warm: 9.5 °C > max 5 °C")
            await pilot.pause(0.3)
            (toast,) = app.screen.query("Toast")
            assert (toast.region.y < 12) is top, (pane, toast.region)
            assert toast.region.bottom <= 23  # the key bar stays visible
            app.clear_notifications()
            await pilot.pause(0.2)
