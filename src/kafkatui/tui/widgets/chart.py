"""A plotext line chart drawn into a Textual widget.

plotext 5.3.2 is used directly (not textual-plotext) so we control the figure fully and can pin
the exact version: its output is ANSI text that Rich turns into a renderable. plotext keeps
global state, so charts are built only on the UI thread.

The rule that keeps plotext from crashing the app: it is handed only points inside the x range it
draws (``-shown .. 0`` seconds), and never a series with no such point — plotext 5.3.2 raises
`IndexError` drawing the legend of a line with nothing in range (a sensor whose clock runs ahead
of ours sent readings "from the future"). And whatever plotext still raises, the widget shows a
one-line "chart unavailable" instead of the exception reaching Textual and ending the app.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import plotext as plt
from rich.text import Text
from textual.timer import Timer
from textual.widget import Widget

from kafkatui.domain.series import downsample
from kafkatui.domain.text import SENSOR_LIMIT, inert

log = logging.getLogger("kafkatui.chart")

Point = tuple[float, float]
LINE_COLORS = ("cyan", "green", "yellow", "magenta", "orange", "white")
SAME_FRAME = 1.0  # seconds: the same data shown again this soon is not drawn again
Y_AXIS = 6  # columns the y axis and the frame take


def round_ticks(low: float, high: float, most: int) -> tuple[float, float, list[float]]:
    """Axis limits widened to round numbers and the ticks between them: a step of 1, 2 or 5
    times a power of ten giving at most `most` intervals (-6, -4, … 6 rather than -6.3, -2.1…)."""
    span = max(high - low, 1e-9)
    step = 10.0 ** math.floor(math.log10(span / max(most, 1)))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if span / (step * factor) <= most:
            step *= factor
            break
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    n = round((last - first) / step)
    ticks = [round(first + i * step, 10) for i in range(n + 1)]
    return first, last, ticks


def shown_span(lines: Sequence[tuple[str, Sequence[Point]]], now: float, window: float) -> float:
    """Seconds the x axis spans: the window, or while the data is younger, just the data (at least 30 s)."""
    oldest = min((points[0][0] for _, points in lines if points), default=now - window)
    return max(30.0, min(window, now - oldest))


def column_time(lines: Sequence[tuple[str, Sequence[Point]]], now: float, window: float, width: int) -> float:
    """Seconds one column of the chart stands for: time must move this much to move the picture."""
    return shown_span(lines, now, window) / max(width - Y_AXIS, 20)


def build_chart(
    lines: Sequence[tuple[str, Sequence[Point]]],
    now: float,
    window: float,
    tmin: float,
    tmax: float,
    width: int,
    height: int,
    own_limits: Sequence[tuple[float, float]] = (),
) -> str:
    """The chart as ANSI text: one line per sensor, thresholds as horizontal lines.

    `own_limits` holds each line's own (min, max) (the limits file's entries): when the sensors
    drawn do not all share the defaults, each distinct limit is drawn in its sensor's color.
    """
    plt.clear_figure()
    plt.plotsize(max(width, 20), max(height, 6))
    plt.theme("clear")
    lows = [tmin]
    highs = [tmax]
    shown = shown_span(lines, now, window)
    # plotext's cost grows with the points (it joins each pair with a line): one point per
    # column, each bucket's extremes kept (a spike still shows)
    most = max(width, 20)
    for index, (name, all_points) in enumerate(lines):
        # only what the x range shows: plotext fails on a line with no point inside it
        points = [p for p in all_points if -shown <= p[0] - now <= 0.0]
        if not points:
            continue
        if len(points) > most:
            points = downsample(points, most)
        xs = [ts - now for ts, _ in points]
        ys = [v for _, v in points]
        lows.append(min(ys))
        highs.append(max(ys))
        # plotext writes the label into ANSI text that Text.from_ansi reads back: an ESC in a
        # sensor name would be taken as a real escape sequence, so the label goes inert first
        plt.plot(xs, ys, label=inert(name, SENSOR_LIMIT), marker="braille", color=LINE_COLORS[index % len(LINE_COLORS)])
    own = [lim for (name, pts), lim in zip(lines, own_limits, strict=False) if pts]
    distinct = sorted({lim for lim in own_limits[: len(lines)]})
    if own_limits and (len(distinct) > 1 or (distinct and distinct[0] != (tmin, tmax))):
        drawn: set[float] = set()
        for index, (low_limit, high_limit) in enumerate(own_limits[: len(lines)]):
            color = LINE_COLORS[index % len(LINE_COLORS)]
            for level in (low_limit, high_limit):
                if level not in drawn:
                    drawn.add(level)
                    plt.hline(level, color)
        lows += [lim[0] for lim in own]
        highs += [lim[1] for lim in own]
        label = "limits: each sensor's own, in its color"
    else:
        plt.hline(tmax, "red")
        plt.hline(tmin, "blue")
        label = f"red: max {tmax:g} °C   blue: min {tmin:g} °C"
    span = max(highs) - min(lows)
    pad = max(1.0, span * 0.1)
    low, high, ticks = round_ticks(min(lows) - pad, max(highs) + pad, max(2, (max(height, 6) - 4) // 2))
    plt.ylim(low, high)
    plt.yticks(ticks, [f"{t:g}" for t in ticks])
    plt.xlim(-shown, 0)
    plt.xlabel(f"seconds ago (window {window:g} s)   {label}")
    plt.ylabel("°C")
    return str(plt.build())


# lines, now, window, default min, default max, each line's own (min, max)
ChartData = tuple[Sequence[tuple[str, Sequence[Point]]], float, float, float, float, Sequence[tuple[float, float]]]


class TemperatureChart(Widget):
    """Holds the latest chart data; re-draws at its current size."""

    DEFAULT_CSS = "TemperatureChart { height: 1fr; min-height: 8; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: ChartData | None = None
        # the last drawing: a repaint without new data or a new size (a pane switch, a resize
        # of something else) reuses it instead of running plotext again
        self._drawn: tuple[object, int, int, Text] | None = None
        self._shown: ChartData | None = None
        self._drawn_at = float("-inf")  # the data time (`now`) of the last drawing asked for
        self._pending: Timer | None = None  # a drawing of the newest data, due later

    def show(
        self,
        lines: Sequence[tuple[str, Sequence[Point]]],
        now: float,
        window: float,
        tmin: float,
        tmax: float,
        own_limits: Sequence[tuple[float, float]] = (),
    ) -> None:
        old = self.data
        if (
            old is not None
            and old[1] <= now < old[1] + SAME_FRAME
            and old[0] == lines
            and old[2:] == (window, tmin, tmax, own_limits)
        ):
            return  # the same lines and limits within a second: plotext would draw the same picture
        self.data = (lines, now, window, tmin, tmax, own_limits)
        # new points move the picture by a column at most every `column_time`: drawing more often
        # would cost plotext's whole figure for nothing to see (the table shows every reading at once)
        wait = self._drawn_at + max(SAME_FRAME, column_time(lines, now, window, self.size.width)) - now
        if old is None or old[2:] != (window, tmin, tmax, own_limits) or wait <= 0 or not self.is_mounted:
            self._draw()
        elif self._pending is None:
            self._pending = self.set_timer(wait, self._draw)

    def _draw(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self._shown = self.data
        if self.data is not None:
            self._drawn_at = self.data[1]
        self.refresh()

    def render(self) -> Text:
        # the data last asked to be drawn, not the newest: a repaint for another reason (a layout
        # pass, a pane switch) must not run plotext for new points that are not due yet
        shown = self._shown
        if shown is None:
            return Text("No readings yet.", style="italic")
        width, height = self.size.width, self.size.height
        drawn = self._drawn
        if drawn is not None and drawn[0] is shown and drawn[1] == width and drawn[2] == height:
            return drawn[3].copy()  # Text is mutable: hand out a copy, keep the original
        lines, now, window, tmin, tmax, own = shown
        try:
            text = Text.from_ansi(build_chart(lines, now, window, tmin, tmax, width, height, own), no_wrap=True)
        except Exception as exc:  # plotext is not ours: a drawing failure must not end the app
            log.warning("chart drawing failed: %s: %s", type(exc).__name__, exc)
            text = Text(f"chart unavailable ({type(exc).__name__}); the table below is current", style="italic")
        self._drawn = (shown, width, height, text)
        return text.copy()
