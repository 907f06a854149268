from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.readings import (
    ParseRules,
    Reading,
    RejectCounter,
    Rejection,
    RejectReason,
    escape_raw,
    parse,
    parse_number,
    utc_iso,
)

TS = 1_700_000_000.0


def ok(value: bytes | None, key: bytes | None = b"sensor0", rules: ParseRules | None = None) -> Reading:
    result = parse(key, value, TS, 2, 41, rules or ParseRules())
    assert isinstance(result, Reading), result
    return result


def rejected(value: bytes | None, key: bytes | None = b"sensor0", rules: ParseRules | None = None) -> Rejection:
    result = parse(key, value, TS, 2, 41, rules or ParseRules())
    assert isinstance(result, Rejection), result
    return result


def test_seed_plain_value_becomes_a_reading_with_sensor_from_key() -> None:
    assert parse(b"sensor0", b"-3.21", TS, 2, 41) == Reading("sensor0", -3.21, TS, 2, 41)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"4", 4.0),
        (b"+1e1", 10.0),
        (b"  -3.21\n", -3.21),
        (b"-3,21", -3.21),
        (b".5", 0.5),
        (b"5.", 5.0),
        (b"-0", 0.0),
        (b"\xef\xbb\xbf-2.5", -2.5),  # UTF-8 byte order mark
        (b'"-3.21"', -3.21),  # a JSON string holding a number
    ],
)
def test_plain_numbers_accepted(raw: bytes, expected: float) -> None:
    assert ok(raw).celsius == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw",
    [b"abc", b"12abc", b"1,234.5", b"1_000", "٣".encode(), b"--1", b"1e", b"0x10", b'"warm"'],
)
def test_not_a_number(raw: bytes) -> None:
    assert rejected(raw).reason is RejectReason.NOT_A_NUMBER


@pytest.mark.parametrize(
    "raw",
    [b"nan", b"NaN", b"-inf", b"Infinity", b'{"temperature": NaN}'],
)
def test_not_finite(raw: bytes) -> None:
    assert rejected(raw).reason is RejectReason.NOT_FINITE


@pytest.mark.parametrize("raw", [b"1e999", b'{"temp": 1e400}', b"9" * 2_000_000, b'{"temp": ' + b"9" * 400 + b"}"])
def test_a_number_too_large_is_named_so_not_nan_or_infinity(raw: bytes) -> None:
    r = rejected(raw)
    assert r.reason is RejectReason.TOO_LARGE
    assert r.detail == "a number too large to be a temperature (beyond a float's range)"


@pytest.mark.parametrize(("schema_id", "payload"), [(42, b"\x02\x06abc"), (1, b""), (2**32 - 1, b"\xff\xfe")])
def test_schema_registry_framing_is_named_with_its_schema_id(schema_id: int, payload: bytes) -> None:
    r = rejected(b"\x00" + schema_id.to_bytes(4, "big") + payload)
    assert r.reason is RejectReason.SCHEMA_REGISTRY
    assert f"schema id {schema_id})" in r.detail and "Schema Registry" in r.detail


@pytest.mark.parametrize("raw", [None, b"", b"   \n"])
def test_empty_and_tombstone(raw: bytes | None) -> None:
    assert rejected(raw).reason is RejectReason.EMPTY


def test_not_utf8() -> None:
    r = rejected(b"\xff\xfe-3")
    assert r.reason is RejectReason.NOT_UTF8
    assert r.raw_value == b"\xff\xfe-3"


def test_sanity_range_is_inclusive_and_configurable() -> None:
    assert ok(b"150").celsius == 150.0
    assert ok(b"-100").celsius == -100.0
    assert rejected(b"150.01").reason is RejectReason.OUT_OF_SANITY
    assert rejected(b"-273.15").reason is RejectReason.OUT_OF_SANITY
    narrow = ParseRules(sanity_min=-40.0, sanity_max=10.0)
    assert rejected(b"12", rules=narrow).reason is RejectReason.OUT_OF_SANITY


def test_parse_rules_validate_the_sanity_range() -> None:
    with pytest.raises(ValueError, match="lower"):
        ParseRules(sanity_min=5.0, sanity_max=5.0)


@pytest.mark.parametrize("key", [None, b"", b"   "])
def test_plain_value_without_key_has_no_sensor(key: bytes | None) -> None:
    assert rejected(b"-3.2", key=key).reason is RejectReason.NO_SENSOR


def test_rejection_keeps_the_raw_record_for_the_ui() -> None:
    r = rejected(b"warm", key=b"sensor9")
    assert (r.raw_key, r.raw_value, r.partition, r.offset, r.ts) == (b"sensor9", b"warm", 2, 41, TS)
    assert r.detail


def test_json_like_the_simulator_sends() -> None:
    raw = json.dumps({"sensor": "sensor1", "temperature": -3.2, "ts": 1700000100.5}).encode()
    assert ok(raw, key=b"ignored") == Reading("sensor1", -3.2, 1700000100.5, 2, 41)


def test_json_field_order_and_null_fields() -> None:
    assert ok(b'{"temp": 1.5}').celsius == 1.5
    assert ok(b'{"temperatura": "-3,5"}').celsius == -3.5
    assert ok(b'{"temperature": null, "value": 2}').celsius == 2.0
    assert ok(b'{"level": 3, "temperature": 4}').celsius == 4.0  # rule order, not doc order


def test_json_dotted_paths() -> None:
    rules = ParseRules(temp_fields=("payload.reading.c",), sensor_fields=("meta.id",))
    r = ok(b'{"payload": {"reading": {"c": -18.25}}, "meta": {"id": "freezer-7"}}', rules=rules)
    assert (r.sensor, r.celsius) == ("freezer-7", -18.25)
    literal = ParseRules(temp_fields=("a.b",))
    assert ok(b'{"a.b": 7}', rules=literal).celsius == 7.0


@pytest.mark.parametrize("raw", [b'{"temperature": true}', b'{"temp": [1]}', b'{"temp": {"c": 1}}'])
def test_json_temperature_must_be_a_number(raw: bytes) -> None:
    assert rejected(raw).reason is RejectReason.NOT_A_NUMBER


@pytest.mark.parametrize("raw", [b'{"humidity": 40}', b"[1.5, 2]", b"{}"])
def test_json_without_temperature_field(raw: bytes) -> None:
    assert rejected(raw).reason is RejectReason.MISSING_FIELD


@pytest.mark.parametrize("raw", [b"{not json", b"[1,", b'{"temp": 1', b"[" * 100_000])
def test_bad_json(raw: bytes) -> None:
    assert rejected(raw).reason is RejectReason.BAD_JSON


def test_json_sensor_is_stringified_and_falls_back_to_key() -> None:
    assert ok(b'{"id": 7, "temp": 1}').sensor == "7"
    assert ok(b'{"temp": 1}', key=b"sensor2").sensor == "sensor2"
    assert rejected(b'{"temp": 1}', key=None).reason is RejectReason.NO_SENSOR


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ('"2024-01-01T00:00:00Z"', 1704067200.0),
        ('"2024-01-01T00:00:00"', 1704067200.0),  # naive means UTC
        ('"2024-01-01T01:00:00+01:00"', 1704067200.0),
        ("1704067200", 1704067200.0),
        ("1704067200123", 1704067200.123),  # milliseconds
        ('"1704067200"', 1704067200.0),
        ('"yesterday"', TS),  # unreadable: the record timestamp
        ("true", TS),
        ("-5", TS),
    ],
)
def test_json_time_field(when: str, expected: float) -> None:
    raw = f'{{"temperature": 1, "ts": {when}}}'.encode()
    assert ok(raw).ts == pytest.approx(expected)


def test_parse_number_reasons() -> None:
    assert parse_number(" 2,5 ") == 2.5
    assert parse_number("inf") is RejectReason.NOT_FINITE
    assert parse_number("") is RejectReason.NOT_A_NUMBER


@given(key=st.none() | st.binary(max_size=20), value=st.none() | st.binary(max_size=200))
def test_parse_never_raises_on_arbitrary_bytes(key: bytes | None, value: bytes | None) -> None:
    result = parse(key, value, TS, 0, 0)
    if isinstance(result, Reading):
        assert math.isfinite(result.celsius)
        assert -100.0 <= result.celsius <= 150.0
        assert result.sensor
    else:
        assert isinstance(result.reason, RejectReason)


_json = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


_fields = st.sampled_from(["temperature", "temp", "sensor", "ts", "x"])


@given(doc=st.dictionaries(_fields, _json, max_size=5))
def test_parse_never_raises_on_arbitrary_json_objects(doc: dict[str, object]) -> None:
    result = parse(b"k", json.dumps(doc).encode(), TS, 0, 0)
    assert isinstance(result, Reading | Rejection)


def test_escape_raw_shows_text_and_escapes_the_rest() -> None:
    assert escape_raw(None) == "(null)"
    assert escape_raw(b"") == ""
    assert escape_raw(b"-3.21") == "-3.21"
    assert escape_raw("temperatura ótima".encode()) == "temperatura ótima"
    assert escape_raw(b"a\nb\tc") == "a\\nb\\tc"
    assert escape_raw(b"\xff\x00\x7f") == "\\xff\\x00\\x7f"
    assert escape_raw(b"C:\\x") == "C:\\\\x"  # a real backslash cannot pass for an escape


def test_escape_raw_truncates_at_whole_escapes() -> None:
    assert escape_raw(b"x" * 10, limit=10) == "x" * 10
    assert escape_raw(b"x" * 200, limit=10) == "x" * 9 + "…"
    assert escape_raw(b"\xff" * 10, limit=10) == "\\xff\\xff…"
    assert len(escape_raw(b"x" * 10_000_000)) == 120


@given(raw=st.binary(max_size=600), limit=st.integers(min_value=1, max_value=200))
def test_escape_raw_is_one_printable_line_within_limit(raw: bytes, limit: int) -> None:
    shown = escape_raw(raw, limit)
    assert len(shown) <= limit
    assert shown.isprintable()


def _rej(reason: RejectReason, offset: int) -> Rejection:
    return Rejection(reason, None, b"x", 0, offset, TS)


def test_reject_counter_counts_and_keeps_the_newest() -> None:
    counter = RejectCounter(keep=2)
    counter.add(_rej(RejectReason.NOT_A_NUMBER, 1))
    counter.add(_rej(RejectReason.EMPTY, 2))
    counter.add(_rej(RejectReason.NOT_A_NUMBER, 3))
    assert counter.total == 3
    assert counter.count(RejectReason.NOT_A_NUMBER) == 2
    assert counter.count(RejectReason.BAD_JSON) == 0
    assert [r.offset for r in counter.recent()] == [3, 2]
    snap = counter.snapshot()
    assert snap.counts == ((RejectReason.NOT_A_NUMBER, 2), (RejectReason.EMPTY, 1))
    assert [r.offset for r in snap.recent] == [3, 2]
    counter.clear()
    assert (counter.total, counter.recent(), snap.total) == (0, [], 3)


def test_utc_iso() -> None:
    assert utc_iso(1704067200.5) == "2024-01-01T00:00:00.500Z"
    assert utc_iso(1e300) == "1e+300"
