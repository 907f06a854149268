"""Kafka record bytes -> a temperature `Reading`, or a `Rejection` that says why not.

Accepted values:

- a plain number, as the seed producer sends it: ``-3.21``, ``4``, ``+1e1``, and the
  Portuguese comma decimal ``-3,21``; the sensor name comes from the record key;
- a JSON object with a temperature field (``{"sensor": "sensor0", "temperature": -3.2}``);
  field names come from `ParseRules` and may be paths into nested objects and arrays
  (``payload.temp``, ``samples.0.v``: see `kafkatui.domain.fields`);
- a JSON string holding a number (``"-3.21"``);
- a value already decoded elsewhere (an Avro / JSON Schema / Protobuf record as dicts and lists,
  a number, a string): `parse_decoded`, with the same rules.

Units: a number may carry a suffix, ``°C``, ``C``, ``°F``, ``F`` or ``K`` (a space before it or
not; ``º``, the ordinal sign often typed for the degree, counts as one); a bare number is in
`ParseRules.unit` (°C unless set). Every `Reading` is in °C; one converted from another unit
keeps what was read in `Reading.original` (``"-4 °F"``, ``"253.15 K"``) so the pane can show the conversion. The
sanity range applies in °C.

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
from dataclasses import field as _field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from kafkatui.domain.fields import FieldPath, compile_path, numeric_fields, walk
from kafkatui.domain.text import escape_raw

__all__ = [
    "DEFAULT_RULES",
    "PICKED_FIELD",
    "VALUE_SETTING",
    "ParseRules",
    "Reading",
    "RejectCounter",
    "RejectReason",
    "RejectSummary",
    "Rejection",
    "decode_json",
    "escape_raw",
    "parse",
    "parse_decoded",
    "parse_number",
    "reads_as_number",
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
    UNKNOWN_UNIT = "unknown_unit"  # a number with a suffix that is no temperature unit (-3.2X)
    # Schema Registry decoding (a registry is set): why a framed record was not decoded
    SCHEMA_PENDING = "schema_pending"  # its schema is being fetched (the record is kept and retried)
    SCHEMA_UNKNOWN = "schema_unknown"  # the registry has no schema with that id
    REGISTRY_UNREACHABLE = "registry_unreachable"  # no answer: refused, timed out, DNS
    REGISTRY_REFUSED = "registry_refused"  # HTTP 401/403: the registry refused the credentials
    REGISTRY_ERROR = "registry_error"  # any other registry answer (HTTP 5xx, a schema it cannot give)
    UNDECODABLE = "undecodable"  # the bytes do not decode with the record's schema


class Reading(NamedTuple):
    """One temperature read from a record. Immutable; a named tuple, not a frozen dataclass: one
    is made per record, hundreds of thousands a second, and a frozen dataclass costs twice the time."""

    sensor: str
    celsius: float
    ts: float  # epoch seconds: the JSON time field when present, else the record timestamp
    partition: int
    offset: int
    original: str = ""  # what was read when it was not °C already ("-4 °F"), else empty


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: RejectReason
    raw_key: bytes | None
    raw_value: bytes | None
    partition: int
    offset: int
    ts: float
    detail: str = ""  # one human sentence for the "last rejected messages" view


DEFAULT_TEMP_FIELDS = ("temperature", "temp", "temperatura", "value", "level")
DEFAULT_SENSOR_FIELDS = ("sensor", "sensor_id", "id", "device")
DEFAULT_TIME_FIELDS = ("ts", "timestamp", "time")
UNITS = ("C", "F", "K")


VALUE_SETTING = "--value-field (KAFKATUI_VALUE_FIELD)"
PICKED_FIELD = "field picked with p"  # only ever after "the"


@dataclass(frozen=True, slots=True)
class ParseRules:
    """Where a record's temperature, sensor and time are, and the unit of a bare number.

    Each field list is tried in order (the first present wins); an entry is a path
    (`kafkatui.domain.fields`), compiled once here. `ValueError` for a bad path or range.
    """

    temp_fields: tuple[str, ...] = DEFAULT_TEMP_FIELDS
    sensor_fields: tuple[str, ...] = DEFAULT_SENSOR_FIELDS
    time_fields: tuple[str, ...] = DEFAULT_TIME_FIELDS
    sanity_min: float = -100.0
    sanity_max: float = 150.0
    unit: str = "C"  # of a bare number: C, F or K
    value_source: str = VALUE_SETTING  # what named temp_fields, for reject reasons
    temp_paths: tuple[FieldPath, ...] = _field(init=False, repr=False, compare=False)
    sensor_paths: tuple[FieldPath, ...] = _field(init=False, repr=False, compare=False)
    time_paths: tuple[FieldPath, ...] = _field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sanity_min) and math.isfinite(self.sanity_max)):
            raise ValueError("the sanity range must be finite numbers")
        if self.sanity_min >= self.sanity_max:
            raise ValueError("the sanity minimum must be lower than the sanity maximum")
        if not self.temp_fields:
            raise ValueError("at least one temperature field name is needed")
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r}: must be C, F or K")
        object.__setattr__(self, "temp_paths", tuple(compile_path(f) for f in self.temp_fields))
        object.__setattr__(self, "sensor_paths", tuple(compile_path(f) for f in self.sensor_fields))
        object.__setattr__(self, "time_paths", tuple(compile_path(f) for f in self.time_fields))

    @classmethod
    def mapped(
        cls,
        value_field: str | None = None,
        sensor_field: str | None = None,
        time_field: str | None = None,
        unit: str = "C",
    ) -> ParseRules:
        """The rules for the settings: a field given replaces its built-in list."""
        return cls(
            temp_fields=(value_field,) if value_field else DEFAULT_TEMP_FIELDS,
            sensor_fields=(sensor_field,) if sensor_field else DEFAULT_SENSOR_FIELDS,
            time_fields=(time_field,) if time_field else DEFAULT_TIME_FIELDS,
            unit=unit,
        )

    @property
    def value_mapped(self) -> bool:
        """The temperature field was named (not the built-in list)."""
        return self.temp_fields != DEFAULT_TEMP_FIELDS


DEFAULT_RULES = ParseRules()

# Digits are spelled [0-9]: `\d` and float() also accept other scripts' digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_NUMBER_FULL = _NUMBER.fullmatch


class _Constant(str):
    """JSON's NaN / Infinity / -Infinity as spelled (so 1e400, a number too large, is told apart)."""


# json.loads without its argument checks (text is str)
_json_decode = json.JSONDecoder(parse_constant=_Constant).decode
_json_scan = json.JSONDecoder(parse_constant=_Constant).scan_once  # type: ignore[attr-defined]  # the C scanner
_JSON_START = frozenset(b'{["')


def _json_document(text: str) -> object:
    """`_json_decode(text)` for stripped text, without its Python wrapper (hundreds of thousands a
    second); ValueError when it is not one JSON document."""
    try:
        doc, end = _json_scan(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("extra data after the JSON document")
    return doc


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
    if key and value and value[0] not in _JSON_START and rules.unit == "C" and b"_" not in value:
        # the hot path (the seed's records, hundreds of thousands a second): a bare number in °C
        # with a sensor key, read by float() straight from the bytes. float() takes exactly what
        # the slow path takes (ASCII digits, one sign, `.`, an exponent, whitespace around) plus
        # `_` (kept out above), nan and inf (outside any sanity range): whatever else it reads,
        # or refuses, goes the long way below
        try:
            celsius = float(value)
        except ValueError:
            pass
        else:
            if rules.sanity_min <= celsius <= rules.sanity_max:
                sensor = key.decode("utf-8", "backslashreplace").strip()  # (positional: faster)
                if sensor:
                    return Reading(sensor, celsius, ts, partition, offset)
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

    if text[0] in "{[":
        try:
            doc = _json_document(text)
        except (ValueError, RecursionError):
            return Rejection(
                RejectReason.BAD_JSON, key, value, partition, offset, ts, "looks like JSON but does not parse"
            )
        return _from_doc(key, doc, ts, partition, offset, rules, value, "JSON ")
    if text[0] == '"':
        try:
            inner = _json_decode(text)
        except ValueError:
            return Rejection(RejectReason.NOT_A_NUMBER, key, value, partition, offset, ts, "not a number")
        if not isinstance(inner, str):
            return Rejection(RejectReason.NOT_A_NUMBER, key, value, partition, offset, ts, "not a number")
        text = inner
    number = parse_number(text)
    if isinstance(number, float) and rules.unit == "C" and rules.sanity_min <= number <= rules.sanity_max and key:
        # a bare number in °C with a sensor key that float() alone did not read (-3,21, a BOM)
        sensor = key.decode("utf-8", errors="backslashreplace").strip()
        if sensor:
            return Reading(sensor, number, ts, partition, offset)
    original = ""
    if number is RejectReason.NOT_A_NUMBER:
        number, original = _suffixed(text)
    elif rules.unit != "C" and not isinstance(number, RejectReason):
        original = _shown(number, rules.unit)
        number = _to_celsius(number, rules.unit)
    return _finish(key, value, ts, partition, offset, rules, number, original, None, ts)


def decode_json(value: bytes | None) -> object | None:
    """A record value's JSON object or array (for the field picker's sample); None for anything else."""
    if not value or value[0] == 0:
        return None
    try:
        text = value.decode("utf-8").lstrip("\ufeff").strip()
        if not text or text[0] not in "{[":
            return None
        doc: object = _json_decode(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return doc


def parse_decoded(
    key: bytes | None,
    doc: object,
    ts: float,
    partition: int,
    offset: int,
    rules: ParseRules = DEFAULT_RULES,
    raw_value: bytes | None = None,
) -> Reading | Rejection:
    """`parse` for a value already decoded (Avro / JSON Schema / Protobuf as dicts and lists, a
    number, a string with or without a unit). `raw_value` is what the record held, kept in a
    `Rejection` for the `x` view. Never raises."""
    return _from_doc(key, doc, ts, partition, offset, rules, raw_value, "")


def _from_doc(
    key: bytes | None,
    doc: object,
    ts: float,
    partition: int,
    offset: int,
    rules: ParseRules,
    raw: bytes | None,
    json_: str,  # "JSON " when the doc was JSON text, else "" (a decoded record)
) -> Reading | Rejection:
    original = ""
    sensor: str | None = None
    when = ts
    if doc.__class__ is dict or isinstance(doc, dict | list | tuple):
        raw_temp = _first(doc, rules.temp_paths)
        if raw_temp is None:
            return Rejection(RejectReason.MISSING_FIELD, key, raw, partition, offset, ts, _missing(doc, rules, json_))
        number, original = _field_number(raw_temp, rules.unit)
        raw_sensor = _first(doc, rules.sensor_paths)
        if raw_sensor is not None:
            sensor = _stringify(raw_sensor)
        raw_time = _first(doc, rules.time_paths)
        if raw_time is not None:
            when = _json_time(raw_time, ts)
    elif doc is None:
        return Rejection(RejectReason.EMPTY, key, raw, partition, offset, ts, "null value")
    else:
        number, original = _field_number(doc, rules.unit)
    return _finish(key, raw, ts, partition, offset, rules, number, original, sensor, when)


def _finish(
    key: bytes | None,
    raw: bytes | None,
    ts: float,
    partition: int,
    offset: int,
    rules: ParseRules,
    number: float | RejectReason,
    original: str,  # what was read (or, with a reason, the sentence saying why not)
    sensor: str | None,
    when: float,
) -> Reading | Rejection:
    if isinstance(number, RejectReason):
        detail = original or _DETAILS.get(number, "not a number")
        return Rejection(number, key, raw, partition, offset, ts, detail)
    if not rules.sanity_min <= number <= rules.sanity_max:
        read = f" (read {original})" if original else ""
        return Rejection(
            RejectReason.OUT_OF_SANITY,
            key,
            raw,
            partition,
            offset,
            ts,
            f"{number:g} °C{read} is outside {rules.sanity_min:g}..{rules.sanity_max:g} °C",
        )
    if sensor is None and key:
        sensor = key.decode("utf-8", errors="backslashreplace").strip()
    if not sensor:
        return Rejection(RejectReason.NO_SENSOR, key, raw, partition, offset, ts, "no sensor field and no record key")
    if original:
        return Reading(sensor, number, when, partition, offset, original)
    return Reading(sensor, number, when, partition, offset)


_DETAILS = {
    RejectReason.NOT_FINITE: "NaN or infinity",
    RejectReason.TOO_LARGE: "a number too large to be a temperature (beyond a float's range)",
}


def _missing(doc: dict[str, object] | list[object] | tuple[object, ...], rules: ParseRules, json_: str) -> str:
    """Why no temperature was found, naming the setting that would read one and the numbers there."""
    numbers = numeric_fields(doc, text=reads_as_number)
    hint = f"; numbers in it: {', '.join(path for path, _ in numbers)}" if numbers else ""
    fields = ", ".join(rules.temp_fields)
    if not isinstance(doc, dict):
        what = f"{json_}array" if json_ else "array"
        if not rules.value_mapped:
            return f"{what}, not an object; set {rules.value_source} to a path into it, like 0{hint}"
        return f"{what} has nothing at {fields}, the {rules.value_source}{hint}"
    what = f"{json_}object" if json_ else "record"
    if not rules.value_mapped:
        return f"{what} has none of: {fields}; set {rules.value_source} to the field that holds it{hint}"
    return f"{what} has no field {fields}, the {rules.value_source}{hint}"


def _first(doc: object, paths: tuple[FieldPath, ...]) -> object | None:
    """The value of the first of `paths` present with a non-null value."""
    if isinstance(doc, dict):
        get = doc.get
        for path in paths:
            found: object = get(path.text)  # `lookup`'s first step, inline: most fields are plain names
            if found is not None:
                return found
            if not path.simple:
                found = walk(doc, path.steps)
                if found is not None:
                    return found
        return None
    for path in paths:
        found = walk(doc, path.steps)
        if found is not None:
            return found
    return None


# A number with a suffix: the unit letters, a degree sign (° or the ordinal º typed for it) or both.
_SUFFIXED = re.compile(r"([+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?)\s*([°º]?)\s*([A-Za-z]*)")
_UNIT_NAMES = {"c": "C", "f": "F", "k": "K"}


def _suffixed(text: str) -> tuple[float | RejectReason, str]:
    """A number with a unit (``-3.2C``, ``-3.2 °F``, ``250K``) in °C and what was read; or the
    reason with its sentence (an unknown unit), or NOT_A_NUMBER with an empty sentence."""
    found = _SUFFIXED.fullmatch(text.strip())
    if found is None:
        return RejectReason.NOT_A_NUMBER, ""
    digits, degree, letters = found.groups()
    unit = _UNIT_NAMES.get(letters.lower()) if len(letters) == 1 else None
    if unit is None:
        # one letter that is not an exponent's e, or a degree sign: meant as a unit
        if degree or (len(letters) == 1 and letters not in "eE"):
            return (
                RejectReason.UNKNOWN_UNIT,
                f"unknown unit {degree + letters!r} after {digits}: kafkatui reads °C, C, °F, F and K",
            )
        return RejectReason.NOT_A_NUMBER, ""
    number = parse_number(digits)
    if isinstance(number, RejectReason):
        return number, ""
    if unit == "C":
        return number, ""
    return _to_celsius(number, unit), _shown(number, unit)


def _shown(value: float, unit: str) -> str:
    """What was read, as a person writes it: ``-4 °F``, ``253.15 K`` (kelvin takes no degree)."""
    return f"{value:g} K" if unit == "K" else f"{value:g} °{unit}"


def reads_as_number(text: str) -> bool:
    """True for text a reading can be made of: ``-3.2``, ``-3,2``, ``-4 °F``, ``253.15K``."""
    return isinstance(parse_number(text), float) or isinstance(_suffixed(text)[0], float)


def _to_celsius(value: float, unit: str) -> float:
    celsius = (value - 32.0) * 5.0 / 9.0 if unit == "F" else value - 273.15
    return round(celsius, 9)  # -4 °F is -20 °C, not -20.000000000000004


def _field_number(raw: object, unit: str) -> tuple[float | RejectReason, str]:
    """A field's value in °C and what was read (empty when it was °C already)."""
    if raw.__class__ is float and unit == "C" and math.isfinite(raw):  # the hot path: a JSON number
        return raw, ""  # type: ignore[return-value]
    if isinstance(raw, bool):  # bool is an int subclass; true is not 1 °C
        return RejectReason.NOT_A_NUMBER, ""
    if isinstance(raw, _Constant):
        return RejectReason.NOT_FINITE, ""
    if isinstance(raw, int | float | Decimal):
        try:
            number = float(raw)
        except OverflowError:  # an integer with hundreds of digits
            return RejectReason.TOO_LARGE, ""
        except ValueError:  # Decimal("sNaN")
            return RejectReason.NOT_FINITE, ""
        if not math.isfinite(number):  # JSON's 1e400 is inf: a number too large; NaN is NaN
            return (RejectReason.NOT_FINITE if math.isnan(number) else RejectReason.TOO_LARGE), ""
        if unit == "C":
            return number, ""
        return _to_celsius(number, unit), _shown(number, unit)
    if isinstance(raw, str):
        read = parse_number(raw)
        if read is RejectReason.NOT_A_NUMBER:
            return _suffixed(raw)
        if unit == "C" or isinstance(read, RejectReason):
            return read, ""
        return _to_celsius(read, unit), _shown(read, unit)
    return RejectReason.NOT_A_NUMBER, ""


def _stringify(raw: object) -> str:
    if isinstance(raw, str):
        return raw.strip()
    try:
        return json.dumps(raw, separators=(",", ":"))
    except (TypeError, ValueError):  # bytes, a datetime: what a decoded record may hold
        return str(raw)


def _json_time(raw: object, fallback: float) -> float:
    """Epoch seconds from an ISO 8601 string (naive means UTC) or an epoch number.

    Epoch numbers above 1e11 are milliseconds (above 1e14 µs, above 1e17 ns). Anything
    unreadable falls back to the record timestamp: a bad clock field is no reason to drop
    a good temperature.
    """
    number: float | None = None
    if raw.__class__ is float and 0.0 <= raw <= _EPOCH_DIVISORS[-1][0]:  # type: ignore[operator]
        return raw  # type: ignore[return-value]  # the hot path: epoch seconds as a JSON number
    if isinstance(raw, bool):
        return fallback
    if isinstance(raw, datetime):  # a decoded record's timestamp (Avro timestamp-millis)
        moment = raw if raw.tzinfo is not None else raw.replace(tzinfo=UTC)
        try:
            return moment.timestamp()
        except (OverflowError, ValueError, OSError):
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
