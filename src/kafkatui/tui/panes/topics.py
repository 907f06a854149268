"""Pane 3: topics (filter, sort, internal toggle), partition detail, configs, actions, viewer.

Thin: the worker sends `TopicsView` (rows already computed); the pane filters and sorts them,
keeps the cursor on the same topic across refreshes (keyed rows); like every pane it draws
only while shown (PaneMixin).

Cheap on 5,000 topics: a view whose rows are the previous tuple (the worker reuses it when no
row changed) leaves the list alone; the cells of a row are made once per row object (the
worker keeps unchanged rows as the same objects), so a refresh formats only the topics that
changed and a filter keystroke formats none; the table draws only the visible lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Static

from kafkatui.domain import export
from kafkatui.domain.commands import Refresh
from kafkatui.domain.export import ExportSource
from kafkatui.domain.message_viewer import MessagesView
from kafkatui.domain.partitioner import DEFAULT as DEFAULT_PARTITIONER
from kafkatui.domain.partitioner import PARTITIONERS
from kafkatui.domain.partitions import LEGEND, Flag, PartitionRow, ids, partition_rows
from kafkatui.domain.range_export import RangeExportProgress
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.domain.topic_actions import ActionResult, AddPartitions, CreateTopic, DeleteTopic
from kafkatui.domain.topic_configs import TopicConfigs
from kafkatui.domain.topic_list import COLUMN_KEYS, COLUMNS, TopicList, TopicRow, human_count
from kafkatui.domain.topics_view import SelectTopic, ShowTopics, TopicsActive, TopicsView
from kafkatui.domain.wording import count
from kafkatui.tui.messages import SendCommand
from kafkatui.tui.panes.base import PaneMixin
from kafkatui.tui.screens.export import ExportScreen, open_export
from kafkatui.tui.widgets.header import age_text
from kafkatui.tui.widgets.keyed_table import KeyedTable
from kafkatui.tui.widgets.virtual_table import VirtualTable

PARTITION_COLUMNS = ("PART", "LEADER", "REPLICAS", "ISR", "OFFLINE", "LOW", "HIGH", "MESSAGES", "STATE")

FLAG_STYLE = {
    Flag.OFFLINE: "bold white on red",
    Flag.UNDER_REPLICATED: "bold red",
    Flag.NOT_PREFERRED: "yellow",
}
FLAG_ORDER = (Flag.OFFLINE, Flag.UNDER_REPLICATED, Flag.NOT_PREFERRED)
DETAIL_AFTER_TYPING = 0.15  # seconds: the detail follows the filtered cursor once typing pauses
WRITE_ACTIONS = {"create": "create", "delete": "delete", "add_partitions": "partitions"}


def row_style(flags: frozenset[Flag]) -> str:
    for flag in FLAG_ORDER:
        if flag in flags:
            return FLAG_STYLE[flag]
    return ""


def partition_cells(row: PartitionRow) -> tuple[Text, ...]:
    style = row_style(row.flags)
    state = ", ".join(f.value for f in FLAG_ORDER if f in row.flags) or "ok"
    mark = row.mark
    # unknown is unknown: an offline partition has no watermarks to wait for ("…" is "coming")
    missing = "unknown" if Flag.OFFLINE in row.flags else "…"
    values = (
        str(row.partition),
        "none" if row.leader < 0 else str(row.leader),
        ids(row.replicas),
        ids(row.isr),
        ids(row.offline_replicas),
        str(mark.low) if mark else missing,
        str(mark.high) if mark else missing,
        human_count(row.messages),
        state,
    )
    return tuple(Text(v, style) for v in values)


def legend_text() -> Text:
    text = Text()
    for flag, meaning in LEGEND:
        text.append(f" {flag.value} ", FLAG_STYLE[flag])
        text.append(f" {meaning}   ")
    return text


class TopicsPane(PaneMixin, Vertical):
    """Shows TopicsView; create/delete/add partitions and the viewer go through the worker."""

    EVENTS = (TopicsView, ActionResult, MessagesView, RangeExportProgress)
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("slash", "focus_filter", "Filter", key_display="/"),
        Binding("i", "toggle_internal", "Internal topics"),
        Binding("s", "sort_next", "Sort by next column"),
        Binding("S", "sort_reverse", "Reverse sort", key_display="S"),
        Binding("c", "create", "Create topic"),
        Binding("d", "delete", "Delete topic"),
        Binding("plus", "add_partitions", "Add partitions", key_display="+"),
        Binding("m", "messages", "Messages"),
        Binding("M", "messages_partition", "Messages of partition", key_display="M"),
        Binding("k", "key_partition", "Key → partition"),
        Binding("g", "toggle_configs", "Configs / partitions (narrow terminal)"),
        Binding("E", "export", "Export to a file (CSV, JSON lines)", key_display="E", show=False),
    ]

    DEFAULT_CSS = """
    TopicsPane #topics-bar { height: 1; }
    TopicsPane #topics-filter { width: 32; height: 1; border: none; padding: 0 1; }
    TopicsPane #topics-status { width: 1fr; height: 1; padding: 0 1; color: $text-muted; }
    TopicsPane #topic-list { height: 1fr; min-height: 4; }
    TopicsPane #topic-title { height: 1; padding: 0 1; background: $panel; }
    TopicsPane #topic-detail { height: 1fr; max-height: 11; min-height: 3; }
    TopicsPane #partitions { width: 3fr; }
    TopicsPane #configs { width: 2fr; border-left: solid $panel-lighten-2; padding: 0 1; }
    TopicsPane #topic-legend { height: auto; padding: 0 1; }
    TopicsPane #topics-notes { height: auto; max-height: 3; padding: 0 1; color: $warning; }
    TopicsPane.narrow #configs { display: none; }
    TopicsPane.narrow.configs-shown #configs { display: block; width: 1fr; border-left: none; }
    TopicsPane.narrow.configs-shown #partitions { display: none; }
    TopicsPane.short #topic-legend { display: none; }
    """
    NARROW = 140  # below this many columns the detail shows partitions or configs (g), not both
    SHORT = 32  # below this many lines the legend gives its room to the list (STATE says it)

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        read_only: bool = False,
        partitioner: str = DEFAULT_PARTITIONER,
    ) -> None:
        super().__init__(id="topics-pane", classes="pane")
        self.clock = clock
        self.read_only = read_only
        self.partitioner = partitioner if partitioner in PARTITIONERS else DEFAULT_PARTITIONER
        self.view: TopicsView | None = None
        self.show_internal = False
        self.sort_column = "name"
        self.descending = False
        self.selected: str | None = None
        self.shown_count = 0  # rows in the list now
        self.model = TopicList()  # cells, widths and lowered names, prepared once per rows tuple
        self._list_rows: tuple[TopicRow, ...] | None = None  # the rows tuple the list shows
        self._list_state: tuple[Any, ...] | None = None  # filter, internal, sort of the list shown
        self._detail_timer: Timer | None = None
        self._sent_shown: ShowTopics | None = None
        self._shown_text: dict[str, str | Text] = {}  # Static id -> what it shows
        self._detail_topic: str | None = None
        self._configs_shown: tuple[TopicConfigs | None, str | None] | None = None
        self._select_timer: Timer | None = None
        self._sent_selection: str | None = None
        self.viewer: Any = None  # the open TopicMessagesScreen, if any

    def compose(self) -> ComposeResult:
        with Horizontal(id="topics-bar"):
            yield Input(placeholder="filter topics  (/)", id="topics-filter")
            yield Static("Waiting for the cluster's metadata…", id="topics-status")
        yield VirtualTable(COLUMNS, max_widths={"name": 60}, id="topic-list")
        yield Static("", id="topic-title")
        with Horizontal(id="topic-detail"):
            yield KeyedTable([(name, name) for name in PARTITION_COLUMNS], zebra=False, id="partitions")
            with VerticalScroll(id="configs"):
                yield Static("", id="configs-text", markup=False)
        yield Static(legend_text(), id="topic-legend")
        yield Static("", id="topics-notes")

    # -- size -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if not event.size.width:
            return  # hidden (another pane is open)
        self.set_class(event.size.width < self.NARROW, "narrow")
        self.set_class(event.size.height < self.SHORT - 6, "short")  # the pane is the screen less 6 lines

    def action_toggle_configs(self) -> None:
        self.toggle_class("configs-shown")

    # -- shown / hidden -----------------------------------------------------------------

    def on_show(self) -> None:
        # the worker reads watermarks and configs only while the pane is shown; the views it
        # held meanwhile were applied by `reveal` (PaneMixin)
        if not self.showing:
            return  # a Show handled after the user already switched on (keys typed fast): see PaneMixin
        self.post_message(SendCommand(TopicsActive(True)))
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.query_one("#topic-list", VirtualTable).focus()

    def on_hide(self) -> None:
        self.post_message(SendCommand(TopicsActive(False)))

    # -- data in ------------------------------------------------------------------------

    def apply(self, event: object) -> None:
        if isinstance(event, TopicsView):
            self.show(event)
        elif isinstance(event, ActionResult):
            self.announce(event)
        elif isinstance(event, MessagesView) and self.viewer is not None:
            self.viewer.show(event)
        elif isinstance(event, RangeExportProgress):  # to the viewer's export dialog that started it
            for screen in self.app.screen_stack:
                if isinstance(screen, ExportScreen):
                    screen.range_progress(event)

    def show(self, view: TopicsView) -> None:
        self.view = view
        self.render_view()

    def tick(self) -> None:
        if self.view is not None:
            self.render_status()
            self._send_shown()

    def _send_shown(self) -> None:
        """Tell the worker which topics are on screen (their configs come first), when that
        changed; `urgent` while sorted by a column that needs every topic's configs."""
        names = tuple(self.query_one("#topic-list", VirtualTable).visible_keys())
        command = ShowTopics(names, urgent=self.sort_column in ("retention_ms", "cleanup"))
        if command != self._sent_shown:
            self._sent_shown = command
            self.post_message(SendCommand(command))

    def _state(self) -> tuple[str, bool, str, bool]:
        return (
            self.query_one("#topics-filter", Input).value,
            self.show_internal,
            self.sort_column,
            self.descending,
        )

    def render_view(self) -> None:
        self.render_list()
        self.render_detail()
        self.render_status()

    def render_list(self, typing: bool = False) -> None:
        """Show the view's rows as filtered and sorted now. `typing`: a filter keystroke, after
        which the detail of the topic under the cursor waits for a pause in the typing."""
        table = self.query_one("#topic-list", VirtualTable)
        rows_now = self.view.rows if self.view else None
        state = self._state()
        if rows_now is self._list_rows and state == self._list_state:
            return  # a view that changed only counts' age, configs or notes: the list is as it was
        if rows_now is not None:
            self.model.prepare(rows_now)
        if state == self._list_state and self._patch_list(table, rows_now):
            self._list_rows = rows_now
            return
        self._list_rows, self._list_state = rows_now, state
        shown = self.model.visible(*state) if rows_now is not None else []
        self.shown_count = len(shown)
        table.set_rows([(r.name, cells) for r, cells in shown], self.model.widths)
        if table.cursor_key != self.selected:
            self._select(table.cursor_key, typing)

    def _patch_list(self, table: VirtualTable, rows: tuple[TopicRow, ...] | None) -> bool:
        """Update only the rows that changed, when that cannot change which rows are shown or
        their order: the same topics in the same order, sorted by name (the filter and the
        internal toggle look only at names). False: the caller renders the whole list."""
        old = self._list_rows
        if rows is None or old is None or len(rows) != len(old) or self.sort_column != "name":
            return False
        changed = []
        for new, was in zip(rows, old, strict=True):
            if new is not was:
                if new.name != was.name:
                    return False
                changed.append(new)
        shown = table.index
        table.update_rows([(r.name, self.model.cells(r)) for r in changed if r.name in shown], self.model.widths)
        return True

    def _select(self, name: str | None, typing: bool = False) -> None:
        self.selected = name
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if typing:  # the topic under the cursor changes with every key: show it once typing pauses
            self._detail_timer = self.set_timer(DETAIL_AFTER_TYPING, self.render_detail)
        else:
            self.render_detail()
        if self._select_timer is not None:
            self._select_timer.stop()
        self._select_timer = self.set_timer(0.3, self._send_selection)

    def _send_selection(self) -> None:
        if self.selected != self._sent_selection:
            self._sent_selection = self.selected
            self.post_message(SendCommand(SelectTopic(self.selected)))

    @on(VirtualTable.Highlighted, "#topic-list")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        if event.key != self.selected:
            self._select(event.key)

    @on(VirtualTable.Selected, "#topic-list")
    def _row_selected(self, event: VirtualTable.Selected) -> None:
        self.query_one("#partitions", KeyedTable).focus()

    @on(VirtualTable.HeaderClicked, "#topic-list")
    def _header(self, event: VirtualTable.HeaderClicked) -> None:
        column = event.column
        if column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, column != "name"
        self.render_view()
        self._send_shown()

    @on(Input.Changed, "#topics-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.view is not None:
            self.render_list(typing=True)
            self.render_status()

    @on(Input.Submitted, "#topics-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one("#topic-list", VirtualTable).focus()

    # -- detail -------------------------------------------------------------------------

    def render_detail(self) -> None:
        view = self.view
        title = self.query_one("#topic-title", Static)
        parts = self.query_one("#partitions", KeyedTable)
        configs = self.query_one("#configs-text", Static)
        topic = view.topics.get(self.selected) if view and self.selected else None
        if topic is None:
            if self._detail_topic is not None:
                parts.clear()
                self._update(configs, "")
                self._detail_topic = None
                self._configs_shown = None
            self._update(title, "No topic selected." if view else "", layout=False)
            return
        if topic.name != self._detail_topic:
            parts.clear()  # another topic: its partitions from the top
            self._configs_shown = None
            self._detail_topic = topic.name
        assert view is not None
        rows = partition_rows(topic, view.marks.get(topic.name))
        parts.show_rows([(str(r.partition), partition_cells(r)) for r in rows])
        self._update(title, self._title(topic.name, rows), layout=False)
        self._render_configs(configs, topic.name, view)

    def _title(self, name: str, rows: tuple[PartitionRow, ...]) -> Text:
        text = Text()
        text.append(inert(name, NAME_LIMIT), "bold")
        rf = max((len(r.replicas) for r in rows), default=0)
        text.append(f"  {count(len(rows), 'partition')}, replication factor {rf}")
        for flag in FLAG_ORDER:
            n = sum(1 for r in rows if flag in r.flags)
            if n:
                text.append("  ")
                text.append(f" {n} {flag.value} ", FLAG_STYLE[flag])
        return text

    def _render_configs(self, widget: Static, name: str, view: TopicsView) -> None:
        """Configs as wrapped lines, so a long value (a policy list, 9223372036854775807) is
        shown whole at any width: `● name = value  source`, non-default ones first, bold."""
        sel = view.selected if view.selected is not None and view.selected.topic == name else None
        why = view.unavailable.get("configs")
        if (sel, why) == self._configs_shown:
            return
        self._configs_shown = (sel, why)
        if sel is None or sel.error or why:
            message = why or (sel.error if sel is not None else None) or "asking the broker…"
            text = Text("configs: ", "dim")
            text.append(inert(message, 300), "yellow")
            self._update(widget, text)
            return
        text = Text()
        text.append("CONFIG = VALUE  SOURCE  (● set on this topic or broker)\n", "dim")
        for e in sorted(sel.entries, key=lambda e: (e.is_default, e.name)):
            style = "" if e.is_default else "bold"
            value = "(sensitive)" if e.sensitive else (inert(e.value, 2000) if e.value is not None else "-")
            text.append("  " if e.is_default else "● ", style)
            text.append(f"{inert(e.name, 200)} = ", style)
            text.append(value, style)
            text.append(f"  {inert(e.source, 100)}\n", "dim" if e.is_default else "cyan")
        text.rstrip()
        self._update(widget, text)

    def _update(self, widget: Static, content: str | Text, layout: bool = True) -> None:
        """Static.update lays the screen out again: skip it when nothing changed, and say so
        when the widget's size cannot change (one line, full width)."""
        if self._shown_text.get(widget.id or "") != content:
            self._shown_text[widget.id or ""] = content
            widget.update(content, layout=layout)

    # -- status -------------------------------------------------------------------------

    def render_status(self) -> None:
        view = self.view
        if view is None:
            return
        shown = self.shown_count
        self.model.prepare(view.rows)
        internal = self.model.internal
        label = dict(COLUMNS)[self.sort_column]
        text = Text()
        text.append(f"{shown} of {count(len(view.rows), 'topic')}", "bold")
        text.append(f" · {internal} internal {'shown' if self.show_internal else 'hidden'} (i)")
        text.append(f" · sort {label} {'↓' if self.descending else '↑'} (s/S)")
        if view.marks_ts is not None:
            text.append(f" · counts {age_text(max(0.0, self.clock() - view.marks_ts))} old")
        else:
            text.append(" · counting messages…")
        self._update(self.query_one("#topics-status", Static), text, layout=False)
        notes = list(view.notes)
        for action in ("create", "configs"):
            if action in view.unavailable and not view.read_only:
                notes.append(f"{action}: {view.unavailable[action]}")
        if view.read_only:
            notes.append("read-only mode: create, delete and add partitions are disabled")
        # notes quote brokers' refusals: literal text, each an inert line
        self._update(self.query_one("#topics-notes", Static), Text("\n".join(inert(n, 300) for n in notes)))

    # -- actions ------------------------------------------------------------------------

    def _why_not(self, action: str) -> str | None:
        if self.read_only or (self.view is not None and self.view.read_only):
            return "read-only mode"
        if self.view is not None:
            return self.view.unavailable.get(WRITE_ACTIONS.get(action, action))
        return None

    def unavailable_reason(self, action: str) -> str | None:
        return self._why_not(action) if action in WRITE_ACTIONS else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self._why_not(action):
            return None  # shown, but disabled
        return True

    def _refuse(self, action: str) -> bool:
        why = self._why_not(action)
        if why:
            self.app.notify(f"Not available: {why}.", severity="warning", timeout=5)
            return True
        return False

    def action_focus_filter(self) -> None:
        self.query_one("#topics-filter", Input).focus()

    def action_toggle_internal(self) -> None:
        self.show_internal = not self.show_internal
        self.render_view()

    def action_sort_next(self) -> None:
        index = (COLUMN_KEYS.index(self.sort_column) + 1) % len(COLUMN_KEYS)
        self.sort_column = COLUMN_KEYS[index]
        self.descending = self.sort_column != "name"
        self.render_view()
        self._send_shown()

    def action_sort_reverse(self) -> None:
        self.descending = not self.descending
        self.render_view()

    def _topic(self) -> Any:
        if self.view is None or self.selected is None:
            self.app.notify("Select a topic first.", severity="warning", timeout=3)
            return None
        return self.view.topics.get(self.selected)

    def action_create(self) -> None:
        if self._refuse("create"):
            return
        from kafkatui.tui.screens.topic_create import CreateTopicScreen

        existing = tuple(self.view.topics) if self.view else ()
        brokers = self.view.brokers_up if self.view else 1

        def done(command: CreateTopic | None) -> None:
            if command is not None:
                self.post_message(SendCommand(command))
                self.app.notify(f"Creating '{command.name}'…", timeout=2)

        self.app.push_screen(CreateTopicScreen(existing, brokers), done)

    def action_delete(self) -> None:
        if self._refuse("delete"):
            return
        topic = self._topic()
        if topic is None:
            return
        from kafkatui.tui.screens.topic_confirm import DeleteTopicScreen

        def done(command: DeleteTopic | None) -> None:
            if command is not None:
                self.post_message(SendCommand(command))
                self.app.notify(f"Deleting '{command.name}'…", timeout=2)

        self.app.push_screen(DeleteTopicScreen(topic.name), done)

    def action_add_partitions(self) -> None:
        if self._refuse("add_partitions"):
            return
        topic = self._topic()
        if topic is None:
            return
        from kafkatui.tui.screens.topic_confirm import AddPartitionsScreen

        def done(command: AddPartitions | None) -> None:
            if command is not None:
                self.post_message(SendCommand(command))
                self.app.notify(f"Growing '{command.name}' to {command.total} partitions…", timeout=2)

        self.app.push_screen(AddPartitionsScreen(topic.name, len(topic.partitions)), done)

    def _open_viewer(self, partition: int | None) -> None:
        topic = self._topic()
        if topic is None:
            return
        from kafkatui.tui.screens.topic_messages import TopicMessagesScreen

        screen = TopicMessagesScreen(topic.name, partition, [p.id for p in topic.partitions], self.clock)
        self.viewer = screen

        def closed(_: None) -> None:
            self.viewer = None

        self.app.push_screen(screen, closed)

    def action_messages(self) -> None:
        self._open_viewer(None)

    def action_messages_partition(self) -> None:
        key = self.query_one("#partitions", KeyedTable).cursor_key
        self._open_viewer(int(key) if key is not None else None)

    def action_key_partition(self) -> None:
        topic = self._topic()
        if topic is None:
            return
        from kafkatui.tui.screens.topic_key import KeyPartitionScreen

        self.app.push_screen(KeyPartitionScreen(topic.name, len(topic.partitions), self.partitioner))

    def announce(self, result: ActionResult) -> None:
        self.app.notify(
            result.message,
            title=f"{result.action} {result.topic}",
            severity="information" if result.ok else "error",
            timeout=6 if result.ok else 12,
        )
        if result.ok:
            self.post_message(SendCommand(Refresh()))

    # -- export (E) -----------------------------------------------------------------------

    def export_sources(self) -> list[ExportSource]:
        """The topics as listed (filter and sort applied), and the selected topic's partitions."""
        view = self.view
        if view is None:
            return []
        self.model.prepare(view.rows)
        rows = tuple(r for r, _ in self.model.visible(*self._state()))
        sources = [
            ExportSource(
                f"Topics list ({count(len(rows), 'topic')}, as filtered and sorted)",
                "topics",
                "",
                export.TOPIC_COLUMNS,
                lambda: export.topic_rows(rows),
                len(rows),
            )
        ]
        topic = view.topics.get(self.selected) if self.selected else None
        if topic is not None:
            parts = partition_rows(topic, view.marks.get(topic.name))
            name = topic.name
            sources.append(
                ExportSource(
                    f"Partitions of {inert(name, NAME_LIMIT)} ({count(len(parts), 'partition')})",
                    "partitions",
                    name,
                    export.PARTITION_COLUMNS,
                    lambda: export.partition_export_rows(name, parts),
                    len(parts),
                )
            )
        return sources

    def action_export(self) -> None:
        open_export(self, self.export_sources(), self.clock, "Nothing to export yet: no topics are listed.")
