"""Threshold, hysteresis and staleness alerts: readings and time in, events out.

Per sensor and per direction (too warm / too cold):

- raise after `min_count` consecutive readings beyond the limit (``> tmax`` or ``< tmin``)
  *and* at least `min_duration` seconds between the first of them and the current one;
  one reading back inside the limits restarts the count, so a noisy sensor hovering at
  the edge never raises;
- clear only when a reading is back inside by the hysteresis margin
  (``<= tmax - hysteresis`` or ``>= tmin + hysteresis``), so it does not flap either.

Staleness: a sensor that has sent something, then nothing for `stale_after` seconds,
raises STALE on `tick(now)`; its next reading clears it. The staleness clock is the
arrival time passed to `observe(reading, now)` (defaulting to the reading's timestamp),
so replaying old records does not make every sensor stale at once.

Outages: while the cluster or the reader is disconnected (`pause(now)`), silence proves nothing
about a sensor, so `tick` raises no STALE; `resume(now)` restarts every sensor's silence clock
at the end of the outage. The outage is one line on the board, not a STALE per sensor.

Acknowledging (`acknowledge`) marks alerts that are up as seen: they stay listed (as
acknowledged) until they clear, and the UI rings no bell for them. `forget(sensor)` drops a
sensor that is gone for good, with its alerts, so the counts drop.

The engine is owned by one thread (the worker); events are immutable and can be sent on.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kafkatui.domain.events import Event
from kafkatui.domain.readings import Reading, parse_number, utc_iso
from kafkatui.domain.text import SENSOR_LIMIT, inert

__all__ = [
    "AlertBatch",
    "AlertEngine",
    "AlertEvent",
    "AlertKind",
    "SensorStatus",
    "Thresholds",
    "natural",
    "parse_thresholds",
]


class AlertKind(StrEnum):
    TOO_WARM = "too_warm"
    TOO_COLD = "too_cold"
    STALE = "stale"


class SensorStatus(StrEnum):
    OK = "ok"
    TOO_WARM = "too_warm"
    TOO_COLD = "too_cold"
    STALE = "stale"
    UNKNOWN = "unknown"  # no reading seen yet


@dataclass(frozen=True, slots=True)
class Thresholds:
    tmin: float
    tmax: float
    hysteresis: float = 0.5
    min_count: int = 2
    min_duration: float = 0.0

    def __post_init__(self) -> None:
        numbers = (self.tmin, self.tmax, self.hysteresis, self.min_duration)
        if not all(math.isfinite(n) for n in numbers):
            raise ValueError("thresholds must be finite numbers")
        if self.tmin >= self.tmax:
            raise ValueError("min must be lower than max")
        if self.hysteresis < 0:
            raise ValueError("hysteresis must not be negative")
        if self.hysteresis >= self.tmax - self.tmin:
            raise ValueError("hysteresis must be smaller than the gap between min and max")
        if self.min_count < 1:
            raise ValueError("the reading count must be at least 1")
        if self.min_duration < 0:
            raise ValueError("the duration must not be negative")


def parse_thresholds(
    tmin_text: str,
    tmax_text: str,
    hysteresis_text: str | None = None,
    *,
    min_count: int = 2,
    min_duration: float = 0.0,
) -> Thresholds:
    """Thresholds from form fields; a ValueError carries one sentence for the form.

    Numbers may use a comma decimal (``-18,5``). An empty hysteresis keeps the default.
    """
    tmin = _number("min", tmin_text)
    tmax = _number("max", tmax_text)
    if hysteresis_text is None or not hysteresis_text.strip():
        hysteresis = 0.5
    else:
        hysteresis = _number("hysteresis", hysteresis_text)
    return Thresholds(tmin, tmax, hysteresis, min_count, min_duration)


def _number(name: str, text: str) -> float:
    if not text.strip():
        raise ValueError(f"{name} is required")
    value = parse_number(text)
    if isinstance(value, float):
        return value
    raise ValueError(f"{text.strip()!r} is not a number")  # repr: one line, whatever was pasted


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One alert raised (`raised=True`) or cleared (`raised=False`).

    For TOO_WARM/TOO_COLD, `value` is the reading in °C and `threshold` the limit crossed
    (tmax or tmin). For STALE, `value` is the seconds since the last reading (None on
    clear) and `threshold` is `stale_after` in seconds. `partition`/`offset` point at the
    record that caused the event; None for events made by the clock.
    """

    kind: AlertKind
    sensor: str
    raised: bool
    value: float | None
    threshold: float | None
    ts: float
    partition: int | None = None
    offset: int | None = None

    def to_json_dict(self) -> dict[str, object]:
        """A flat dict for one line of the JSONL alert log."""
        return {
            "time": utc_iso(self.ts),
            "ts": self.ts,
            "sensor": self.sensor,
            "kind": self.kind.value,
            "event": "raised" if self.raised else "cleared",
            "value": self.value,
            "threshold": self.threshold,
            "partition": self.partition,
            "offset": self.offset,
        }

    def describe(self) -> str:
        """One short sentence for the alert list and notifications (the sensor name inert)."""
        s = inert(self.sensor, SENSOR_LIMIT)
        if self.kind is AlertKind.STALE:
            if not self.raised:
                return f"{s} is reporting again"
            return f"{s} silent for {_num(self.value)} s (limit {_num(self.threshold)} s)"
        if self.kind is AlertKind.TOO_WARM:
            if self.raised:
                return f"{s} too warm: {_num(self.value)} °C > max {_num(self.threshold)} °C"
            return f"{s} back below max: {_num(self.value)} °C (max {_num(self.threshold)} °C)"
        if self.raised:
            return f"{s} too cold: {_num(self.value)} °C < min {_num(self.threshold)} °C"
        return f"{s} back above min: {_num(self.value)} °C (min {_num(self.threshold)} °C)"


@dataclass(frozen=True, slots=True)
class AlertBatch(Event):
    """The alert events of one frame (a few hundred milliseconds), sent to the UI together, so a
    wave of thousands (every sensor going silent) is one message, one toast and one bell."""

    events: tuple[AlertEvent, ...]

    @property
    def raised(self) -> tuple[AlertEvent, ...]:
        return tuple(e for e in self.events if e.raised)

    def summary(self) -> str | None:
        """One line for a toast about what was raised ("2,000 sensors silent"); None if nothing was.

        One alert: its own sentence. More: a count per kind, most first.
        """
        raised = self.raised
        if not raised:
            return None
        if len(raised) == 1:
            return raised[0].describe()
        counts: dict[AlertKind, int] = {}
        for e in raised:
            counts[e.kind] = counts.get(e.kind, 0) + 1
        words = {AlertKind.STALE: "silent", AlertKind.TOO_WARM: "too warm", AlertKind.TOO_COLD: "too cold"}
        parts = [
            f"{n:,} sensor{'s' if n != 1 else ''} {words[kind]}"
            for kind, n in sorted(counts.items(), key=lambda item: -item[1])
        ]
        return ", ".join(parts)


def _num(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(slots=True)
class _Streak:
    """Consecutive out-of-range readings in one direction."""

    count: int
    first_ts: float


@dataclass(slots=True)
class _SensorState:
    last_seen: float  # arrival time of the last reading (staleness clock)
    last_value: float
    streaks: dict[AlertKind, _Streak] = field(default_factory=dict)
    active: dict[AlertKind, AlertEvent] = field(default_factory=dict)
    acked: set[AlertKind] = field(default_factory=set)


# a sensor's own limits (from the limits file: an exact or glob entry), or the defaults
Resolver = Callable[[str], tuple[Thresholds, float | None]]


class AlertEngine:
    def __init__(
        self,
        defaults: Thresholds,
        overrides: Mapping[str, Thresholds] | None = None,
        stale_after: float | None = 30.0,
        resolve: Resolver | None = None,
    ) -> None:
        self._defaults = defaults
        self._overrides: dict[str, Thresholds] = dict(overrides or {})
        self._stale_after = _check_stale_after(stale_after)
        self._stale_of: dict[str, float | None] = {}  # sensors whose silence limit is their own
        self._resolve = resolve
        self._sensors: dict[str, _SensorState] = {}
        self._paused_since: float | None = None

    @property
    def paused_since(self) -> float | None:
        """When the outage that pauses staleness began; None when connected."""
        return self._paused_since

    @property
    def defaults(self) -> Thresholds:
        return self._defaults

    @property
    def stale_after(self) -> float | None:
        return self._stale_after

    def overrides(self) -> dict[str, Thresholds]:
        return dict(self._overrides)

    def thresholds_for(self, sensor: str) -> Thresholds:
        return self._overrides.get(sensor, self._defaults)

    def stale_after_for(self, sensor: str) -> float | None:
        return self._stale_of.get(sensor, self._stale_after)

    def _adopt(self, sensor: str) -> None:
        """A sensor seen for the first time takes its own limits from the resolver, if any."""
        if self._resolve is None:
            return
        thresholds, stale = self._resolve(sensor)
        if thresholds != self._defaults:
            self._overrides[sensor] = thresholds
        else:
            self._overrides.pop(sensor, None)
        if stale != self._stale_after:
            self._stale_of[sensor] = _check_stale_after(stale)
        else:
            self._stale_of.pop(sensor, None)

    def set_resolver(
        self, resolve: Resolver, defaults: Thresholds, stale_after: float | None, *, now: float
    ) -> list[AlertEvent]:
        """New limits for every sensor (the limits file changed): each known sensor takes its own
        again; alerts the last reading no longer justifies clear at `now`."""
        self._resolve = resolve
        self._defaults = defaults
        self._stale_after = _check_stale_after(stale_after)
        self._overrides.clear()
        self._stale_of.clear()
        for sensor in self._sensors:
            self._adopt(sensor)
        return self._recheck(None, now)

    def sensors(self) -> list[str]:
        return sorted(self._sensors)

    def observe(self, reading: Reading, now: float | None = None) -> list[AlertEvent]:
        """Feed one reading; `now` is its arrival time (defaults to `reading.ts`)."""
        arrived = reading.ts if now is None else now
        state = self._sensors.get(reading.sensor)
        if state is not None and not state.active and not state.streaks:
            # the hot path: nothing up, no streak, a reading inside the limits -> no event (kept
            # apart from `_observe`, whose closure costs every call that enters it)
            limits = self._overrides.get(reading.sensor, self._defaults) if self._overrides else self._defaults
            if limits.tmin <= reading.celsius <= limits.tmax:
                if arrived > state.last_seen:
                    state.last_seen = arrived
                state.last_value = reading.celsius
                return []
        return self._observe(reading, arrived, state)

    def _observe(self, reading: Reading, arrived: float, state: _SensorState | None) -> list[AlertEvent]:
        if state is None:
            state = _SensorState(arrived, reading.celsius)
            self._sensors[reading.sensor] = state
            self._adopt(reading.sensor)  # its own limits (the limits file), if any
        events: list[AlertEvent] = []

        def emit(kind: AlertKind, raised: bool, value: float | None, limit: float | None) -> None:
            when = arrived if kind is AlertKind.STALE else reading.ts
            event = AlertEvent(kind, reading.sensor, raised, value, limit, when, reading.partition, reading.offset)
            if raised:
                state.active[kind] = event
            else:
                del state.active[kind]
                state.acked.discard(kind)
            events.append(event)

        if AlertKind.STALE in state.active:
            emit(AlertKind.STALE, False, None, self.stale_after_for(reading.sensor))
        state.last_seen = max(state.last_seen, arrived)
        state.last_value = reading.celsius
        limits = self.thresholds_for(reading.sensor)
        value = reading.celsius
        for kind, beyond, limit in (
            (AlertKind.TOO_WARM, value > limits.tmax, limits.tmax),
            (AlertKind.TOO_COLD, value < limits.tmin, limits.tmin),
        ):
            if beyond:
                streak = state.streaks.setdefault(kind, _Streak(0, reading.ts))
                streak.count += 1
                long_enough = reading.ts - streak.first_ts >= limits.min_duration
                if kind not in state.active and streak.count >= limits.min_count and long_enough:
                    emit(kind, True, value, limit)
            else:
                state.streaks.pop(kind, None)
                if kind in state.active and _cleared(kind, value, limits):
                    emit(kind, False, value, limit)
        return events

    def tick(self, now: float) -> list[AlertEvent]:
        """Raise STALE for every known sensor silent for `stale_after` seconds (none while paused)."""
        if self._paused_since is not None or (self._stale_after is None and not self._stale_of):
            return []
        events: list[AlertEvent] = []
        default = self._stale_after
        own = self._stale_of
        for sensor, state in self._sensors.items():
            after = own.get(sensor, default) if own else default
            if after is None:
                continue
            if state.last_seen <= now - after and AlertKind.STALE not in state.active:
                event = AlertEvent(AlertKind.STALE, sensor, True, now - state.last_seen, after, now)
                state.active[AlertKind.STALE] = event
                events.append(event)
        events.sort(key=lambda e: natural(e.sensor))
        return events

    def pause(self, now: float) -> None:
        """The cluster or the reader is gone: silence from now on is the outage's, not the sensors'."""
        if self._paused_since is None:
            self._paused_since = now

    def resume(self, now: float) -> None:
        """Back: every sensor's silence clock restarts at `now` (a STALE already up stays up)."""
        if self._paused_since is None:
            return
        self._paused_since = None
        for state in self._sensors.values():
            if state.last_seen < now and AlertKind.STALE not in state.active:
                state.last_seen = now

    def acknowledge(self, sensor: str | None = None) -> int:
        """Mark the alerts up (of one sensor, or all) as acknowledged; how many were new."""
        states = self._sensors.values() if sensor is None else [s for s in [self._sensors.get(sensor)] if s]
        count = 0
        for state in states:
            new = set(state.active) - state.acked
            state.acked |= new
            count += len(new)
        return count

    def acknowledged(self, sensor: str, kind: AlertKind) -> bool:
        state = self._sensors.get(sensor)
        return state is not None and kind in state.acked

    def forget(self, sensor: str) -> bool:
        """Drop a sensor (gone for good) with its alerts; False if it was not known."""
        self._stale_of.pop(sensor, None)
        return self._sensors.pop(sensor, None) is not None

    def acknowledged_count(self) -> int:
        return sum(len(state.acked) for state in self._sensors.values())

    def active_count(self) -> int:
        return sum(len(state.active) for state in self._sensors.values())

    def active(self, limit: int | None = None) -> list[AlertEvent]:
        """The raise events of the alerts up, worst first: too warm, too cold, then STALE, each by
        sensor name (sensor2 before sensor10); at most `limit` of them (all when None)."""
        order = list(AlertKind)

        def rank(event: AlertEvent) -> tuple[object, ...]:
            return (order.index(event.kind), natural(event.sensor))

        events = (event for state in self._sensors.values() for event in state.active.values())
        if limit is None:
            return sorted(events, key=rank)
        return heapq.nsmallest(limit, events, key=rank)

    def status(self, sensor: str, now: float) -> SensorStatus:
        """The sensor's state for its card.

        A temperature alert outranks STALE: it is the last thing we know about the
        freezer (`active()` lists both). STALE also shows before `tick` has run.
        """
        state = self._sensors.get(sensor)
        if state is None:
            return SensorStatus.UNKNOWN
        if AlertKind.TOO_WARM in state.active:
            return SensorStatus.TOO_WARM
        if AlertKind.TOO_COLD in state.active:
            return SensorStatus.TOO_COLD
        after = self.stale_after_for(sensor)
        stale = after is not None and now - state.last_seen >= after
        if AlertKind.STALE in state.active or (stale and self._paused_since is None):
            return SensorStatus.STALE
        return SensorStatus.OK

    def set_thresholds(self, thresholds: Thresholds, sensor: str | None = None, *, now: float) -> list[AlertEvent]:
        """Change the defaults (`sensor=None`) or one sensor's override, live.

        Streaks restart under the new limits. An active alert that the last reading no
        longer justifies (by the hysteresis rule) is cleared at `now`; new alerts wait for
        the next readings, as always.
        """
        if sensor is None:
            self._defaults = thresholds
        else:
            self._overrides[sensor] = thresholds
        return self._recheck(None if sensor is None else [sensor], now)

    def clear_override(self, sensor: str, *, now: float) -> list[AlertEvent]:
        """Drop a sensor's override so it follows the defaults again."""
        if self._overrides.pop(sensor, None) is None:
            return []
        return self._recheck([sensor], now)

    def set_stale_after(self, stale_after: float | None) -> None:
        self._stale_after = _check_stale_after(stale_after)

    def _recheck(self, sensors: list[str] | None, now: float) -> list[AlertEvent]:
        events: list[AlertEvent] = []
        names = sorted(self._sensors) if sensors is None else sensors
        for sensor in names:
            state = self._sensors.get(sensor)
            if state is None:
                continue
            state.streaks.clear()
            limits = self.thresholds_for(sensor)
            for kind in (AlertKind.TOO_WARM, AlertKind.TOO_COLD):
                if kind in state.active and _cleared(kind, state.last_value, limits):
                    del state.active[kind]
                    state.acked.discard(kind)
                    limit = limits.tmax if kind is AlertKind.TOO_WARM else limits.tmin
                    events.append(AlertEvent(kind, sensor, False, state.last_value, limit, now))
        return events


@functools.lru_cache(maxsize=131_072)  # sorted again and again, 10,000 sensors a view: split once
def natural(name: str) -> tuple[object, ...]:
    """A sort key: sensor2 before sensor10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def _cleared(kind: AlertKind, value: float, limits: Thresholds) -> bool:
    if kind is AlertKind.TOO_WARM:
        return value <= limits.tmax - limits.hysteresis
    return value >= limits.tmin + limits.hysteresis


def _check_stale_after(stale_after: float | None) -> float | None:
    if stale_after is not None and not (math.isfinite(stale_after) and stale_after > 0):
        raise ValueError("the silence limit must be a positive number of seconds")
    return stale_after
