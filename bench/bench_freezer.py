#!/usr/bin/env python3
"""Freezer pane benchmark (run by hand; prints figures, asserts nothing):

1. Ingest on one core (the process pinned to one CPU, librdkafka's threads included):
   pre-produced plain (`sensorN|-3.21`) and JSON readings (`{"sensor", "temperature", "ts"}`),
   FreezerFeed.poll driven as the worker drives it (no pause while a batch comes back full, else a
   nap until the feed's next_due; consume + parse + FreezerBoard.add + its views, no rendering), beside
   the ceiling measured in the same run: a bare confluent-kafka loop on the same library with
   the same consumer config (`consume()` in batches of the same size, each value touched).
                                                targets >= 0.4x the bare loop plain, >= 0.25x JSON
2. Pane switches as a user sees them: kafkatui in a real terminal (tmux, 160x48) on its own
   topic, keys 1..5 sent with `tmux send-keys`, each switch timed until the pane's text is on
   screen (capture-pane every few ms); idle, then while a producer in another process sends
   20k msgs/s plain, then 20k msgs/s JSON.
                                                target: median <= 50 ms idle, <= 100 ms while
                                                ingesting, max <= 250 ms
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
import gc
import os
import random
import re
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

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient  # noqa: E402

from common import create_topic, load  # noqa: E402
from kafkatui.domain.alerts import AlertBatch, Thresholds  # noqa: E402
from kafkatui.domain.freezer import FreezerBoard  # noqa: E402
from kafkatui.domain.readings import Reading  # noqa: E402
from kafkatui.kafka.context import Context  # noqa: E402
from kafkatui.kafka.freezer import BATCH, FreezerFeed, feed_config  # noqa: E402
from kafkatui.kafka.worker import MAX_SLEEP, Worker  # noqa: E402
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
    start = time.time() - count / 1000
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for i in range(count):
            sensor = f"sensor{i % 5}"
            value = round(rnd.uniform(-4.5, 4.5), 2)
            if fmt == "plain":
                f.write(f"{sensor}|{value}\n")
            else:
                ts = round(start + i / 1000, 3)
                f.write(f'{sensor}|{{"sensor": "{sensor}", "temperature": {value}, "ts": {ts}}}\n')
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


def bare_loop(bootstrap: str, topic: str, count: int, cpu: int) -> dict[str, float]:
    """The ceiling: confluent-kafka alone, the feed's consumer config and batch size, each value
    read; blocking in consume() (no spinning) until `count` records came."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        consumer = Consumer(feed_config(settings_for(bootstrap, topic)))
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(3)])
        got = 0
        size = 0
        start = time.perf_counter()
        cpu0 = time.process_time()
        deadline = start + 120
        while got < count and time.perf_counter() < deadline:
            for msg in consumer.consume(num_messages=BATCH, timeout=0.1):
                if msg.error() is None:
                    got += 1
                    size += len(msg.value() or b"")
        elapsed = time.perf_counter() - start
        cpu_used = time.process_time() - cpu0
        consumer.close()
        return {"rate": got / elapsed, "per_cpu_second": got / cpu_used, "bytes": float(size)}
    finally:
        os.sched_setaffinity(0, before)


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
        polls = naps = 0
        while feed.board.readings + feed.board.rejects.total < count and time.perf_counter() < deadline:
            feed.poll(ctx, time.time())
            polls += 1
            if first is None and feed.board.readings:
                first = time.perf_counter()
            if not feed.busy:  # as Worker._step: a nap until the feed is due, unless the last batch was full
                naps += 1
                now = time.time()
                time.sleep(min(max(feed.next_due(now) - now, 0.0), MAX_SLEEP))
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
            "polls": float(polls),
            "naps": float(naps),
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
        elif mode == "plain":  # as the seed producer sends: the sensor in the key, the value a number
            value = f"{-3.0 + (i % 7) * 0.5:.2f}"
            key = f"sensor{i % 5}".encode()
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


SOCKET = "bench-freezer"
# text each pane shows once it is open (and no other pane shows)
MARKERS = {
    "1": "metadata round trip",
    "2": "hysteresis",
    "3": "filter topics",
    "4": "GROUP ",
    "5": "delivery guarantee",
}


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, needle: str, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in screen(session):
            return time.perf_counter() - start
        time.sleep(0.002)
    raise TimeoutError(f"{needle!r} not on screen after {timeout:g} s:\n{screen(session)}")


def tmux_switch(session: str, key: str) -> float:
    """Seconds from the key press (tmux send-keys) to the pane's text on the terminal."""
    start = time.perf_counter()
    tmux("send-keys", "-t", session, key)
    wait_for(session, MARKERS[key], 5.0)
    return time.perf_counter() - start


def ui_switches(bootstrap: str, rate: float, seconds: float) -> dict[str, dict[str, Any]]:
    """Pane switches through all five panes in a real terminal: idle, then under plain and JSON load."""
    topic = create_topic(bootstrap, "bench-freezer")
    session = "switch"
    path = os.environ.get("PYTHONPATH")
    command = f"{'env PYTHONPATH=' + path + ' ' if path else ''}{sys.executable} -m kafkatui -b {bootstrap} -t {topic}"
    tmux("kill-session", "-t", session)
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "48", command)
    out: dict[str, dict[str, Any]] = {}
    try:
        wait_for(session, "brokers 1/1")
        for key in "23451":  # every pane mounted once (panes 2-5 mount after the first frame)
            tmux_switch(session, key)
        time.sleep(1.0)

        def rounds(until: float) -> list[float]:
            times: list[float] = []
            while True:
                for key in "2345123451"[len(times) % 5 :][:5]:
                    times.append(tmux_switch(session, key))
                    time.sleep(0.2)
                if time.perf_counter() >= until:
                    return times

        idle = rounds(time.perf_counter() + 5.0)
        out["idle"] = summary(idle, "")
        for mode in ("plain", "json"):
            producer = start_producer(bootstrap, topic, rate, seconds, mode)
            time.sleep(2.0)  # let the rate settle
            busy = rounds(time.perf_counter() + seconds - 4)
            sent = int(producer.communicate(timeout=60)[0].strip() or 0)
            tmux_switch(session, "2")
            time.sleep(1.5)
            found = re.search(r"· ([\d,]+) readings? ·", screen(session))
            read = found.group(1) if found else "?"
            out[f"{mode} 20k/s"] = summary(busy, f"; sent {sent:,}, the pane counts {read} readings in all")
    finally:
        tmux("kill-session", "-t", session)
    return out


def summary(times: list[float], note: str) -> dict[str, Any]:
    return {
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "switches": float(len(times)),
        "note": note,
    }


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--plain", type=int, default=1_000_000)
    parser.add_argument("--json", type=int, default=500_000)
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    parser.add_argument("--only", default="1,2,3,4,5")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of 20k msgs/s traffic per format in 2")
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
            for fmt, count, target in (("plain", args.plain, 0.4), ("json", args.json, 0.25)):
                topic = fill(bootstrap, count, fmt)
                bare = bare_loop(bootstrap, topic, count, args.cpu)
                r = ingest(bootstrap, topic, count, args.cpu, args.profile)
                ratio = r["rate"] / bare["rate"]
                print(
                    f"1. ingest {fmt:5} {count:>9,}: {r['rate']:>9,.0f} readings/s "
                    f"({r['rate_after_first']:,.0f}/s from the first reading; "
                    f"{r['per_cpu_second']:,.0f} per CPU-second; {r['views']:.0f} views; "
                    f"{r['polls']:,.0f} polls, {r['naps']:,.0f} naps)  bare confluent-kafka loop "
                    f"{bare['rate']:,.0f} msgs/s ({bare['per_cpu_second']:,.0f} per CPU-second): "
                    f"{ratio:.2f}x  target >= {target}x  (cpu {args.cpu})"
                )
        if 2 in only:
            for name, r in ui_switches(bootstrap, 20_000, args.seconds).items():
                print(
                    f"2. pane switch {name:13}: median {r['median_ms']:.0f} ms, max {r['max_ms']:.0f} ms "
                    f"({r['switches']:.0f} switches{r['note']})  target median <= "
                    f"{50 if name == 'idle' else 100} ms, max <= 250 ms"
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
