"""The freezer board: readings in, an immutable view for the pane out (pure, time injected).

The worker owns one `FreezerBoard`; it feeds parsed records with `add`, ticks the clock with
`tick`, and a few times a second hands `view(now)` (a frozen `FreezerView`) to the UI.

Rules that hold at scale (10,000 sensors, all going silent at once):

- Every sensor is kept, up to `MAX_SENSORS` (a documented cap, far above any freezer room):
  beyond it a new sensor's readings are dropped and counted (`sensors_dropped`, shown on the
  pane), never a kept sensor evicted — an evicting cap made the stats of the sensors it threw
  away and brought back wrong (MIN = AVG = MAX = LAST, a halved rate). A sensor costs its
  series (at most `SERIES_POINTS` points, about 110 bytes each) plus a fixed ~2 KB
  (series, alert state, cached row); `bench/bench_sensors.py` measures it.
- A view costs the sensors that changed, not all of them: rows are cached per sensor and
  recomputed when the sensor had a reading or an alert event, or when time changes its row:
  every `FULL_EVERY` seconds while it has readings in the last minute (the rate decays), and
  when its oldest reading leaves the window (the stats change). A sensor silent for a minute
  with nothing leaving the window costs nothing; with no traffic the board idles.
- The view carries every row, worst first (alerts, then STALE, then furthest from the
  limits), but only the first `ACTIVE_SHOWN` active alerts and their total count: the pane
  draws what fits, never thousands of lines three times a second.
- The chart draws `CHART_LINES` sensors: the alerting ones first, then the furthest from
  their limits.
- A reading stamped ahead of our clock (a sensor's clock runs fast) by more than
  `CLOCK_AHEAD` seconds is plotted and aged at its arrival time (clamped) and counted
  (`ahead`, `ahead_max`), so the pane can say so; it is never dropped and never drawn in the
  future.
- While the cluster or the reader is disconnected (`outage(now)`), no sensor goes STALE: the
  view names the outage and its start instead (see `AlertEngine.pause`).
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from kafkatui.domain.alerts import AlertEngine, AlertEvent, SensorStatus, Thresholds, natural
from kafkatui.domain.events import Event
from kafkatui.domain.readings import Reading, RejectCounter, Rejection, RejectSummary
from kafkatui.domain.series import Point, SensorSeries, TimeSeries, downsample

if TYPE_CHECKING:
    from kafkatui.domain.limits import Limits

CHART_LINES = 6  # more sensors than this: the chart shows the alerting ones, then the top by deviation
CHART_POINTS = 240  # per line, after downsampling
SERIES_POINTS = 20_000  # per sensor, in memory
MAX_SENSORS = 100_000  # beyond this, new sensors are dropped and counted (never a kept one evicted)
ACTIVE_SHOWN = 50  # active alerts listed in a view (the count covers all)
FULL_EVERY = 5.0  # seconds between looking for rows that time changed (see the module docstring)
RATE_SPAN = 60.0  # RATE/s: readings per second over the last minute
HEARTBEAT = 30.0  # with nothing changed, a fresh view this often anyway (the chart's time axis moves)
CLOCK_AHEAD = 1.0  # seconds a reading may be stamped ahead of our clock before it is clamped

_STATUS_RANK = {
    SensorStatus.TOO_WARM: 0,
    SensorStatus.TOO_COLD: 0,
    SensorStatus.STALE: 1,
    SensorStatus.OK: 2,
    SensorStatus.UNKNOWN: 3,
}


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
    hysteresis: float = 0.5
    entry: str | None = None  # the limits file's entry that sets its limits; None: the defaults

    @property
    def deviation(self) -> float:
        """How far the window's extremes went past a limit (negative: inside by that much)."""
        low = self.last if self.vmin is None else self.vmin
        high = self.last if self.vmax is None else self.vmax
        return max(high - self.tmax, self.tmin - low)


@dataclass(frozen=True, slots=True)
class ActiveAlert:
    event: AlertEvent
    acknowledged: bool


@dataclass(frozen=True, slots=True)
class FreezerView(Event):
    COALESCE: ClassVar[bool] = True
    ts: float
    topic: str
    window: float
    thresholds: Thresholds
    rows: tuple[SensorRow, ...]  # every sensor kept, worst first
    chart: tuple[tuple[str, tuple[Point, ...]], ...]  # alerting sensors, then top by deviation
    hidden_from_chart: int
    active: tuple[ActiveAlert, ...]  # the first ACTIVE_SHOWN, worst first
    active_count: int  # all active alerts
    acknowledged_count: int
    log: tuple[AlertEvent, ...]  # newest first
    rejects: RejectSummary
    readings: int
    source: str  # where reading started and what the consumer holds, in words
    outage_since: float | None = None  # cluster/reader disconnected since then: no STALE meanwhile
    outage_reason: str = "disconnected"  # what the outage is, in words (with outage_since)
    sensors_dropped: int = 0  # new sensors refused beyond MAX_SENSORS
    readings_dropped: int = 0  # their readings
    ahead: int = 0  # readings stamped ahead of our clock (clamped to their arrival)
    ahead_max: float = 0.0  # the most ahead, in seconds
    chart_limits: tuple[tuple[float, float], ...] = ()  # (min, max) of each chart line, in order
    limits_file: str | None = None  # where the limits come from (None: the settings)
    converted: str = ""  # the last reading read in another unit: "freezer-9: -4 °F = -20.00 °C"

    @property
    def alert_count(self) -> int:
        return self.active_count


class FreezerBoard:
    def __init__(
        self,
        topic: str,
        thresholds: Thresholds,
        *,
        stale_after: float = 30.0,
        window: float = 300.0,
        overrides: dict[str, Thresholds] | None = None,
        max_sensors: int = MAX_SENSORS,
        limits: Limits | None = None,
    ) -> None:
        self.topic = topic
        self.window = window
        self.limits = limits
        if limits is not None:
            thresholds, stale_after = limits.defaults.thresholds, limits.defaults.stale_after or stale_after
        self.engine = AlertEngine(thresholds, overrides or {}, stale_after=stale_after, resolve=self._resolver(limits))
        self.series = SensorSeries(SERIES_POINTS)
        self.rejects = RejectCounter(keep=20)
        self.log: deque[AlertEvent] = deque(maxlen=200)
        self.readings = 0
        self.source = ""
        self.outage_reason = "disconnected"
        self.max_sensors = max_sensors
        self.dropped: set[str] = set()  # sensors refused beyond the cap (names bounded by inert on show)
        self.readings_dropped = 0
        self.ahead = 0
        self.ahead_max = 0.0
        self.converted = ""
        self._rows: dict[str, SensorRow] = {}
        self._due: dict[str, float] = {}  # sensor -> when time next changes its row
        self._alerts_version = 0  # bumped whenever the alert state may have changed
        self._alerts_seen = -1
        self._active: tuple[tuple[ActiveAlert, ...], int, int] = ((), 0, 0)
        self._young: dict[str, tuple[float, float]] = {}  # seen < a minute: (readings in span, first ts)
        self._dirty: set[str] = set()
        self._ordered: tuple[SensorRow, ...] = ()
        self._next_full = float("-inf")
        self._everything = True  # the next view recomputes every row (limits, window, outage end)
        self._last_view: FreezerView | None = None
        self._changed = True  # something besides rows changed (log, rejects, thresholds, window)

    def add(self, item: Reading | Rejection, now: float) -> list[AlertEvent]:
        # the hot path (hundreds of thousands of readings a second): a known sensor's series is
        # looked up once and appended to directly
        if isinstance(item, Rejection):
            self.rejects.add(item)
            self._changed = True
            return []
        sensor = item.sensor
        series = self.series.get(sensor)
        if series is None and len(self.series) >= self.max_sensors:
            if len(self.dropped) < self.max_sensors:  # the names too are bounded
                self.dropped.add(sensor)
            self.readings_dropped += 1
            self._changed = True
            return []
        if item.ts > now + CLOCK_AHEAD:
            self.ahead += 1
            self.ahead_max = max(self.ahead_max, item.ts - now)
            item = Reading(sensor, item.celsius, now, item.partition, item.offset, item.original)
        self.readings += 1
        if item.original:  # read in °F or K: the view shows the last conversion
            self.converted = f"{sensor}: {item.original} = {item.celsius:.2f} °C"
            self._changed = True
        if series is None:
            self.series.append(sensor, item.ts, item.celsius)
        else:
            series.append(item.ts, item.celsius)
        self._dirty.add(sensor)
        events = self.engine.observe(item, now)
        if events:
            self.log.extend(events)
            self._alerts_version += 1
        return events

    def tick(self, now: float) -> list[AlertEvent]:
        return self._logged(self.engine.tick(now))

    def outage(self, now: float, reason: str = "disconnected") -> None:
        """The cluster or the reader went away at `now` (or the topic's partitions lost their
        leaders): silence is the outage's. `reason` says which, in words."""
        if reason != self.outage_reason:
            self.outage_reason = reason
            self._changed = True
        if self.engine.paused_since is None:
            self.engine.pause(now)
            self._changed = True

    def recovered(self, now: float) -> None:
        if self.engine.paused_since is not None:
            self.engine.resume(now)
            self._changed = True
            self._next_full = float("-inf")
            self._everything = True

    def acknowledge(self, sensor: str | None = None) -> int:
        count = self.engine.acknowledge(sensor)
        self._changed = True
        self._alerts_version += 1
        return count

    def forget(self, sensor: str) -> bool:
        """Drop a sensor that is gone: its series, its alerts and its row."""
        known = self.series.forget(sensor) | self.engine.forget(sensor)
        if known:
            self._rows.pop(sensor, None)
            self._due.pop(sensor, None)
            self._young.pop(sensor, None)
            self._dirty.discard(sensor)
            self._ordered = tuple(r for r in self._ordered if r.sensor != sensor)
            self._changed = True
            self._alerts_version += 1
        return known

    def set_thresholds(self, thresholds: Thresholds, now: float) -> list[AlertEvent]:
        self._next_full = float("-inf")
        self._everything = True
        self._changed = True  # the view carries the limits: a new one even with no sensor yet
        return self._logged(self.engine.set_thresholds(thresholds, now=now))

    def set_limits(self, limits: Limits, now: float) -> list[AlertEvent]:
        """New limits (the limits file was edited): every sensor takes its own again."""
        self.limits = limits
        resolve = self._resolver(limits)
        assert resolve is not None
        self._next_full = float("-inf")
        self._everything = True
        self._changed = True
        d = limits.defaults
        return self._logged(self.engine.set_resolver(resolve, d.thresholds, d.stale_after, now=now))

    @staticmethod
    def _resolver(limits: Limits | None) -> Callable[[str], tuple[Thresholds, float | None]] | None:
        if limits is None:
            return None

        def resolve(sensor: str) -> tuple[Thresholds, float | None]:
            own = limits.sensor(sensor)
            return own.thresholds, own.stale_after

        return resolve

    def set_window(self, seconds: float) -> None:
        self.window = max(30.0, min(seconds, 24 * 3600.0))
        self._next_full = float("-inf")
        self._everything = True
        self._changed = True

    def _logged(self, events: list[AlertEvent]) -> list[AlertEvent]:
        if events:
            self.log.extend(events)
            self._dirty.update(e.sensor for e in events)
            self._changed = True
            self._alerts_version += 1
        return events

    def _row(self, sensor: str, now: float, since: float) -> SensorRow | None:
        series = self.series.get(sensor)
        last = series.last() if series is not None else None
        if series is None or last is None:
            return None
        stats = series.stats(since)
        # when time alone changes this row: the stats when the oldest reading in the window leaves
        # it; the rate when the oldest reading of the last minute leaves that, and, for a sensor
        # seen for less than a minute (its rate is over the time seen), as that time grows
        due = float("inf")
        oldest = series.first_since(since) if stats is not None else None
        if oldest is not None:
            due = oldest[0] + self.window
        in_span = series.first_since(now - RATE_SPAN)
        if in_span is not None:
            due = min(due, in_span[0] + RATE_SPAN)
        self._due[sensor] = due
        span = _rate_span(series, now)
        count = series.rate(now, span) * span
        if span < RATE_SPAN:
            first = next(iter(series))[0]
            self._young[sensor] = (count, first)
        else:
            self._young.pop(sensor, None)
        limits = self.engine.thresholds_for(sensor)
        return SensorRow(
            sensor=sensor,
            last=last[1],
            vmin=stats[0] if stats else None,
            avg=stats[1] if stats else None,
            vmax=stats[2] if stats else None,
            rate=count / span,
            last_seen=last[0],
            status=self.engine.status(sensor, now),
            tmin=limits.tmin,
            tmax=limits.tmax,
            hysteresis=limits.hysteresis,
            entry=None if self.limits is None else self.limits.sensor(sensor).entry,
        )

    def _grow_spans(self, now: float, skip: set[str]) -> None:
        """Young sensors (seen for less than a minute): only the span of their rate grew, so the
        rate is the same count over the longer span; no need to walk their series again."""
        rows = self._rows
        grown = False
        for sensor, (count, first) in list(self._young.items()):
            if sensor in skip:
                continue
            span = max(1.0, min(RATE_SPAN, now - first))
            row = rows.get(sensor)
            # the pane shows the rate to 0.1/s: a new row only when that changes (10,000 young
            # sensors fallen silent would otherwise each make a new row every few seconds)
            if row is not None and round(count / span, 1) != round(row.rate, 1):
                rows[sensor] = SensorRow(  # (dataclasses.replace is several times slower)
                    row.sensor,
                    row.last,
                    row.vmin,
                    row.avg,
                    row.vmax,
                    count / span,
                    row.last_seen,
                    row.status,
                    row.tmin,
                    row.tmax,
                    row.hysteresis,
                    row.entry,
                )
                grown = True
            if span >= RATE_SPAN:
                del self._young[sensor]
        if grown:  # the rate is not part of the order: same order, new rows
            self._ordered = tuple(rows[r.sensor] for r in self._ordered if r.sensor in rows)
            self._changed = True

    def view(self, now: float) -> FreezerView:
        since = now - self.window
        full = now >= self._next_full
        names: list[str] = list(self._dirty)
        if full:
            self._next_full = now + FULL_EVERY
            if self._everything:
                self._everything = False
                self._rows.clear()
                names = self.series.sensors()
            else:
                names += [sensor for sensor, due in self._due.items() if due <= now]
                self._grow_spans(now, set(names))
        if names:
            for sensor in names:
                row = self._row(sensor, now, since)
                if row is not None:
                    self._rows[sensor] = row
            self._dirty = set()
            self._ordered = tuple(sorted(self._rows.values(), key=_worst_first))
        elif not self._changed and self._last_view is not None and now < self._last_view.ts + HEARTBEAT:
            return self._last_view  # nothing happened: the same view (the caller may skip sending it)
        self._changed = False
        rows = self._ordered
        alerting = [r for r in rows if _STATUS_RANK[r.status] == 0]
        calm = heapq.nsmallest(
            max(0, CHART_LINES - len(alerting)),
            (r for r in rows if _STATUS_RANK[r.status] != 0 and r.vmin is not None),
            key=_by_deviation,
        )
        shown_rows = (alerting + calm)[:CHART_LINES]
        shown = sorted((r.sensor for r in shown_rows), key=natural)
        chart = []
        chart_limits = []
        for sensor in shown:
            series = self.series.get(sensor)
            assert series is not None
            chart.append((sensor, tuple(downsample(series.window(since), CHART_POINTS))))
            own = self.engine.thresholds_for(sensor)
            chart_limits.append((own.tmin, own.tmax))
        in_window = sum(1 for r in rows if r.vmin is not None)
        if self._alerts_seen != self._alerts_version:  # the alert state changed: list it again
            self._alerts_seen = self._alerts_version
            engine = self.engine
            self._active = (
                tuple(ActiveAlert(e, engine.acknowledged(e.sensor, e.kind)) for e in engine.active(ACTIVE_SHOWN)),
                engine.active_count(),
                engine.acknowledged_count(),
            )
        active, active_count, acknowledged_count = self._active
        view = FreezerView(
            ts=now,
            topic=self.topic,
            window=self.window,
            thresholds=self.engine.defaults,
            rows=rows,
            chart=tuple(chart),
            hidden_from_chart=max(0, in_window - len(shown)),
            active=active,
            active_count=active_count,
            acknowledged_count=acknowledged_count,
            log=tuple(reversed(self.log)),
            rejects=self.rejects.snapshot(),
            readings=self.readings,
            source=self.source,
            outage_since=self.engine.paused_since,
            outage_reason=self.outage_reason,
            sensors_dropped=len(self.dropped),
            readings_dropped=self.readings_dropped,
            ahead=self.ahead,
            ahead_max=self.ahead_max,
            chart_limits=tuple(chart_limits),
            limits_file=None if self.limits is None else self.limits.source,
            converted=self.converted,
        )
        self._last_view = view
        return view


def _worst_first(row: SensorRow) -> tuple[object, ...]:
    return (_STATUS_RANK[row.status], -row.deviation, natural(row.sensor))


def _by_deviation(row: SensorRow) -> tuple[object, ...]:
    return (-row.deviation, natural(row.sensor))


def _rate_span(series: TimeSeries, now: float) -> float:
    """The last minute, or less for a sensor seen for less than a minute (so the rate is not
    understated while the app warms up)."""
    first = next(iter(series), None)
    if first is None:
        return 60.0
    return max(1.0, min(60.0, now - first[0]))


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
