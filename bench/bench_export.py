#!/usr/bin/env python3
"""Export and cluster-switch benchmarks (run by hand; prints figures):

1. export: N records (the message viewer's rows) and N groups written by the export's own
   thread as CSV and as JSON lines: rows per second and file size             no broker
2. switch: with two clusters as profiles, seconds from a switch to the first metadata
   snapshot of the new cluster, over ten switches back and forth, and the OS threads and
   group client processes left afterwards                                      two brokers

Usage:
    python bench/bench_export.py [--rows 200000]
    python bench/bench_export.py --switch HOST:PORT HOST:PORT
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def bench_export(n: int) -> None:
    from kafkatui.domain.export import (
        GROUP_COLUMNS,
        RECORD_COLUMNS,
        ExportSource,
        Format,
        group_rows,
        records_rows,
    )
    from kafkatui.domain.groups import GroupRow, GroupStatus
    from kafkatui.domain.message_viewer import Record
    from kafkatui.tui.screens.export import ExportJob

    records = tuple(
        Record(
            i % 12,
            i,
            1_763_712_000_000 + i,
            f"sensor{i % 100}".encode(),
            f'{{"temperature": {i % 17 - 5}.25, "ts": {i}}}'.encode(),
            (("src", b"sim"),),
            40,
        )
        for i in range(n)
    )
    groups = tuple(
        GroupRow(f"group-{i}", "Stable", "classic", 1, ("orders",), i, (i,), 1.5, 1.0, 60.0, 2.0, GroupStatus.OK)
        for i in range(n)
    )
    tables = [
        ("records", RECORD_COLUMNS, lambda: records_rows(records)),
        ("groups", GROUP_COLUMNS, lambda: group_rows(groups)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for name, columns, rows in tables:
            for fmt in Format:
                path = Path(folder) / f"{name}{fmt.extension}"
                done = threading.Event()

                def report(count: int, finished: bool, error: str | None, done: threading.Event = done) -> None:
                    if finished:
                        done.set()

                job = ExportJob(ExportSource(name, name, "", columns, rows, n), path, fmt, report)
                started = time.perf_counter()
                job.start()
                done.wait()
                took = time.perf_counter() - started
                size = path.stat().st_size / 1e6
                rate = n / took
                print(f"export {name:<8} {fmt.value:<5} {n:,} rows in {took:.2f} s = {rate:,.0f} rows/s, {size:.1f} MB")


async def bench_switch(first: str, second: str) -> None:
    from kafkatui import settings as settings_module
    from kafkatui.kafka.services import DashboardOptions, dashboard_commands, dashboard_services
    from kafkatui.kafka.worker import Worker
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.widgets.header import ClusterHeader

    def make(bootstrap: str) -> Any:
        return settings_module.Settings(_env_file=None, bootstrap_servers=bootstrap)  # type: ignore[call-arg]

    services = dashboard_services(DashboardOptions())
    clusters = {"one": make(first), "two": make(second)}

    def factory(s: Any, emit: Any) -> Worker:
        return Worker(s, emit, extra_services=services, commands=dashboard_commands())

    app = KafkaTuiApp(clusters["one"], worker_factory=factory, profile="one", settings_for=clusters.__getitem__)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(3)
        threads_before = len(os.listdir("/proc/self/task"))
        times = []
        for target in ["two", "one"] * 5:
            started = time.perf_counter()
            await app.switch_cluster(target, clusters[target])
            while "brokers" not in app.query_one(ClusterHeader).render_text().plain:
                await asyncio.sleep(0.01)
            times.append(time.perf_counter() - started)
        await asyncio.sleep(10)  # the old workers end on their own
        threads_after = len(os.listdir("/proc/self/task"))
        app.stop_worker()
    print("switch -> first snapshot (s): " + " ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s")
    print(f"OS threads before {threads_before}, 10 s after the last switch {threads_after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--switch", nargs=2, metavar="HOST:PORT")
    args = parser.parse_args()
    if args.switch:
        asyncio.run(bench_switch(*args.switch))
    else:
        bench_export(args.rows)


if __name__ == "__main__":
    main()
