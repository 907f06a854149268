"""Errors are data: the one place that reads the KafkaError out of a failed call.

confluent-kafka raises `KafkaException(KafkaError)` from calls and futures, and hands a bare
`KafkaError` to callbacks and per-partition results; anything else is a plain Python error.
"""

from __future__ import annotations

from confluent_kafka import KafkaError


def kafka_error(exc: BaseException | KafkaError) -> KafkaError | None:
    """The KafkaError a failure carries, or None when it is not a Kafka error."""
    if isinstance(exc, KafkaError):
        return exc
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, KafkaError) else None


def error_name_text(exc: BaseException | KafkaError) -> tuple[str, str]:
    """(code name, text) of a failure: the KafkaError's, else the exception type's and message."""
    err = kafka_error(exc)
    if err is None:
        return type(exc).__name__, str(exc)
    return err.name(), err.str()
