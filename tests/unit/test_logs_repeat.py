"""librdkafka repeats a refused connection several times a second while a broker is down: the log
file keeps one line per distinct message every REPEAT_SECONDS and says how many it dropped."""

from __future__ import annotations

import logging
from pathlib import Path

from kafkatui.logs import LIBRDKAFKA, REPEAT_SECONDS, RepeatFilter, setup_logging


def record(text: str) -> logging.LogRecord:
    args = ("FAIL", "kafkatui#consumer-3", text)
    return logging.LogRecord(LIBRDKAFKA, logging.ERROR, __file__, 1, "%s [%s] %s", args, None)


def test_repeats_are_dropped_and_counted() -> None:
    now = [0.0]
    f = RepeatFilter(clock=lambda: now[0])
    refused = (
        "[thrd:127.0.0.1:9092/1]: 127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 failed: "
        "Connection refused (after {}ms in state CONNECT)"
    )
    kept = []
    for i in range(50):
        now[0] = i * 0.2
        r = record(refused.format(i % 3))
        if f.filter(r):
            kept.append(r.getMessage())
    other = record("[thrd:main]: 127.0.0.1:9092/1: Disconnected")
    assert f.filter(other)  # a different line is kept at once
    now[0] = REPEAT_SECONDS + 1
    again = record(refused.format(7))
    assert f.filter(again)
    assert len(kept) == 1
    assert again.getMessage().endswith("(49 repeated lines not logged)")


def test_setup_logging_installs_one_filter_on_the_librdkafka_logger(tmp_path: Path) -> None:
    setup_logging(tmp_path / "a.log", [])
    setup_logging(tmp_path / "b.log", [])
    logger = logging.getLogger(LIBRDKAFKA)
    assert sum(isinstance(f, RepeatFilter) for f in logger.filters) == 1
    for _ in range(10):
        logger.error("FAIL [c] [thrd:x]: 127.0.0.1:1/1: Connection refused")
    lines = (tmp_path / "b.log").read_text().splitlines()
    assert len(lines) == 1 and "Connection refused" in lines[0]
