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

from hypothesis import settings as hypothesis_settings  # noqa: E402

# No per-example deadline (a loaded 2-core machine is slow, not wrong); CI runs derandomized
# so a submission's result does not depend on luck.
hypothesis_settings.register_profile("kafkatui", deadline=None, derandomize=os.environ.get("CI") == "true")
hypothesis_settings.load_profile("kafkatui")
