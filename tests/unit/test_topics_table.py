"""The virtual table and the pane's cheap paths (no broker): rows patched in place, cells made
only for drawn rows, the detail waiting for a pause in typing, late viewer updates ignored."""

from __future__ import annotations

from dataclasses import replace

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input

import canned
from kafkatui.domain.message_viewer import MessagesView, Record, StartAt
from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.topic_list import RowCache, Watermark
from kafkatui.domain.topics_view import TopicsView
from kafkatui.tui.panes.topics import TopicsPane
from kafkatui.tui.screens.topic_messages import TopicMessagesScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable
from unit.test_topics_pane import make


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable((("k", "KEY"), ("v", "VALUE")), max_widths={"v": 12}, id="t")


async def test_widths_given_or_measured_and_rows_patched_in_place() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows([(f"r{i}", (f"r{i}", "x" * i)) for i in range(20)])
        assert table.widths == [3, 12]  # measured, capped at 12
        table.move_cursor(5)
        table.set_rows([(f"r{i}", (f"r{i}", "y")) for i in range(20)], widths=[30, 40])
        assert table.widths == [30, 12] and table.cursor_key == "r5"
        table.set_rows([(f"r{i}", (f"r{i}", "y")) for i in range(20)])
        keep = table.rows[3][1]
        table.update_rows([("r7", ("r7", "much longer")), ("gone", ("gone", "?"))])
        assert table.render_cell_text("r7") == ["r7", "much longer"] and table.widths == [3, 11]
        assert table.rows[3][1] is keep and table.cursor_key == "r5"
        table.update_rows([("r7", ("r7", "z"))])  # the widest cell narrowed: columns shrink back
        assert table.widths == [3, 5]
        await pilot.pause()


async def test_lazy_rows_make_cells_only_for_the_lines_drawn() -> None:
    app = TableApp()
    made: list[int] = []

    def cells(item: int) -> tuple[str, str]:
        made.append(item)
        return (str(item), "v" * (item % 30))

    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_items([(f"k{i}", i) for i in range(5000)], cells)
        await pilot.pause()
        assert 0 < len(made) <= 2 * table.size.height  # a screenful, not 5,000
        assert table.widths[1] == 10  # grown to what was drawn (rows 0-10), capped later at 12
        assert table.render_cell_text("k4321") == ["4321", "v" * (4321 % 30)]
        made.clear()
        table.set_items([(f"k{i}", i) for i in range(5000)], cells)  # the same items again
        await pilot.pause()
        assert made == [4321] or made == []  # nothing drawn twice (k4321 was made off screen)


async def test_plain_lines_match_what_rich_would_draw() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)):
        table = app.query_one(VirtualTable)
        table.widths = [4, 6]
        for cells in (("ab", "long value"), ("", "x"), ("abcdef", ""), ("abcd", "abcdef")):
            plain = table._plain_line(cells)
            assert plain is not None
            assert plain == "".join(s.text for s in table._line(cells, Style()))
        assert table._plain_line(("naïve", "x")) is None and table._plain_line((Text("t"), "x")) is None


class Feed:
    """TopicsViews as the worker sends them: the same TopicInfo objects while metadata is
    unchanged, a topic's watermarks replaced only when they change, rows from one RowCache."""

    def __init__(self, count: int) -> None:
        snap = canned.cluster(broker_down=2)
        extra = tuple(TopicInfo(f"orders.{i:03d}", (PartitionInfo(0, 1, (1,), (1,)),)) for i in range(count))
        self.snap = replace(snap, topics=snap.topics + extra)
        self.marks = {t.name: {0: Watermark(0, 1)} for t in extra}
        self.rows = RowCache()

    def view(self, bump: str | None = None) -> TopicsView:
        if bump is not None:
            self.marks[bump] = {0: Watermark(0, self.marks[bump][0].high + 1)}
        rows = self.rows.rows(self.snap.topics, self.marks, {})
        topics = {t.name: t for t in self.snap.topics}
        return TopicsView(canned.NOW, canned.NOW, rows, topics, dict(self.marks), canned.NOW, 2)


async def test_a_refresh_that_changes_one_count_patches_one_row() -> None:
    app, _ = make()
    feed = Feed(60)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        app.apply(feed.view())
        await pilot.pause()
        table = app.query_one("#topic-list", VirtualTable)
        await pilot.press("down", "down", "down")
        table.scroll_to(y=10, animate=False)
        await pilot.pause()
        before = {key: cells for key, cells in table.rows}
        cursor, scroll = table.cursor_key, table.scroll_y
        app.apply(feed.view(bump="orders.040"))
        await pilot.pause()
        assert table.render_cell_text("orders.040")[5] == "2"
        assert table.cursor_key == cursor and table.scroll_y == scroll
        same = [key for key, cells in table.rows if cells is before[key]]
        assert len(same) == len(before) - 1  # every other row kept its cells object


async def test_the_detail_follows_a_filter_once_typing_pauses() -> None:
    app, _ = make()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        app.apply(Feed(30).view())
        await pilot.pause()
        pane = app.query_one(TopicsPane)
        title = app.query_one("#topic-title")
        assert "freezer-temperatura" in str(title.render())
        app.query_one("#topics-filter", Input).value = "orders.02"
        await pilot.pause()
        assert pane.selected == "orders.020"  # the cursor's topic at once...
        assert "freezer-temperatura" in str(title.render())  # ...its detail after a pause
        await pilot.pause(0.3)
        assert "orders.020" in str(title.render())


async def test_viewer_updates_before_it_is_built_after_it_closed_or_of_another_viewer() -> None:
    app, _ = make()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        app.apply(Feed(3).view())
        await pilot.pause()
        pane = app.query_one(TopicsPane)
        record = Record(0, 7, 1_763_712_000_000, b"k", b"v", (), 1)

        def view(topic: str) -> MessagesView:
            return MessagesView(canned.NOW, topic, None, StartAt(), (record,), 1, 1, 1.0, "", "reading")

        pane.action_messages()  # pushed, not yet composed
        screen = pane.viewer
        assert isinstance(screen, TopicMessagesScreen)
        app.apply(view("freezer-temperatura"))  # before the screen was built: kept, not drawn
        await pilot.pause()
        table = screen.query_one("#records", VirtualTable)
        app.apply(view("orders.001"))  # a late view of another viewer: ignored
        await pilot.pause()
        assert screen.view is None or screen.view.topic == "freezer-temperatura"
        app.apply(view("freezer-temperatura"))
        await pilot.pause()
        assert table.keys() == ["0:7"]
        await pilot.press("escape")
        await pilot.pause()
        assert pane.viewer is None and app.screen is not screen
        screen.show(view("freezer-temperatura"))  # after it closed: no crash
        app.apply(view("freezer-temperatura"))
        await pilot.pause()
