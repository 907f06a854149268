"""Key -> partition: where a key lands under the configured partitioner and the Java client's."""

from __future__ import annotations

from dataclasses import dataclass

from kafkatui.domain.partitioner import DEFAULT as DEFAULT_PARTITIONER
from kafkatui.domain.partitioner import describe as describe_partitioner
from kafkatui.domain.partitioner import predict


@dataclass(frozen=True, slots=True)
class KeyPrediction:
    partitioner: str
    partition: int | None  # None: random (null/empty key under a *_random partitioner)
    rule: str
    configured: bool


def predict_key(key: str, partitions: int, configured: str = DEFAULT_PARTITIONER) -> tuple[KeyPrediction, ...]:
    """The partition for `key` under the configured partitioner, and the Java client's rule."""
    data = key.encode("utf-8")
    names = [configured] + [n for n in (DEFAULT_PARTITIONER, "murmur2_random") if n != configured]
    return tuple(
        KeyPrediction(n, predict(data, partitions, n), describe_partitioner(n), n == configured) for n in names
    )
