"""The worker's CPU while the dashboard has next to nothing to do (run by hand).

A simulator process sends 5 sensors x 1 reading/s to a fresh topic; this process runs the
dashboard's worker (metadata, freezer feed, topics, groups, producer; no UI) against it and
prints the CPU seconds it used over the measured span (user + system, from /proc/self/stat),
and how many loop steps the worker made.

    python3 bench/bench_worker_idle.py --bootstrap 127.0.0.1:9092 --seconds 60
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import create_topic


def cpu_seconds() -> float:
    """User + system CPU of this process (every thread), from /proc/self/stat."""
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sensors", type=int, default=5)
    args = parser.parse_args()

    from kafkatui.kafka.services import DashboardOptions, dashboard_services
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings

    topic = create_topic(args.bootstrap, "idle", partitions=3)
    sim = subprocess.Popen(
        [
            *(sys.executable, "-m", "kafkatui", "simulate", "-b", args.bootstrap, "-t", topic),
            *("--sensors", str(args.sensors), "--rate", "1", "--no-anomalies"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    settings = Settings(_env_file=None, bootstrap_servers=args.bootstrap, topic=topic)  # type: ignore[call-arg]
    events: list[object] = []
    worker = Worker(settings, events.append, extra_services=dashboard_services(DashboardOptions()))
    try:
        worker.start()
        time.sleep(5.0)  # connected, assigned, first groups refresh done
        steps0 = getattr(worker, "steps", None)
        cpu0, t0 = cpu_seconds(), time.monotonic()
        time.sleep(args.seconds)
        cpu, wall = cpu_seconds() - cpu0, time.monotonic() - t0
        steps = getattr(worker, "steps", None)
        readings = [e for e in events if type(e).__name__ == "FreezerView"]
        last = readings[-1] if readings else None
        print(f"worker CPU over {wall:.0f} s: {cpu:.2f} CPU-s ({100 * cpu / wall:.2f} % of a core)")
        if steps0 is not None and steps is not None:
            print(f"worker loop steps: {steps - steps0} ({(steps - steps0) / wall:.1f} per second)")
        print(f"readings seen: {getattr(last, 'readings', 0)}; load: {os.getloadavg()[0]:.2f}")
    finally:
        worker.stop(2.0)
        sim.terminate()
        sim.wait(5)


if __name__ == "__main__":
    main()
