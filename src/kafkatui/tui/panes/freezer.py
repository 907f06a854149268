"""Pane 2: live freezer temperatures, thresholds, alerts, rejected messages.

Built for thousands of sensors: the table is virtual (only the visible rows are drawn, worst
first), the alert box lists what fits and counts the rest, and alerts come as one `AlertBatch`
per frame, announced by one toast (unless toasts are off) and one bell, never one per sensor.
Sensor names and alert sentences reach the screen only through `inert`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from kafkatui.domain import export
from kafkatui.domain.alerts import AlertBatch, AlertEvent, SensorStatus, Thresholds
from kafkatui.domain.commands import Acknowledge, Forget, Rewind, SetSensorLimits, SetWindow
from kafkatui.domain.export import ExportSource
from kafkatui.domain.freezer import FreezerView, SensorRow
from kafkatui.domain.limits import LimitsSaved
from kafkatui.domain.mapping import FieldsFound, ListFields, MappingView, SetValueField, describe
from kafkatui.domain.notices import NotifyStatus
from kafkatui.domain.readings import escape_raw, utc_iso
from kafkatui.domain.text import inert
from kafkatui.domain.wording import count, plural
from kafkatui.tui.messages import SendCommand
from kafkatui.tui.panes.base import PaneMixin
from kafkatui.tui.screens.export import open_export
from kafkatui.tui.screens.field_picker import FieldChoice, FieldPickerScreen
from kafkatui.tui.screens.limits import LimitsScreen
from kafkatui.tui.widgets.chart import TemperatureChart
from kafkatui.tui.widgets.header import age_text
from kafkatui.tui.widgets.virtual_table import Cell, VirtualTable

# what a user acts on first (a narrow terminal cuts the table from the right): sensor, its last
# value and its status, then when it was last seen; the window's statistics give way first
COLUMNS = ("SENSOR", "LAST °C", "STATUS", "LAST SEEN", "RATE/s", "MIN", "AVG", "MAX")
SENSOR_WIDTH = 24  # a 5,000-character key must not widen the column by 5,000
# the other columns (at least their label): known from the first frame, never re-measured
FIXED_WIDTHS = tuple(max(len(label), w) for label, w in zip(COLUMNS[1:], (7, 5, 10, 6, 6, 6, 6), strict=True))
ALERT_BOX_LINES = 12  # the alert box's height until it is laid out
TOAST_GAP = 5.0  # seconds: at most one alert toast and bell this often; what is raised meanwhile is gathered
WINDOWS = (60.0, 300.0, 900.0, 3600.0)

STATUS_TEXT = {
    SensorStatus.OK: Text("OK", "bold green"),
    SensorStatus.TOO_WARM: Text("WARM", "bold white on red"),
    SensorStatus.TOO_COLD: Text("COLD", "bold white on blue"),
    SensorStatus.STALE: Text("STALE", "bold black on yellow"),
    SensorStatus.UNKNOWN: Text("-", "dim"),
}


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


class FreezerPane(PaneMixin, Vertical):
    """Shows FreezerView snapshots; edits thresholds through the worker."""

    EVENTS = (FreezerView, AlertBatch, MappingView, FieldsFound, LimitsSaved, NotifyStatus)
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("left_square_bracket", "window(-1)", "Shorter window", key_display="["),
        Binding("right_square_bracket", "window(1)", "Longer window", key_display="]"),
        Binding("h", "rewind", "Load history for the window"),
        Binding("e", "edit_limits", "Edit the selected sensor's min/max"),
        Binding("d", "edit_defaults", "Edit the default min/max"),
        Binding("p", "pick_field", "Pick the temperature field"),
        Binding("x", "toggle_rejects", "Show rejected messages"),
        Binding("b", "toggle_bell", "Bell on alert on/off"),
        Binding("a", "acknowledge", "Acknowledge the selected sensor's alerts"),
        Binding("A", "acknowledge_all", "Acknowledge all alerts", key_display="A"),
        Binding("f", "forget", "Forget the selected silent sensor"),
        Binding("E", "export", "Export to a file (CSV, JSON lines)", key_display="E", show=False),
    ]

    DEFAULT_CSS = """
    FreezerPane #limits { height: 1; padding: 0 1; }
    FreezerPane #freezer-source { height: 1; padding: 0 1; color: $text-muted; }
    FreezerPane #freezer-mapping {
        height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    FreezerPane #freezer-bottom { height: 40%; min-height: 6; }
    FreezerPane #sensors { width: 1fr; }
    FreezerPane #alert-log {
        width: 34%; min-width: 30; max-width: 60; height: 100%;
        border-left: solid $panel-lighten-2; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    FreezerPane #rejects { height: auto; max-height: 8; padding: 0 1; }
    """

    def __init__(
        self, clock: Callable[[], float], thresholds: Thresholds, window: float = 300.0, *, toasts: bool = True
    ) -> None:
        super().__init__(id="freezer-pane", classes="pane")
        self.clock = clock
        self.thresholds = thresholds
        self.window = window
        self.view: FreezerView | None = None
        self.show_rejects = False
        self.bell = True
        self.toasts = toasts
        self._unannounced: list[AlertEvent] = []  # raised since the last toast
        self._last_announced = float("-inf")  # self.clock() of the last toast / bell
        self._announce_timer: Timer | None = None
        self._shown_rows: tuple[SensorRow, ...] | None = None
        self.notify_status: NotifyStatus | None = None  # the notifications' last delivery, if any
        self._texts: dict[str, Text] = {}  # what each Static shows, by selector
        self._cells_fresh = False  # the table's cells were remade since the last tick
        self.mapping: MappingView | None = None
        self._picking = False  # asked the worker for the fields: open the picker on its answer
        self._converted = ""  # the last reading converted from °F or K, as the view says it

    def compose(self) -> ComposeResult:
        yield Static(self._limits_text(), id="limits")
        yield Static("", id="freezer-source")
        yield Static(self._mapping_text(), id="freezer-mapping")
        yield TemperatureChart(id="chart")
        with Horizontal(id="freezer-bottom"):
            yield VirtualTable([(c, c) for c in COLUMNS], max_widths={"SENSOR": SENSOR_WIDTH}, id="sensors")
            yield Static("No alerts.", id="alert-log")
        yield Static("", id="rejects")

    # -- data in ------------------------------------------------------------------------

    def apply(self, event: object) -> None:
        if isinstance(event, FreezerView):
            self.show(event)
        elif isinstance(event, AlertBatch):
            self.announce(event)
        elif isinstance(event, LimitsSaved):
            self.app.notify(inert(event.message, 300), severity="information" if event.ok else "error", markup=False)
        elif isinstance(event, NotifyStatus):
            self.notify_status = event
            if self.view is not None and self.query("#rejects"):
                self._update("#rejects", self._bottom_text(self.view))
        elif isinstance(event, MappingView):
            self.mapping = event
            self.query_one("#freezer-mapping", Static).update(self._mapping_text())
        elif isinstance(event, FieldsFound):
            self._show_fields(event)

    def show(self, view: FreezerView) -> None:
        self.view = view
        self.window = view.window
        if view.thresholds != self.thresholds:
            self.thresholds = view.thresholds
            self.query_one("#limits", Static).update(self._limits_text())
        now = view.ts
        self.query_one(TemperatureChart).show(
            view.chart, now, view.window, view.thresholds.tmin, view.thresholds.tmax, view.chart_limits
        )
        # cells are made only for the rows drawn (10,000 sensors: a screenful, not 10,000)
        if view.rows is not self._shown_rows:  # the board hands the same tuple when no row changed
            self._shown_rows = view.rows
            widest = max((len(r.sensor) for r in view.rows), default=0)
            widths = (max(len(COLUMNS[0]), min(widest, SENSOR_WIDTH)), *FIXED_WIDTHS)
            self.query_one("#sensors", VirtualTable).set_items([(r.sensor, r) for r in view.rows], self._cells, widths)
            self._cells_fresh = True
        self._update("#freezer-source", self._source_text(view))
        if view.converted != self._converted:
            self._converted = view.converted
            self.query_one("#freezer-mapping", Static).update(self._mapping_text())
        self._update("#alert-log", self._alert_text(view))
        self._update("#rejects", self._bottom_text(view))

    def _update(self, selector: str, text: Text) -> None:
        """A Static's new text, drawn only when it differs from what it shows (a view with new
        readings leaves the alert box and the rejects line as they were: no repaint for them).
        Only the rejects line grows: the others have a fixed size, so no layout pass (which
        would repaint the whole pane)."""
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(text, layout=selector == "#rejects")

    def _cells(self, r: SensorRow) -> tuple[Cell, ...]:
        return (
            inert(r.sensor, SENSOR_WIDTH),
            Text(f"{r.last:.2f}", "bold red" if r.last > r.tmax else "bold blue" if r.last < r.tmin else ""),
            STATUS_TEXT[r.status],
            f"{age_text(max(0.0, self.clock() - r.last_seen))} ago",
            f"{r.rate:.1f}",
            _num(r.vmin),
            _num(r.avg),
            _num(r.vmax),
        )

    def _source_text(self, view: FreezerView) -> Text:
        sensors = len(view.rows)
        text = Text(
            f"{inert(view.source)} · {count(view.readings, 'reading')} · {count(sensors, 'sensor')}"
            f" · window {age_text(view.window)}"
        )
        if view.hidden_from_chart:
            text.append(f" ({view.hidden_from_chart:,} calmer not drawn)")
        if view.sensors_dropped:
            text.append(
                f" · {view.sensors_dropped:,} sensors dropped (over {len(view.rows):,};"
                f" {view.readings_dropped:,} readings)",
                "bold yellow",
            )
        if view.ahead:
            text.append(
                f" · {view.ahead:,} readings stamped up to {age_text(view.ahead_max)} ahead of our clock,"
                " plotted at arrival",
                "yellow",
            )
        return text

    def _alert_text(self, view: FreezerView) -> Text:
        """What fits in the box: the outage, the count, the first active alerts, the log."""
        box = self.query_one("#alert-log", Static).content_size.height
        room = box if box > 0 else ALERT_BOX_LINES
        text = Text(no_wrap=True, overflow="ellipsis")  # one line per entry: the count of lines holds
        lines = 0
        if view.outage_since is not None:
            text.append(
                f"OUTAGE since {utc_iso(view.outage_since)[11:19]} UTC: {inert(view.outage_reason, 120)}"
                " (no STALE meanwhile)\n",
                "bold black on yellow",
            )
            lines += 1
        acked = f" ({view.acknowledged_count:,} acknowledged)" if view.acknowledged_count else ""
        text.append(f"Active alerts: {view.alert_count:,}{acked}\n", "bold red" if view.alert_count else "bold")
        lines += 1
        # the active alerts first: as many as fit, the last line kept for "… and N more"
        fits = max(1, room - lines)
        shown = view.active[:fits] if view.alert_count <= fits else view.active[: max(1, fits - 1)]
        for alert in shown:
            mark, style = ("✓", "dim") if alert.acknowledged else ("●", "red")
            text.append(f"{mark} {inert(alert.event.describe(), 120)}\n", style)
        lines += len(shown)
        more = view.alert_count - len(shown)
        if more > 0:
            text.append(f"  … and {more:,} more (the table lists every sensor, worst first)\n", "red")
            lines += 1
        if view.log and lines < room - 1:
            text.append("Log (newest first)\n", "bold")
            lines += 1
            for event in view.log[: max(0, room - lines)]:
                stamp = utc_iso(event.ts)[11:19]
                where = f" p{event.partition}@{event.offset}" if event.partition is not None else ""
                style = "red" if event.raised else "green"
                line = f"{stamp} {'RAISE' if event.raised else 'clear'} {inert(event.describe(), 120)}{where}\n"
                text.append(line, style)
        return text

    def _bottom_text(self, view: FreezerView) -> Text:
        """The rejects count, and the notifications' last delivery in one short line after it."""
        text = self._rejects_text(view)
        status = self.notify_status
        if status is not None:
            sep = "\n" if "\n" in text.plain else " · "
            text.append(f"{sep}{inert(status.line(), 100)}", "dim" if status.ok else "bold yellow")
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
                f" value={escape_raw(rej.raw_value, 60)} {inert(rej.detail, 200)}"
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
        """The selected sensor's limits: the entry of the limits file that sets them is edited (a
        sensor on the defaults gets its own entry); with no sensor, the defaults."""
        sensor = self._selected() if self.query("#sensors") else None
        row = None
        if sensor is not None and self.view is not None:
            row = next((r for r in self.view.rows if r.sensor == sensor), None)
        if row is None:
            self.action_edit_defaults()
            return
        t = self.thresholds
        current = Thresholds(row.tmin, row.tmax, row.hysteresis, t.min_count, t.min_duration)
        name = inert(row.sensor, 40)
        if row.entry is None:
            subject = f"sensor {name}, now on the defaults: saved as its own entry"
        elif row.entry == row.sensor:
            subject = f"sensor {name}"
        else:
            subject = f"sensor {name}: entry {inert(row.entry, 40)}, for every sensor it matches"
        if self.view is not None and self.view.limits_file:
            subject += f"; written to {inert(self.view.limits_file, 60)}"

        def done(limits: Thresholds | None) -> None:
            if limits is not None:
                self.post_message(SendCommand(SetSensorLimits(row.sensor, limits.tmin, limits.tmax, limits.hysteresis)))

        self.app.push_screen(LimitsScreen(current, subject=subject), done)

    def action_edit_defaults(self) -> None:
        subject = "the defaults: every sensor without its own entry"
        if self.view is not None and self.view.limits_file:
            subject += f"; written to {inert(self.view.limits_file, 60)}"

        def done(limits: Thresholds | None) -> None:
            if limits is None:
                return
            self.thresholds = limits
            self.query_one("#limits", Static).update(self._limits_text())
            self.post_message(SendCommand(SetSensorLimits(None, limits.tmin, limits.tmax, limits.hysteresis)))

        self.app.push_screen(LimitsScreen(self.thresholds, subject=subject), done)

    def _mapping_text(self) -> Text:
        if self.mapping is None:
            return Text("value field: …", "dim")
        text = Text(inert(describe(self.mapping.rules), 160))
        text.append("  (p picks)", "dim")
        if self._converted:  # the conversion visible: what was read, and its °C
            text.append(f"  last converted {inert(self._converted, 80)}")
        return text

    def action_pick_field(self) -> None:
        self._picking = True
        self.post_message(SendCommand(ListFields()))

    def _show_fields(self, found: FieldsFound) -> None:
        if not self._picking:
            return
        self._picking = False
        rules = self.mapping.rules if self.mapping is not None else None
        current = rules.temp_fields[0] if rules is not None and rules.value_mapped else None

        def done(choice: FieldChoice | None) -> None:
            if choice is None or choice.path == current:
                return
            self.post_message(SendCommand(SetValueField(choice.path)))
            what = inert(choice.path, 60) if choice.path else "the built-in field names"
            self.app.notify(f"Charting {what} from now on; the chart starts afresh.", timeout=4, markup=False)

        self.app.push_screen(FieldPickerScreen(found, current), done)

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
            self._update("#rejects", self._bottom_text(self.view))

    def action_toggle_bell(self) -> None:
        self.bell = not self.bell
        self.app.notify(f"Bell on alert {'on' if self.bell else 'off'}", timeout=2)

    def tick(self) -> None:
        """Once a second: LAST SEEN counts on even when no new view comes (all sensors silent);
        a view this last second remade the cells already."""
        if self._cells_fresh:
            self._cells_fresh = False
            return
        for table in self.query("#sensors").results(VirtualTable):
            table.remake_cells()

    def _selected(self) -> str | None:
        return self.query_one("#sensors", VirtualTable).cursor_key

    def action_acknowledge(self) -> None:
        sensor = self._selected()
        if sensor is not None:
            self.post_message(SendCommand(Acknowledge(sensor)))

    def action_acknowledge_all(self) -> None:
        self.post_message(SendCommand(Acknowledge(None)))

    def action_forget(self) -> None:
        sensor = self._selected()
        if sensor is None or self.view is None:
            return
        row = next((r for r in self.view.rows if r.sensor == sensor), None)
        if row is None or row.status is not SensorStatus.STALE:
            self.app.notify(
                f"{inert(sensor, 40)} is still reporting: only a silent (STALE) sensor can be forgotten",
                timeout=4,
                markup=False,
            )
            return
        self.post_message(SendCommand(Forget(sensor)))
        self.app.notify(f"Forgot {inert(sensor, 40)}", timeout=2, markup=False)

    def announce(self, batch: AlertBatch) -> None:
        """Alerts raised: one toast (unless toasts are off) and one bell per burst. A burst that
        spans several frames (sensors falling silent over a few seconds) is gathered: at most one
        announcement every TOAST_GAP seconds, counting everything raised since the last one."""
        raised = batch.raised
        if not raised:
            return
        self._unannounced.extend(raised)
        wait = self._last_announced + TOAST_GAP - self.clock()
        if wait <= 0:
            self._announce_now()
        elif self._announce_timer is None:
            self._announce_timer = self.set_timer(wait, self._announce_now)

    def _announce_now(self) -> None:
        self._announce_timer = None
        summary = AlertBatch(tuple(self._unannounced)).summary()
        self._unannounced = []
        if summary is None:
            return
        self._last_announced = self.clock()
        if self.toasts:
            self.app.notify(inert(summary, 200), title="ALERT", severity="error", timeout=10, markup=False)
        if self.bell:
            self.app.bell()

    # -- export (E) -----------------------------------------------------------------------

    def export_sources(self) -> list[ExportSource]:
        """The sensor table, and the chart's readings (each sensor on the chart, its window)."""
        view = self.view
        if view is None:
            return []
        rows = view.rows
        chart = view.chart
        points = sum(len(p) for _, p in chart)
        return [
            ExportSource(
                f"Sensors ({count(len(rows), 'sensor')})", "sensors", view.topic, export.SENSOR_COLUMNS,
                lambda: export.sensor_rows(rows), len(rows),
            ),
            ExportSource(
                f"Readings on the chart ({count(points, 'reading')} of {count(len(chart), 'sensor')})",
                "readings", view.topic, export.READING_COLUMNS, lambda: export.reading_rows(chart), points,
            ),
        ]  # fmt: skip

    def action_export(self) -> None:
        open_export(self, self.export_sources(), self.clock, "Nothing to export yet: no readings have arrived.")
