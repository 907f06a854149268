#!/usr/bin/env python3
"""Topics pane benchmarks on the real 1-broker test bed (run by hand; prints figures):

1. 5,000 topics x 3 partitions: pane opened -> first rows shown           target <= 2 s
2. a filter keystroke -> list re-rendered (median and worst of 40 keys)   target <= 50 ms
3. background refreshes (ListOffsets for 15,000 partitions, DescribeConfigs, metadata):
   worst event-loop stall while they run (a 10 ms timer's lateness)       target: no freeze
4. message viewer tailing a producer at >= 50k msgs/s: rate read, rows shown, worst stall

The app is the real one (KafkaTuiApp + Worker with every service) driven by Textual's Pilot
in a headless terminal; the broker is real. Usage:
    python bench/bench_topics.py [--bootstrap HOST:PORT] [--topics 5000] [--rate 50000]
(default: starts a 1-broker test bed named bench-topics and stops it afterwards)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

PREFIX = "bench-t"


def create_topics(bootstrap: str, count: int) -> float:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": logging.getLogger("bench")})
    have = set(admin.list_topics(timeout=30).topics)
    names = [f"{PREFIX}{i:05d}" for i in range(count) if f"{PREFIX}{i:05d}" not in have]
    start = time.perf_counter()
    for i in range(0, len(names), 500):
        futures = admin.create_topics([NewTopic(n, 3, 1) for n in names[i : i + 500]], request_timeout=120)
        for future in futures.values():
            future.result()
    return time.perf_counter() - start


def produce(bootstrap: str, topic: str, rate: int, seconds: float, done: Any) -> None:
    """A separate process: produce about `rate` msgs/s of ~60 bytes for `seconds`."""
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "batch.num.messages": 10000,
                         "queue.buffering.max.messages": 2_000_000, "acks": 1,
                         "logger": logging.getLogger("bench")})
    sent = 0
    start = time.perf_counter()
    value = b'{"sensor": "s1", "temperature": -3.21, "pad": "xxxxxxxx"}'
    while (now := time.perf_counter()) - start < seconds:
        due = int((now - start) * rate)
        while sent < due:
            try:
                producer.produce(topic, key=b"k%d" % (sent % 1000), value=value)
            except BufferError:
                producer.poll(0.01)
                continue
            sent += 1
        producer.poll(0)
    producer.flush(30)
    done.value = sent


class LoopLag:
    """Lateness of a 10 ms timer on the UI loop: how long input would wait."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            late = time.perf_counter() - t - 0.01
            self.samples.append(late)
            self.worst = max(self.worst, late)

    def start(self) -> None:
        self.worst, self.samples = 0.0, []
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> tuple[float, float]:
        if self._task:
            self._task.cancel()
        p99 = sorted(self.samples)[int(len(self.samples) * 0.99)] if self.samples else 0.0
        return self.worst, p99


async def drive(bootstrap: str, topics: int, rate: int) -> None:
    from kafkatui.kafka.services import DashboardOptions, dashboard_services
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.panes.topics import TopicsPane
    from kafkatui.tui.screens.topic_messages import TopicMessagesScreen
    from kafkatui.tui.screens.topic_table import VirtualTable

    settings = Settings(_env_file=None, bootstrap_servers=bootstrap, timeout=20, refresh_interval=5)  # type: ignore[call-arg]
    services = dashboard_services(DashboardOptions())
    app = KafkaTuiApp(settings, worker_factory=lambda s, e: Worker(s, e, extra_services=services))
    lag = LoopLag()
    async with app.run_test(size=(140, 40)) as pilot:
        # wait for the first metadata snapshot (the Cluster pane has it)
        t0 = time.perf_counter()
        while not app.query_one("#brokers").row_count and time.perf_counter() - t0 < 60:
            await pilot.pause(0.02)
        table = app.query_one("#topic-list", VirtualTable)
        opened = time.perf_counter()
        await pilot.press("3")
        while table.row_count < topics and time.perf_counter() - opened < 30:
            await pilot.pause(0.01)
        first = time.perf_counter() - opened
        print(f"1. first rows: {table.row_count} rows {first * 1000:.0f} ms after the pane opened (<= 2000)")

        pane = app.query_one(TopicsPane)
        await pilot.press("slash")
        times = []
        for text in ["1", "12", "123", "1234", "123", "12", "1", ""] * 5:
            inp = app.query_one("#topics-filter")
            start = time.perf_counter()
            inp.value = text  # what a keystroke does: Input.Changed -> render_list
            await pilot.pause(0)
            while table.row_count == 0 and text and time.perf_counter() - start < 1:
                await pilot.pause(0)
            times.append(time.perf_counter() - start)
        print(f"2. filter keystroke: median {statistics.median(times) * 1000:.1f} ms, "
              f"worst {max(times) * 1000:.1f} ms over {len(times)} keys (<= 50)")
        await pilot.press("enter")

        # counts arriving = ListOffsets answered for all partitions
        lag.start()
        start = time.perf_counter()
        marks_before = pane.view.marks_ts if pane.view else None
        while time.perf_counter() - start < 25:
            await pilot.pause(0.05)
            if pane.view and pane.view.marks_ts != marks_before and pane.view.marks_ts is not None:
                marks_before = pane.view.marks_ts
        worst, p99 = lag.stop()
        counted = sum(1 for r in pane.view.rows if r.messages is not None) if pane.view else 0
        print(f"3. 25 s of background refreshes ({counted} topics with counts): "
              f"UI loop stall worst {worst * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")

        # 4. the viewer tailing a fast producer
        topic = f"{PREFIX}-tail"
        from kafkatui.domain.topics import CreateTopic

        app.send(CreateTopic(topic, 3, 1))
        while pane.view is None or topic not in pane.view.topics:
            await pilot.pause(0.2)
        pane.query_one("#topics-filter").value = topic
        await pilot.pause(0.1)
        await pilot.press("m")
        await pilot.pause(1.0)
        viewer = app.screen
        assert isinstance(viewer, TopicMessagesScreen)
        done = multiprocessing.Value("q", 0)
        proc = multiprocessing.Process(target=produce, args=(bootstrap, topic, rate, 10.0, done))
        proc.start()
        lag.start()
        start = time.perf_counter()
        peak = 0.0
        while proc.is_alive() and time.perf_counter() - start < 40:
            await pilot.pause(0.25)
            if viewer.view is not None:
                peak = max(peak, viewer.view.rate)
        proc.join()
        await pilot.pause(1.5)
        worst, p99 = lag.stop()
        took = time.perf_counter() - start
        view = viewer.view
        consumed = view.consumed if view else 0
        print(f"4. viewer: producer sent {done.value:,} in ~10 s; viewer read {consumed:,} "
              f"({consumed / took:,.0f}/s average, {peak:,.0f}/s peak), rows shown "
              f"{len(view.records) if view else 0} (bounded), UI stall worst {worst * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms")
        app.stop_worker()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap")
    parser.add_argument("--topics", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=50_000)
    args = parser.parse_args()
    cluster = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, "bench-topics")
        bootstrap = cluster.bootstrap
    try:
        took = create_topics(bootstrap, args.topics)
        print(f"0. {args.topics} topics x 3 partitions on {bootstrap} (created in {took:.1f} s)")
        asyncio.run(drive(bootstrap, args.topics, args.rate))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
