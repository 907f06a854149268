"""Shared test setup: the real-Kafka fixtures live in tests/kafka_fixtures.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "tests", ROOT / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

pytest_plugins = ["kafka_fixtures"]

import os  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# No per-example deadline (a loaded 2-core machine is slow, not wrong); CI runs derandomized
# so a submission's result does not depend on luck.
hypothesis_settings.register_profile("kafkatui", deadline=None, derandomize=os.environ.get("CI") == "true")
hypothesis_settings.load_profile("kafkatui")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """setup_logging (CLI tests, log-file tests) rewires the `kafkatui` loggers: undo it after each
    test, so the next one's caplog still sees their records."""
    import logging

    loggers = [logging.getLogger(name) for name in ("kafkatui", "kafkatui.librdkafka", "kafkatui.metadata")]
    saved = [(lg.handlers[:], lg.filters[:], lg.propagate, lg.level) for lg in loggers]
    yield
    for lg, (handlers, filters, propagate, level) in zip(loggers, saved, strict=True):
        for handler in lg.handlers:
            if handler not in handlers:
                handler.close()
        lg.handlers[:], lg.filters[:], lg.propagate, lg.level = handlers, filters, propagate, level
