"""Freezer at scale: many sensors that report, then all go silent at once (a wave of STALE).

Run by hand (not part of the test suite): ``python bench/bench_sensors.py`` starts a 1-broker test
bed (or use ``--bootstrap``), then for 100 and for 10,000 sensors runs the real app (worker +
freezer feed + Textual, headless, 140x45) in a child process each:

1. the sensors send at 2k msgs/s for `--seconds`, each sensor a few readings, then nothing;
   `STALE_AFTER` is short (5 s), so every sensor goes STALE a few seconds later;
2. panes are switched (Cluster <-> Freezer) during the traffic and again once every sensor is
   STALE; target p95 <= 200 ms;
3. RSS at the end, against the 100-sensor run: target <= 1.5x;
4. CPU of the app process, second by second from the moment all are silent (through the wave,
   no keys pressed): target back to idle within 10 s (idle: no more than the 100-sensor run's
   last seconds + 5 points of one core).

Then, in this process, the memory cost per sensor of the freezer board (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from common import broker, create_topic, load, switch_pane  # noqa: E402

PRODUCER = r"""
import sys, time
from confluent_kafka import Producer
bootstrap, topic = sys.argv[1], sys.argv[2]
sensors, rate, seconds = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": 1})
start = time.monotonic()
total = int(rate * seconds)
for i in range(total):
    while True:
        try:
            p.produce(topic, key=f"sensor{i % sensors}", value=f"-{1 + (i // sensors) % 3}.25")
            break
        except BufferError:
            p.poll(0.01)
    if i % 100 == 0:
        p.poll(0)
        ahead = start + i / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
p.flush(30)
print(total)
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]


# -- one run, in a child process --------------------------------------------------------------


def child(bootstrap: str, sensors: int, rate: float, seconds: float, after: float) -> dict[str, Any]:
    from textual.widgets import TabbedContent

    from kafkatui.kafka.context import Context
    from kafkatui.kafka.freezer import FreezerFeed
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.widgets.virtual_table import VirtualTable

    topic = create_topic(bootstrap, "bench-sensors")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bootstrap_servers=bootstrap, topic=topic, refresh_interval=1.0, stale_after=5.0
    )
    feeds: list[FreezerFeed] = []

    def freezer(ctx: Context) -> FreezerFeed:
        feeds.append(FreezerFeed(ctx))
        return feeds[0]

    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=(freezer,)))
    out: dict[str, Any] = {"sensors": sensors}
    toasts: list[str] = []
    notify = app.notify

    def counting_notify(message: str, **kwargs: Any) -> None:
        toasts.append(message)
        notify(message, **kwargs)

    app.notify = counting_notify  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=(140, 45)) as pilot:
            tabs = app.query_one("#panes", TabbedContent)
            await pilot.press("2")
            while not (feeds and feeds[0].assigned):
                await pilot.pause(0.05)
            await pilot.pause(1.0)
            rss_start = rss_mb()

            async def switch(key: str, pane: str) -> float:
                return await switch_pane(app, tabs, key, pane)

            producer = subprocess.Popen(
                [sys.executable, "-c", PRODUCER, bootstrap, topic, str(sensors), str(rate), str(seconds)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            switches: list[float] = []  # while the sensors send
            while producer.poll() is None:
                switches.append(await switch("1", "cluster"))
                await pilot.pause(0.2)
                switches.append(await switch("2", "freezer"))
                await pilot.pause(0.5)
            sent = int(producer.communicate(timeout=120)[0].strip() or 0)
            # all silent from now: CPU second by second on the freezer pane, through the STALE wave
            # (stale_after 5 s) and after it, no keys pressed
            cpu: list[float] = []
            for _ in range(int(after)):
                c0, t0 = cpu_seconds(), time.perf_counter()
                await asyncio.sleep(1.0)
                cpu.append(100.0 * (cpu_seconds() - c0) / (time.perf_counter() - t0))
            view = feeds[0].board.view(time.time())
            out.update(
                sent=sent,
                readings=feeds[0].board.readings,
                rows=app.query_one("#sensors", VirtualTable).row_count,
                alerts=view.alert_count,
                toasts=len(toasts),
                toast_texts=toasts[-3:],
            )
            after_wave = []  # with every sensor STALE
            for _ in range(10):
                after_wave.append(await switch("1", "cluster"))
                await pilot.pause(0.2)
                after_wave.append(await switch("2", "freezer"))
                await pilot.pause(0.3)
            both = switches + after_wave
            out.update(
                switch_p50_ms=statistics.median(both) * 1000,
                switch_p95_ms=p95(both) * 1000,
                switch_max_ms=max(both) * 1000,
                switches=len(both),
                traffic_switch_p95_ms=p95(switches) * 1000,
                wave_switch_p95_ms=p95(after_wave) * 1000,
                rss_start_mb=rss_start,
                rss_end_mb=rss_mb(),
                cpu_after=cpu,
            )
            t0 = time.perf_counter()
            await pilot.press("q")
            out["quit_s"] = time.perf_counter() - t0

    asyncio.run(run())
    return out


def run_child(bootstrap: str, sensors: int, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(sensors), "--bootstrap", bootstrap]
    cmd += ["--rate", str(args.rate), "--seconds", str(args.seconds), "--after", str(args.after)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"the {sensors}-sensor run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- memory per sensor, in this process ---------------------------------------------------------


def per_sensor_cost(sensors: int = 10_000, readings: int = 3) -> dict[str, float]:
    from kafkatui.domain.alerts import Thresholds
    from kafkatui.domain.freezer import FreezerBoard
    from kafkatui.domain.readings import Reading

    now = 1_800_000_000.0
    tracemalloc.start()
    board = FreezerBoard("t", Thresholds(-5, 5), stale_after=5.0)
    base = tracemalloc.get_traced_memory()[0]
    for r in range(readings):
        for i in range(sensors):
            board.add(Reading(f"sensor{i}", -1.25 - r, now + r, 0, r * sensors + i), now + r)
    board.tick(now + 10)  # every sensor STALE: the alert state counts too
    board.view(now + 10)  # and its cached row
    per_sensor = (tracemalloc.get_traced_memory()[0] - base) / sensors
    one = FreezerBoard("t", Thresholds(-5, 5))
    before = tracemalloc.get_traced_memory()[0]
    for k in range(20_000):  # the most a sensor keeps
        one.add(Reading("s", -1.0 - k * 1e-4, now + k, 0, k), now + k)
    per_point = (tracemalloc.get_traced_memory()[0] - before) / 20_000
    tracemalloc.stop()
    return {"per_sensor_bytes": per_sensor, "per_point_bytes": per_point}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--sensors", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of traffic")
    parser.add_argument("--after", type=float, default=15.0, help="seconds of CPU sampling once all are silent")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.bootstrap, args.child, args.rate, args.seconds, args.after)))
        return 0
    with broker(args.bootstrap, "bench-sensors") as bootstrap:
        print(f"broker {bootstrap} (1 broker); load {load()}")
        runs = {n: run_child(bootstrap, n, args) for n in (100, args.sensors)}
        small, big = runs[100], runs[args.sensors]
        idle = statistics.median(small["cpu_after"][-5:]) + 5.0
        for n, r in runs.items():
            cpu = r["cpu_after"]
            r["settled_s"] = next((i for i in range(len(cpu)) if all(x <= idle for x in cpu[i:])), None)
            print(
                f"{n:>6,} sensors at {args.rate:,.0f} msgs/s for {args.seconds:g} s, then silent: "
                f"sent {r['sent']:,}, read {r['readings']:,}, table rows {r['rows']:,}, alerts {r['alerts']:,}, "
                f"toasts {r['toasts']} {r['toast_texts']}; "
                f"pane switch p50 {r['switch_p50_ms']:.0f} ms, p95 {r['switch_p95_ms']:.0f} ms, "
                f"max {r['switch_max_ms']:.0f} ms ({r['switches']} switches; p95 while sending "
                f"{r['traffic_switch_p95_ms']:.0f} ms, all STALE {r['wave_switch_p95_ms']:.0f} ms); "
                f"RSS {r['rss_start_mb']:.1f} -> {r['rss_end_mb']:.1f} MB; "
                f"CPU from silence on (% of a core, per s) {' '.join(f'{c:.0f}' for c in r['cpu_after'])}; "
                f"quit {r['quit_s']:.2f} s"
            )
        ratio = big["rss_end_mb"] / small["rss_end_mb"]
        print(
            f"targets: pane switch p95 {big['switch_p95_ms']:.0f} ms (<= 200 ms); "
            f"RSS {big['rss_end_mb']:.1f} / {small['rss_end_mb']:.1f} MB = {ratio:.2f}x the 100-sensor run (<= 1.5x); "
            f"CPU idle (<= {idle:.0f} % of a core) {big['settled_s']} s after the last reading (<= 10 s)"
        )
        cost = per_sensor_cost()
        print(
            f"memory: {cost['per_sensor_bytes']:,.0f} bytes per sensor (3 readings, STALE, cached row), "
            f"+{cost['per_point_bytes']:,.0f} bytes per reading kept (at most 20,000 per sensor)"
        )
        print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
