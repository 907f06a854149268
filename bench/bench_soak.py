#!/usr/bin/env python3
"""Soak (run by hand; prints figures, asserts nothing).

`--minutes` (default 30) of 1k msgs/s (`kafkatui simulate`: 100 sensors x 10/s, anomalies on) into a
3-partition topic on a 1-broker test bed, a consumer group (kcat -G) reading it (stopped 5 s before the
producer at the end, so the group ends with a real lag), and the whole
dashboard (real Worker with every service, headless app) watching. At half time the broker is
killed and restarted. Reported: RSS of the dashboard process each minute and its growth from the
first sample after warm-up to the end (target <= 10 %); unhandled errors (app error panel, ERROR
lines in the log); after the restart, whether the freezer readings equal the topic's record count
(none lost, none doubled) and whether the lag shown equals ConsumerGroupCommand's for the group.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import kafka_testbed as tb  # noqa: E402
from kafkatui.domain.freezer import FreezerView  # noqa: E402
from kafkatui.domain.groups import GroupsView  # noqa: E402
from kafkatui.kafka.services import DashboardOptions, dashboard_services  # noqa: E402
from kafkatui.kafka.worker import Worker  # noqa: E402
from kafkatui.logs import setup_logging  # noqa: E402
from kafkatui.settings import Settings  # noqa: E402
from kafkatui.tui.app import KafkaTuiApp  # noqa: E402


def die_with_us() -> None:
    """preexec_fn: the producer and the reader end when this benchmark does, even if it crashes."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def high_watermarks(bootstrap: str, topic: str) -> int:
    r = tb.run_tool("GetOffsetShell", ["--bootstrap-server", bootstrap, "--topic", topic])
    return sum(int(line.rsplit(":", 1)[1]) for line in r.stdout.split() if line.count(":") >= 2)


def tool_lag(bootstrap: str, group: str) -> int | None:
    """The group's total lag as ConsumerGroupCommand --describe shows it; None: no partition rows."""
    r = tb.run_tool("ConsumerGroupCommand", ["--bootstrap-server", bootstrap, "--describe", "--group", group])
    lags = []
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[0] == group and re.fullmatch(r"\d+", parts[5] or ""):
            lags.append(int(parts[5]))
    if not lags:
        print(f"ConsumerGroupCommand shows no lag rows: {(r.stdout + r.stderr).strip()[:300]}")
    return sum(lags) if lags else None


def shown(app: KafkaTuiApp, group: str) -> str:
    view = app._latest.get(GroupsView)
    row = view.group(group) if view else None
    return "no groups view" if row is None else f"{row.state}, lag {row.total_lag}, error {row.error}"


async def soak(minutes: float, trace: bool = False) -> None:
    if trace:
        tracemalloc.start(5)
        import threading

        def watch_rss() -> None:  # every step of 1 MB or more, with its time
            last = rss_mb()
            t0 = time.monotonic()
            while True:
                time.sleep(0.5)
                now = rss_mb()
                if abs(now - last) >= 1.0:
                    print(f"    [{time.monotonic() - t0:6.1f} s] RSS {last:.1f} -> {now:.1f} MB", flush=True)
                    last = now

        threading.Thread(target=watch_rss, daemon=True).start()
    before = None
    cluster = tb.start_cluster(1, f"bench-soak-{os.getpid()}")  # runs side by side never share a broker
    bs = cluster.bootstrap
    print(f"broker {bs}", flush=True)
    topic = f"soak-{uuid.uuid4().hex[:6]}"
    group = f"soak-reader-{uuid.uuid4().hex[:6]}"
    tb.run_tool("TopicCommand", ["--bootstrap-server", bs, "--create", "--topic", topic, "--partitions", "3"])
    log_file = Path(f"/tmp/kafkatui-soak-{os.getpid()}.log")
    env = {**os.environ, "KAFKATUI_LOG_FILE": str(log_file) + ".sim"}
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kafkatui",
            "simulate",
            "-b",
            bs,
            "-t",
            topic,
            "--sensors",
            "100",
            "--rate",
            "10",
            "--acks",
            "all",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=die_with_us,
    )
    reader = subprocess.Popen(
        [
            "kcat",
            "-b",
            bs,
            "-G",
            group,
            topic,
            "-q",
            "-X",
            "auto.offset.reset=earliest",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_us,
    )
    settings = Settings(_env_file=None, bootstrap_servers=bs, topic=topic, groups=(group,), timeout=5.0)  # type: ignore[call-arg]
    setup_logging(log_file, [])
    services = dashboard_services(DashboardOptions(since=3600.0))
    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=services))
    print("producer, reader and dashboard starting", flush=True)
    samples: list[tuple[float, float]] = []
    restarted = False
    start = time.monotonic()
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            print("dashboard up", flush=True)
            while (elapsed := time.monotonic() - start) < minutes * 60:
                await pilot.pause(5.0)
                if not samples or elapsed - samples[-1][0] >= 60:
                    samples.append((elapsed, rss_mb()))
                    print(f"{elapsed / 60:5.1f} min  RSS {samples[-1][1]:7.1f} MB", flush=True)
                if not restarted and elapsed >= minutes * 30:
                    print(f"before the restart: shown {shown(app, group)}; tool {tool_lag(bs, group)}", flush=True)
                    before = tracemalloc.take_snapshot() if trace else None
                    print(f"killing the broker at {time.monotonic() - start:.1f} s", flush=True)
                    cluster.kill(1)
                    await pilot.pause(10.0)
                    print(f"starting the broker at {time.monotonic() - start:.1f} s", flush=True)
                    cluster.start(1)
                    print(f"broker back after {time.monotonic() - start - elapsed:.1f} s", flush=True)
                    restarted = True
                    if before is not None:
                        await pilot.pause(30.0)
                        print(f"RSS 30 s after the restart {rss_mb():.1f} MB; Python heap growth, largest first:")
                        for stat in tracemalloc.take_snapshot().compare_to(before, "lineno")[:8]:
                            print("   ", stat)
                        import ctypes

                        ctypes.CDLL("libc.so.6").malloc_trim(0)
                        print(f"RSS after malloc_trim(0) {rss_mb():.1f} MB (freed memory the allocator kept)")
            # the reader stops first, so the group ends with a real lag (the records produced after it left)
            reader.terminate()
            reader.wait(10)
            await pilot.pause(5.0)
            sim.terminate()
            sim.wait(30)
            await pilot.pause(12.0)  # more than two refresh intervals with nothing moving
            freezer = app._latest.get(FreezerView)
            total = high_watermarks(bs, topic)
            groups = app._latest.get(GroupsView)
            row = groups.group(group) if groups else None
            shown_lag = row.total_lag if row else None
            lag = tool_lag(bs, group)
            errors = list(app.errors)
            if groups:
                print(f"groups view {time.time() - groups.ts:.1f} s old; notes: {list(groups.notes)}")
                print(f"row: {row}")
            client = next((s.group_admin for s in app.worker.services if hasattr(s, "group_admin")), None)
            if client is not None:
                print(f"group client process: {client.starts} start(s), crashes {client.crashes}")
    finally:
        sim.kill()
        reader.kill()
        cluster.stop()
    warm = samples[1][1] if len(samples) > 1 else samples[0][1]
    growth = (samples[-1][1] - warm) / warm * 100
    lines = log_file.read_text().splitlines() if log_file.exists() else []
    # librdkafka's own ERR-level lines (connection refused while the broker is down) are expected
    broker_noise = [ln for ln in lines if " ERROR kafkatui.librdkafka" in ln]
    log_errors = [ln for ln in lines if " ERROR " in ln and ln not in broker_noise]
    print(
        f"RSS after warm-up {warm:.1f} MB, at the end {samples[-1][1]:.1f} MB: growth {growth:+.1f} % (target <= 10 %)"
    )
    print(
        f"unhandled errors: {len(errors)} in the app, {len(log_errors)} ERROR lines of ours in the log "
        f"({len(broker_noise)} librdkafka ERR lines, {len(lines)} log lines in all)"
    )
    for error in errors[:5]:
        print("   ", str(error)[:200])
    for line in log_errors[:5]:
        print("   ", line[:200])
    readings = freezer.readings + freezer.rejects.total if freezer else None
    print(
        f"freezer readings {readings} vs records in the topic {total}: {'equal' if readings == total else 'DIFFERENT'}"
    )
    print(f"lag shown {shown_lag} vs ConsumerGroupCommand {lag}: {'equal' if shown_lag == lag else 'DIFFERENT'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--trace", action="store_true", help="tracemalloc: where the Python heap grew at the restart")
    args = parser.parse_args()
    asyncio.run(soak(args.minutes, args.trace))


if __name__ == "__main__":
    main()
