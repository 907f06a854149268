"""Pane 4: consumer groups — lag list with trend, rate, time to drain and status; per-partition
detail with exactly the columns of `kafka-consumer-groups --describe`; offset reset.

Group ids, topics, states, consumer and client ids, hosts and error strings are the cluster's
text: each goes through `inert` (bounded by NAME_LIMIT) where it becomes a cell or a sentence.

The list is a `VirtualTable` (draws only the visible lines): with 2,000 groups a keyed
DataTable spent 0.2-1.6 s of the event loop per filter keystroke re-indexing removed rows and
re-measuring columns. Each group's cells are made once per refresh (kept while the same
GroupRow object comes again), so a filter keystroke or a re-sort builds no cells; the detail
rows are indexed by group once per refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from kafkatui.domain import export
from kafkatui.domain.export import ExportSource
from kafkatui.domain.groups import (
    READ_ONLY_REFUSAL,
    SORT_KEYS,
    UNKNOWN,
    DescribeRow,
    GroupRow,
    GroupsView,
    ResetPreview,
    ResetResult,
    filter_groups,
    search_text,
    sort_groups,
)
from kafkatui.domain.lag import GroupStatus, PartitionStatus
from kafkatui.domain.series import gapped_sparkline
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.domain.wording import plural
from kafkatui.tui.panes.base import PaneMixin
from kafkatui.tui.screens.export import open_export
from kafkatui.tui.screens.group_help import GroupRulesScreen
from kafkatui.tui.screens.group_reset import GroupResetScreen
from kafkatui.tui.widgets.header import age_text
from kafkatui.tui.widgets.keyed_table import KeyedTable, pick
from kafkatui.tui.widgets.virtual_table import Cell, VirtualTable

GROUP_COLUMNS = ("GROUP", "STATE", "PROTOCOL", "MEMBERS", "TOPICS", "LAG", "TREND", "RATE/s", "DRAIN", "STATUS")
TOOL_COLUMNS = (
    "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
    "CONSUMER-ID", "HOST", "CLIENT-ID",
)  # fmt: skip
DETAIL_COLUMNS = (*TOOL_COLUMNS, "TREND", "LAG TIME", "STATUS")
# Below WIDE columns what a user acts on comes first and the rest gives way from the right; the
# detail drops GROUP (its title names the group) so PARTITION and LAG stay in view at 80 columns.
WIDE = 120
NARROW_GROUP_COLUMNS = ("GROUP", "LAG", "STATUS", "TREND", "STATE", "MEMBERS", "TOPICS", "RATE/s", "DRAIN", "PROTOCOL")
NARROW_DETAIL_COLUMNS = (
    "TOPIC", "PARTITION", "LAG", "STATUS", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG TIME", "TREND",
    "CONSUMER-ID", "HOST", "CLIENT-ID",
)  # fmt: skip
SPARK_WIDTH = 12

STATUS_STYLE = {
    "OK": "bold green",
    "WARN": "bold yellow",
    "ERR": "bold white on red",
    "STALL": "bold red",
    "STOP": "bold red",
    "REWIND": "bold magenta",
    "UNKNOWN": "bold black on yellow",
}
TREND_STYLE = {"OK": "green", "WARN": "yellow", "REWIND": "magenta"}  # the rest: red


def trend_text(values: tuple[int | None, ...], status: GroupStatus | PartitionStatus) -> Text:
    """The lag trend; a refresh whose lag was unknown is a gap, never a dip."""
    return Text(gapped_sparkline(values, SPARK_WIDTH), TREND_STYLE.get(status.value, "red"))


def status_text(status: GroupStatus | PartitionStatus) -> Text:
    return Text(status.value, STATUS_STYLE.get(status.value, ""))


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return "0 s"
    return age_text(seconds)


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def group_cells(g: GroupRow) -> tuple[Cell, ...]:
    na = Text("n/a", "dim")
    names = [inert(t, NAME_LIMIT) for t in g.topics[:2]]
    topics = ", ".join(names) if len(g.topics) <= 2 else f"{names[0]} +{len(g.topics) - 1}"
    not_draining = g.total_lag and g.consume_rate is not None and g.drain_seconds is None
    drain = "∞" if not_draining else duration_text(g.drain_seconds)
    if g.error:
        status: Cell = Text(f"{g.status.value} !", STATUS_STYLE[g.status.value])
    else:
        status = status_text(g.status)
    if g.over_limit:  # its oldest unread record is older than the limits file allows
        status = Text(f"{g.status.value} >{duration_text(g.lag_limit)}", "bold white on red")
    lag: Cell = _num(g.total_lag)
    if g.unknown is not None:
        lag = Text("unknown", "bold yellow")  # never the sum of the partitions we could read
    elif g.stale_since is not None:
        lag = Text(f"{lag} (stale)", "dim italic")
    return (
        inert(g.group_id, NAME_LIMIT),
        inert(g.state, NAME_LIMIT) if g.state is not None else na,
        inert(g.protocol, NAME_LIMIT) if g.protocol is not None else na,
        str(g.members) if g.members is not None else na,
        topics or "-",
        lag,
        trend_text(g.lag_history, g.status),
        "-" if g.consume_rate is None else f"{g.consume_rate:.1f}",
        drain,
        status,
    )


def detail_cells(r: DescribeRow) -> tuple[object, ...]:
    tool: list[object] = [inert(cell, NAME_LIMIT) for cell in r.tool_cells()]  # the cluster's text
    if not r.members_known:
        tool[6:9] = [Text("n/a", "dim")] * 3
    tool[3:6] = [Text(c, "bold yellow") if c == UNKNOWN else c for c in tool[3:6]]
    return (*tool, trend_text(r.lag_history, r.status), duration_text(r.lag_seconds), status_text(r.status))


def detail_key(r: DescribeRow) -> str:
    return f"{r.topic}\x00{r.partition}"


class GroupsPane(PaneMixin, Vertical):
    """Shows GroupsView refreshes; asks the worker for offset reset previews and resets."""

    EVENTS = (GroupsView, ResetPreview, ResetResult)
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("slash", "filter", "Filter groups", key_display="/"),
        Binding("s", "sort", "Sort by next column"),
        Binding("S", "reverse", "Reverse the sort"),
        Binding("x", "reset", "Reset offsets (inactive group)"),
        Binding("i", "rules", "Status rules"),
        Binding("E", "export", "Export to a file (CSV, JSON lines)", key_display="E", show=False),
        Binding("escape", "clear_filter", "Clear the filter", show=False),
    ]

    DEFAULT_CSS = """
    GroupsPane #groups-summary { height: 1; padding: 0 1; color: $text-muted; }
    GroupsPane #groups-notes { height: auto; max-height: 4; overflow-y: auto; padding: 0 1; color: $warning; }
    GroupsPane #groups-filter { display: none; height: 3; }
    GroupsPane #groups-filter.shown { display: block; }
    GroupsPane #groups-list { height: 2fr; min-height: 4; }
    GroupsPane #group-title { height: auto; padding: 0 1; background: $panel; }
    GroupsPane #group-detail { height: 3fr; min-height: 4; }
    """

    def __init__(self, clock: Callable[[], float], *, read_only: bool = False) -> None:
        super().__init__(id="groups-pane", classes="pane")
        self.clock = clock
        self.read_only = read_only
        self.view: GroupsView | None = None
        self.selected: str | None = None
        self.sort_key = SORT_KEYS[0]
        self.reverse = False
        self.filter_text = ""
        self._cells: dict[str, tuple[GroupRow, tuple[Cell, ...]]] = {}  # group id -> (row, its cells)
        self._hay: dict[str, tuple[GroupRow, str]] = {}  # group id -> (row, what the filter searches)
        self._rows_of: dict[str, tuple[DescribeRow, ...]] = {}  # group id -> detail rows (this view)
        self._visible: list[GroupRow] | None = None  # filtered and sorted (None: to compute)
        self.wide = True  # the column layout in use (see WIDE)

    def compose(self) -> ComposeResult:
        yield Static("Waiting for the first consumer-group refresh…", id="groups-summary")
        yield Static("", id="groups-notes")
        yield Input(placeholder="filter: group, topic, state or status words", id="groups-filter")
        yield VirtualTable([(c, c) for c in GROUP_COLUMNS], max_widths={"GROUP": 48, "TOPICS": 32}, id="groups-list")
        yield Static("", id="group-title")
        yield KeyedTable([(name, name) for name in DETAIL_COLUMNS], id="group-detail")

    # -- data in ------------------------------------------------------------------------

    def apply(self, event: object) -> None:
        if isinstance(event, GroupsView):
            self.show(event)
        elif isinstance(event, ResetPreview | ResetResult):
            screen = self.app.screen
            if isinstance(screen, GroupResetScreen) and screen.group == event.group:
                screen.show(event)
            if isinstance(event, ResetResult):
                self.app.notify(
                    event.message,
                    title="offset reset" if event.ok else "offset reset refused",
                    severity="information" if event.ok else "error",
                    timeout=8,
                )

    def on_resize(self, event: events.Resize) -> None:
        if not event.size.width:
            return  # hidden (another pane is open): keep the layout until it is shown
        wide = event.size.width >= WIDE
        if wide != self.wide:
            self.wide = wide
            self._cells.clear()  # cached cells are of the old column set
            self.query_one("#groups-list", VirtualTable).set_columns([(c, c) for c in self._group_columns()])
            self.query_one("#group-detail", KeyedTable).set_columns([(c, c) for c in self._detail_columns()])
            if self.view is not None:
                self._render_list()
                self._render_detail()

    def _group_columns(self) -> tuple[str, ...]:
        return GROUP_COLUMNS if self.wide else NARROW_GROUP_COLUMNS

    def _detail_columns(self) -> tuple[str, ...]:
        return DETAIL_COLUMNS if self.wide else NARROW_DETAIL_COLUMNS

    def show(self, view: GroupsView) -> None:
        self.view = view
        self._visible = None
        rows_of: dict[str, list[DescribeRow]] = {}
        for r in view.rows:
            rows_of.setdefault(r.group, []).append(r)
        self._rows_of = {gid: tuple(rows) for gid, rows in rows_of.items()}
        self._render_list()
        self._render_detail()
        self._render_summary()
        # notes quote the cluster's refusals: literal text, each an inert line
        self.query_one("#groups-notes", Static).update(Text("\n".join(inert(n, 300) for n in view.notes)))

    def visible_groups(self) -> list[GroupRow]:
        if self.view is None:
            return []
        if self._visible is None:
            rows = filter_groups(self.view.groups, self.filter_text, self._search_text)
            self._visible = sort_groups(rows, self.sort_key, self.reverse)
        return self._visible

    def _search_text(self, g: GroupRow) -> str:
        known = self._hay.get(g.group_id)
        if known is not None and known[0] is g:
            return known[1]
        hay = search_text(g)
        self._hay[g.group_id] = (g, hay)
        return hay

    def _group_cells(self, g: GroupRow) -> tuple[Cell, ...]:
        known = self._cells.get(g.group_id)
        if known is not None and known[0] is g:
            return known[1]
        cells = pick(group_cells(g), GROUP_COLUMNS, self._group_columns())
        self._cells[g.group_id] = (g, cells)
        return cells

    def _render_list(self) -> None:
        table = self.query_one("#groups-list", VirtualTable)
        groups = self.visible_groups()
        if self.view is not None and len(self._cells) > 2 * len(self.view.groups) + 256:
            current = {g.group_id for g in self.view.groups}
            self._cells = {k: v for k, v in self._cells.items() if k in current}
            self._hay = {k: v for k, v in self._hay.items() if k in current}
        table.show_rows([(g.group_id, self._group_cells(g)) for g in groups])  # cells of the columns shown
        keys = table.index
        if self.selected in keys:
            if table.cursor_key != self.selected:
                table.move_cursor(keys[self.selected])
        elif groups:
            self.selected = groups[0].group_id
            table.move_cursor(0)
        else:
            self.selected = None

    def _render_detail(self) -> None:
        table = self.query_one("#group-detail", KeyedTable)
        title = self.query_one("#group-title", Static)
        view = self.view
        group = view.group(self.selected) if view is not None and self.selected else None
        if view is None or group is None:
            table.show_rows([])
            title.update("No group selected." if view is not None and view.groups else "No consumer groups.")
            return
        rows = self._rows_of.get(group.group_id, ())
        columns = self._detail_columns()
        table.show_rows([(detail_key(r), pick(detail_cells(r), DETAIL_COLUMNS, columns)) for r in rows])
        title.update(self._title(group, len(rows)))

    def _title(self, g: GroupRow, n_rows: int) -> Text:
        text = Text()
        gid = inert(g.group_id, NAME_LIMIT)
        text.append(f"Group {gid}", "bold")
        facts = [inert(g.state or "state n/a", NAME_LIMIT), inert(g.protocol or "protocol n/a", NAME_LIMIT)]
        if g.members is not None:
            facts.append(f"{g.members} member{'s' * (g.members != 1)}")
        text.append("  " + " · ".join(facts))
        if g.total_lag is not None:
            text.append(f" · lag {g.total_lag}")
        if g.max_lag_seconds is not None:
            text.append(f" · oldest unread ≈ {duration_text(g.max_lag_seconds)}")
        if g.over_limit:
            text.append(f" (over its limit of {duration_text(g.lag_limit)})", "bold red")
        text.append("  ")
        text.append(status_text(g.status))
        if g.members == 0:
            text.append(f"\nConsumer group '{gid}' has no active members.", "italic")
        if g.unknown:
            text.append(f"\n{inert(g.unknown, 300)}", "bold yellow")
        if g.error:
            text.append(f"\n{inert(g.error, 300)}", "bold red")
        elif n_rows == 0:
            text.append("\nNo assigned partitions and no committed offsets.", "dim")
        return text

    def _render_summary(self) -> None:
        view = self.view
        if view is None:
            return
        shown = len(self.visible_groups())
        text = Text()
        total = len(view.groups)
        shown_of = f"{shown} of {total}" if shown != total else f"{total}"
        text.append(f"{shown_of} {plural(total, 'group')}", "bold")
        arrow = "↑" if self.reverse else "↓"
        text.append(f" · sort {self.sort_key} {arrow}")
        if self.filter_text:
            text.append(f" · filter '{inert(self.filter_text, 40)}'")
        age = max(0.0, self.clock() - view.ts)
        text.append(f" · refreshed {age_text(age)} ago in {view.refresh_ms:.0f} ms, every {view.interval:g} s")
        if view.skipped_ticks:
            text.append(f" · {view.skipped_ticks} busy ticks skipped")
        self.query_one("#groups-summary", Static).update(text)

    def tick(self) -> None:
        self._render_summary()

    # -- events and actions -------------------------------------------------------------

    def on_show(self) -> None:
        """Switched to this pane: its keys work at once (focus the list unless inside already)."""
        if not self.showing:
            return  # a Show handled after the user already switched on: see PaneMixin.showing
        focused = self.app.focused
        if focused is None or self not in focused.ancestors_with_self:
            self.query_one("#groups-list", VirtualTable).focus()

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted) -> None:
        table = event.table
        if table.id != "groups-list" or not table.row_count:
            return
        # the cursor as it is now, not as it was when the event was posted (a refresh may
        # have moved it since)
        key = table.cursor_key
        if key is not None and key != self.selected:
            self.selected = key
            self._render_detail()

    def select(self, group_id: str) -> None:
        """Put the cursor on a group (and show its partitions)."""
        self.selected = group_id
        self._render_list()
        self._render_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "groups-filter":
            self.filter_text = event.value
            self._visible = None
            self._render_list()
            self._render_detail()
            self._render_summary()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "groups-filter":
            self.query_one("#groups-list", VirtualTable).focus()

    def action_filter(self) -> None:
        box = self.query_one("#groups-filter", Input)
        box.add_class("shown")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#groups-filter", Input)
        box.value = ""
        box.remove_class("shown")
        self.query_one("#groups-list", VirtualTable).focus()

    def action_sort(self) -> None:
        self.sort_key = SORT_KEYS[(SORT_KEYS.index(self.sort_key) + 1) % len(SORT_KEYS)]
        self._resort()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._resort()

    def _resort(self) -> None:
        self._visible = None
        self._render_list()
        self._render_summary()

    def action_rules(self) -> None:
        self.app.push_screen(GroupRulesScreen())

    def action_reset(self) -> None:
        if self.read_only:
            self.app.notify(READ_ONLY_REFUSAL, severity="warning", timeout=5)
            return
        group = self.view.group(self.selected) if self.view is not None and self.selected else None
        if group is None:
            self.app.notify("Select a group first.", timeout=3)
            return
        if group.active:
            self.app.notify(
                f"Group {inert(group.group_id, NAME_LIMIT)} has {group.members} active member(s): Kafka only resets "
                "offsets of a group with no active members. Stop its consumers first.",
                severity="warning",
                timeout=6,
            )
            return
        self.app.push_screen(GroupResetScreen(group.group_id, self.clock))

    # -- export (E) -----------------------------------------------------------------------

    def export_sources(self) -> list[ExportSource]:
        """The groups as listed (filter and sort applied), and the selected group's partitions
        in kafka-consumer-groups --describe's columns."""
        view = self.view
        if view is None:
            return []
        groups = tuple(self.visible_groups())
        sources = [
            ExportSource(
                f"Groups list ({len(groups):,} {plural(len(groups), 'group')}, as filtered and sorted)",
                "groups",
                "",
                export.GROUP_COLUMNS,
                lambda: export.group_rows(groups),
                len(groups),
            )
        ]
        if self.selected and view.group(self.selected) is not None:
            rows = self._rows_of.get(self.selected, ())
            group = self.selected
            sources.append(
                ExportSource(
                    f"Lag of {inert(group, NAME_LIMIT)} by partition ({len(rows):,} {plural(len(rows), 'row')})",
                    "group",
                    group,
                    export.GROUP_DETAIL_COLUMNS,
                    lambda: export.group_detail_rows(rows),
                    len(rows),
                )
            )
        return sources

    def action_export(self) -> None:
        open_export(self, self.export_sources(), self.clock, "Nothing to export yet: no groups are listed.")
