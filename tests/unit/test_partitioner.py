from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.partitioner import DEFAULT, PARTITIONERS, describe, fnv1a, murmur2, predict

# Kafka's Java client, UtilsTest.testMurmur2 (signed 32-bit results).
JAVA_MURMUR2 = {
    b"21": -973932308,
    b"foobar": -790332482,
    b"a-little-bit-long-string": -985981536,
    b"a-little-bit-longer-string": -1486304829,
    b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    b"abc": 479470107,
}

UNALIGNED = b"PreAmbleWillBeRemoved,ThePrePartThatIs"

# librdkafka src/rdmurmur2.c unittest_murmur2 (int32 as hex).
RDKAFKA_MURMUR2 = [
    (b"kafka", 0xD067CF64),
    (b"giberish123456789", 0x8F552B0C),
    (b"1234", 0x9FC97B14),
    (b"234", 0xE7C009CA),
    (b"34", 0x873930DA),
    (b"4", 0x5A4B5CA1),
    (UNALIGNED, 0x78424F1C),
    (UNALIGNED[1:], 0x4A62B377),
    (UNALIGNED[2:], 0xE0E4E09E),
    (UNALIGNED[3:], 0x62B8B43F),
    (b"", 0x106E08D9),
]

# librdkafka src/rdfnv1a.c unittest_fnv1a.
RDKAFKA_FNV1A = [
    (b"kafka", 0x0D33C4E1),
    (b"giberish123456789", 0x77A58295),
    (b"1234", 0x023BDD03),
    (b"234", 0x2DEA3CD2),
    (b"34", 0x740FA83E),
    (b"4", 0x310CA263),
    (UNALIGNED, 0x65CBD69C),
    (UNALIGNED[1:], 0x6E49C79A),
    (UNALIGNED[2:], 0x69EED356),
    (UNALIGNED[3:], 0x6ABCC023),
    (b"", 0x7EE3623B),
]


def _int32(x: int) -> int:
    return x - (1 << 32) if x & 0x80000000 else x


@pytest.mark.parametrize(("key", "expected"), JAVA_MURMUR2.items())
def test_murmur2_matches_the_java_client(key: bytes, expected: int) -> None:
    assert murmur2(key) == expected


@pytest.mark.parametrize(("key", "expected"), RDKAFKA_MURMUR2)
def test_murmur2_matches_librdkafka(key: bytes, expected: int) -> None:
    assert murmur2(key) == _int32(expected)


@pytest.mark.parametrize(("key", "expected"), RDKAFKA_FNV1A)
def test_fnv1a_matches_librdkafka(key: bytes, expected: int) -> None:
    assert fnv1a(key) == expected


# Partitions observed from librdkafka 2.16.0 (confluent-kafka 2.16.1, mock cluster, topic of 4
# partitions), producing each key 8 times per partitioner. None: the records spread.
OBSERVED_4 = {
    "consistent": {None: 0, b"": 0, b"sensor0": 2, b"sensor1": 0, b"sensor2": 2, b"\xff\x00abc": 1},
    "consistent_random": {b"sensor0": 2, b"sensor1": 0, b"sensor2": 2, b"kafka": 3},
    "murmur2": {None: 1, b"": 1, b"sensor0": 0, b"sensor1": 0, b"\xff\x00abc": 3},
    "murmur2_random": {b"": 1, b"sensor2": 0, b"kafka": 0, b"\xff\x00abc": 3},
    "fnv1a": {None: 3, b"": 3, b"sensor0": 3, b"sensor1": 2, b"sensor2": 1, b"freezer-7": 0},
    "fnv1a_random": {b"": 3, b"sensor0": 3, b"\xff\x00abc": 2},
}


@pytest.mark.parametrize("partitioner", sorted(OBSERVED_4))
def test_predict_matches_what_librdkafka_did(partitioner: str) -> None:
    for key, partition in OBSERVED_4[partitioner].items():
        assert predict(key, 4, partitioner) == partition, key


@pytest.mark.parametrize(
    ("partitioner", "null_key", "empty_key"),
    [
        ("consistent_random", None, None),  # null and empty: random (sticky)
        ("murmur2_random", None, 1),  # null: random; empty: hashed
        ("fnv1a_random", None, 3),
        ("random", None, None),
        ("consistent", 0, 0),  # null keys are hashed as empty: one fixed partition
        ("murmur2", 1, 1),
        ("fnv1a", 3, 3),
    ],
)
def test_null_and_empty_keys(partitioner: str, null_key: int | None, empty_key: int | None) -> None:
    assert predict(None, 4, partitioner) == null_key
    assert predict(b"", 4, partitioner) == empty_key


def test_consistent_is_unsigned_crc32_mod_n() -> None:
    key = b"sensor2"
    assert zlib.crc32(key) > 2**31  # would differ if taken as a signed int
    assert predict(key, 3, "consistent") == zlib.crc32(key) % 3


def test_default_is_librdkafkas() -> None:
    assert DEFAULT == "consistent_random"
    assert predict(b"sensor1", 3) == predict(b"sensor1", 3, "consistent_random")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least one partition"):
        predict(b"k", 0, "murmur2")
    with pytest.raises(ValueError, match="unknown partitioner 'roundrobin'"):
        predict(b"k", 3, "roundrobin")
    with pytest.raises(ValueError, match="unknown partitioner"):
        describe("roundrobin")


def test_descriptions() -> None:
    assert describe("consistent_random") == ("librdkafka default: CRC32 of the key, random for null or empty keys")
    assert describe("murmur2_random").startswith("Java client default: murmur2")
    assert {p: bool(describe(p)) for p in PARTITIONERS} == dict.fromkeys(PARTITIONERS, True)
    assert len(set(PARTITIONERS)) == 7


@given(key=st.binary(min_size=1, max_size=64), n=st.integers(1, 1000), p=st.sampled_from(PARTITIONERS))
def test_keyed_predictions_are_in_range(key: bytes, n: int, p: str) -> None:
    got = predict(key, n, p)
    if p == "random":
        assert got is None
    else:
        assert got is not None and 0 <= got < n


@given(key=st.binary(max_size=64))
def test_hashes_fit_32_bits(key: bytes) -> None:
    assert -(2**31) <= murmur2(key) < 2**31
    assert 0 <= fnv1a(key) <= 2**31
