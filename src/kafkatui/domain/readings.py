"""Kafka record bytes -> a temperature `Reading`, or a `Rejection` that says why not.

Accepted values:

- a plain number, as the seed producer sends it: ``-3.21``, ``4``, ``+1e1``, and the
  Portuguese comma decimal ``-3,21``; the sensor name comes from the record key;
- a JSON object with a temperature field (``{"sensor": "sensor0", "temperature": -3.2}``);
  field names come from `ParseRules` and may be dotted paths (``payload.temp``);
- a JSON string holding a number (``"-3.21"``).

Nothing here raises on bad input: every failure is a `Rejection` with a `RejectReason`, and the
reason says what the bytes *are* when we can tell, not only what they are not: a record in
Confluent Schema Registry framing (magic byte 0, then a 4-byte big-endian schema id) is named as
such with its schema id, not "not UTF-8"; a number too large for a float (a value of 2 MB of digits,
``1e999``) is "too large", not "NaN or infinity". A new reason gets a row in docs/bad-input.md.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from kafkatui.domain.text import escape_raw

__all__ = [
    "DEFAULT_RULES",
    "ParseRules",
    "Reading",
    "RejectCounter",
    "RejectReason",
    "RejectSummary",
    "Rejection",
    "escape_raw",
    "parse",
    "parse_decoded",
    "parse_number",
    "utc_iso",
]


class RejectReason(StrEnum):
    EMPTY = "empty"  # no value: empty bytes, whitespace only, or a tombstone (null value)
    NOT_UTF8 = "not_utf8"
    NOT_A_NUMBER = "not_a_number"
    NOT_FINITE = "not_finite"  # NaN or infinity, spelled as such
    TOO_LARGE = "too_large"  # a number beyond a float's range (1e999, thousands of digits)
    SCHEMA_REGISTRY = "schema_registry"  # Confluent Schema Registry framing: magic byte 0 + schema id
    MISSING_FIELD = "missing_field"  # JSON without any of the temperature fields
    OUT_OF_SANITY = "out_of_sanity"  # a number no thermometer in a freezer would send
    BAD_JSON = "bad_json"  # starts like JSON (`{` or `[`) but does not parse
    NO_SENSOR = "no_sensor"  # neither a sensor field nor a record key
    # Schema Registry decoding (a registry is set): why a framed record was not decoded
    SCHEMA_PENDING = "schema_pending"  # its schema is being fetched (the record is kept and retried)
    SCHEMA_UNKNOWN = "schema_unknown"  # the registry has no schema with that id
    REGISTRY_UNREACHABLE = "registry_unreachable"  # no answer: refused, timed out, DNS
    REGISTRY_REFUSED = "registry_refused"  # HTTP 401/403: the registry refused the credentials
    REGISTRY_ERROR = "registry_error"  # any other registry answer (HTTP 5xx, a schema it cannot give)
    UNDECODABLE = "undecodable"  # the bytes do not decode with the record's schema


@dataclass(frozen=True, slots=True)
class Reading:
    sensor: str
    celsius: float
    ts: float  # epoch seconds: the JSON time field when present, else the record timestamp
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: RejectReason
    raw_key: bytes | None
    raw_value: bytes | None
    partition: int
    offset: int
    ts: float
    detail: str = ""  # one human sentence for the "last rejected messages" view


@dataclass(frozen=True, slots=True)
class ParseRules:
    temp_fields: tuple[str, ...] = ("temperature", "temp", "temperatura", "value", "level")
    sensor_fields: tuple[str, ...] = ("sensor", "sensor_id", "id", "device")
    time_fields: tuple[str, ...] = ("ts", "timestamp", "time")
    sanity_min: float = -100.0
    sanity_max: float = 150.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sanity_min) and math.isfinite(self.sanity_max)):
            raise ValueError("the sanity range must be finite numbers")
        if self.sanity_min >= self.sanity_max:
            raise ValueError("the sanity minimum must be lower than the sanity maximum")
        if not self.temp_fields:
            raise ValueError("at least one temperature field name is needed")


DEFAULT_RULES = ParseRules()

# Digits are spelled [0-9]: `\d` and float() also accept other scripts' digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_NUMBER_FULL = _NUMBER.fullmatch


class _Constant(str):
    """JSON's NaN / Infinity / -Infinity as spelled (so 1e400, a number too large, is told apart)."""


# json.loads without its argument checks (text is str)
_json_decode = json.JSONDecoder(parse_constant=_Constant).decode

# Epoch numbers above these are taken as ns, µs, ms (1e11 s is the year 5138).
_EPOCH_DIVISORS = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3))


def parse_number(text: str) -> float | RejectReason:
    """A finite float from text like ``-3.21``, ``4``, ``+1e1`` or ``-3,21``; else the reason.

    Only plain decimal notation is accepted: no thousands separators, no underscores.
    """
    t = text.strip()
    if _NUMBER_FULL(t) is None:  # (the hot path: one regex for a good number)
        return RejectReason.NOT_FINITE if _NOT_FINITE.fullmatch(t) else RejectReason.NOT_A_NUMBER
    value = float(t.replace(",", ".") if "," in t else t)
    if not math.isfinite(value):  # 1e999, or thousands of digits: a number, too large for a float
        return RejectReason.TOO_LARGE
    return value


def parse(
    key: bytes | None,
    value: bytes | None,
    ts: float,
    partition: int,
    offset: int,
    rules: ParseRules = DEFAULT_RULES,
) -> Reading | Rejection:
    """Turn one record into a `Reading` or a `Rejection`. Never raises."""
    if value is None:
        return Rejection(RejectReason.EMPTY, key, value, partition, offset, ts, "tombstone (null value)")
    if len(value) >= 5 and value[0] == 0:
        schema_id = int.from_bytes(value[1:5], "big")
        return Rejection(
            RejectReason.SCHEMA_REGISTRY,
            key,
            value,
            partition,
            offset,
            ts,
            f"Confluent Schema Registry framing (magic byte 0, schema id {schema_id}): an Avro, Protobuf or"
            " JSON Schema record, not a plain reading",
        )
    try:
        text = value.decode("utf-8").lstrip("\ufeff").strip()
    except UnicodeDecodeError:
        return Rejection(RejectReason.NOT_UTF8, key, value, partition, offset, ts, "value is not UTF-8 text")
    if not text:
        return Rejection(RejectReason.EMPTY, key, value, partition, offset, ts, "empty value")

    sensor: str | None = None
    when = ts
    if text[0] in "{[":
        try:
            doc = _json_decode(text)
        except (ValueError, RecursionError):
            return Rejection(
                RejectReason.BAD_JSON, key, value, partition, offset, ts, "looks like JSON but does not parse"
            )
        if not isinstance(doc, dict):
            return Rejection(RejectReason.MISSING_FIELD, key, value, partition, offset, ts, "JSON array, not an object")
        raw_temp = _first(doc, rules.temp_fields)
        if raw_temp is None:
            fields = ", ".join(rules.temp_fields)
            return Rejection(
                RejectReason.MISSING_FIELD, key, value, partition, offset, ts, f"JSON object has none of: {fields}"
            )
        number = _json_number(raw_temp)
        raw_sensor = _first(doc, rules.sensor_fields)
        if raw_sensor is not None:
            sensor = _stringify(raw_sensor)
        raw_time = _first(doc, rules.time_fields)
        if raw_time is not None:
            when = _json_time(raw_time, ts)
    elif text[0] == '"':
        try:
            inner = _json_decode(text)
        except ValueError:
            return Rejection(RejectReason.NOT_A_NUMBER, key, value, partition, offset, ts, "not a number")
        number = parse_number(inner) if isinstance(inner, str) else RejectReason.NOT_A_NUMBER
    else:
        number = parse_number(text)

    if isinstance(number, RejectReason):
        return Rejection(number, key, value, partition, offset, ts, _DETAILS.get(number, "not a number"))
    if not rules.sanity_min <= number <= rules.sanity_max:
        return Rejection(
            RejectReason.OUT_OF_SANITY,
            key,
            value,
            partition,
            offset,
            ts,
            f"{number:g} °C is outside {rules.sanity_min:g}..{rules.sanity_max:g} °C",
        )
    if sensor is None and key:
        sensor = key.decode("utf-8", errors="backslashreplace").strip()
    if not sensor:
        return Rejection(RejectReason.NO_SENSOR, key, value, partition, offset, ts, "no sensor field and no record key")
    return Reading(sensor, number, when, partition, offset)


_DETAILS = {
    RejectReason.NOT_FINITE: "NaN or infinity",
    RejectReason.TOO_LARGE: "a number too large to be a temperature (beyond a float's range)",
}


def _lookup(doc: dict[str, object], path: str) -> object | None:
    """`doc[path]`, or the dotted walk `doc[a][b][c]` for ``a.b.c``; None when absent."""
    if path in doc:
        return doc[path]
    if "." not in path:
        return None
    node: object = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _first(doc: dict[str, object], paths: tuple[str, ...]) -> object | None:
    """The first of `paths` present with a non-null value."""
    for path in paths:
        found = _lookup(doc, path)
        if found is not None:
            return found
    return None


def _json_number(raw: object) -> float | RejectReason:
    if isinstance(raw, bool):  # bool is an int subclass; true is not 1 °C
        return RejectReason.NOT_A_NUMBER
    if isinstance(raw, _Constant):
        return RejectReason.NOT_FINITE
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # an integer with hundreds of digits
            return RejectReason.TOO_LARGE
        return number if math.isfinite(number) else RejectReason.TOO_LARGE
    if isinstance(raw, str):
        return parse_number(raw)
    return RejectReason.NOT_A_NUMBER


def _stringify(raw: object) -> str:
    if isinstance(raw, str):
        return raw.strip()
    return json.dumps(raw, separators=(",", ":"))


def _json_time(raw: object, fallback: float) -> float:
    """Epoch seconds from an ISO 8601 string (naive means UTC) or an epoch number.

    Epoch numbers above 1e11 are milliseconds (above 1e14 µs, above 1e17 ns). Anything
    unreadable falls back to the record timestamp: a bad clock field is no reason to drop
    a good temperature.
    """
    number: float | None = None
    if isinstance(raw, bool):
        return fallback
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:
            return fallback
    elif isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            parsed = parse_number(raw)
            if isinstance(parsed, RejectReason):
                return fallback
            number = parsed
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            try:
                return moment.timestamp()
            except (OverflowError, ValueError):
                return fallback
    if number is None or not math.isfinite(number) or number < 0:
        return fallback
    for above, divisor in _EPOCH_DIVISORS:
        if number > above:
            return number / divisor
    return number


@dataclass(frozen=True, slots=True)
class RejectSummary:
    """An immutable copy of a `RejectCounter`, safe to hand to the UI thread."""

    total: int
    counts: tuple[tuple[RejectReason, int], ...]  # only reasons seen, most frequent first
    recent: tuple[Rejection, ...]  # newest first


class RejectCounter:
    """Counts rejections by reason and keeps the last `keep` of them. Owned by one thread."""

    def __init__(self, keep: int = 50) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self._counts: dict[RejectReason, int] = {}
        self._recent: deque[Rejection] = deque(maxlen=keep)
        self.total = 0

    def add(self, rejection: Rejection) -> None:
        self._counts[rejection.reason] = self._counts.get(rejection.reason, 0) + 1
        self._recent.append(rejection)
        self.total += 1

    def count(self, reason: RejectReason) -> int:
        return self._counts.get(reason, 0)

    def recent(self) -> list[Rejection]:
        """The kept rejections, newest first."""
        return list(reversed(self._recent))

    def clear(self) -> None:
        self._counts.clear()
        self._recent.clear()
        self.total = 0

    def snapshot(self) -> RejectSummary:
        order = sorted(self._counts.items(), key=lambda item: (-item[1], item[0].value))
        return RejectSummary(self.total, tuple(order), tuple(reversed(self._recent)))


def utc_iso(ts: float) -> str:
    """Epoch seconds as ``2026-11-21T07:27:00.123Z`` (for logs and tables)."""
    try:
        moment = datetime.fromtimestamp(ts, UTC)
    except (OverflowError, OSError, ValueError):
        return repr(ts)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_decoded(
    key: bytes | None,
    doc: object,
    ts: float,
    partition: int,
    offset: int,
    rules: ParseRules = DEFAULT_RULES,
    raw_value: bytes | None = None,
) -> Reading | Rejection:
    """The rules applied to an already-decoded value (an Avro / JSON Schema / Protobuf record as
    Python objects): a dict is read like a JSON object, a number or a numeric string as itself.
    ``raw_value`` (the record's bytes) is what a rejection keeps. Never raises."""
    sensor: str | None = None
    when = ts
    if isinstance(doc, dict):
        raw_temp = _first(doc, rules.temp_fields)
        if raw_temp is None:
            fields = ", ".join(rules.temp_fields)
            return Rejection(
                RejectReason.MISSING_FIELD,
                key,
                raw_value,
                partition,
                offset,
                ts,
                f"decoded record has none of: {fields}",
            )
        number = _json_number(raw_temp)
        raw_sensor = _first(doc, rules.sensor_fields)
        if raw_sensor is not None:
            sensor = _stringify(raw_sensor)
        raw_time = _first(doc, rules.time_fields)
        if raw_time is not None:
            when = _json_time(raw_time, ts)
    elif doc is None:
        return Rejection(RejectReason.EMPTY, key, raw_value, partition, offset, ts, "decoded record is null")
    else:
        number = _json_number(doc)
    if isinstance(number, RejectReason):
        return Rejection(number, key, raw_value, partition, offset, ts, _DETAILS.get(number, "not a number"))
    if not rules.sanity_min <= number <= rules.sanity_max:
        return Rejection(
            RejectReason.OUT_OF_SANITY,
            key,
            raw_value,
            partition,
            offset,
            ts,
            f"{number:g} °C is outside {rules.sanity_min:g}..{rules.sanity_max:g} °C",
        )
    if sensor is None and key:
        sensor = key.decode("utf-8", errors="backslashreplace").strip()
    if not sensor:
        return Rejection(
            RejectReason.NO_SENSOR, key, raw_value, partition, offset, ts, "no sensor field and no record key"
        )
    return Reading(sensor, number, when, partition, offset)
