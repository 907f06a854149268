"""Pane 2: live freezer temperatures, thresholds, alerts, rejected messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from kafkatui.domain.alerts import AlertEvent, SensorStatus, Thresholds
from kafkatui.domain.commands import Rewind, SetThresholds, SetWindow
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.readings import escape_raw, utc_iso
from kafkatui.domain.wording import count, plural
from kafkatui.tui.panes.base import PaneMixin, SendCommand
from kafkatui.tui.screens.limits import LimitsScreen
from kafkatui.tui.widgets.chart import TemperatureChart
from kafkatui.tui.widgets.header import age_text
from kafkatui.tui.widgets.keyed_table import sync_rows

# what a user acts on first (a narrow terminal cuts the table from the right): sensor, its last
# value and its status, then when it was last seen; the window's statistics give way first
COLUMNS = ("SENSOR", "LAST °C", "STATUS", "LAST SEEN", "RATE/s", "MIN", "AVG", "MAX")
WINDOWS = (60.0, 300.0, 900.0, 3600.0)

STATUS_TEXT = {
    SensorStatus.OK: Text("OK", "bold green"),
    SensorStatus.TOO_WARM: Text("ALERT warm", "bold white on red"),
    SensorStatus.TOO_COLD: Text("ALERT cold", "bold white on blue"),
    SensorStatus.STALE: Text("STALE", "bold black on yellow"),
    SensorStatus.UNKNOWN: Text("-", "dim"),
}


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


class FreezerPane(PaneMixin, Vertical):
    """Shows FreezerView snapshots; edits thresholds through the worker."""

    EVENTS = (FreezerView, AlertEvent)
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("left_square_bracket", "window(-1)", "Shorter window", key_display="["),
        Binding("right_square_bracket", "window(1)", "Longer window", key_display="]"),
        Binding("h", "rewind", "Load history for the window"),
        Binding("e", "edit_limits", "Edit min/max"),
        Binding("x", "toggle_rejects", "Show rejected messages"),
        Binding("b", "toggle_bell", "Bell on alert on/off"),
    ]

    DEFAULT_CSS = """
    FreezerPane #limits { height: 1; padding: 0 1; }
    FreezerPane #freezer-source { height: 1; padding: 0 1; color: $text-muted; }
    FreezerPane #freezer-bottom { height: auto; max-height: 45%; }
    FreezerPane #sensors { width: 1fr; height: auto; max-height: 100%; }
    FreezerPane #alert-log {
        width: 34%; min-width: 30; max-width: 60; height: auto; max-height: 100%;
        border-left: solid $panel-lighten-2; padding: 0 1;
    }
    FreezerPane #rejects { height: auto; max-height: 8; padding: 0 1; }
    """

    def __init__(self, clock: Callable[[], float], thresholds: Thresholds, window: float = 300.0) -> None:
        super().__init__(id="freezer-pane", classes="pane")
        self.clock = clock
        self.thresholds = thresholds
        self.window = window
        self.view: FreezerView | None = None
        self.show_rejects = False
        self.bell = True

    def compose(self) -> ComposeResult:
        yield Static(self._limits_text(), id="limits")
        yield Static("", id="freezer-source")
        yield TemperatureChart(id="chart")
        with Horizontal(id="freezer-bottom"):
            table: DataTable[object] = DataTable(id="sensors", cursor_type="row", zebra_stripes=True)
            for name in COLUMNS:
                table.add_column(name, key=name)
            yield table
            yield Static("No alerts.", id="alert-log")
        yield Static("", id="rejects")

    # -- data in ------------------------------------------------------------------------

    def apply(self, event: object) -> None:
        if isinstance(event, FreezerView):
            self.show(event)
        elif isinstance(event, AlertEvent):
            self.announce(event)

    def show(self, view: FreezerView) -> None:
        self.view = view
        self.window = view.window
        if view.thresholds != self.thresholds:
            self.thresholds = view.thresholds
            self.query_one("#limits", Static).update(self._limits_text())
        now = view.ts
        self.query_one(TemperatureChart).show(view.chart, now, view.window, view.thresholds.tmin, view.thresholds.tmax)
        rows = {}
        for r in view.rows:
            rows[r.sensor] = (
                r.sensor,
                Text(f"{r.last:.2f}", "bold red" if r.last > r.tmax else "bold blue" if r.last < r.tmin else ""),
                STATUS_TEXT[r.status],
                f"{age_text(max(0.0, self.clock() - r.last_seen))} ago",
                f"{r.rate:.1f}",
                _num(r.vmin),
                _num(r.avg),
                _num(r.vmax),
            )
        sync_rows(self.query_one("#sensors", DataTable), COLUMNS, rows)
        calmer = view.hidden_from_chart
        hidden = f"  ({calmer} calmer {plural(calmer, 'sensor')} not drawn)" if calmer else ""
        self.query_one("#freezer-source", Static).update(
            f"{view.source} · {count(view.readings, 'reading')} · window {age_text(view.window)}{hidden}"
        )
        self.query_one("#alert-log", Static).update(self._alert_text(view))
        self.query_one("#rejects", Static).update(self._rejects_text(view))

    def _alert_text(self, view: FreezerView) -> Text:
        text = Text()
        text.append(f"Active alerts: {view.alert_count}\n", "bold red" if view.alert_count else "bold")
        for event in view.active:
            text.append(f"● {event.describe()}\n", "red")
        if view.log:
            text.append("Log (newest first)\n", "bold")
        for event in view.log[:8]:
            stamp = utc_iso(event.ts)[11:19]
            where = f" p{event.partition}@{event.offset}" if event.partition is not None else ""
            style = "red" if event.raised else "green"
            text.append(f"{stamp} {'RAISE' if event.raised else 'clear'} {event.describe()}{where}\n", style)
        return text

    def _rejects_text(self, view: FreezerView) -> Text:
        summary = view.rejects
        if not summary.total:
            return Text("Rejected messages: 0", "dim")
        counts = ", ".join(f"{reason.value} {n}" for reason, n in summary.counts)
        text = Text(f"Rejected messages: {summary.total} ({counts})", "yellow")
        if not self.show_rejects:
            text.append("  — press x to see the last ones", "dim")
            return text
        for rej in summary.recent[:5]:
            text.append(
                f"\n  p{rej.partition}@{rej.offset} {rej.reason.value}: key={escape_raw(rej.raw_key, 30)}"
                f" value={escape_raw(rej.raw_value, 60)} {rej.detail}"
            )
        return text

    # -- actions ------------------------------------------------------------------------

    def _limits_text(self) -> Text:
        t = self.thresholds
        text = Text()
        text.append(f"min {t.tmin:g} °C", "bold blue")  # 80 columns hold the whole line
        text.append("  ")
        text.append(f"max {t.tmax:g} °C", "bold red")
        text.append(f"  hysteresis {t.hysteresis:g} °C  alert after {t.min_count} {plural(t.min_count, 'reading')} out")
        text.append("  (e edits)", "dim")
        return text

    def action_edit_limits(self) -> None:
        def done(limits: Thresholds | None) -> None:
            if limits is None:
                return
            self.thresholds = limits
            self.query_one("#limits", Static).update(self._limits_text())
            self.post_message(SendCommand(SetThresholds(limits.tmin, limits.tmax, limits.hysteresis)))

        self.app.push_screen(LimitsScreen(self.thresholds), done)

    def action_window(self, step: int) -> None:
        index = min(range(len(WINDOWS)), key=lambda i: abs(WINDOWS[i] - self.window))
        index = max(0, min(len(WINDOWS) - 1, index + step))
        self.window = WINDOWS[index]
        self.post_message(SendCommand(SetWindow(self.window)))

    def action_rewind(self) -> None:
        self.post_message(SendCommand(Rewind(self.window)))
        self.app.notify(f"Re-reading the last {age_text(self.window)} of the topic…", timeout=2)

    def action_toggle_rejects(self) -> None:
        self.show_rejects = not self.show_rejects
        if self.view is not None:
            self.query_one("#rejects", Static).update(self._rejects_text(self.view))

    def action_toggle_bell(self) -> None:
        self.bell = not self.bell
        self.app.notify(f"Bell on alert {'on' if self.bell else 'off'}", timeout=2)

    def announce(self, event: AlertEvent) -> None:
        """A raised alert: a toast that stays a while, and the terminal bell if on."""
        if not event.raised:
            return
        self.app.notify(event.describe(), title="ALERT", severity="error", timeout=10)
        if self.bell:
            self.app.bell()
