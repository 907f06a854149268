"""The freezer board: readings in, an immutable view for the pane out (pure, time injected).

The worker owns one `FreezerBoard`; it feeds parsed records with `add`, ticks the clock with
`tick`, and a few times a second hands `view(now)` (a frozen `FreezerView`) to the UI.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import ClassVar

from kafkatui.domain.alerts import AlertEngine, AlertEvent, SensorStatus, Thresholds
from kafkatui.domain.readings import Reading, RejectCounter, Rejection, RejectSummary
from kafkatui.domain.series import Point, SensorSeries, TimeSeries, downsample

CHART_LINES = 6  # more sensors than this: the chart shows the top-N by deviation
CHART_POINTS = 240  # per line, after downsampling
SERIES_POINTS = 20_000  # per sensor, in memory


@dataclass(frozen=True, slots=True)
class SensorRow:
    sensor: str
    last: float
    vmin: float | None
    avg: float | None
    vmax: float | None
    rate: float  # readings per second over the last minute
    last_seen: float
    status: SensorStatus
    tmin: float
    tmax: float


@dataclass(frozen=True, slots=True)
class FreezerView:
    COALESCE: ClassVar[bool] = True
    ts: float
    topic: str
    window: float
    thresholds: Thresholds
    rows: tuple[SensorRow, ...]  # every sensor, by name
    chart: tuple[tuple[str, tuple[Point, ...]], ...]  # top-N sensors by deviation
    hidden_from_chart: int
    active: tuple[AlertEvent, ...]
    log: tuple[AlertEvent, ...]  # newest first
    rejects: RejectSummary
    readings: int
    source: str  # where reading started and what the consumer holds, in words

    @property
    def alert_count(self) -> int:
        return len(self.active)


class FreezerBoard:
    def __init__(
        self,
        topic: str,
        thresholds: Thresholds,
        *,
        stale_after: float = 30.0,
        window: float = 300.0,
        overrides: dict[str, Thresholds] | None = None,
    ) -> None:
        self.topic = topic
        self.window = window
        self.engine = AlertEngine(thresholds, overrides or {}, stale_after=stale_after)
        self.series = SensorSeries(SERIES_POINTS)
        self.rejects = RejectCounter(keep=20)
        self.log: deque[AlertEvent] = deque(maxlen=200)
        self.readings = 0
        self.source = ""

    def add(self, item: Reading | Rejection, now: float) -> list[AlertEvent]:
        if isinstance(item, Rejection):
            self.rejects.add(item)
            return []
        self.readings += 1
        self.series.append(item.sensor, item.ts, item.celsius)
        events = self.engine.observe(item, now)
        if events:
            self.log.extend(events)
        return events

    def tick(self, now: float) -> list[AlertEvent]:
        return self._logged(self.engine.tick(now))

    def set_thresholds(self, thresholds: Thresholds, now: float) -> list[AlertEvent]:
        return self._logged(self.engine.set_thresholds(thresholds, now=now))

    def set_window(self, seconds: float) -> None:
        self.window = max(30.0, min(seconds, 24 * 3600.0))

    def _logged(self, events: list[AlertEvent]) -> list[AlertEvent]:
        self.log.extend(events)
        return events

    def view(self, now: float) -> FreezerView:
        since = now - self.window
        rows: list[SensorRow] = []
        deviation: dict[str, float] = {}
        for sensor in self.series.sensors():
            series = self.series.get(sensor)
            last = series.last() if series is not None else None
            if series is None or last is None:
                continue
            stats = series.stats(since)
            limits = self.engine.thresholds_for(sensor)
            rows.append(
                SensorRow(
                    sensor=sensor,
                    last=last[1],
                    vmin=stats[0] if stats else None,
                    avg=stats[1] if stats else None,
                    vmax=stats[2] if stats else None,
                    rate=series.rate(now, _rate_span(series, now)),
                    last_seen=last[0],
                    status=self.engine.status(sensor, now),
                    tmin=limits.tmin,
                    tmax=limits.tmax,
                )
            )
            if stats:
                deviation[sensor] = max(stats[2] - limits.tmax, limits.tmin - stats[0], -1e9)
        ranked = sorted(deviation, key=lambda s: (-deviation[s], _natural(s)))
        shown = sorted(ranked[:CHART_LINES], key=_natural)
        chart = []
        for sensor in shown:
            series = self.series.get(sensor)
            assert series is not None
            chart.append((sensor, tuple(downsample(series.window(since), CHART_POINTS))))
        return FreezerView(
            ts=now,
            topic=self.topic,
            window=self.window,
            thresholds=self.engine.defaults,
            rows=tuple(sorted(rows, key=lambda r: _natural(r.sensor))),
            chart=tuple(chart),
            hidden_from_chart=max(0, len(deviation) - len(shown)),
            active=tuple(self.engine.active()),
            log=tuple(reversed(self.log)),
            rejects=self.rejects.snapshot(),
            readings=self.readings,
            source=self.source,
        )


def _rate_span(series: TimeSeries, now: float) -> float:
    """The last minute, or less for a sensor seen for less than a minute (so the rate is not
    understated while the app warms up)."""
    first = next(iter(series), None)
    if first is None:
        return 60.0
    return max(1.0, min(60.0, now - first[0]))


def _natural(name: str) -> tuple[object, ...]:
    """sensor2 before sensor10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
DURATION_MAX = 3650 * 86400  # ten years: more is a typo, and "that long ago" must stay after 1970


def parse_duration(text: str) -> float:
    """`10m`, `90s`, `1.5h`, `2d`, `300` (seconds) -> seconds; ValueError with a sentence."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text.strip()!r} is not a duration like 90s, 10m, 2h or 1d")
    value = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if value <= 0:
        raise ValueError("the duration must be positive")
    if value > DURATION_MAX:  # also infinity: "9" * 400 parses as a float
        raise ValueError(f"{text.strip()!r} is longer than {DURATION_MAX // 86400:g} days")
    return value
