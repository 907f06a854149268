"""The limits file (TOML): default freezer limits, per-sensor or glob entries, consumer-group lag limits.

```toml
[defaults]
min = -5            # °C
max = 5
hysteresis = 0.5
readings = 2        # consecutive readings out of range before an alert
stale_after = 30    # seconds of silence before STALE ("30s", "2m" also accepted)
alert_on = "ERR"    # group status that alerts: "ERR", "WARN" or "off"

[sensors."chiller-*"]   # a glob (fnmatch: * ? [..]) or an exact sensor name
min = 0
max = 8

[groups."orders-*"]
max_lag_seconds = 60
```

An entry sets only what it names; the rest comes from `[defaults]` (and those from the settings).
A sensor takes its exact entry if there is one, else the first glob entry in file order that
matches, else the defaults. Parsing is pure (the text in, `Limits` or a `LimitsError` out); a bad
file is one line naming the file, the line and the key.
"""

from __future__ import annotations

import fnmatch
import functools
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from kafkatui.domain.alerts import Thresholds
from kafkatui.domain.events import Event
from kafkatui.domain.groups import GroupsView

__all__ = [
    "AlertOn",
    "GroupLimits",
    "Limits",
    "LimitsError",
    "SensorLimits",
    "parse_limits",
]

SENSOR_KEYS = ("min", "max", "hysteresis", "readings", "stale_after")
GROUP_KEYS = ("max_lag_seconds", "alert_on")
TOP_KEYS = ("defaults", "sensors", "groups")


class AlertOn(StrEnum):
    """The consumer-group status that alerts (Burrow's ERR by default)."""

    ERR = "ERR"
    WARN = "WARN"
    OFF = "off"


class LimitsError(ValueError):
    """A bad limits file: one line naming the file, the line and the key."""


@dataclass(frozen=True, slots=True)
class SensorLimits:
    thresholds: Thresholds
    stale_after: float | None
    entry: str | None = None  # the entry that set them (a sensor name or glob); None: the defaults


@dataclass(frozen=True, slots=True)
class GroupLimits:
    max_lag_seconds: float | None = None
    alert_on: AlertOn = AlertOn.ERR
    entry: str | None = None


@dataclass(frozen=True, slots=True)
class _SensorEntry:
    pattern: str
    limits: SensorLimits
    glob: bool


@dataclass(frozen=True, slots=True)
class _GroupEntry:
    pattern: str
    limits: GroupLimits
    glob: bool


def _is_glob(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


class Limits:
    """Resolved limits: what applies to each sensor and each group (immutable)."""

    def __init__(
        self,
        defaults: SensorLimits,
        sensors: tuple[_SensorEntry, ...] = (),
        group_defaults: GroupLimits | None = None,
        groups: tuple[_GroupEntry, ...] = (),
        source: str | None = None,
    ) -> None:
        self.defaults = defaults
        self.group_defaults = group_defaults or GroupLimits()
        self.source = source
        self._sensor_entries = sensors
        self._group_entries = groups
        self._sensor_exact = {e.pattern: e.limits for e in sensors if not e.glob}
        self._sensor_globs = tuple(e for e in sensors if e.glob)
        self._group_exact = {e.pattern: e.limits for e in groups if not e.glob}
        self._group_globs = tuple(e for e in groups if e.glob)
        self.sensor = functools.lru_cache(maxsize=200_000)(self._sensor)
        self.group = functools.lru_cache(maxsize=20_000)(self._group)

    @property
    def has_sensor_entries(self) -> bool:
        return bool(self._sensor_entries)

    def sensor_patterns(self) -> tuple[str, ...]:
        return tuple(e.pattern for e in self._sensor_entries)

    def group_patterns(self) -> tuple[str, ...]:
        return tuple(e.pattern for e in self._group_entries)

    def _sensor(self, name: str) -> SensorLimits:
        exact = self._sensor_exact.get(name)
        if exact is not None:
            return exact
        for entry in self._sensor_globs:
            if fnmatch.fnmatchcase(name, entry.pattern):
                return entry.limits
        return self.defaults

    def _group(self, name: str) -> GroupLimits:
        exact = self._group_exact.get(name)
        if exact is not None:
            return exact
        for entry in self._group_globs:
            if fnmatch.fnmatchcase(name, entry.pattern):
                return entry.limits
        return self.group_defaults

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Limits):
            return NotImplemented
        return (self.defaults, self.group_defaults, self._sensor_entries, self._group_entries) == (
            other.defaults,
            other.group_defaults,
            other._sensor_entries,
            other._group_entries,
        )

    __hash__ = None  # type: ignore[assignment]


def parse_limits(text: str, source: str, base: SensorLimits) -> Limits:
    """The limits in `text` (TOML), read from `source` (named in errors), over the `base` defaults."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LimitsError(_toml_error(source, exc, text)) from None
    lines = _KeyLines(text)

    def fail(path: tuple[str, ...], key: str | None, problem: str) -> LimitsError:
        line = lines.find(path, key)
        where = ".".join(_toml_key(p) for p in (*path, *([key] if key else [])))
        return LimitsError(f"limits file {source} line {line}: {where}: {problem}")

    for key in data:
        if key not in TOP_KEYS:
            raise fail((), key, f"unknown table; expected {', '.join(f'[{k}]' for k in TOP_KEYS)}")
    defaults_raw = data.get("defaults", {})
    if not isinstance(defaults_raw, dict):
        raise fail((), "defaults", "must be a table ([defaults])")
    sensor_raw = {k: v for k, v in defaults_raw.items() if k not in GROUP_KEYS}
    group_raw = {k: v for k, v in defaults_raw.items() if k in GROUP_KEYS}
    defaults = _sensor_limits(("defaults",), sensor_raw, base, None, fail)
    group_defaults = _group_limits(("defaults",), group_raw, GroupLimits(), None, fail, allow_sensor_keys=False)

    sensors: list[_SensorEntry] = []
    for pattern, raw in _entries(data, "sensors", fail):
        if not isinstance(raw, dict):
            raise fail(("sensors",), pattern, 'must be a table, e.g. [sensors."chiller-*"] with min and max')
        limits = _sensor_limits(("sensors", pattern), raw, defaults, pattern, fail)
        sensors.append(_SensorEntry(pattern, limits, _is_glob(pattern)))
    groups: list[_GroupEntry] = []
    for pattern, raw in _entries(data, "groups", fail):
        if not isinstance(raw, dict):
            raise fail(("groups",), pattern, 'must be a table, e.g. [groups."orders-*"] with max_lag_seconds')
        glimits = _group_limits(("groups", pattern), raw, group_defaults, pattern, fail, allow_sensor_keys=False)
        groups.append(_GroupEntry(pattern, glimits, _is_glob(pattern)))
    return Limits(defaults, tuple(sensors), group_defaults, tuple(groups), source)


def default_limits(tmin: float, tmax: float, stale_after: float | None) -> Limits:
    """Limits without a file: the settings' min, max and silence limit for every sensor."""
    return Limits(SensorLimits(Thresholds(tmin, tmax), stale_after))


def with_sensor_entry(limits: Limits, pattern: str | None, thresholds: Thresholds) -> Limits:
    """`limits` with one entry's thresholds replaced or added (None: the defaults), in memory."""
    if pattern is None:
        old = limits.defaults
        new_defaults = replace(old, thresholds=thresholds)
        entries = tuple(
            e if e.limits.thresholds != old.thresholds else replace(e, limits=replace(e.limits, thresholds=thresholds))
            for e in limits._sensor_entries
        )
        return Limits(new_defaults, entries, limits.group_defaults, limits._group_entries, limits.source)
    entries_list = list(limits._sensor_entries)
    for i, e in enumerate(entries_list):
        if e.pattern == pattern:
            entries_list[i] = replace(e, limits=replace(e.limits, thresholds=thresholds))
            break
    else:
        entries_list.insert(
            0, _SensorEntry(pattern, SensorLimits(thresholds, limits.defaults.stale_after, pattern), _is_glob(pattern))
        )
    return Limits(limits.defaults, tuple(entries_list), limits.group_defaults, limits._group_entries, limits.source)


# -- details ------------------------------------------------------------------------------------

Fail = Callable[[tuple[str, ...], str | None, str], LimitsError]


def _entries(data: Mapping[str, object], table: str, fail: Fail) -> list[tuple[str, object]]:
    raw = data.get(table, {})
    if not isinstance(raw, dict):
        raise fail((), table, f'must be a table of entries, e.g. [{table}."name-*"]')
    return list(raw.items())


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _sensor_limits(
    path: tuple[str, ...],
    raw: Mapping[str, object],
    base: SensorLimits,
    entry: str | None,
    fail: Fail,
) -> SensorLimits:
    f = fail
    values: dict[str, float] = {}
    stale: float | None = base.stale_after
    for key, value in raw.items():
        if key in GROUP_KEYS:
            raise f(path, key, 'is a consumer-group limit: put it under [groups."name"] or [defaults]')
        if key not in SENSOR_KEYS:
            known = SENSOR_KEYS + GROUP_KEYS if path == ("defaults",) else SENSOR_KEYS
            raise f(path, key, f"unknown key; expected one of {', '.join(known)}")
        if key == "stale_after":
            stale = _seconds(path, key, value, f)
            continue
        number = _number(value)
        if number is None:
            raise f(path, key, "expected a number")
        if key == "readings" and (number != int(number) or number < 1):
            raise f(path, key, "expected a whole number of readings, at least 1")
        values[key] = number
    t = base.thresholds
    tmin = values.get("min", t.tmin)
    tmax = values.get("max", t.tmax)
    hysteresis = values.get("hysteresis", t.hysteresis)
    readings = int(values.get("readings", t.min_count))
    try:
        thresholds = Thresholds(tmin, tmax, hysteresis, readings, t.min_duration)
    except ValueError as exc:
        bad = (
            "max" if "max" in values else "min" if "min" in values else "hysteresis" if "hysteresis" in values else None
        )
        raise f(path, bad, f"{exc} (min {tmin:g}, max {tmax:g}, hysteresis {hysteresis:g})") from None
    return SensorLimits(thresholds, stale, entry)


def _seconds(path: tuple[str, ...], key: str, value: object, fail: Fail) -> float:
    number = _number(value)
    if number is not None:
        if number <= 0:
            raise fail(path, key, "must be a positive number of seconds")
        return number
    if isinstance(value, str):
        from kafkatui.domain.freezer import parse_duration  # (freezer imports this module)

        try:
            return parse_duration(value)
        except ValueError as exc:
            raise fail(path, key, str(exc)) from None
    raise fail(path, key, 'expected seconds, e.g. 60 or "2m"')


def _group_limits(
    path: tuple[str, ...],
    raw: Mapping[str, object],
    base: GroupLimits,
    entry: str | None,
    fail: Fail,
    *,
    allow_sensor_keys: bool,
) -> GroupLimits:
    max_lag = base.max_lag_seconds
    alert_on = base.alert_on
    for key, value in raw.items():
        if key == "max_lag_seconds":
            max_lag = _seconds(path, key, value, fail)
        elif key == "alert_on":
            choices = {a.value.lower(): a for a in AlertOn}
            if not isinstance(value, str) or value.strip().lower() not in choices:
                raise fail(path, key, 'expected "ERR", "WARN" or "off"')
            alert_on = choices[value.strip().lower()]
        elif key in SENSOR_KEYS and not allow_sensor_keys:
            raise fail(path, key, 'is a sensor limit: put it under [sensors."name"] or [defaults]')
        else:
            raise fail(path, key, f"unknown key; expected one of {', '.join(GROUP_KEYS)}")
    return GroupLimits(max_lag, alert_on, entry)


_LINE_COL = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_error(source: str, exc: tomllib.TOMLDecodeError, text: str) -> str:
    message = str(exc)
    match = _LINE_COL.search(message)
    problem = _LINE_COL.sub("", message).replace("(at end of document)", "").strip().rstrip(".") or "not valid TOML"
    problem = problem[0].lower() + problem[1:]
    if match:
        return f"limits file {source} line {match.group(1)}: not valid TOML ({problem})"
    if "end of document" in message:
        last = len(text.rstrip("\n").splitlines()) or 1
        return f"limits file {source} line {last}: not valid TOML ({problem} at the end of the file)"
    return f"limits file {source}: not valid TOML ({problem})"


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE.match(key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


_HEADER = re.compile(r"^\s*\[(?!\[)(.+?)\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


class _KeyLines:
    """Where a table or key is in the file's text (1-based line numbers), for error messages."""

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[str, ...], int] = {}
        self.keys: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                path = _path_of(header.group(1))
                if path is not None:
                    table = path
                    self.tables.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                dotted = _path_of(key.group(1))
                if dotted is not None:
                    self.keys.setdefault((*table, *dotted), number)

    def find(self, path: tuple[str, ...], key: str | None) -> int:
        if key is not None:
            full = (*path, key)
            if full in self.keys:
                return self.keys[full]
            if full in self.tables:
                return self.tables[full]
        for n in range(len(path), 0, -1):
            if path[:n] in self.tables:
                return self.tables[path[:n]]
            if path[:n] in self.keys:
                return self.keys[path[:n]]
        return 1


def _path_of(dotted: str) -> tuple[str, ...] | None:
    """A TOML dotted key (`sensors."chiller-*"`) as its parts, or None if it is not one."""
    try:
        data = tomllib.loads(f"{dotted} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    node: object = data
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        parts.append(name)
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class LimitsSaved(Event):
    """The answer to an edit of the limits: applied (and written to the file) or refused, in words."""

    ts: float
    ok: bool
    message: str


def with_lag_limits(view: GroupsView, limits: Limits) -> GroupsView:
    """The view with each group's lag limit (max_lag_seconds) set, so the pane can mark it."""
    groups = tuple(
        g if g.lag_limit == (lim := limits.group(g.group_id).max_lag_seconds) else replace(g, lag_limit=lim)
        for g in view.groups
    )
    return replace(view, groups=groups)
