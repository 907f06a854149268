"""Bounded time series for charts and sparklines, and the downsampling that feeds them."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from operator import itemgetter

__all__ = ["BLOCKS", "SensorSeries", "Stats", "TimeSeries", "downsample", "sparkline"]

Point = tuple[float, float]  # (ts in epoch seconds, value)

BLOCKS = "▁▂▃▄▅▆▇█"


Stats = tuple[float, float, float, int]  # (min, avg, max, count)


def _ts(point: Point) -> float:
    return point[0]


class TimeSeries:
    """The newest `maxlen` points, kept in time order."""

    def __init__(self, maxlen: int) -> None:
        if maxlen < 1:
            raise ValueError("maxlen must be at least 1")
        self._points: deque[Point] = deque(maxlen=maxlen)

    @property
    def maxlen(self) -> int:
        assert self._points.maxlen is not None
        return self._points.maxlen

    def __len__(self) -> int:
        return len(self._points)

    def __iter__(self) -> Iterator[Point]:
        return iter(self._points)

    def append(self, ts: float, value: float) -> None:
        """Add a point. A late point is put in its place; when full, the oldest goes."""
        if not (math.isfinite(ts) and math.isfinite(value)):
            raise ValueError("time series points must be finite numbers")
        points = self._points
        if not points or ts >= points[-1][0]:
            points.append((ts, value))
            return
        if len(points) == self.maxlen:
            if ts < points[0][0]:
                return  # older than everything kept: it would be dropped at once
            points.popleft()
        points.insert(bisect_left(points, ts, key=_ts), (ts, value))

    def last(self) -> Point | None:
        return self._points[-1] if self._points else None

    def window(self, since: float) -> list[Point]:
        """Points with ``ts >= since``, oldest first."""
        points = self._points
        start = bisect_left(points, since, key=_ts) if points and points[0][0] < since else 0
        # islice, not points[i]: indexing a deque walks it from the nearer end each time
        return list(islice(points, start, None)) if start else list(points)

    def first_since(self, since: float) -> Point | None:
        """The oldest point with ``ts >= since``; None when there is none."""
        points = self._points
        i = bisect_left(points, since, key=_ts)
        return points[i] if i < len(points) else None

    def stats(self, since: float) -> Stats | None:
        """(min, avg, max, count) of the points since `since`; None when there are none."""
        values = list(map(itemgetter(1), self.window(since)))
        if not values:
            return None
        return (min(values), math.fsum(values) / len(values), max(values), len(values))

    def rate(self, now: float, span: float) -> float:
        """Points per second with ``now - span < ts <= now``."""
        if span <= 0:
            raise ValueError("span must be positive")
        start = bisect_right(self._points, now - span, key=_ts)
        end = bisect_right(self._points, now, key=_ts)
        return max(0, end - start) / span


class SensorSeries:
    """sensor -> TimeSeries; with `max_sensors`, at most that many sensors.

    A new sensor beyond a cap evicts the one updated least recently (`evicted` counts them).
    No cap by default: the freezer board keeps every sensor and states its own limit (an
    evicting cap silently broke the stats of the sensors it threw away and brought back).
    """

    def __init__(self, maxlen: int, max_sensors: int | None = None) -> None:
        if max_sensors is not None and max_sensors < 1:
            raise ValueError("max_sensors must be at least 1")
        TimeSeries(maxlen)  # validates maxlen
        self._maxlen = maxlen
        self._max_sensors = max_sensors
        self._series: OrderedDict[str, TimeSeries] = OrderedDict()
        self.evicted = 0
        # sensor -> its series or None: the dict's own get (no Python frame: called per reading)
        self.get: Callable[[str], TimeSeries | None] = self._series.get

    def append(self, sensor: str, ts: float, value: float) -> None:
        series = self._series.get(sensor)
        if series is None:
            if self._max_sensors is not None and len(self._series) >= self._max_sensors:
                self._series.popitem(last=False)
                self.evicted += 1
            series = self._series[sensor] = TimeSeries(self._maxlen)
        elif self._max_sensors is not None:
            self._series.move_to_end(sensor)
        series.append(ts, value)

    def forget(self, sensor: str) -> bool:
        return self._series.pop(sensor, None) is not None

    def sensors(self) -> list[str]:
        return sorted(self._series)

    def __contains__(self, sensor: object) -> bool:
        return sensor in self._series

    def __len__(self) -> int:
        return len(self._series)


def downsample(points: Sequence[Point], max_points: int) -> list[Point]:
    """At most `max_points` points, keeping each bucket's min and max so spikes survive.

    Points are split into ``max_points // 2`` buckets of consecutive points; each bucket
    contributes its lowest and highest point, in time order (one point if they coincide).
    """
    if max_points < 2:
        raise ValueError("max_points must be at least 2")
    points = list(points)  # slicing below: a deque would not do
    if len(points) <= max_points:
        return points
    buckets = max_points // 2
    values = list(map(itemgetter(1), points))
    n = len(points)
    out: list[Point] = []
    for b in range(buckets):
        first, end = b * n // buckets, (b + 1) * n // buckets
        chunk = values[first:end]
        # the first lowest / highest, as min/max with a key would pick them
        lo = chunk.index(min(chunk))
        hi = chunk.index(max(chunk))
        if lo == hi:
            out.append(points[first + lo])
        elif lo < hi:
            out.append(points[first + lo])
            out.append(points[first + hi])
        else:
            out.append(points[first + hi])
            out.append(points[first + lo])
    return out


def sparkline(
    values: Sequence[float],
    width: int,
    *,
    lo: float | None = None,
    hi: float | None = None,
) -> str:
    """Values as block characters, at most `width` of them ('' when there is nothing).

    Longer input is cut into `width` buckets; each shows its value furthest from the
    overall mean, so a spike stays visible. The scale runs from `lo` to `hi` (default:
    the data's own min and max; values outside are clamped); a flat series is all ``▁``.
    """
    finite = [v for v in values if math.isfinite(v)]
    if width <= 0 or not finite:
        return ""
    if len(finite) > width:
        mean = math.fsum(finite) / len(finite)
        finite = [
            max(
                finite[b * len(finite) // width : (b + 1) * len(finite) // width],
                key=lambda v: abs(v - mean),
            )
            for b in range(width)
        ]
    bottom = min(finite) if lo is None else lo
    top = max(finite) if hi is None else hi
    if top <= bottom:
        return BLOCKS[0] * len(finite)
    top_index = len(BLOCKS) - 1
    chars = []
    for v in finite:
        level = int((min(max(v, bottom), top) - bottom) / (top - bottom) * top_index + 0.5)
        chars.append(BLOCKS[level])
    return "".join(chars)


GAP = " "


def gapped_sparkline(values: Sequence[float | None], width: int) -> str:
    """Like `sparkline`, with None as a gap (a blank) where the value was unknown.

    Unknown is not zero: a refresh that could not read a lag must not draw a dip. Longer
    input is cut into `width` buckets; a bucket of gaps only is a gap, any other shows its
    known value furthest from the mean of the known ones.
    """
    if width <= 0 or not values:
        return ""
    known = [v for v in values if v is not None and math.isfinite(v)]
    if not known:
        return GAP * min(len(values), width)
    buckets: list[float | None] = list(values)
    if len(values) > width:
        mean = math.fsum(known) / len(known)
        buckets = []
        for b in range(width):
            chunk = [v for v in values[b * len(values) // width : (b + 1) * len(values) // width] if v is not None]
            buckets.append(max(chunk, key=lambda v: abs(v - mean)) if chunk else None)
    lo, hi = min(known), max(known)
    drawn = iter(sparkline([v for v in buckets if v is not None], width, lo=lo, hi=hi))
    return "".join(GAP if v is None else next(drawn) for v in buckets)
