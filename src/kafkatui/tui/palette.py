"""The command palette's own commands (ctrl+p): every pane switch and pane action by a plain name.

Each command opens its pane first, so any action is reachable from anywhere; the open pane's
commands come first when nothing is typed. A command that cannot run now (read-only mode, a
request the cluster does not support — the demo's mock has no CreateTopics) is still listed,
marked "unavailable" with the reason; choosing it says why instead of acting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets import TabbedContent

from kafkatui.domain.models import ClusterSnapshot
from kafkatui.domain.topic_actions import UNSUPPORTED
from kafkatui.tui.panes.base import PaneMixin

if TYPE_CHECKING:
    from kafkatui.tui.app import KafkaTuiApp

READ_ONLY = "read-only mode (--read-only): kafkatui does not write to the cluster"


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    title: str
    help: str
    pane: str | None  # the pane to open first (None: app-wide)
    action: str | None = None  # an action of that pane's widget; None: only open the pane
    app_action: str | None = None  # an action of the app itself
    writes: bool = False  # refused in read-only mode


COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("Show Cluster", "Brokers, controller, topic and partition totals (key 1)", "cluster"),
    PaletteCommand("Show Freezer", "Live temperatures, limits and alerts (key 2)", "freezer"),
    PaletteCommand("Show Topics", "Topics, partitions, configs (key 3)", "topics"),
    PaletteCommand("Show Groups", "Consumer groups, lag and status (key 4)", "groups"),
    PaletteCommand("Show Producer", "Send messages by hand or in bursts (key 5)", "producer"),
    PaletteCommand("Refresh metadata now", "Ask the cluster again (key r)", None, app_action="refresh"),
    PaletteCommand("Help: every key", "Every key of the app and its panes (key ?)", None, app_action="help"),
    PaletteCommand(
        "Edit freezer limits", "Min, max and hysteresis of the freezer alerts (Freezer, e)", "freezer", "edit_limits"
    ),
    PaletteCommand(
        "Pick the temperature field",
        "Chart another number of the records: the fields found in recent ones (Freezer, p)",
        "freezer",
        "pick_field",
    ),
    PaletteCommand(
        "Shorter chart window", "Freezer chart: 1 min, 5 min, 15 min, 1 h (Freezer, [)", "freezer", "window(-1)"
    ),
    PaletteCommand(
        "Longer chart window", "Freezer chart: 1 min, 5 min, 15 min, 1 h (Freezer, ])", "freezer", "window(1)"
    ),
    PaletteCommand(
        "Load freezer history", "Read the chart window's readings back from the topic (Freezer, h)", "freezer", "rewind"
    ),
    PaletteCommand(
        "Show rejected messages",
        "The last records that were not temperatures (Freezer, x)",
        "freezer",
        "toggle_rejects",
    ),
    PaletteCommand(
        "Alert bell on/off", "Ring the terminal bell on a freezer alert (Freezer, b)", "freezer", "toggle_bell"
    ),
    PaletteCommand("Create topic", "Name, partitions, replication factor (Topics, c)", "topics", "create", writes=True),
    PaletteCommand(
        "Delete topic", "The selected topic; type its name to confirm (Topics, d)", "topics", "delete", writes=True
    ),
    PaletteCommand("Add partitions", "To the selected topic (Topics, +)", "topics", "add_partitions", writes=True),
    PaletteCommand("Message viewer", "Read the selected topic's records (Topics, m)", "topics", "messages"),
    PaletteCommand("Message viewer for the selected partition", "Topics, M", "topics", "messages_partition"),
    PaletteCommand("Key to partition", "Which partition a key goes to (Topics, k)", "topics", "key_partition"),
    PaletteCommand("Filter topics", "Filter as you type (Topics, /)", "topics", "focus_filter"),
    PaletteCommand(
        "Show or hide internal topics", "__consumer_offsets and kin (Topics, i)", "topics", "toggle_internal"
    ),
    PaletteCommand(
        "Reset consumer group offsets",
        "The selected inactive group, with a preview (Groups, x)",
        "groups",
        "reset",
        writes=True,
    ),
    PaletteCommand("Filter groups", "Filter as you type (Groups, /)", "groups", "filter"),
    PaletteCommand(
        "Consumer group status rules", "What OK, WARN, STALL, STOP, REWIND mean (Groups, i)", "groups", "rules"
    ),
    PaletteCommand(
        "Send message", "Send what the Producer form holds (Producer, ctrl+s)", "producer", "send", writes=True
    ),
    PaletteCommand("Stop burst", "Stop sending a burst (Producer, ctrl+b)", "producer", "stop_burst"),
    PaletteCommand(
        "Template: a freezer reading",
        "Fill the form with a sensor reading (Producer, ctrl+t)",
        "producer",
        "template('freezer')",
    ),
    PaletteCommand(
        "Template: a JSON reading",
        "Fill the form with a JSON reading (Producer, ctrl+o)",
        "producer",
        "template('json')",
    ),
    PaletteCommand("Pretty-print the JSON value", "Producer, ctrl+l", "producer", "pretty"),
)


def pane_widget(app: KafkaTuiApp, pane_id: str) -> PaneMixin | None:
    """The pane's widget, or None while a lazily mounted pane is not there yet."""
    tabs = app.query(TabbedContent)
    if not tabs:
        return None
    holder = tabs.first().get_pane(pane_id)
    found = [w for w in holder.query(".pane") if isinstance(w, PaneMixin)] if holder is not None else []
    return found[0] if found else None


def unavailable(app: KafkaTuiApp, command: PaletteCommand) -> str | None:
    """Why `command` cannot run now, or None."""
    if command.writes and app.settings.read_only:
        return READ_ONLY
    if command.pane is not None and command.action is not None:
        pane = pane_widget(app, command.pane)
        why = pane.unavailable_reason(command.action.split("(", 1)[0]) if pane is not None else None
        if why:
            return why
    if command.pane == "topics" and command.writes:
        # before the Topics pane has heard from the worker: the same rule the worker applies
        snap = app._latest.get(ClusterSnapshot)
        if isinstance(snap, ClusterSnapshot) and snap.metadata_controller_id is None and snap.controller_id is None:
            who = "librdkafka's mock cluster" if snap.is_mock else "the cluster"
            return f"{UNSUPPORTED}: {who} names no controller, which this request needs"
    return None


def run(app: KafkaTuiApp, command: PaletteCommand) -> None:
    """Open the command's pane, then run its action there (once the pane is mounted)."""
    why = unavailable(app, command)
    if why:
        app.notify(f"{command.title}: not available — {why}.", severity="warning", timeout=6, markup=False)
        return
    if command.app_action is not None:
        app.call_later(app.run_action, command.app_action)
        return
    if command.pane is None:
        return
    app.action_pane(command.pane)
    if command.action is not None:
        _run_on_pane(app, command.pane, command.action, tries=40)


def _run_on_pane(app: KafkaTuiApp, pane_id: str, action: str, tries: int) -> None:
    pane = pane_widget(app, pane_id)
    if pane is None:
        if tries > 0:  # a lazily mounted pane appears after the next refresh or two
            app.set_timer(0.05, lambda: _run_on_pane(app, pane_id, action, tries - 1))
        return
    app.call_later(app.run_action, action, pane)


class ActionsProvider(Provider):
    """kafkatui's commands for Textual's command palette."""

    def _commands(self) -> Iterator[tuple[PaletteCommand, str | None]]:
        from kafkatui.tui.app import KafkaTuiApp

        app = self.app
        assert isinstance(app, KafkaTuiApp)
        tabs = app.query(TabbedContent)
        active = tabs.first().active if tabs else ""
        here = [c for c in COMMANDS if c.pane == active and c.action is not None]
        rest = [c for c in COMMANDS if c not in here]
        for command in (*here, *rest):
            yield command, unavailable(app, command)

    def _callback(self, command: PaletteCommand) -> object:
        from kafkatui.tui.app import KafkaTuiApp

        app = self.app
        assert isinstance(app, KafkaTuiApp)
        return lambda: run(app, command)

    @staticmethod
    def _help(command: PaletteCommand, why: str | None) -> str:
        return f"unavailable: {why}" if why else command.help

    async def discover(self) -> Hits:
        for command, why in self._commands():
            yield DiscoveryHit(
                _display(command.title, why),
                self._callback(command),  # type: ignore[arg-type]
                text=command.title,
                help=self._help(command, why),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, why in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                shown = matcher.highlight(command.title)
                if why:
                    shown = shown.append_text(" (unavailable)", "dim italic")
                yield Hit(
                    score,
                    shown,
                    self._callback(command),  # type: ignore[arg-type]
                    text=command.title,
                    help=self._help(command, why),
                )


def _display(title: str, why: str | None) -> Content:
    if why:
        return Content.styled(title, "dim").append_text(" (unavailable)", "dim italic")
    return Content(title)
