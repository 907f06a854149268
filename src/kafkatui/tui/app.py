"""The Textual app: header, panes switched by number keys, help, command palette.

Text from outside is inert (kafkatui.domain.text): panes escape each external string where it
becomes display text; `notify` here shows every toast as literal text through the same helper,
whoever calls it.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

from rich.text import Text
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.lazy import Lazy
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import Input, TabbedContent, TabPane, TextArea

from kafkatui.domain.alerts import Thresholds
from kafkatui.domain.commands import Command, Refresh
from kafkatui.domain.events import Event
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.models import ClusterSnapshot, ConnectionState, Refused, WorkerError
from kafkatui.domain.text import inert, inert_lines
from kafkatui.redact import redact
from kafkatui.settings import Settings, unused_credentials_warning
from kafkatui.tui.guard import GuardedHandlers
from kafkatui.tui.messages import SendCommand, WorkerEvent
from kafkatui.tui.palette import ActionsProvider
from kafkatui.tui.panes.base import PaneMixin, PaneReady, is_state
from kafkatui.tui.panes.cluster import MOCK_NOTE, ClusterPane
from kafkatui.tui.panes.freezer import FreezerPane
from kafkatui.tui.panes.groups import GroupsPane
from kafkatui.tui.panes.producer import ProducerPane
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.screens.clusters import ClusterChoice, ClusterListScreen
from kafkatui.tui.screens.help import HelpScreen
from kafkatui.tui.widgets.header import ClusterHeader
from kafkatui.tui.widgets.keybar import KeyBar
from kafkatui.tui.widgets.pane_tabs import PaneTabs
from kafkatui.tui.widgets.stale import StaleBanner

log = logging.getLogger("kafkatui.app")


class WorkerHandle(Protocol):
    """What the app needs from the Kafka worker (the real one lives in kafkatui.kafka)."""

    def start(self) -> None: ...
    def submit(self, command: Command) -> None: ...
    def stop(self, timeout: float = 0.1) -> bool: ...


NOTIFY_LIMIT = 400  # characters of a toast

WorkerFactory = Callable[[Settings, Callable[[Event], None]], WorkerHandle]
SettingsFor = Callable[[str], Settings]  # a profile's name -> its settings (raises SettingsError)

PANES: tuple[tuple[str, str], ...] = (
    ("cluster", "Cluster"),
    ("freezer", "Freezer"),
    ("topics", "Topics"),
    ("groups", "Groups"),
    ("producer", "Producer"),  # pane 5 once Topics (3) and Groups (4) are listed before it
)


class KafkaTuiApp(GuardedHandlers, App[int]):
    """kafkatui's shell. Panes are thin: each has one `show(data)`."""

    TITLE = "kafkatui"
    COMMANDS = App.COMMANDS | {ActionsProvider}  # the app's own actions by name, besides Textual's
    # The active tab is already highlighted; its animated underline bar is placed only after a
    # layout pass, which made screenshots differ run to run. One line saved, too.
    # Toasts at the top right: at the bottom right they covered the freezer's alert list.
    DEFAULT_CSS = """
    #panes Underline { display: none; }
    #textual-toastrack { dock: top; align: right top; margin-top: 3; margin-bottom: 0; }
    .-toasts-low #textual-toastrack { dock: bottom; align: right bottom; margin-top: 0; margin-bottom: 1; }
    """
    # panes whose controls sit at the top right: toasts go to the bottom right there (over the
    # oldest delivery reports, not the acks / idempotence toggles)
    TOASTS_LOW: ClassVar[frozenset[str]] = frozenset({"producer"})
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("r", "refresh", "Refresh now"),
        Binding("C", "clusters", "Switch cluster", key_display="C", show=False),
        Binding("ctrl+p", "command_palette", "Command palette", show=False),
        Binding("escape", "leave_input", "Leave a text field", show=False),
        # priority: handled as the key arrives, so the next key of a burst ("2p") finds the new
        # pane focused; a text field or a dialog keeps its digits (see action_pane_key)
        *[
            Binding(str(i), f"pane_key('{pane_id}')", title, show=True, priority=True)
            for i, (pane_id, title) in enumerate(PANES, start=1)
        ],
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        worker_factory: WorkerFactory | None = None,
        clock: Callable[[], float] = time.time,
        log_path: Path | None = None,
        lazy_panes: bool = False,
        profile: str | None = None,
        clusters: Sequence[ClusterChoice] = (),
        settings_for: SettingsFor | None = None,
        config_source: str = "the config file",
        notices: Sequence[str] = (),
        overridden: Callable[[str], list[str]] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.profile = profile  # the cluster profile in use (None: no profile)
        self.clusters = list(clusters)
        self._settings_for = settings_for
        self.config_source = config_source
        self.notices = list(notices)
        self._overridden = overridden  # a profile's keys the command line or environment overrides
        self.generation = 0  # bumped on each cluster switch: events of an older worker are dropped
        self.clock = clock
        self.log_path = log_path
        self._worker_factory = worker_factory
        self.worker: WorkerHandle | None = None
        self.errors: list[WorkerError] = []
        self.crash_line: str | None = None
        self._latest: dict[type, Event] = {}  # newest whole-state event of each kind
        # found once, not by a walk of the whole DOM on every worker event and every second
        self._chrome: tuple[ClusterHeader, StaleBanner] | None = None
        self._panes: list[PaneMixin] = []
        self.lazy_panes = lazy_panes
        self._leaving_input = False
        self.animation_level = "none"  # a monitor should switch panes at once, not slide

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ClusterHeader(
            self.settings.bootstrap_servers,
            self.clock,
            read_only=self.settings.read_only,
            demo=self.settings.demo,
            profile=self.profile,
        )
        yield StaleBanner(self.clock)
        with PaneTabs(initial="cluster", id="panes"):
            with TabPane("1 Cluster", id="cluster"):
                yield ClusterPane(self.clock)
            with TabPane("2 Freezer", id="freezer"):
                yield self._lazy(
                    FreezerPane(
                        self.clock,
                        Thresholds(self.settings.temp_min, self.settings.temp_max),
                        toasts=self.settings.toasts,
                    )
                )
            with TabPane("3 Topics", id="topics"):
                yield self._lazy(
                    TopicsPane(
                        self.clock,
                        read_only=self.settings.read_only,
                        partitioner=self.settings.librdkafka_config().get("partitioner", "consistent_random"),
                    )
                )
            with TabPane("4 Groups", id="groups"):
                yield self._lazy(GroupsPane(self.clock, read_only=self.settings.read_only))
            with TabPane("5 Producer", id="producer"):
                yield self._lazy(ProducerPane.from_settings(self.clock, self.settings))
        yield KeyBar()

    def _lazy(self, pane: Widget) -> Widget:
        """Panes 2-5 mount after the first frame when `lazy_panes` (the command line sets it):
        the cluster shows sooner; PaneReady then replays the state they missed."""
        return Lazy(pane) if self.lazy_panes else pane

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.focus_pane()  # now, not after a refresh: the first frame is the same on every machine
        self.set_interval(1.0, self._tick)
        warning = unused_credentials_warning(self.settings)
        if warning:  # credentials the protocol never sends: say so rather than connect silently
            self.notify(warning, title="settings", severity="warning", timeout=20, markup=False)
        for notice in self.notices:  # e.g. a plain secret in a config file others can read
            self.notify(notice, title="settings", severity="warning", timeout=20, markup=False)
        self._start_worker()

    def _start_worker(self) -> None:
        if self._worker_factory is not None:
            self.worker = self._worker_factory(self.settings, self._emitter())
            self.worker.start()

    def _emitter(self) -> Callable[[Event], None]:
        """The worker's emit: called on its thread (post_message is thread-safe); each event
        carries the generation of the cluster it came from."""
        generation = self.generation

        def emit(event: Event) -> None:
            self.post_message(WorkerEvent(event, generation))

        return emit

    # -- events from the worker ----------------------------------------------------------

    def on_worker_event(self, message: WorkerEvent) -> None:
        if message.generation != self.generation:
            return  # from the cluster before a switch, still queued: never shown as the new one's
        self.apply(message.event)

    def on_pane_ready(self, message: PaneReady) -> None:
        """A lazily mounted pane: give it the latest state it missed."""
        for event in self._latest.values():
            if isinstance(event, message.pane.EVENTS):
                message.pane.deliver(event)  # held while the pane is hidden

    def apply(self, event: Event) -> None:
        """Route one worker event to the widgets that show it (also used by tests)."""
        if is_state(event):
            self._latest[type(event)] = event
        chrome = self.chrome()
        if chrome is None:
            return  # quitting: the widgets are gone while timers and queued events still run
        header, banner = chrome
        if isinstance(event, ClusterSnapshot):
            header.show_snapshot(event)
            banner.data_seen(event.ts)
        elif isinstance(event, ConnectionState):
            header.show_state(event)
            banner.show_state(event)
        elif isinstance(event, FreezerView):
            header.show_alerts(event.alert_count)
        elif isinstance(event, Refused):
            self.notify(event.describe(), title="READ-ONLY", severity="warning", timeout=6)
        elif isinstance(event, WorkerError):
            self.errors.append(event)
            self.notify(f"{event.where}: {event.message}", title="worker error", severity="error", timeout=8)
        for pane in self.panes():
            if isinstance(event, pane.EVENTS):
                pane.deliver(event)  # held until the pane's children exist and it is shown

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast as literal text: messages carry broker error strings, sensor, topic and
        group names, so none is read as markup or may hold a control character. (`markup` is
        accepted for Textual's callers and ignored.)"""
        super().notify(
            inert_lines(message, NOTIFY_LIMIT),
            title=inert(title, 80),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def chrome(self) -> tuple[ClusterHeader, StaleBanner] | None:
        """The header and the STALE banner; None once they are gone (quitting)."""
        if self._chrome is None or not self._chrome[0].is_attached:
            if not self.query(ClusterHeader):
                return None
            self._chrome = (self.query_one(ClusterHeader), self.query_one(StaleBanner))
        return self._chrome

    def panes(self) -> list[PaneMixin]:
        """The panes mounted so far (panes 2-5 mount after the first frame)."""
        if len(self._panes) < len(PANES) or not self._panes[0].is_attached:
            self._panes = [w for w in self.query(".pane") if isinstance(w, PaneMixin)]
        return self._panes

    def on_send_command(self, message: SendCommand) -> None:
        self.send(message.command)

    def send(self, command: Command) -> None:
        if self.worker is not None:
            self.worker.submit(command)

    def _tick(self) -> None:
        chrome = self.chrome()
        if chrome is None:
            return  # quitting: the widgets are gone while timers and queued events still run
        for widget in chrome:
            widget.refresh_text()
        for pane in self.panes():
            if pane.composed and pane.showing:
                pane.tick()  # a hidden pane draws nothing; `reveal` brings it up to date

    # -- actions ------------------------------------------------------------------------

    def action_pane_key(self, pane_id: str) -> None:
        """A number key: open its pane, unless a text field or a dialog (help, a picker, a form)
        has the keys; the digit then goes to it as any other key does."""
        if len(self.screen_stack) > 1 or isinstance(self.focused, Input | TextArea):
            raise SkipAction()
        self.action_pane(pane_id)

    def action_pane(self, pane_id: str) -> None:
        self.query_one("#panes", TabbedContent).active = pane_id
        self.reveal_panes()  # before the next frame: the newest views, not the ones held back
        self.focus_pane(now=True)  # a key typed in the same burst ("2p") lands in the new pane

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.reveal_panes()  # a tab opened by a click or the palette
        self.call_after_refresh(self.focus_pane)

    def reveal_panes(self) -> None:
        """The open pane applies the views it held while hidden (see PaneMixin); toasts move
        where they cover nothing the open pane's user acts on."""
        tabs = self.query_one("#panes", TabbedContent)
        tabs.screen.set_class(tabs.active in self.TOASTS_LOW, "-toasts-low")
        for pane in self.panes():
            pane.reveal()

    def focus_pane(self, now: bool = False) -> None:
        """Focus the open pane's first table (not a text input), so number keys keep
        switching panes; with nothing else focusable, focus nothing. `now`: before the next
        message is handled (a key switching panes), else once the messages before it are."""
        tabs = self.query_one("#panes", TabbedContent)
        pane = tabs.get_pane(tabs.active) if tabs.active else None
        if pane is None:
            return
        keys = [b for w in pane.query(".pane") for b in _bindings(getattr(w, "BINDINGS", []))]
        self.query_one(KeyBar).show(_bindings(self.BINDINGS), keys)
        focused = self.focused
        if focused is not None and pane in focused.ancestors and not self._leaving_input:
            return  # the user (or the pane) already put focus inside this pane: keep it
        self._leaving_input = False
        targets = [w for w in pane.query("*") if w.focusable and not isinstance(w, Input)]
        if now:
            self._focus_if_open(pane.id, targets[0] if targets else None)
        else:
            self.call_later(self._focus_if_open, pane.id, targets[0] if targets else None)

    def _focus_if_open(self, pane_id: str | None, target: Widget | None) -> None:
        """Focus `target` only if its pane is still the open tab. Keys typed fast ("5 1 2") are all
        handled before the focus of the first switch lands, and focusing a widget of a tab no
        longer open makes TabbedContent open that tab again (the user ends on pane 5, not 2)."""
        tabs = self.query_one("#panes", TabbedContent)
        if tabs.active != pane_id:
            return  # a later switch focuses its own pane
        # on the panes' screen, not the open one: help opened by a key typed during start-up must
        # keep the keys (self.set_focus would give that screen a widget of the screen below it)
        tabs.screen.set_focus(target)

    def action_leave_input(self) -> None:
        """escape in a text field gives the keys back to the pane."""
        if isinstance(self.focused, Input):
            self._leaving_input = True
            self.focus_pane()

    def action_refresh(self) -> None:
        if self.worker is not None:
            self.worker.submit(Refresh())
            self.notify("Refreshing metadata…", timeout=1.5)

    def action_help(self) -> None:
        sections: list[tuple[str, list[Binding]]] = [("everywhere", _bindings(self.BINDINGS))]
        titles = dict(PANES)
        for pane in self.query(".pane"):
            name = titles.get((pane.id or "").removesuffix("-pane"), pane.id or "pane")
            sections.append((name, _bindings(getattr(pane, "BINDINGS", []))))
        extra = f"Log file: {self.log_path}" if self.log_path else ""
        if self.settings.demo:
            extra += "\n\n" + MOCK_NOTE
        self.push_screen(HelpScreen(sections, extra))

    # -- cluster profiles: the list, and the live switch -------------------------------------

    def action_clusters(self) -> None:
        self.push_screen(ClusterListScreen(self.clusters, self.profile, self.config_source), self._chosen)

    def _chosen(self, name: str | None) -> None:
        if name is None or self._settings_for is None:
            return
        try:
            settings = self._settings_for(name)
        except Exception as exc:  # a SettingsError (one safe line) or a surprise: stay where we are
            self.notify(
                f"Cluster {name} cannot be used: {redact(str(exc), self.settings.secret_values())}. "
                f"Still on {self.profile or self.settings.bootstrap_servers}.",
                title="switch cluster",
                severity="error",
                timeout=10,
            )
            return
        self.run_worker(self._switch_guarded(name, settings), group="switch", exclusive=True, exit_on_error=False)

    async def _switch_guarded(self, name: str, settings: Settings) -> None:
        try:
            await self.switch_cluster(name, settings)
        except Exception as exc:  # reported like any UI error; the app keeps running
            self.report_ui_error(exc, f"switching to cluster {name}")

    async def switch_cluster(self, name: str, settings: Settings) -> None:
        """Stop the worker (its clients and group child go with it), forget everything shown,
        rebuild every pane empty and start a fresh worker on `settings`."""
        self.stop_worker()
        self.generation += 1
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.settings = settings
        self.profile = name
        self._latest.clear()
        self.errors.clear()
        self.clear_notifications()
        await self.recompose()
        self.focus_pane()
        self._start_worker()
        mode = " (read-only)" if settings.read_only else ""
        self.notify(f"Switched to cluster {name}{mode}: {settings.bootstrap_servers}.", timeout=4)
        over = self._overridden(name) if self._overridden is not None else []
        if over:  # the precedence is right, but a switch that changes nothing needs a word
            self.notify(
                f"Profile {name}: " + "; ".join(over) + ".", title="switch cluster", severity="warning", timeout=10
            )

    async def action_quit(self) -> None:
        self.stop_worker()
        self.exit(0)

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop(0.02)  # never wait on a broker call in flight
            self.worker = None

    # -- errors in UI handlers: reported like the worker's, the app keeps running ------------

    def report_ui_error(self, error: Exception, where: str) -> None:
        """An exception escaped a UI event handler (see tui/guard.py): log it redacted, list it
        with the worker's errors, say so once per distinct error; the app keeps running."""
        secrets = self.settings.secret_values()
        detail = "".join(traceback.format_exception(error))
        message = inert(redact(f"{type(error).__name__}: {error}", secrets), 300)
        log.error("unexpected error in the UI (%s), the app keeps running:\n%s", where, redact(detail, secrets))
        seen = (where, message) in {(e.where, e.message) for e in self.errors}
        self.errors.append(WorkerError(self.clock(), where, message))
        del self.errors[:-100]
        if seen:
            return  # the same error again (a handler run every second): logged, not toasted again
        log_note = f" Details in {self.log_path}." if self.log_path else ""
        try:
            self.notify(
                f"{where}: {message}.{log_note}",
                title="unexpected error (kafkatui keeps running)",
                severity="error",
                timeout=10,
                markup=False,
            )
        except Exception:
            log.debug("could not show the UI error", exc_info=True)

    # -- crashes: a redacted one-line report, never a traceback with locals ------------------

    def _fatal_error(self) -> None:
        exc = sys.exc_info()[1]
        secrets = self.settings.secret_values()
        report = redact("".join(traceback.format_exc()), secrets)
        log.error("unexpected error in the UI:\n%s", report, extra={"multiline": True})
        name = type(exc).__name__ if exc else "error"
        # the exception's text may quote a record (a markup error quotes the markup): one inert line
        self.crash_line = redact(f"kafkatui stopped on an unexpected {name}: {inert(str(exc), 300)}", secrets)
        where = f" (details in {self.log_path})" if self.log_path else ""
        self._exit_renderables.append(Text(self.crash_line + where))
        self.stop_worker()
        self.bell()
        self._close_messages_no_wait()


def _bindings(items: list[Any]) -> list[Binding]:
    result: list[Binding] = []
    for item in items:
        result.append(item if isinstance(item, Binding) else Binding(*item))
    return result
