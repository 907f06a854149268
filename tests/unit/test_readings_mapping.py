"""Field mapping, units and already-decoded values (`parse_decoded`)."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.readings import (
    DEFAULT_RULES,
    PICKED_FIELD,
    ParseRules,
    Reading,
    Rejection,
    RejectReason,
    parse,
    parse_decoded,
)

TS = 1_700_000_000.0


def read(value: bytes, rules: ParseRules = DEFAULT_RULES, key: bytes | None = b"sensor0") -> Reading:
    result = parse(key, value, TS, 1, 9, rules)
    assert isinstance(result, Reading), result
    return result


def refused(value: bytes, rules: ParseRules = DEFAULT_RULES) -> Rejection:
    result = parse(b"sensor0", value, TS, 1, 9, rules)
    assert isinstance(result, Rejection), result
    return result


# -- the mapping ------------------------------------------------------------------------------


def test_a_new_users_payload_reads_with_the_fields_named() -> None:
    raw = b'{"device":"freezer-7","temp_c":-19.5}'
    assert refused(raw).reason is RejectReason.MISSING_FIELD
    rules = ParseRules.mapped(value_field="temp_c", sensor_field="device")
    assert read(raw, rules, key=None) == Reading("freezer-7", -19.5, TS, 1, 9)


def test_nested_paths_and_array_indexes() -> None:
    rules = ParseRules.mapped("samples.0.v", "meta.id", "meta.at")
    raw = b'{"meta": {"id": "f1", "at": "2024-01-01T00:00:00Z"}, "samples": [{"v": -18.25}, {"v": 0}]}'
    assert read(raw, rules) == Reading("f1", -18.25, 1704067200.0, 1, 9)


def test_a_mapped_field_replaces_the_built_in_list_and_the_others_keep_theirs() -> None:
    rules = ParseRules.mapped(value_field="temp_c")
    assert refused(b'{"temperature": 1}', rules).reason is RejectReason.MISSING_FIELD
    r = read(b'{"temp_c": 1, "sensor": "s9", "ts": 1704067200}', rules)
    assert (r.sensor, r.ts) == ("s9", 1704067200.0)


def test_a_mapped_sensor_field_absent_falls_back_to_the_key() -> None:
    assert read(b'{"temp": 1}', ParseRules.mapped(sensor_field="device"), key=b"k1").sensor == "k1"


def test_the_reason_names_the_setting_and_the_numbers_there() -> None:
    detail = refused(b'{"device": "freezer-7", "temp_c": -19.5, "hum": 40, "n": {"x": 1}, "y": 2}').detail
    assert detail == (
        "JSON object has none of: temperature, temp, temperatura, value, level; set --value-field"
        " (KAFKATUI_VALUE_FIELD) to the field that holds it; numbers in it: temp_c, hum, n.x"
    )
    mapped = refused(b'{"temp_c": "x"}', ParseRules.mapped("readings.celsius")).detail
    assert mapped == "JSON object has no field readings.celsius, the --value-field (KAFKATUI_VALUE_FIELD)"
    picked = dataclasses.replace(ParseRules.mapped("readings.celsius"), value_source=PICKED_FIELD)
    assert (
        refused(b'{"temp_c": "x"}', picked).detail
        == "JSON object has no field readings.celsius, the field picked with p"
    )
    assert "numbers in it" not in refused(b'{"device": "x"}').detail
    assert refused(b'{"t": "-4 F", "device": "x"}').detail.endswith("; numbers in it: t")


def test_a_bad_path_in_the_rules_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="part 2 is empty"):
        ParseRules.mapped("a..b")
    with pytest.raises(ValueError, match="must be C, F or K"):
        ParseRules(unit="R")


# -- units ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "celsius", "original"),
    [
        (b"-3.2C", -3.2, ""),
        (b"-3.2 C", -3.2, ""),
        (b"-3.2\xc2\xb0C", -3.2, ""),  # -3.2°C
        (b"-3.2 \xc2\xb0C", -3.2, ""),
        (b"-3.2 \xc2\xbaC", -3.2, ""),  # º, the ordinal sign typed for a degree
        (b"-3,2c", -3.2, ""),
        (b"-4F", -20.0, "-4 °F"),
        (b"-4 \xc2\xb0F", -20.0, "-4 °F"),
        (b"253.15K", -20.0, "253.15 K"),
        (b"253.15 k", -20.0, "253.15 K"),
        (b'"-4 F"', -20.0, "-4 °F"),  # a JSON string
        (b'{"temp": "-4F"}', -20.0, "-4 °F"),
        (b'{"temp": "253.15 K"}', -20.0, "253.15 K"),
    ],
)
def test_unit_suffixes(raw: bytes, celsius: float, original: str) -> None:
    r = read(raw)
    assert r.celsius == pytest.approx(celsius)
    assert r.original == original


@pytest.mark.parametrize(
    ("raw", "unit", "celsius", "original"),
    [
        (b"-4", "F", -20.0, "-4 °F"),
        (b"253.15", "K", -20.0, "253.15 K"),
        (b'{"temp": 14}', "F", -10.0, "14 °F"),
        (b'{"temp": "14"}', "F", -10.0, "14 °F"),
        (b"-4C", "F", -4.0, ""),  # a suffix wins over the setting
        (b"-3.5", "C", -3.5, ""),
    ],
)
def test_the_unit_setting_applies_to_bare_numbers(raw: bytes, unit: str, celsius: float, original: str) -> None:
    r = read(raw, ParseRules.mapped(unit=unit))
    assert (r.celsius, r.original) == (pytest.approx(celsius), original)


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"-3.2X", "unknown unit 'X' after -3.2: kafkatui reads °C, C, °F, F and K"),
        (b"-3.2 \xc2\xb0R", "unknown unit '°R' after -3.2: kafkatui reads °C, C, °F, F and K"),
        (b"5\xc2\xb0", "unknown unit '°' after 5: kafkatui reads °C, C, °F, F and K"),
        (b'{"temp": "1 Z"}', "unknown unit 'Z' after 1: kafkatui reads °C, C, °F, F and K"),
    ],
)
def test_an_unknown_unit_is_a_counted_reject_with_its_reason(raw: bytes, detail: str) -> None:
    r = refused(raw)
    assert (r.reason, r.detail) == (RejectReason.UNKNOWN_UNIT, detail)


@pytest.mark.parametrize("raw", [b"12abc", b"1e", b"-3.2 deg", b"C", b"\xc2\xb0C", b"1 2C"])
def test_words_after_a_number_are_not_a_unit(raw: bytes) -> None:
    assert refused(raw).reason is RejectReason.NOT_A_NUMBER


def test_the_sanity_range_applies_in_celsius() -> None:
    assert read(b"-148F").celsius == pytest.approx(-100.0)  # the lowest sane reading, in °F
    r = refused(b"400F")
    assert r.reason is RejectReason.OUT_OF_SANITY
    assert r.detail == "204.444 °C (read 400 °F) is outside -100..150 °C"
    assert refused(b"0K").reason is RejectReason.OUT_OF_SANITY
    assert refused(b"1e999F").reason is RejectReason.TOO_LARGE


@given(celsius=st.floats(min_value=-100, max_value=150))
def test_each_unit_reads_back_the_same_temperature(celsius: float) -> None:
    fahrenheit = celsius * 9 / 5 + 32
    kelvin = celsius + 273.15
    for text in (f"{celsius!r}C", f"{fahrenheit!r} °F", f"{kelvin!r}K"):
        result = parse(b"s", text.encode(), TS, 0, 0)
        if isinstance(result, Rejection):  # an edge rounded just outside the range
            assert result.reason is RejectReason.OUT_OF_SANITY
            continue
        assert result.celsius == pytest.approx(celsius, abs=1e-6)


@given(text=st.text(alphabet="0123456789.,-+eE °ºCFKXcfk", max_size=12))
def test_suffixed_text_never_raises_and_stays_finite(text: str) -> None:
    result = parse(b"s", text.encode(), TS, 0, 0)
    if isinstance(result, Reading):
        assert math.isfinite(result.celsius) and -100 <= result.celsius <= 150


# -- already decoded ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "celsius"),
    [
        ({"temperature": -3.2}, -3.2),
        ({"temperature": Decimal("-3.25")}, -3.25),  # an Avro decimal
        ([{"v": 1}], None),  # an array without a mapping
        (-3.5, -3.5),
        (4, 4.0),
        ("-4F", -20.0),
        ("-3,5", -3.5),
    ],
)
def test_parse_decoded_applies_the_same_rules(doc: object, celsius: float | None) -> None:
    result = parse_decoded(b"k", doc, TS, 0, 5, raw_value=b"\x00\x00\x00\x00\x01raw")
    if celsius is None:
        assert isinstance(result, Rejection) and result.reason is RejectReason.MISSING_FIELD
        assert result.detail.startswith("array, not an object; set --value-field")
        assert result.raw_value == b"\x00\x00\x00\x00\x01raw"
    else:
        assert isinstance(result, Reading) and result.celsius == pytest.approx(celsius)


def test_parse_decoded_reads_an_avro_like_record_with_a_mapping() -> None:
    record = {"device": "freezer-7", "at": datetime(2024, 1, 1, tzinfo=UTC), "readings": [{"c": -19.5}]}
    rules = ParseRules.mapped("readings.0.c", "device", "at")
    assert parse_decoded(None, record, TS, 0, 1, rules) == Reading("freezer-7", -19.5, 1704067200.0, 0, 1)


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (None, RejectReason.EMPTY),
        (True, RejectReason.NOT_A_NUMBER),
        (b"-3.2", RejectReason.NOT_A_NUMBER),
        (float("nan"), RejectReason.NOT_FINITE),
        (Decimal("sNaN"), RejectReason.NOT_FINITE),
        (10**400, RejectReason.TOO_LARGE),
        ({"temp": 1}, RejectReason.NO_SENSOR),  # no key given
        ({"humidity": 40}, RejectReason.MISSING_FIELD),
    ],
)
def test_parse_decoded_rejects_with_reasons(doc: object, reason: RejectReason) -> None:
    result = parse_decoded(None, doc, TS, 0, 1)
    assert isinstance(result, Rejection) and result.reason is reason


def test_parse_decoded_says_record_not_json() -> None:
    result = parse_decoded(b"k", {"hum": 40}, TS, 0, 1)
    assert isinstance(result, Rejection)
    assert result.detail.startswith("record has none of: temperature")
    assert result.detail.endswith("numbers in it: hum")


def test_a_decoded_sensor_of_any_type_is_text() -> None:
    for sensor, shown in ((b"\x01id", "b'\\x01id'"), (7, "7"), ({"a": 1}, '{"a":1}')):
        result = parse_decoded(None, {"temp": 1, "sensor": sensor}, TS, 0, 1)
        assert isinstance(result, Reading) and result.sensor == shown


@given(doc=st.dictionaries(st.sampled_from(["temp", "sensor", "ts", "x"]), st.floats() | st.text(max_size=8)))
def test_parse_and_parse_decoded_agree_on_json(doc: dict[str, object]) -> None:
    via_bytes = parse(b"k", json.dumps(doc).encode(), TS, 0, 0)
    decoded = parse_decoded(b"k", json.loads(json.dumps(doc)), TS, 0, 0, raw_value=json.dumps(doc).encode())
    assert type(via_bytes) is type(decoded)
    if isinstance(via_bytes, Rejection) and isinstance(decoded, Rejection):
        assert via_bytes.reason is decoded.reason or {via_bytes.reason, decoded.reason} == {
            RejectReason.NOT_FINITE,
            RejectReason.TOO_LARGE,
        }
    else:
        assert via_bytes == decoded
