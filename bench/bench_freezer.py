#!/usr/bin/env python3
"""Freezer pane benchmark (run by hand; prints figures, asserts nothing):

1. Ingest on one core (the process pinned to one CPU, librdkafka's threads included):
   pre-produced plain (`sensorN|-3.21`) and JSON readings, FreezerFeed.poll driven in a loop
   (consume + parse + FreezerBoard.add + its ~3 Hz views, no rendering).
                                                targets >= 200k plain/s, >= 100k JSON/s
   `kcat -C -e -o beginning` on the same topic as the C ceiling.
2. UI responsiveness while the app ingests 20k msgs/s (a producer in another process):
   pane switches timed from the key press to the tab change, and a 50 ms timer's lateness.
                                                target: a key press answered within 100 ms
3. Chart redraw: build_chart with 5 sensors x 600 points.  target <= 30 ms
4. Produce -> alert emitted by the real worker (in the frame's AlertBatch) at 1k msgs/s; the
   produce time is the JSON `ts` field (which becomes AlertEvent.ts).  target p95 <= 500 ms
5. Memory: RSS after 5M synthetic readings fed to a FreezerBoard directly (no Kafka) vs after
   500k.                                        target: within 10 %

Usage: python bench/bench_freezer.py [--bootstrap HOST:PORT] [--plain N] [--json N] [--only 1,2,3,4,5]
       (default: starts a 1-broker test bed and stops it afterwards)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from confluent_kafka import OFFSET_BEGINNING, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient  # noqa: E402

from common import create_topic, measure_loop_lag, switch_pane  # noqa: E402
from kafkatui.domain.alerts import AlertBatch, Thresholds  # noqa: E402
from kafkatui.domain.freezer import FreezerBoard  # noqa: E402
from kafkatui.domain.readings import Reading  # noqa: E402
from kafkatui.kafka.context import Context  # noqa: E402
from kafkatui.kafka.freezer import FreezerFeed  # noqa: E402
from kafkatui.kafka.worker import Worker  # noqa: E402
from kafkatui.settings import Settings  # noqa: E402


def settings_for(bootstrap: str, topic: str) -> Settings:
    return Settings(_env_file=None, bootstrap_servers=bootstrap, topic=topic, refresh_interval=1.0)  # type: ignore[call-arg]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- 1. ingest -------------------------------------------------------------------------------


def fill(bootstrap: str, count: int, fmt: str) -> str:
    topic = create_topic(bootstrap, "bench-freezer")
    rnd = random.Random(1)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for i in range(count):
            sensor = f"sensor{i % 5}"
            value = round(rnd.uniform(-4.5, 4.5), 2)
            if fmt == "plain":
                f.write(f"{sensor}|{value}\n")
            else:
                f.write(f'{sensor}|{{"sensor": "{sensor}", "temperature": {value}}}\n')
        path = f.name
    done = subprocess.run(
        ["kcat", "-P", "-b", bootstrap, "-t", topic, "-K|", "-X", "acks=1", "-X", "linger.ms=5", "-l", path],
        capture_output=True,
        text=True,
        check=False,
    )
    Path(path).unlink()
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return topic


def kcat_ceiling(bootstrap: str, topic: str, count: int, cpu: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [
            "taskset",
            "-c",
            str(cpu),
            "kcat",
            "-C",
            "-b",
            bootstrap,
            "-t",
            topic,
            "-e",
            "-o",
            "beginning",
            "-q",
            "-f",
            "%k|%s\n",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return count / elapsed


def ingest(bootstrap: str, topic: str, count: int, cpu: int, profile: bool = False) -> dict[str, float]:
    """FreezerFeed.poll in a loop on a Context, the process pinned to `cpu`."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})  # librdkafka's threads are made below: they inherit it
    try:
        settings = settings_for(bootstrap, topic)
        emitted = [0]

        def emit(_event: object) -> None:
            emitted[0] += 1

        ctx = Context(settings, emit, time.time, AdminClient({"bootstrap.servers": bootstrap}))
        feed = FreezerFeed(ctx)
        # what _sync_assignment does for a since= start, without a metadata snapshot
        feed.consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(3)])
        feed.assigned = {0, 1, 2}
        profiler: Any = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        start = time.perf_counter()
        cpu0 = time.process_time()  # the whole process: Python and librdkafka's threads
        first = None
        deadline = start + 120
        while feed.board.readings + feed.board.rejects.total < count and time.perf_counter() < deadline:
            feed.poll(ctx, time.time())
            if first is None and feed.board.readings:
                first = time.perf_counter()
        end = time.perf_counter()
        cpu = time.process_time() - cpu0
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])
        got = feed.board.readings
        feed.close(ctx)
        return {
            "rate": got / (end - start),
            "rate_after_first": got / (end - (first or start)),
            "per_cpu_second": got / cpu,
            "readings": float(got),
            "rejects": float(feed.board.rejects.total),
            "views": float(emitted[0]),
        }
    finally:
        os.sched_setaffinity(0, before)


# -- producers in another process ------------------------------------------------------------

PRODUCER = r"""
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, rate, seconds, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "1", "enable.idempotence": False})
step = 0.01
per_step = rate * step
sent = 0
start = time.time()
n = 0
while time.time() - start < seconds:
    target = int((time.time() - start) * rate)
    while sent < target:
        i = sent
        if mode == "alarm" and i % 10 == 0:
            k = (i // 10) % 4  # 9, 9 (raises), 0, 0 (clears)
            value = json.dumps({"sensor": "alarm", "temperature": 9.0 if k < 2 else 0.0, "ts": time.time()})
            key = b"alarm"
        else:
            value = json.dumps({"sensor": f"sensor{i % 5}", "temperature": -3.0 + (i % 7) * 0.5, "ts": time.time()})
            key = f"sensor{i % 5}".encode()
        p.produce(topic, value.encode(), key)
        sent += 1
    p.poll(0)
    time.sleep(step)
p.flush(10)
print(sent)
"""


def start_producer(bootstrap: str, topic: str, rate: float, seconds: float, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PRODUCER, bootstrap, topic, str(rate), str(seconds), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# -- 2. UI responsiveness --------------------------------------------------------------------


def ui_while_ingesting(bootstrap: str, rate: float, seconds: float, profile: bool = False) -> dict[str, float]:
    from textual.widgets import TabbedContent

    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.widgets.virtual_table import VirtualTable

    topic = create_topic(bootstrap, "bench-freezer")
    settings = settings_for(bootstrap, topic)
    feeds: list[FreezerFeed] = []

    def freezer(ctx: Context) -> FreezerFeed:
        feeds.append(FreezerFeed(ctx))
        return feeds[0]

    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=(freezer,)))
    lags: list[float] = []
    switches: list[float] = []
    out: dict[str, float] = {}

    async def run() -> None:
        async with app.run_test(size=(140, 45)) as pilot:
            tabs = app.query_one("#panes", TabbedContent)
            await pilot.press("2")
            while not (feeds and feeds[0].assigned):
                await pilot.pause(0.05)
            await pilot.pause(0.5)

            async def switch(key: str, pane: str) -> float:
                return await switch_pane(app, tabs, key, pane)

            idle = [await switch(k, p) for k, p in (("1", "cluster"), ("2", "freezer")) * 3]
            producer = start_producer(bootstrap, topic, rate, seconds, "plain")
            await pilot.pause(2.0)  # let the rate settle
            profiler: Any = None
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(async_mode="disabled")
                profiler.start()
            timer = measure_loop_lag(app, lags)
            t_end = time.perf_counter() + seconds - 4
            while time.perf_counter() < t_end:
                switches.append(await switch("1", "cluster"))
                await pilot.pause(0.3)
                switches.append(await switch("2", "freezer"))
                await pilot.pause(0.7)  # on the freezer pane, redrawing at ~3 Hz
            timer.stop()
            if profiler is not None:
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False)[:8000])
            sent = int(producer.communicate(timeout=60)[0].strip() or 0)
            await pilot.pause(1.0)
            out.update(
                idle_switch_ms=statistics.median(idle) * 1000,
                sent=float(sent),
                readings=float(feeds[0].board.readings),
                rows=float(app.query_one("#sensors", VirtualTable).row_count),
            )
            await pilot.press("q")

    asyncio.run(run())
    lags.sort()
    switches.sort()
    out.update(
        switch_p50_ms=statistics.median(switches) * 1000,
        switch_max_ms=switches[-1] * 1000,
        switches=float(len(switches)),
        lag_p50_ms=statistics.median(lags) * 1000,
        lag_p99_ms=lags[max(0, int(len(lags) * 0.99) - 1)] * 1000,
        lag_max_ms=lags[-1] * 1000,
    )
    return out


# -- 3. chart --------------------------------------------------------------------------------


def chart(runs: int = 30) -> dict[str, float]:
    from kafkatui.tui.widgets.chart import build_chart

    now = 1_800_000_000.0
    lines = [(f"sensor{s}", [(now - 300 + i * 0.5, -3 + s + (i % 37) * 0.1) for i in range(600)]) for s in range(5)]
    build_chart(lines, now, 300.0, -5.0, 5.0, 140, 20)  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        build_chart(lines, now, 300.0, -5.0, 5.0, 140, 20)
        times.append(time.perf_counter() - t0)
    return {"median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000}


# -- 4. produce -> alert latency ---------------------------------------------------------------


def alert_latency(bootstrap: str, rate: float, seconds: float) -> dict[str, float]:
    topic = create_topic(bootstrap, "bench-freezer")
    settings = settings_for(bootstrap, topic)
    feeds: list[FreezerFeed] = []
    lat: list[float] = []

    def emit(event: object) -> None:
        if isinstance(event, AlertBatch):
            lat.extend(time.time() - e.ts for e in event.raised if e.sensor == "alarm")

    def freezer(ctx: Context) -> FreezerFeed:
        feeds.append(FreezerFeed(ctx))
        return feeds[0]

    worker = Worker(settings, emit, extra_services=(freezer,))
    worker.start()
    try:
        while not (feeds and feeds[0].assigned):
            time.sleep(0.05)
        time.sleep(1.0)
        producer = start_producer(bootstrap, topic, rate, seconds, "alarm")
        producer.communicate(timeout=seconds + 60)
        time.sleep(1.0)
    finally:
        worker.stop(2.0)
    lat.sort()
    return {
        "alerts": float(len(lat)),
        "p50_ms": statistics.median(lat) * 1000,
        "p95_ms": lat[max(0, int(len(lat) * 0.95) - 1)] * 1000,
        "max_ms": lat[-1] * 1000,
    }


# -- 5. memory -------------------------------------------------------------------------------


def memory(total: int = 5_000_000, checkpoint: int = 500_000, sensors: int = 10) -> dict[str, float]:
    board = FreezerBoard("mem", Thresholds(-5.0, 5.0))
    rnd = random.Random(2)
    ts = 1_800_000_000.0
    marks: dict[int, float] = {}
    for i in range(1, total + 1):
        ts += 0.001
        value = rnd.uniform(-6.0, 6.0)  # some alerts raise and clear along the way
        board.add(Reading(f"sensor{i % sensors}", value, ts, 0, i), ts)
        if i % 100_000 == 0:
            board.tick(ts)
            board.view(ts)
        if i in (checkpoint, total) or i % 1_000_000 == 0:
            gc.collect()
            marks[i] = rss_mb()
    return {
        "rss_500k_mb": marks[checkpoint],
        "rss_5m_mb": marks[total],
        "growth_pct": (marks[total] / marks[checkpoint] - 1) * 100,
        **{f"rss_{k // 1_000_000}M_mb": v for k, v in marks.items() if k % 1_000_000 == 0},
    }


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__() + f" on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--plain", type=int, default=1_000_000)
    parser.add_argument("--json", type=int, default=500_000)
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    parser.add_argument("--only", default="1,2,3,4,5")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the ingest loops")
    args = parser.parse_args()
    only = {int(x) for x in args.only.split(",")}
    cluster = None
    bootstrap = args.bootstrap
    if not bootstrap and only & {1, 2, 4}:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, f"bench-freezer-{uuid.uuid4().hex[:6]}", owner=True, die_with_parent=True)
        bootstrap = cluster.bootstrap
    try:
        print(f"broker {bootstrap}; load {load()}")
        if 1 in only:
            for fmt, count, target in (("plain", args.plain, 200_000), ("json", args.json, 100_000)):
                topic = fill(bootstrap, count, fmt)
                ceiling = kcat_ceiling(bootstrap, topic, count, args.cpu)
                r = ingest(bootstrap, topic, count, args.cpu, args.profile)
                print(
                    f"1. ingest {fmt:5} {count:>9,}: {r['rate']:>9,.0f} readings/s "
                    f"({r['rate_after_first']:,.0f}/s from the first reading; "
                    f"{r['per_cpu_second']:,.0f} per CPU-second; "
                    f"{r['views']:.0f} views)"
                    f"  target >= {target:,}   kcat -C ceiling {ceiling:,.0f} msgs/s  (cpu {args.cpu})"
                )
        if 2 in only:
            r = ui_while_ingesting(bootstrap, 20_000, 20.0, args.profile)
            print(
                f"2. UI at 20k msgs/s: pane switch p50 {r['switch_p50_ms']:.1f} ms, max {r['switch_max_ms']:.1f} ms "
                f"({r['switches']:.0f} switches; idle {r['idle_switch_ms']:.1f} ms); 50 ms timer lateness "
                f"p50 {r['lag_p50_ms']:.1f} / p99 {r['lag_p99_ms']:.1f} / max {r['lag_max_ms']:.1f} ms; "
                f"sent {r['sent']:,.0f}, read {r['readings']:,.0f}  target: key answered <= 100 ms"
            )
        if 3 in only:
            r = chart()
            print(
                f"3. build_chart 5 x 600 points (140x20): median {r['median_ms']:.1f} ms, "
                f"max {r['max_ms']:.1f} ms  target <= 30 ms"
            )
        if 4 in only:
            r = alert_latency(bootstrap, 1000, 20.0)
            print(
                f"4. produce -> alert at 1k msgs/s: {r['alerts']:.0f} alerts, p50 {r['p50_ms']:.1f} ms, "
                f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms  target p95 <= 500 ms"
            )
        if 5 in only:
            r = memory()
            steps = ", ".join(f"{k[4:-3]} {v:.1f}" for k, v in r.items() if k.startswith("rss_") and "M_" in k)
            print(
                f"5. memory (synthetic readings into FreezerBoard, 10 sensors): RSS 500k {r['rss_500k_mb']:.1f} MB, "
                f"5M {r['rss_5m_mb']:.1f} MB ({r['growth_pct']:+.1f} %; by million: {steps})  target within 10 %"
            )
        print(f"load after: {load()}")
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
