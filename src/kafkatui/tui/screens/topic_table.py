"""A keyed, virtual row table for big lists (5,000 topics, a fast message tail).

Textual's DataTable measures every added row and re-indexes on every removal, so replacing
thousands of rows costs seconds. This Line-API widget keeps the rows in a list and draws only
the visible lines: replacing all rows is a list assignment plus a width scan. Rows are keyed:
`set_rows` keeps the cursor on the same key and the scroll where it was.

(It lives beside the Topics screens because that is the code this change owns; it is a
generic widget and can move to kafkatui.tui.widgets.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text
Row = tuple[str, Sequence[Cell]]  # (key, cells)


def cell_len(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else len(cell)


class VirtualTable(ScrollView, can_focus=True):
    """Rows of cells under a fixed header; one cursor row; draws only what is visible."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"vtable--header", "vtable--cursor", "vtable--even"}
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .vtable--header { text-style: bold; background: $panel; color: $foreground; }
        & > .vtable--even { background: $surface-lighten-1 50%; }
        & > .vtable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .vtable--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Highlighted(Message):
        def __init__(self, table: VirtualTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Highlighted):
        pass

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        *,
        max_widths: dict[str, int] | None = None,
        zebra: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)  # (key, label)
        self.max_widths = max_widths or {}
        self.zebra = zebra
        self.rows: list[Row] = []
        self.index: dict[str, int] = {}
        self.widths = [len(label) for _, label in self.columns]
        self.cursor = 0
        self._last_key: str | None = None

    # -- data ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_key(self) -> str | None:
        return self.rows[self.cursor][0] if self.rows else None

    def keys(self) -> list[str]:
        return [k for k, _ in self.rows]

    def get_row(self, key: str) -> Sequence[Cell]:
        return self.rows[self.index[key]][1]

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row; the cursor stays on its key (or its index), scroll stays put."""
        keep = self.cursor_key
        self.rows = list(rows)
        self.index = {key: i for i, (key, _) in enumerate(self.rows)}
        widths = [len(label) for _, label in self.columns]
        for _, cells in self.rows:
            for i, cell in enumerate(cells):
                n = cell_len(cell)
                if n > widths[i]:
                    widths[i] = n
        for i, (key, _) in enumerate(self.columns):
            cap = self.max_widths.get(key)
            if cap:
                widths[i] = min(widths[i], cap)
        self.widths = widths
        if keep is not None and keep in self.index:
            self.cursor = self.index[keep]
        self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        self.virtual_size = Size(sum(widths) + 2 * len(widths), len(self.rows) + 1)
        self.refresh()
        self._announce()

    def move_cursor(self, row: int, scroll: bool = True) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(row, len(self.rows) - 1))
        if scroll:
            self.scroll_to_cursor()
        self.refresh()
        self._announce()

    def scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def _announce(self) -> None:
        key = self.cursor_key
        if key != self._last_key:
            self._last_key = key
            self.post_message(self.Highlighted(self, key))

    # -- keys and mouse -----------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor + step * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        self.move_cursor(0 if where == 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor_key))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = event.x + round(self.scroll_x)
            for (key, _), width in zip(self.columns, self.widths, strict=True):
                if x < width + 2:
                    self.post_message(self.HeaderClicked(self, key))
                    return
                x -= width + 2
            return
        row = round(self.scroll_y) + event.y - 1
        if 0 <= row < len(self.rows):
            if row == self.cursor and event.chain > 1:
                self.action_select()
            self.move_cursor(row, scroll=False)

    # -- drawing ------------------------------------------------------------------------

    def _line(self, cells: Sequence[Cell], base: Style) -> list[Segment]:
        text = Text(no_wrap=True, end="")
        for cell, width in zip(cells, self.widths, strict=False):
            piece = cell.copy() if isinstance(cell, Text) else Text(cell)
            piece.truncate(width, overflow="ellipsis", pad=True)
            text.append(" ")
            text.append_text(piece)
            text.append(" ")
        text.stylize_before(base)
        return list(text.render(self.app.console))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            base = self.get_component_rich_style("vtable--header")
            segments = self._line([label for _, label in self.columns], base)
        else:
            row = round(self.scroll_y) + y - 1
            if row >= len(self.rows):
                return Strip.blank(width, self.rich_style)
            if row == self.cursor:
                base = self.get_component_rich_style("vtable--cursor")
            elif self.zebra and row % 2:
                base = self.get_component_rich_style("vtable--even")
            else:
                base = self.rich_style
            segments = self._line(self.rows[row][1], base)
        strip = Strip(segments)
        total = max(width + scroll_x, strip.cell_length)
        return strip.extend_cell_length(total, base).crop(scroll_x, scroll_x + width)

    def render_cell_text(self, key: str) -> list[str]:
        """The plain text of a row's cells (for tests)."""
        return [c.plain if isinstance(c, Text) else c for c in self.get_row(key)]

    def on_resize(self, event: Any) -> None:
        self.refresh()
