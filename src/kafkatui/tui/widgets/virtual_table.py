"""A keyed, virtual row table for big lists (5,000 topics, a fast message tail).

Textual's DataTable measures every added row and re-indexes on every removal, so replacing
thousands of rows costs seconds. This Line-API widget keeps the rows in a list and draws only
the visible lines. Rows are keyed: a new set of rows keeps the cursor on the same key and the
scroll where it was.

Two ways to fill it, both cheap when called often:

- `set_rows([(key, cells), ...])`: column widths fit every row. Each row's cell widths are
  remembered by key while the caller passes the *same* cells object again, so a caller that
  keeps its cells per row (the Topics pane does) pays for measuring only the rows that
  changed: a filter keystroke over 5,000 topics measures nothing.
- `set_items([(key, item), ...], cells)`: the cells of a row are made only when it is drawn
  (by `cells(item)`, kept while the same item object comes again), and column widths grow to
  fit what has been drawn. For a tail of thousands of records a second, of which a screenful
  is ever seen.

Cells are drawn as literal text (a `str` is never read as markup), and a cell that is not one
printable line is drawn through `kafkatui.domain.text.inert`: callers escape external text with
their column's limit, this keeps a forgotten one from driving the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kafkatui.domain.text import inert

Cell = str | Text
Row = tuple[str, Sequence[Cell]]  # (key, cells)
CellsOf = Callable[[Any], Sequence[Cell]]


def cell_len(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else len(cell)


def _same(cells: Sequence[Cell]) -> Sequence[Cell]:
    return cells


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
        self._caps = [self.max_widths.get(key) or 10**9 for key, _ in self.columns]
        self.zebra = zebra
        self.rows: list[tuple[str, Any]] = []  # (key, cells) or, lazily, (key, item)
        self.index: dict[str, int] = {}
        self.widths = self._label_widths()
        self.cursor = 0
        self._last_key: str | None = None
        self._cells_of: CellsOf = _same
        self._lazy = False
        self._measured: dict[str, tuple[Sequence[Cell], tuple[int, ...]]] = {}  # key -> (cells, widths)
        self._most_rows = 0
        self._made: dict[str, tuple[Any, Sequence[Cell]]] = {}  # lazy: key -> (item, cells)
        self._styles: tuple[Style, Style, Style, Style] | None = None  # during render_lines

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> bool:
        """Show these columns, in this order (a pane narrower or wider than before shows another
        set). True when they changed: the rows were dropped and must be given again."""
        columns = list(columns)
        if columns == self.columns:
            return False
        self.columns = columns
        self._caps = [self.max_widths.get(key) or 10**9 for key, _ in self.columns]
        self._measured.clear()
        self._made.clear()
        self.rows = []
        self.index = {}
        self._set_widths(self._label_widths())
        self.refresh()
        return True

    def _label_widths(self) -> list[int]:
        return [min(len(label), cap) for (_, label), cap in zip(self.columns, self._caps, strict=True)]

    # -- data ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_key(self) -> str | None:
        return self.rows[self.cursor][0] if self.rows else None

    def keys(self) -> list[str]:
        return [k for k, _ in self.rows]

    def visible_keys(self) -> list[str]:
        """The keys of the rows on screen now."""
        top = round(self.scroll_y)
        return [key for key, _ in self.rows[top : top + max(0, self.size.height - 1)]]

    def get_row(self, key: str) -> Sequence[Cell]:
        return self._cells(key, self.rows[self.index[key]][1])

    def _cells(self, key: str, payload: Any) -> Sequence[Cell]:
        if not self._lazy:
            return payload  # type: ignore[no-any-return]
        made = self._made.get(key)
        if made is not None and made[0] is payload:
            return made[1]
        cells = self._cells_of(payload)
        self._made[key] = (payload, cells)
        return cells

    def show_rows(self, rows: Sequence[Row]) -> None:
        """The one way every table of ours is updated (`keyed_table.RowsTable`): `set_rows`."""
        self.set_rows(rows)

    def set_rows(self, rows: Sequence[Row], widths: Sequence[int] | None = None) -> None:
        """Replace every row; the cursor stays on its key, scroll stays put. Column widths fit
        all rows, or are `widths` (capped) when the caller knows them: the Topics pane gives
        the widths of every topic, so a filter keystroke measures nothing and columns stay put."""
        self._lazy = False
        self._cells_of = _same
        self._made.clear()
        if widths is not None:
            self._measured.clear()
            self._replace(list(rows), [min(w, cap) for w, cap in zip(widths, self._caps, strict=True)])
            return
        measured = self._measured
        all_widths = []
        for key, cells in rows:
            known = measured.get(key)
            if known is None or known[0] is not cells:
                known = (cells, tuple(cell_len(c) for c in cells))
                measured[key] = known
            all_widths.append(known[1])
        # keep the widths of rows a filter hid (they come back); forget rows gone for good
        self._most_rows = max(self._most_rows, len(rows))
        if len(measured) > 2 * self._most_rows + 1024:
            keep = {key for key, _ in rows}
            self._measured = {k: v for k, v in measured.items() if k in keep}
            self._most_rows = len(rows)
        widths = self._label_widths()
        if all_widths:
            for i, column in enumerate(zip(*all_widths, strict=False)):
                if i < len(widths):
                    widths[i] = min(max(widths[i], max(column)), self._caps[i])
        self._replace(list(rows), widths)

    def update_rows(self, changes: Sequence[Row], widths: Sequence[int] | None = None) -> None:
        """Change the cells of rows already shown (same keys, same order): a refresh in which
        a few topics' counts changed costs those rows, not the whole list. `widths`: as for
        `set_rows` (then nothing is measured)."""
        if self._lazy:
            raise RuntimeError("update_rows is for rows given by set_rows")
        if widths is not None:
            for key, cells in changes:
                i = self.index.get(key)
                if i is not None:
                    self.rows[i] = (key, cells)
            capped = [min(w, cap) for w, cap in zip(widths, self._caps, strict=True)]
            if capped != self.widths:
                self._set_widths(capped)
            self.refresh()
            return
        widths = list(self.widths)
        remeasure = False
        for key, cells in changes:
            i = self.index.get(key)
            if i is None:
                continue
            old = self._measured.get(key)
            new = tuple(cell_len(c) for c in cells)
            self.rows[i] = (key, cells)
            self._measured[key] = (cells, new)
            for c, n in enumerate(new[: len(widths)]):
                n = min(n, self._caps[c])
                if n > widths[c]:
                    widths[c] = n
                elif old is not None and n < widths[c] and min(old[1][c], self._caps[c]) == widths[c]:
                    remeasure = True  # the widest cell of a column got narrower
        if remeasure:
            widths = self._label_widths()
            for key, _ in self.rows:
                for c, n in enumerate(self._measured[key][1][: len(widths)]):
                    if n > widths[c]:
                        widths[c] = min(n, self._caps[c])
        if widths != self.widths:
            self._set_widths(widths)
        self.refresh()

    def set_items(self, items: Sequence[tuple[str, Any]], cells: CellsOf, widths: Sequence[int] | None = None) -> None:
        """Replace every row; a row's cells are made by `cells(item)` only when it is drawn.
        `widths` (capped), when the caller knows them, fix the columns from the first frame
        (otherwise they grow as wider rows are drawn)."""
        if widths is not None:
            self._lazy = True
            self._cells_of = cells
            self._made.clear()
            self._measured.clear()
            self._replace(list(items), [min(w, cap) for w, cap in zip(widths, self._caps, strict=True)])
            return
        if not self._lazy or cells is not self._cells_of or not items:
            self._made.clear()
            widths = self._label_widths()
        else:
            widths = self.widths
            if len(self._made) > 4 * max(1, self.size.height) + 64:
                keep = {key for key, _ in items}
                self._made = {k: v for k, v in self._made.items() if k in keep}
        self._lazy = True
        self._cells_of = cells
        self._measured.clear()
        self._replace(list(items), widths)

    def remake_cells(self) -> None:
        """Lazy rows: make the cells of the rows on screen again when next drawn (their text
        depends on the clock, say "5 s ago"); the rows stay."""
        if self._lazy and self._made:
            self._made.clear()
            self.refresh()

    def _replace(self, rows: list[tuple[str, Any]], widths: list[int]) -> None:
        keep = self.cursor_key
        self.rows = rows
        self.index = {key: i for i, (key, _) in enumerate(rows)}
        if keep is not None and keep in self.index:
            self.cursor = self.index[keep]
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        self._set_widths(widths)
        self.refresh()
        self._announce()

    def _set_widths(self, widths: list[int]) -> None:
        self.widths = widths
        self.virtual_size = Size(sum(widths) + 2 * len(widths), len(self.rows) + 1)

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

    def _plain_line(self, cells: Sequence[Cell]) -> str | None:
        """The line as one string when every cell is plain printable ASCII (one cell per
        character: padded and cut by slicing, no Text objects); None otherwise."""
        parts = []
        for cell, width in zip(cells, self.widths, strict=False):
            if not (isinstance(cell, str) and cell.isascii() and cell.isprintable()):
                return None
            n = len(cell)
            parts.append(cell[: width - 1] + "…" if n > width else cell + " " * (width - n))
        return " " + "  ".join(parts) + " " if parts else ""

    def _line(self, cells: Sequence[Cell], base: Style) -> list[Segment]:
        text = Text(no_wrap=True, end="")
        for cell, width in zip(cells, self.widths, strict=False):
            if isinstance(cell, Text):
                piece = cell.copy() if cell.plain.isprintable() else Text(inert(cell.plain, width + 1), cell.style)
            else:
                piece = Text(cell if cell.isprintable() else inert(cell, width + 1))
            piece.truncate(width, overflow="ellipsis", pad=True)
            text.append(" ")
            text.append_text(piece)
            text.append(" ")
        text.stylize_before(base)
        return list(text.render(self.app.console))

    def _fit(self, cells: Sequence[Cell]) -> None:
        """Lazy rows: widen the columns a drawn row needs (never narrow them)."""
        grown = None
        for i, cell in enumerate(cells[: len(self.widths)]):
            n = min(cell_len(cell), self._caps[i])
            if n > self.widths[i]:
                grown = grown or list(self.widths)
                grown[i] = n
        if grown is not None:
            self._set_widths(grown)
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # the component styles walk the DOM: once per frame, not once per line
        self._styles = (
            self.get_component_rich_style("vtable--header"),
            self.get_component_rich_style("vtable--cursor"),
            self.get_component_rich_style("vtable--even"),
            self.rich_style,
        )
        try:
            return super().render_lines(crop)
        finally:
            self._styles = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = round(self.scroll_x)
        header, cursor, even, normal = self._styles or (
            self.get_component_rich_style("vtable--header"),
            self.get_component_rich_style("vtable--cursor"),
            self.get_component_rich_style("vtable--even"),
            self.rich_style,
        )
        if y == 0:
            base = header
            segments = self._line([label for _, label in self.columns], base)
        else:
            row = round(self.scroll_y) + y - 1
            if row >= len(self.rows):
                return Strip.blank(width, normal)
            if row == self.cursor:
                base = cursor
            elif self.zebra and row % 2:
                base = even
            else:
                base = normal
            key, payload = self.rows[row]
            cells = self._cells(key, payload)
            if self._lazy:
                self._fit(cells)
            plain = self._plain_line(cells)
            if plain is not None:  # "…" is one cell too, so slicing stays exact
                visible = plain[scroll_x : scroll_x + width]
                return Strip([Segment(visible + " " * (width - len(visible)), base)], width)
            segments = self._line(cells, base)
        strip = Strip(segments)
        total = max(width + scroll_x, strip.cell_length)
        return strip.extend_cell_length(total, base).crop(scroll_x, scroll_x + width)

    def render_cell_text(self, key: str) -> list[str]:
        """The plain text of a row's cells (for tests)."""
        return [c.plain if isinstance(c, Text) else c for c in self.get_row(key)]

    def on_resize(self, event: Any) -> None:
        self.refresh()
