"""A broker outage makes librdkafka report the refused connection through error_cb several times a
second: the log file keeps one line per distinct error every REPEAT_SECONDS and says how many it
left out (the same RepeatFilter as librdkafka's own log lines)."""

from __future__ import annotations

import logging
from pathlib import Path

from confluent_kafka import KafkaError

import canned
from kafkatui.kafka.context import Context
from kafkatui.kafka.metadata import MetadataService
from kafkatui.logs import REPEAT_SECONDS, RepeatFilter, setup_logging


def test_repeated_client_errors_are_logged_once_per_period(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path / "k.log", [])
    assert log_file is not None
    now = [0.0]
    for f in logging.getLogger("kafkatui.metadata").filters:
        if isinstance(f, RepeatFilter):
            f.clock = lambda: now[0]
    ctx = Context(canned.settings(), lambda e: None, lambda: now[0], admin=None)  # type: ignore[arg-type]
    service = MetadataService(0.0)
    refused = "127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 failed: Connection refused"
    for i in range(100):
        now[0] = i * 0.1  # ten seconds of errors
        service.on_error(ctx, KafkaError(KafkaError._TRANSPORT, refused))
    service.on_error(ctx, KafkaError(KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down"))
    now[0] = REPEAT_SECONDS + 1
    service.on_error(ctx, KafkaError(KafkaError._TRANSPORT, refused))
    lines = [ln.split(" kafkatui.metadata: ", 1)[1] for ln in log_file.read_text().splitlines()]
    assert lines == [
        f"client error _TRANSPORT: {refused}",
        "client error _ALL_BROKERS_DOWN: 1/1 brokers are down",
        f"client error _TRANSPORT: {refused} (99 repeated lines not logged)",
    ]
