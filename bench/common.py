"""Pieces several benchmarks share (run by hand; not part of the test suite)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def load() -> str:
    """The machine's load averages, for every figure a benchmark prints (the machine is shared)."""
    return " ".join(Path("/proc/loadavg").read_text().split(" ", 3)[:3]) + f" on {os.cpu_count()} CPUs"


@contextmanager
def broker(bootstrap: str | None, name: str) -> Iterator[str]:
    """`bootstrap` if given, else a fresh 1-broker test bed for the length of the block."""
    if bootstrap:
        yield bootstrap
        return
    import kafka_testbed as tb

    cluster = tb.start_cluster(1, f"{name}-{uuid.uuid4().hex[:6]}", owner=True, die_with_parent=True)
    try:
        yield cluster.bootstrap
    finally:
        cluster.stop()


def create_topic(bootstrap: str, prefix: str, partitions: int = 3) -> str:
    """A new uniquely named topic with replication factor 1, led by the time this returns."""
    from confluent_kafka.admin import AdminClient, NewTopic

    topic = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(30)
    time.sleep(1.0)
    return topic


def measure_loop_lag(app: Any, lags: list[float], interval: float = 0.05) -> Any:
    """Start a Textual timer that appends to `lags` how late the event loop ran it; returns the timer."""
    expected = [time.perf_counter() + interval]

    def tick() -> None:
        now = time.perf_counter()
        lags.append(max(0.0, now - expected[0]))
        expected[0] = now + interval

    return app.set_interval(interval, tick)


async def switch_pane(app: Any, tabs: Any, key: str, pane: str) -> float:
    """Seconds from a number key to the first screen refresh showing `pane`.

    Not pilot.press: it waits for the whole process to go CPU-idle (up to 1 s), which never
    happens while the worker ingests. The key goes in as the terminal driver would post it."""
    from textual import events

    done = asyncio.Event()
    t0 = time.perf_counter()
    app.post_message(events.Key(key, key))
    while tabs.active != pane:
        await asyncio.sleep(0.001)
    app.call_after_refresh(done.set)
    await done.wait()
    return time.perf_counter() - t0
