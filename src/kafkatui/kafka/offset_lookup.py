"""Where a topic's partitions begin, end and reach a time: ListOffsets for several specs at once.

The message viewer (where to start reading) and the range export (where a range starts and ends)
both ask the same: for each named spec (earliest, latest, a time) the offset of each partition, as
one `Pending` per spec, answered on a later poll without ever waiting. `offsets()` is None until
every answer is in, then `{name: {partition: offset}}`; a refused call, an error for one partition
or no answer by the deadline is a `LookupFailed` with one sentence.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import IsolationLevel, KafkaException, TopicPartition

from kafkatui.kafka.context import Context
from kafkatui.kafka.errors import error_name_text
from kafkatui.kafka.pending import Pending

GRACE = 2.0  # seconds past the request timeout before an answer counts as missing


class LookupFailed(Exception):
    """The lookup cannot be answered; the message is a sentence for the user."""


class OffsetLookup:
    def __init__(
        self,
        ctx: Context,
        topic: str,
        partitions: Sequence[int],
        specs: Mapping[str, Any],
        isolation: IsolationLevel | None = None,
    ) -> None:
        """Start one ListOffsets per spec (OffsetSpec) for `partitions`; `isolation`
        READ_COMMITTED gives the last stable offset as the end (what a read_committed consumer reaches)."""
        timeout = ctx.settings.timeout
        deadline = time.monotonic() + timeout + GRACE
        extra: dict[str, Any] = {"isolation_level": isolation} if isolation is not None else {}
        self.waiting: dict[str, Pending[TopicPartition]] = {}
        try:
            for name, spec in specs.items():
                futures = ctx.admin.list_offsets(
                    {TopicPartition(topic, p): spec for p in partitions}, request_timeout=timeout, **extra
                )
                self.waiting[name] = Pending(futures, deadline, ctx.wake)
        except (KafkaException, ValueError, TypeError) as exc:
            raise LookupFailed(f"cannot look up offsets: {error_name_text(exc)[1]}") from None

    def offsets(self) -> dict[str, dict[int, int]] | None:
        """Every answer, or None while some are still due (raises LookupFailed)."""
        if not all(batch.done() for batch in self.waiting.values()):
            if any(batch.expired(time.monotonic()) for batch in self.waiting.values()):
                raise LookupFailed("the cluster did not answer the offset lookup in time")
            return None
        found: dict[str, dict[int, int]] = {}
        for name, batch in self.waiting.items():
            found[name] = {}
            for tp, future in batch.items:
                try:
                    found[name][tp.partition] = future.result().offset
                except KafkaException as exc:
                    code, text = error_name_text(exc)
                    raise LookupFailed(f"cannot look up offsets of partition {tp.partition}: {text} ({code})") from None
        return found
