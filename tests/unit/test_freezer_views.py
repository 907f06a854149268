"""The freezer feed sends a view only when something changed, readings at most once a second,
alerts sooner; the chart draws the same data again only when time moved it (idle CPU, issue 13)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

import canned
from kafkatui.domain.alerts import AlertBatch
from kafkatui.domain.commands import SetThresholds
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.readings import Reading
from kafkatui.kafka.context import Context
from kafkatui.kafka.freezer import ALERT_VIEW_EVERY, FETCH_BACKOFF_MS, VIEW_EVERY, FreezerFeed, feed_config

T0 = canned.NOW


@pytest.fixture
def sent() -> list[object]:
    return []


@pytest.fixture
def feed(sent: list[object]) -> Iterator[tuple[FreezerFeed, Context]]:
    ctx = Context(canned.settings(), sent.append, lambda: T0, admin=None)  # type: ignore[arg-type]
    ctx.connected = True
    f = FreezerFeed(ctx)
    yield f, ctx
    f.consumer.close()


def views(sent: list[object]) -> list[FreezerView]:
    return [e for e in sent if isinstance(e, FreezerView)]


def poll_every(feed: FreezerFeed, ctx: Context, start: float, end: float, step: float = 0.02) -> None:
    t = start
    while t < end:
        feed.poll(ctx, t)
        t += step


def test_nothing_new_sends_nothing(feed: Any, sent: list[object]) -> None:
    f, ctx = feed
    poll_every(f, ctx, T0, T0 + 10)
    assert len(views(sent)) == 1  # the first view, then silence: the pane draws nothing


def test_readings_make_at_most_one_view_a_second(feed: Any, sent: list[object]) -> None:
    f, ctx = feed
    f.poll(ctx, T0)
    sent.clear()
    t, n = T0, 0
    while t < T0 + 5:
        f.board.add(Reading(f"sensor{n % 5}", -3.0, t, 0, n), t)  # 5 readings a second
        poll_every(f, ctx, t, t + 0.2)
        t += 0.2
        n += 1
    got = views(sent)
    assert 4 <= len(got) <= 6
    gaps = [b.ts - a.ts for a, b in itertools.pairwise(got)]
    assert all(g >= VIEW_EVERY - 1e-6 for g in gaps)
    assert got[-1].readings == n - 1 or got[-1].readings == n  # the last view holds the latest readings


def test_alerts_go_out_sooner_than_readings(feed: Any, sent: list[object]) -> None:
    f, ctx = feed
    f.poll(ctx, T0)
    f.board.add(Reading("sensor0", -3.0, T0 + 0.01, 0, 0), T0 + 0.01)
    f.poll(ctx, T0 + 0.02)
    sent.clear()
    # two readings out of range raise an alert (min_count 2)
    for i, t in enumerate((T0 + 0.05, T0 + 0.06)):
        f.pending += f.board.add(Reading("sensor0", 40.0, t, 0, 1 + i), t)
    f.poll(ctx, T0 + 0.07)
    batches = [e for e in sent if isinstance(e, AlertBatch)]
    assert batches and batches[0].raised  # at once: the toast and the bell need no view
    poll_every(f, ctx, T0 + 0.08, T0 + 0.07 + ALERT_VIEW_EVERY + 0.05)
    assert views(sent) and views(sent)[0].alert_count == 1  # the view listing it, well before a second


def test_a_command_is_shown_at_once(feed: Any, sent: list[object]) -> None:
    f, ctx = feed
    f.poll(ctx, T0)
    sent.clear()
    f.handle(ctx, SetThresholds(-10.0, 10.0, 0.5))
    f.poll(ctx, T0 + 0.05)
    got = views(sent)
    assert len(got) == 1 and got[0].thresholds.tmax == 10.0


def test_the_feed_consumer_is_not_throttled_by_fetch_backoff() -> None:
    assert feed_config(canned.settings())["fetch.queue.backoff.ms"] == FETCH_BACKOFF_MS <= 100  # librdkafka: 1000
    mine = feed_config(canned.settings(overrides={"fetch.queue.backoff.ms": "500"}))
    assert mine["fetch.queue.backoff.ms"] == "500"  # a -X setting wins


def test_the_chart_keeps_its_drawing_for_the_same_data_within_a_second() -> None:
    from kafkatui.tui.widgets.chart import SAME_FRAME, TemperatureChart

    chart = TemperatureChart()
    lines = (("sensor0", ((T0 - 1, -3.0), (T0, -2.0))),)
    chart.show(lines, T0, 300.0, -5.0, 5.0)
    first = chart.data
    chart.show(tuple((n, tuple(p)) for n, p in lines), T0 + 0.5, 300.0, -5.0, 5.0)  # equal, not the same
    assert chart.data is first  # nothing to draw again
    chart.show(lines, T0 + SAME_FRAME, 300.0, -5.0, 5.0)  # time moved the axis
    assert chart.data is not first and chart.data is not None and chart.data[1] == T0 + SAME_FRAME
    second = chart.data
    chart.show(lines, T0 + SAME_FRAME + 0.1, 300.0, -6.0, 5.0)  # new limits
    assert chart.data is not second


async def test_new_points_are_drawn_once_time_moved_the_picture_by_a_column() -> None:
    from textual.app import App, ComposeResult

    from kafkatui.tui.widgets.chart import TemperatureChart

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield TemperatureChart()

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(TemperatureChart)
        lines = (("sensor0", ((T0 - 20, -3.0), (T0, -2.0))),)
        chart.show(lines, T0, 300.0, -5.0, 5.0)
        await pilot.pause()
        first = chart._drawn
        assert first is not None and first[0] is chart.data  # the first data: drawn at once
        newer = (("sensor0", ((T0 - 20, -3.0), (T0, -2.0), (T0 + 0.2, 4.0))),)
        chart.show(newer, T0 + 0.2, 300.0, -5.0, 5.0)
        await pilot.pause()
        assert chart._drawn is first  # not yet: the picture would barely move
        assert chart.data is not None and chart.data[0] == newer  # but it is kept, and due
        await pilot.pause(1.5)
        drawn = chart._drawn
        assert drawn is not None and drawn[0] is chart.data  # drawn once due, without another show
        chart.show(newer, T0 + 0.3, 300.0, -6.0, 5.0)  # new limits: at once
        await pilot.pause()
        assert chart._drawn is not None and chart._drawn[0] is chart.data
