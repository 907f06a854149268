#!/usr/bin/env python3
"""`kafkatui check` beside `kcat -L` on the same broker, in the same run (run by hand; prints
figures, asserts nothing). Runs alternate, so machine load hits both alike; the medians are
compared. Also printed: the bare interpreter's start (`python3 -c pass`, a floor no Python tool
goes under) and where `check`'s imports go (`python3 -X importtime`).

        target: kafkatui check <= 5x kcat -L

Usage: python bench/bench_check.py [--bootstrap HOST:PORT] [--runs 10]   (default: starts a test bed)
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from common import broker, load  # noqa: E402

TOP = ("kafkatui.settings", "pydantic_settings", "pydantic", "confluent_kafka", "kafkatui.kafka.check", "site")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def import_costs(cmd: list[str]) -> dict[str, float]:
    """Cumulative import milliseconds of the TOP modules (each the first time it is imported)."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    costs: dict[str, float] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
        if m and m.group(2) in TOP and m.group(2) not in costs:
            costs[m.group(2)] = int(m.group(1)) / 1000
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    py = shutil.which("python3") or sys.executable
    with broker(args.bootstrap, "bench-check") as bootstrap:
        check = [py, "-m", "kafkatui", "check", "-b", bootstrap]
        kcat = ["kcat", "-L", "-b", bootstrap]
        print(f"broker {bootstrap} (1 broker); load {load()}")
        timed(check), timed(kcat)  # warm the file cache
        ours, theirs, bare = [], [], []
        for _ in range(args.runs):
            ours.append(timed(check))
            theirs.append(timed(kcat))
            bare.append(timed([py, "-c", "pass"]))
        a, b, c = (statistics.median(x) * 1000 for x in (ours, theirs, bare))
        print(
            f"kafkatui check: median {a:.0f} ms (min {min(ours) * 1000:.0f})   kcat -L: median {b:.0f} ms "
            f"(min {min(theirs) * 1000:.0f})   ratio {a / b:.1f}x  target <= 5x   "
            f"(python3 -c pass alone: {c:.0f} ms = {c / b:.1f}x kcat)"
        )
        costs = import_costs([py, "-X", "importtime", *check[1:]])
        print("imports (cumulative ms): " + ", ".join(f"{k} {v:.0f}" for k, v in costs.items()))
        print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
