#!/usr/bin/env python3
"""Idle CPU, as a user leaves the dashboard open (run by hand; prints figures, asserts nothing).

5 sensors send 1 reading a second each (`kafkatui simulate`); kafkatui runs in a real terminal
(tmux) on that topic, one pane open, and its CPU time (the whole process tree, the group client
process included) is read from /proc over `--seconds`. The same is measured, in the same run, for
kaskade (`kaskade consumer` on the same topic and `kaskade admin`) when `--kaskade` names its
executable (it is not a dependency: `pip install kaskade` into a separate virtual environment).

        target: <= 1 % of a core on every pane, and within 3x of kaskade

Usage: python bench/bench_idle.py [--bootstrap HOST:PORT] [--seconds 60] [--panes 1,2,3,4,5]
       [--size 160x48] [--kaskade PATH]   (default: starts a 1-broker test bed)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from common import create_topic, load  # noqa: E402

SOCKET = "bench-idle"
TICK = os.sysconf("SC_CLK_TCK")
SIMULATE = ("--sensors", "5", "--rate", "1", "--no-anomalies", "--seed", "1")  # 5 sensors x 1 msg/s


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False).stdout


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def wait_screen(session: str, needle: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if needle in tmux("capture-pane", "-p", "-t", session):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{needle!r} not on screen after {timeout:g} s:\n{tmux('capture-pane', '-p', '-t', session)}")


def measure(session: str, command: str, size: str, ready: str, keys: str, warm: float, seconds: float) -> float:
    """Percent of one core the command's process tree used over `seconds`, after `warm`."""
    width, height = size.split("x")
    tmux("kill-session", "-t", session)
    tmux("new-session", "-d", "-s", session, "-x", width, "-y", height, command)
    try:
        pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        wait_screen(session, ready)
        if keys:
            tmux("send-keys", "-t", session, keys)
        time.sleep(warm)
        pids = tree(pid)
        c0, t0 = cpu_seconds(pids), time.monotonic()
        time.sleep(seconds)
        pids = tree(pid)  # (a child started meanwhile counts from its start)
        return 100.0 * (cpu_seconds(pids) - c0) / (time.monotonic() - t0)
    finally:
        tmux("kill-session", "-t", session)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warm", type=float, default=10.0, help="seconds after opening a pane before measuring")
    parser.add_argument("--panes", default="1,2,3,4,5")
    parser.add_argument("--size", default="160x48")
    parser.add_argument("--kaskade", help="the kaskade executable, measured beside kafkatui")
    args = parser.parse_args()
    cluster = None
    bootstrap = args.bootstrap
    if not bootstrap:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, f"bench-idle-{uuid.uuid4().hex[:6]}", owner=True, die_with_parent=True)
        bootstrap = cluster.bootstrap
    py = shutil.which("python3") or sys.executable
    sensors = None
    try:
        topic = create_topic(bootstrap, "bench-idle")
        print(f"broker {bootstrap} (1 broker); topic {topic}; terminal {args.size}; load {load()}")
        sensors = subprocess.Popen(
            [py, "-m", "kafkatui", "simulate", "-b", bootstrap, "-t", topic, *SIMULATE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        path = os.environ.get("PYTHONPATH")
        app = f"{'env PYTHONPATH=' + path + ' ' if path else ''}{py} -m kafkatui -b {bootstrap} -t {topic}"
        ceiling: dict[str, float] = {}
        if args.kaskade:
            ceiling["kaskade consumer"] = measure(
                "kaskade-consumer",
                f"{args.kaskade} consumer -b {bootstrap} -t {topic}",
                args.size,
                topic,
                "",
                args.warm,
                args.seconds,
            )
            ceiling["kaskade admin"] = measure(
                "kaskade-admin", f"{args.kaskade} admin -b {bootstrap}", args.size, topic, "", args.warm, args.seconds
            )
            for name, value in ceiling.items():
                cpu_s = value * args.seconds / 100
                print(f"{name:18}: {value:5.2f} % of a core ({cpu_s:.2f} CPU-s in {args.seconds:g} s)")
        else:
            print("kaskade: not measured (pass --kaskade PATH)")
        best = max(ceiling.values(), default=0.0)
        for pane in args.panes.split(","):
            value = measure(f"kafkatui-{pane}", app, args.size, "brokers 1/1", pane, args.warm, args.seconds)
            ratio = f"{value / best:.1f}x kaskade" if best > 0 else "kaskade not measured"
            print(
                f"kafkatui pane {pane}    : {value:5.2f} % of a core ({value * args.seconds / 100:.2f} CPU-s in "
                f"{args.seconds:g} s; {ratio})  target <= 1 % and <= 3x"
            )
        print(f"load after: {load()}")
    finally:
        if sensors is not None:
            sensors.terminate()
            sensors.wait(10)
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
