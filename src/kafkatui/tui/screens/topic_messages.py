"""`m` on the Topics pane: the message viewer, and Enter on a row: the whole record.

The worker's consumer reads by assignment (never joins a group, never commits) into a bounded
buffer; this screen shows its newest rows, follows the tail while the cursor is on the last
row, and filters on key/value/headers (smart case) in the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Select, Static

from kafkatui.domain import export
from kafkatui.domain.export import ExportSource
from kafkatui.domain.message_viewer import (
    FilterMessages,
    MessagesView,
    Record,
    StartAt,
    StartMode,
    StopMessages,
    ViewMessages,
    parse_start,
    pretty,
    record_cells,
)
from kafkatui.domain.readings import escape_raw, utc_iso
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.domain.wording import count
from kafkatui.tui.guard import GuardedHandlers
from kafkatui.tui.messages import SendCommand
from kafkatui.tui.screens.export import RangeChoice, open_export
from kafkatui.tui.widgets.virtual_table import VirtualTable

RECORD_COLUMNS = (
    ("partition", "P"),
    ("offset", "OFFSET"),
    ("timestamp", "TIMESTAMP (UTC)"),
    ("key", "KEY"),
    ("value", "VALUE"),
    ("headers", "HEADERS"),
)
MODES = (
    ("end: live tail", StartMode.END.value),
    ("beginning", StartMode.BEGINNING.value),
    ("offset", StartMode.OFFSET.value),
    ("timestamp", StartMode.TIMESTAMP.value),
    ("last N per partition", StartMode.LAST.value),
)
HINTS = {
    StartMode.END: "",
    StartMode.BEGINNING: "",
    StartMode.OFFSET: "offset, e.g. 1200",
    StartMode.TIMESTAMP: "2026-11-21T08:00:00 (UTC), epoch ms, or 10m",
    StartMode.LAST: "N, e.g. 20",
}


class TopicMessagesScreen(GuardedHandlers, Screen[None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "close", "Back to topics"),
        Binding("slash", "focus_filter", "Filter", key_display="/"),
        Binding("f", "follow", "Follow the tail"),
        Binding("E", "export", "Export: the records loaded, or a range from Kafka", key_display="E"),
    ]
    DEFAULT_CSS = """
    TopicMessagesScreen #viewer-title { height: 1; padding: 0 1; background: $panel; }
    TopicMessagesScreen #viewer-bar { height: 3; }
    TopicMessagesScreen #viewer-mode { width: 28; }
    TopicMessagesScreen #viewer-value { width: 40; }
    TopicMessagesScreen #viewer-filter { width: 1fr; }
    TopicMessagesScreen #viewer-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        topic: str,
        partition: int | None,
        partitions: list[int],
        clock: Callable[[], float],
    ) -> None:
        super().__init__()
        self.topic = topic
        self.partition = partition
        self.partitions = partitions
        self.clock = clock
        self.view: MessagesView | None = None
        self.records: dict[str, Record] = {}
        self.follow = True
        self._filter_timer: Timer | None = None
        self._status: Text | None = None

    def compose(self) -> ComposeResult:
        where = (
            f"partition {self.partition}" if self.partition is not None else count(len(self.partitions), "partition")
        )
        yield Static(
            Text.assemble(
                ("Messages ", "bold"),
                (inert(self.topic, NAME_LIMIT), "bold"),
                f" · {where} · read by assignment: no consumer group, no commits",
            ),
            id="viewer-title",
        )
        with Horizontal(id="viewer-bar"):
            yield Select(MODES, value=StartMode.END.value, allow_blank=False, id="viewer-mode")
            yield Input("", placeholder="(enter restarts)", id="viewer-value")
            yield Input("", placeholder="filter key/value/headers  (/)", id="viewer-filter")
        yield Static("starting…", id="viewer-status")
        yield VirtualTable(
            RECORD_COLUMNS, max_widths={"key": 24, "value": 70, "headers": 40}, zebra=False, id="records"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.start(StartAt())
        self.query_one("#records", VirtualTable).focus()

    # -- commands -----------------------------------------------------------------------

    def start(self, at: StartAt) -> None:
        self.view = None
        self.records = {}
        self.follow = True
        self.query_one("#records", VirtualTable).set_rows([])
        self.post_message(
            SendCommand(ViewMessages(self.topic, self.partition, at, self.query_one("#viewer-filter", Input).value))
        )

    def _mode(self) -> StartMode:
        value = self.query_one("#viewer-mode", Select).value
        return StartMode(value if isinstance(value, str) else StartMode.END.value)

    @on(Select.Changed, "#viewer-mode")
    def _mode_changed(self, event: Select.Changed) -> None:
        mode = self._mode()
        value = self.query_one("#viewer-value", Input)
        value.placeholder = HINTS[mode] or "(enter restarts)"
        if mode in (StartMode.END, StartMode.BEGINNING):
            self.restart()
        else:
            value.focus()

    @on(Input.Submitted, "#viewer-value")
    def _value_done(self, event: Input.Submitted) -> None:
        self.restart()

    def restart(self) -> None:
        try:
            at = parse_start(self._mode(), self.query_one("#viewer-value", Input).value, self.clock())
        except ValueError as exc:
            self._status = Text(str(exc), "bold red")
            self.query_one("#viewer-status", Static).update(self._status)
            return
        self.start(at)
        self.query_one("#records", VirtualTable).focus()

    @on(Input.Changed, "#viewer-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        text = event.value
        self._filter_timer = self.set_timer(0.15, lambda: self.post_message(SendCommand(FilterMessages(text))))

    @on(Input.Submitted, "#viewer-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one("#records", VirtualTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#viewer-filter", Input).focus()

    def action_follow(self) -> None:
        self.follow = True
        table = self.query_one("#records", VirtualTable)
        table.move_cursor(table.row_count - 1)

    def action_close(self) -> None:
        self.post_message(SendCommand(StopMessages()))
        self.dismiss(None)

    # -- data in ------------------------------------------------------------------------

    def show(self, view: MessagesView) -> None:
        if (view.topic, view.partition) != (self.topic, self.partition):
            return  # a late view of the viewer this one replaced
        self.view = view
        if not self.is_mounted or not self.query("#records"):
            return  # a view that arrived before the screen was composed or after it closed
        table = self.query_one("#records", VirtualTable)
        at_end = table.row_count == 0 or table.cursor >= table.row_count - 1
        self.follow = self.follow and at_end
        self.records = {r.row_key: r for r in view.records}
        # cells are made only for the rows drawn: at 50k records/s nearly every row is new
        table.set_items(list(self.records.items()), record_cells)
        if self.follow and table.row_count:
            table.move_cursor(table.row_count - 1)
        status = self.status_text(view)
        if status != self._status:  # Static.update lays the screen out again
            self._status = status
            self.query_one("#viewer-status", Static).update(status)

    def status_text(self, view: MessagesView) -> Text:
        text = Text()
        if view.error:
            text.append(inert(view.state, 200), "bold red")  # a broker's or librdkafka's text
        else:
            text.append(f"{view.start.describe()} · {inert(view.state, 200)}")
        text.append(f" · read {view.consumed:,}")
        if view.filter:
            text.append(f" · matching '{inert(view.filter, 40)}' {view.matched:,}")
        text.append(f" · {view.rate:,.0f}/s · showing the last {len(view.records):,}")
        text.append(" · following" if self.follow else " · paused (f follows)", "dim")
        return text

    @on(VirtualTable.Highlighted, "#records")
    def _moved(self, event: VirtualTable.Highlighted) -> None:
        table = self.query_one("#records", VirtualTable)
        self.follow = table.cursor >= table.row_count - 1

    @on(VirtualTable.Selected, "#records")
    def _open(self, event: VirtualTable.Selected) -> None:
        record = self.records.get(event.key or "")
        if record is not None:
            self.app.push_screen(RecordScreen(self.topic, record))

    def export_sources(self) -> list[ExportSource]:
        """The records loaded now (those the filter matched), decoded as the viewer shows them."""
        records = tuple(self.records.values())
        where = f"partition {self.partition}" if self.partition is not None else "all partitions"
        return [
            ExportSource(
                f"Records of {inert(self.topic, NAME_LIMIT)}, {where} ({count(len(records), 'record')} loaded)",
                "records",
                self.topic,
                export.RECORD_COLUMNS,
                lambda: export.records_rows(records),
                len(records),
            )
        ]

    def action_export(self) -> None:
        """The records loaded (when there are), or a range read from Kafka into the file."""
        sources = self.export_sources() if self.records else []
        ranged = RangeChoice(self.topic, self.partition, tuple(self.partitions))
        open_export(self, sources, self.clock, "Nothing to export yet: no records are loaded.", ranged)


def record_text(topic: str, record: Record) -> Text:
    text = Text()
    ts = utc_iso(record.timestamp_ms / 1000.0) if record.timestamp_ms >= 0 else "none"
    # the whole record, inert: `pretty` keeps line breaks and escapes every other control
    text.append(f"{inert(topic, NAME_LIMIT)} partition {record.partition} offset {record.offset}\n", "bold")
    text.append(f"timestamp {ts} ({record.timestamp_ms})\n")
    if record.schema:  # Schema Registry: which schema decoded the record, or why it was not
        for note in record.schema.split("; "):
            text.append(f"schema  {inert(note, 400)}\n")
    if record.key_decoded is not None:
        _, shown = pretty(record.key_decoded.encode("utf-8", "surrogateescape"))
        text.append("\nkey (decoded with its schema, as JSON)\n", "bold")
    else:
        kind, shown = pretty(record.key)
        text.append(f"\nkey ({kind})\n", "bold")
    text.append(shown + "\n")
    text.append("\nheaders\n", "bold")
    if not record.headers:
        text.append("(none)\n", "dim")
    for name, value in record.headers:
        text.append(f"{escape_raw(name.encode('utf-8', 'surrogateescape'), 80)} = {escape_raw(value, 400)}\n")
    cut = record.value is not None and record.value_size > len(record.value)
    if record.value_decoded is not None:
        _, shown = pretty(record.value_decoded.encode("utf-8", "surrogateescape"))
        text.append(f"\nvalue (decoded with its schema, as JSON; {record.value_size:,} bytes)\n", "bold")
        text.append(shown)
        return text
    kind, shown = pretty(record.value)
    text.append(f"\nvalue ({kind}, {record.value_size:,} bytes{', cut' if cut else ''})\n", "bold")
    text.append(shown)
    return text


class RecordScreen(GuardedHandlers, ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,enter,q", "dismiss", "Close")
    ]
    DEFAULT_CSS = """
    RecordScreen { align: center middle; }
    RecordScreen > Vertical { width: 90%; height: 85%; border: round $accent; background: $surface; }
    RecordScreen VerticalScroll { padding: 0 1; }
    """

    def __init__(self, topic: str, record: Record) -> None:
        super().__init__()
        self.topic = topic
        self.record = record

    def compose(self) -> ComposeResult:
        with Vertical(), VerticalScroll():
            yield Static(record_text(self.topic, self.record), id="record-text")
