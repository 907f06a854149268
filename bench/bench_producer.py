#!/usr/bin/env python3
"""Producer benchmark (run by hand; prints figures, asserts nothing):

1. `kcat -P` ceiling: 1M small messages (key sensorN, value like -3.21), acks=1, same broker.
2. The pane's worker path: the real Worker thread with the ProducerService, one `Produce` burst
   of 1M of the same messages with acks=1 (idempotence off), timed from the command to the last
   delivery report.                                                      target >= 100k msgs/s
3. The same burst started from the pane in the running app (headless, Textual pilot), while a
   50 ms UI timer measures how late the event loop runs (the UI stays responsive if the lag
   stays well under a frame budget) and a pane switch is timed mid-burst.

Usage: python bench/bench_producer.py [--bootstrap HOST:PORT] [--count N] [--skip-app]
       (default: starts a 1-broker test bed and stops it afterwards)
"""

from __future__ import annotations

import argparse
import asyncio
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

from common import create_topic, measure_loop_lag  # noqa: E402
from kafkatui.domain.models import ClusterSnapshot  # noqa: E402
from kafkatui.domain.producer import (  # noqa: E402
    Configure,
    Produce,
    ProducerConfig,
    ProduceRequest,
    ProducerView,
)
from kafkatui.kafka.producer import ProducerService  # noqa: E402
from kafkatui.kafka.worker import Worker  # noqa: E402
from kafkatui.settings import Settings  # noqa: E402

ACKS1 = ProducerConfig("1", False, "none", 5.0)


def kcat_ceiling(bootstrap: str, count: int) -> float:
    topic = create_topic(bootstrap, "bench-producer")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for i in range(count):
            f.write(f"sensor{i % 3}:-3.21\n")
        path = f.name
    start = time.perf_counter()
    done = subprocess.run(
        ["kcat", "-P", "-b", bootstrap, "-t", topic, "-K:", "-X", "acks=1", "-X", "linger.ms=5", "-l", path],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    Path(path).unlink()
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return count / elapsed


def worker_path(bootstrap: str, count: int) -> dict[str, float]:
    topic = create_topic(bootstrap, "bench-producer")
    events: list[object] = []
    settings = Settings(_env_file=None, bootstrap_servers=bootstrap, refresh_interval=1.0)  # type: ignore[call-arg]
    worker = Worker(settings, events.append, extra_services=(ProducerService,))
    worker.start()

    def last_view() -> ProducerView | None:
        for e in reversed(events):
            if isinstance(e, ProducerView):
                return e
        return None

    try:
        while not any(isinstance(e, ClusterSnapshot) and any(t.name == topic for t in e.topics) for e in events):
            time.sleep(0.05)
        worker.submit(Configure(ACKS1))
        # a first message builds the producer and connects, outside the timing
        worker.submit(Produce(ProduceRequest(topic, "warmup", "-3.21")))
        while (v := last_view()) is None or v.delivered < 1:
            time.sleep(0.01)
        # a command round trip mid-burst tells whether the worker loop stays responsive
        start = time.perf_counter()
        worker.submit(Produce(ProduceRequest(topic, "sensor{i%3}", "-3.21", count=count)))
        views_before = sum(isinstance(e, ProducerView) for e in events)
        while (v := last_view()) is None or v.delivered + v.failed < count + 1:
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        views = sum(isinstance(e, ProducerView) for e in events) - views_before
        assert v is not None
        return {"rate": count / elapsed, "elapsed": elapsed, "failed": float(v.failed), "views_per_s": views / elapsed}
    finally:
        worker.stop(2.0)


def app_path(bootstrap: str, count: int) -> dict[str, float]:
    from textual.widgets import Input, TabbedContent, TextArea

    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.panes.producer import ProducerPane

    topic = create_topic(bootstrap, "bench-producer")
    settings = Settings(
        _env_file=None,
        bootstrap_servers=bootstrap,
        topic=topic,  # type: ignore[call-arg]
        refresh_interval=1.0,
        overrides={"acks": "1", "enable.idempotence": "false"},
    )

    def factory(s: Settings, emit: Any) -> Worker:
        return Worker(s, emit, extra_services=(ProducerService,))

    app = KafkaTuiApp(settings, worker_factory=factory)
    lags: list[float] = []
    switches: list[float] = []
    result: dict[str, float] = {}

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            app.action_pane("producer")
            pane = app.query_one(ProducerPane)
            while topic not in pane.topic_names:
                await pilot.pause(0.05)
            app.query_one("#p-key", Input).value = "sensor{i%3}"
            app.query_one("#p-value", TextArea).text = "-3.21"
            app.query_one("#p-count", Input).value = str(count)
            await pilot.pause()
            tabs = app.query_one("#panes", TabbedContent)

            async def switch() -> float:
                t0 = time.perf_counter()
                await pilot.press("1")
                while tabs.active != "cluster":
                    await pilot.pause(0.001)
                await pilot.press("5")
                while tabs.active != "producer":
                    await pilot.pause(0.001)
                return (time.perf_counter() - t0) / 2

            idle_switches = [await switch() for _ in range(3)]
            timer = measure_loop_lag(app, lags)
            start = time.perf_counter()
            pane.action_send()
            while pane.view is None or pane.view.delivered + pane.view.failed < count:
                await pilot.pause(0.2)
                if pane.view is not None and 0 < pane.view.delivered < count // 2:
                    switches.append(await switch())
            elapsed = time.perf_counter() - start
            timer.stop()
            result.update(
                rate=count / elapsed,
                elapsed=elapsed,
                failed=float(pane.view.failed),
                idle_switch_ms=statistics.median(idle_switches) * 1000,
            )
            await pilot.press("q")

    asyncio.run(run())
    lags.sort()
    result["lag_p50_ms"] = statistics.median(lags) * 1000 if lags else 0.0
    result["lag_p99_ms"] = lags[int(len(lags) * 0.99) - 1] * 1000 if lags else 0.0
    result["lag_max_ms"] = lags[-1] * 1000 if lags else 0.0
    result["switch_ms"] = statistics.median(switches) * 1000 if switches else float("nan")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--skip-app", action="store_true", help="only kcat and the worker path")
    args = parser.parse_args()
    cluster = None
    bootstrap = args.bootstrap
    if not bootstrap:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, f"bench-producer-{uuid.uuid4().hex[:6]}", owner=True, die_with_parent=True)
        bootstrap = cluster.bootstrap
    try:
        print(f"broker {bootstrap}; {args.count:,} messages of key sensorN, value -3.21, acks=1")
        ceiling = kcat_ceiling(bootstrap, args.count)
        print(f"kcat -P ceiling:            {ceiling:>10,.0f} msgs/s")
        w = worker_path(bootstrap, args.count)
        print(
            f"pane worker path:           {w['rate']:>10,.0f} msgs/s ({w['elapsed']:.2f} s, "
            f"{w['failed']:.0f} failed, {w['views_per_s']:.1f} views/s)  target >= 100,000"
        )
        if not args.skip_app:
            a = app_path(bootstrap, args.count)
            print(
                f"from the pane, app running: {a['rate']:>10,.0f} msgs/s ({a['elapsed']:.2f} s, "
                f"{a['failed']:.0f} failed)"
            )
            print(
                f"UI loop lag during burst:   p50 {a['lag_p50_ms']:.1f} ms, p99 "
                f"{a['lag_p99_ms']:.1f} ms, max {a['lag_max_ms']:.1f} ms"
            )
            print(
                f"pane switch (1 then 5):     {a['switch_ms']:.0f} ms during the burst, "
                f"{a['idle_switch_ms']:.0f} ms before it"
            )
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
