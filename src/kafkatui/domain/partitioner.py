"""Which partition a key goes to, exactly as librdkafka's built-in partitioners pick it.

Checked against librdkafka's source (``src/rdkafka_msg.c``, ``rdmurmur2.c``, ``rdfnv1a.c``,
``rdkafka_topic.c``):

- ``consistent``: ``crc32(key) % n`` with the standard (zlib) CRC-32, unsigned.
- ``consistent_random`` (librdkafka's default): as ``consistent``, but a null *or empty*
  key goes to a random (sticky) partition.
- ``murmur2``: ``(murmur2(key) & 0x7fffffff) % n``, the Java client's hash.
- ``murmur2_random``: as ``murmur2``, but a null key goes to a random (sticky) partition;
  an empty, non-null key is hashed. This is the Java producer's behaviour.
- ``fnv1a`` / ``fnv1a_random``: FNV-1a 32-bit, then the absolute value of it as a signed
  int (Sarama's default), ``% n``; ``_random`` sends null keys to a random partition.
- ``random``: always random.

A null key is *not* random for ``consistent``, ``murmur2`` and ``fnv1a``: librdkafka
turns sticky partitioning off for those three and hashes the empty input, so every
null-keyed record lands on one fixed partition (``consistent``: partition 0).

`predict` returns None for "random or sticky: cannot be predicted".
"""

from __future__ import annotations

import zlib

__all__ = ["DEFAULT", "PARTITIONERS", "describe", "fnv1a", "murmur2", "predict"]

PARTITIONERS = (
    "consistent_random",
    "murmur2_random",
    "consistent",
    "murmur2",
    "fnv1a",
    "fnv1a_random",
    "random",
)
DEFAULT = "consistent_random"

_DESCRIPTIONS = {
    "consistent_random": "librdkafka default: CRC32 of the key, random for null or empty keys",
    "murmur2_random": (
        "Java client default: murmur2 of the key, random for null keys (same partitions as Java producers)"
    ),
    "consistent": "CRC32 of the key; null and empty keys all go to partition 0",
    "murmur2": "murmur2 of the key, as the Java client; null keys all go to one partition",
    "fnv1a": "FNV-1a of the key, as Sarama (Go); null keys all go to one partition",
    "fnv1a_random": "FNV-1a of the key, as Sarama (Go); random for null keys",
    "random": "random partition for every message, key ignored",
}

_MASK32 = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (Java ``Utils.murmur2``) as a signed 32-bit int.

    Seed 0x9747b28c, m 0x5bd1e995, r 24, little-endian 4-byte blocks.
    """
    m = 0x5BD1E995
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK32
    blocks = length - length % 4
    for i in range(0, blocks, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * m) & _MASK32
        k ^= k >> 24
        k = (k * m) & _MASK32
        h = ((h * m) & _MASK32) ^ k
    tail = length % 4
    if tail == 3:
        h ^= data[blocks + 2] << 16
    if tail >= 2:
        h ^= data[blocks + 1] << 8
    if tail >= 1:
        h ^= data[blocks]
        h = (h * m) & _MASK32
    h ^= h >> 13
    h = (h * m) & _MASK32
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def fnv1a(data: bytes) -> int:
    """librdkafka's ``rd_fnv1a``: FNV-1a 32-bit, then |h| as a signed int (unsigned result)."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & _MASK32
    if h & 0x80000000:  # negative as int32: take the absolute value
        h = (-(h - (1 << 32))) & _MASK32  # INT32_MIN stays 0x80000000, as in C
    return h


def predict(key: bytes | None, partitions: int, partitioner: str = DEFAULT) -> int | None:
    """The partition librdkafka's `partitioner` picks for `key`; None means random/sticky."""
    if partitions < 1:
        raise ValueError("a topic has at least one partition")
    if partitioner not in _DESCRIPTIONS:
        raise ValueError(f"unknown partitioner {partitioner!r}; known: {', '.join(PARTITIONERS)}")
    if partitioner == "random":
        return None
    if key is None and partitioner.endswith("_random"):
        return None
    data = key or b""
    if partitioner.startswith("consistent"):
        if partitioner == "consistent_random" and not data:
            return None
        return zlib.crc32(data) % partitions
    if partitioner.startswith("murmur2"):
        return (murmur2(data) & 0x7FFFFFFF) % partitions
    return fnv1a(data) % partitions


def describe(partitioner: str) -> str:
    """One line for the producer form: how `partitioner` maps keys to partitions."""
    try:
        return _DESCRIPTIONS[partitioner]
    except KeyError:
        raise ValueError(f"unknown partitioner {partitioner!r}") from None
