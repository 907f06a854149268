"""`parse`'s hot path (float() on the raw bytes of a bare number) reads exactly what the long
path reads: the same temperature, or a rejection for the same reason."""

from __future__ import annotations

import random

import pytest

from kafkatui.domain.readings import ParseRules, Reading, Rejection, RejectReason, parse

BOM = b"\xef\xbb\xbf"  # a value starting with it never takes the hot path (float() refuses it)


def slow(key: bytes, value: bytes) -> Reading | Rejection:
    return parse(key, BOM + value, 1.0, 0, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"-3.21", -3.21),
        (b" -3.2 \n", -3.2),
        (b"+.5", 0.5),
        (b"5.", 5.0),
        (b"1e1", 10.0),
        (b"1e-400", 0.0),
        (b"-0", -0.0),
        (b"-3,21", -3.21),
        (b"1_0", RejectReason.NOT_A_NUMBER),  # float() would read 10
        (b"0x10", RejectReason.NOT_A_NUMBER),
        (b"nan", RejectReason.NOT_FINITE),
        (b"-Infinity", RejectReason.NOT_FINITE),
        (b"1e999", RejectReason.TOO_LARGE),
        (b"1e3", RejectReason.OUT_OF_SANITY),
        (b"\xd9\xa1", RejectReason.NOT_A_NUMBER),  # an Arabic-Indic one: [0-9] only
        (b"\x00\x00\x00\x00\x01", RejectReason.SCHEMA_REGISTRY),
    ],
)
def test_the_hot_path_reads_what_the_long_path_reads(value: bytes, expected: float | RejectReason) -> None:
    got = parse(b"sensor0", value, 1.0, 0, 0)
    if isinstance(expected, RejectReason):
        assert isinstance(got, Rejection) and got.reason is expected
    else:
        assert got == Reading("sensor0", expected, 1.0, 0, 0)


def test_random_numbers_agree_with_the_long_path() -> None:
    rnd = random.Random(13)
    alphabet = b"0123456789+-.,eE_ \t\nnaifCFK"
    for _ in range(20_000):
        value = bytes(rnd.choice(alphabet) for _ in range(rnd.randint(1, 8)))
        fast, reference = parse(b" s1 ", value, 1.0, 0, 0), slow(b" s1 ", value)
        if isinstance(reference, Reading):
            assert fast == reference, value
        else:
            assert isinstance(fast, Rejection) and fast.reason is reference.reason, value


def test_no_key_or_another_unit_takes_the_long_path() -> None:
    assert isinstance(parse(None, b"-3.2", 1.0, 0, 0), Rejection)  # no sensor
    assert isinstance(parse(b"  ", b"-3.2", 1.0, 0, 0), Rejection)
    fahrenheit = parse(b"s", b"-4", 1.0, 0, 0, ParseRules(unit="F"))
    assert isinstance(fahrenheit, Reading) and fahrenheit.celsius == -20.0 and fahrenheit.original == "-4 °F"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b'{"sensor": "a", "temperature": -3.5, "ts": 1800000000.5}', (-3.5, 1800000000.5)),
        (b'{"sensor": "a", "temperature": -3.5, "ts": 1800000000500}', (-3.5, 1800000000.5)),  # ms
        (b'{"sensor": "a", "temperature": -3.5, "ts": -1.0}', (-3.5, 7.0)),  # no time: the record's
        (b'{"sensor": "a", "temperature": -3.5}  ', (-3.5, 7.0)),
        (b'{"sensor": "a", "temperature": -3.5} x', RejectReason.BAD_JSON),
        (b'{"sensor": "a", "temperature": -3.5', RejectReason.BAD_JSON),
        (b'{"sensor": "a", "temperature": 1e400}', RejectReason.TOO_LARGE),
        (b'{"sensor": "a", "temperature": NaN}', RejectReason.NOT_FINITE),
        (b'{"sensor": "a", "temperature": true}', RejectReason.NOT_A_NUMBER),
    ],
)
def test_json_numbers_and_times(value: bytes, expected: tuple[float, float] | RejectReason) -> None:
    got = parse(b"k", value, 7.0, 0, 0)
    if isinstance(expected, RejectReason):
        assert isinstance(got, Rejection) and got.reason is expected
    else:
        assert isinstance(got, Reading) and (got.sensor, got.celsius, got.ts) == ("a", *expected)
