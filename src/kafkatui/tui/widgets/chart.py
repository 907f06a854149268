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
from textual.widget import Widget

from kafkatui.domain.series import downsample
from kafkatui.domain.text import SENSOR_LIMIT, inert

log = logging.getLogger("kafkatui.chart")

Point = tuple[float, float]
LINE_COLORS = ("cyan", "green", "yellow", "magenta", "orange", "white")


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
    oldest = min((points[0][0] for _, points in lines if points), default=now - window)
    # while the data is younger than the window, show just the data (at least 30 s)
    shown = max(30.0, min(window, now - oldest))
    # a braille cell is 2 dots wide: more points than 2 per column cannot show, and plotext's
    # cost grows with the points (it joins each pair with a line); keep each bucket's extremes
    most = 2 * max(width, 20)
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


class TemperatureChart(Widget):
    """Holds the latest chart data; re-draws at its current size."""

    DEFAULT_CSS = "TemperatureChart { height: 1fr; min-height: 8; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: (
            tuple[Sequence[tuple[str, Sequence[Point]]], float, float, float, float, Sequence[tuple[float, float]]]
            | None
        ) = None
        # the last drawing: a repaint without new data or a new size (a pane switch, a resize
        # of something else) reuses it instead of running plotext again
        self._drawn: tuple[object, int, int, Text] | None = None

    def show(
        self,
        lines: Sequence[tuple[str, Sequence[Point]]],
        now: float,
        window: float,
        tmin: float,
        tmax: float,
        own_limits: Sequence[tuple[float, float]] = (),
    ) -> None:
        self.data = (lines, now, window, tmin, tmax, own_limits)
        self.refresh()

    def render(self) -> Text:
        if self.data is None:
            return Text("No readings yet.", style="italic")
        width, height = self.size.width, self.size.height
        drawn = self._drawn
        if drawn is not None and drawn[0] is self.data and drawn[1] == width and drawn[2] == height:
            return drawn[3].copy()  # Text is mutable: hand out a copy, keep the original
        lines, now, window, tmin, tmax, own = self.data
        try:
            text = Text.from_ansi(build_chart(lines, now, window, tmin, tmax, width, height, own), no_wrap=True)
        except Exception as exc:  # plotext is not ours: a drawing failure must not end the app
            log.warning("chart drawing failed: %s: %s", type(exc).__name__, exc)
            text = Text(f"chart unavailable ({type(exc).__name__}); the table below is current", style="italic")
        self._drawn = (self.data, width, height, text)
        return text.copy()
