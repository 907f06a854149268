#!/usr/bin/env python3
"""Foundation benchmarks (run by hand; prints figures, asserts nothing):

1. `kafkatui --help` wall time (median of 20 runs)           target <= 0.15 s
2. launch -> first frame with cluster data, 1-broker test bed   target <= 1.0 s
3. quit latency with the broker unreachable (call in flight)     target <= 0.3 s

2 and 3 drive the real app in tmux, as a user would, polling `capture-pane` every 10 ms.
Usage: python bench/bench_startup.py [--bootstrap HOST:PORT]   (default: starts a test bed)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def help_time(runs: int = 20) -> list[float]:
    exe = shutil.which("kafkatui") or "kafkatui"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([exe, "--help"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def wait_screen(session: str, needle: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in tmux("-L", "bench", "capture-pane", "-p", "-t", session):
            return time.perf_counter() - start
        time.sleep(0.01)
    raise TimeoutError(f"{needle!r} not on screen after {timeout} s")


def first_frame(bootstrap: str, runs: int = 5) -> list[float]:
    times = []
    for i in range(runs):
        session = f"bench-ff-{i}"
        tmux("-L", "bench", "kill-session", "-t", session)
        start = time.perf_counter()
        tmux("-L", "bench", "new-session", "-d", "-s", session, "-x", "120", "-y", "30", f"kafkatui -b {bootstrap}")
        wait_screen(session, "brokers 1/1", 30)
        times.append(time.perf_counter() - start)
        tmux("-L", "bench", "kill-session", "-t", session)
    return times


def quit_latency(runs: int = 5) -> list[float]:
    # a loopback socket that accepts and never answers (a stuck broker): a metadata call is always in flight
    import kafka_testbed as tb

    times = []
    with tb.SilentListener() as silent:
        for i in range(runs):
            session = f"bench-quit-{i}"
            tmux("-L", "bench", "kill-session", "-t", session)
            tmux(
                "-L",
                "bench",
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "120",
                "-y",
                "30",
                f"kafkatui -b {silent.address} --timeout 30; echo EXITED; sleep 30",
            )
            wait_screen(session, silent.address, 15)
            time.sleep(1.5)
            tmux("-L", "bench", "send-keys", "-t", session, "q")
            times.append(wait_screen(session, "EXITED", 10))
            tmux("-L", "bench", "kill-session", "-t", session)
    return times


def show(name: str, values: list[float], target: float) -> None:
    med = statistics.median(values)
    verdict = "OK" if med <= target else "OVER TARGET"
    print(
        f"{name:<42} median {med * 1000:7.1f} ms  min {min(values) * 1000:7.1f}  "
        f"max {max(values) * 1000:7.1f}  (n={len(values)}, target {target * 1000:.0f} ms) {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap")
    parser.add_argument("--skip-help", action="store_true")
    args = parser.parse_args()
    if not args.skip_help:
        show("kafkatui --help", help_time(), 0.15)
    cluster = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, "bench-startup")
        bootstrap = cluster.bootstrap
    try:
        show("launch -> first frame with cluster data", first_frame(bootstrap), 1.0)
    finally:
        if cluster is not None:
            cluster.stop()
    show("quit with the broker unreachable", quit_latency(), 0.3)


if __name__ == "__main__":
    main()
