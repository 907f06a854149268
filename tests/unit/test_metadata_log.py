"""A broker outage makes every client report the refused connection several times a second: the
log keeps one line per distinct error every REPEAT_LOG_SECONDS and says how many it left out."""

from __future__ import annotations

import logging

import pytest

from kafkatui.kafka.metadata import REPEAT_LOG_SECONDS, MetadataService


def test_repeated_client_errors_are_logged_once_per_period(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kafkatui.metadata")
    service = MetadataService(0.0)
    refused = "_TRANSPORT: 127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 failed: Connection refused"
    for i in range(100):
        service.log_error(i * 0.1, refused)  # ten seconds of errors
    service.log_error(10.0, "_ALL_BROKERS_DOWN: 1/1 brokers are down")
    service.log_error(REPEAT_LOG_SECONDS + 1, refused)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"client error {refused}",
        "client error _ALL_BROKERS_DOWN: 1/1 brokers are down (99 repeated errors not logged)",
        f"client error {refused}",
    ]
