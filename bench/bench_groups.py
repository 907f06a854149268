#!/usr/bin/env python3
"""Groups pane benchmark (run by hand; prints figures, asserts nothing).

Targets: 500 groups x 10 partitions on the 1-broker test bed, a full refresh completes within
2 s and the UI stays responsive during it; 2,000 groups: refresh <= 2 s, a filter keystroke
-> list redrawn <= 50 ms (`--sizes 2000`).

For each size (default 50, 100, 250, 500 groups; groups are added, so the broker holds exactly
that many at each step) every group commits offsets on all 10 partitions of one of `--topics`
topics. Then:

1. service path: GroupsService polled in a tight loop (ListGroups -> DescribeGroups ->
   OffsetFetch per group, bound 8 -> one ListOffsets -> GroupsView), `--runs` refreshes;
   prints the refresh_ms the view reports, the wall time to the emitted view, and the time
   per phase (from one admin call to the next).
2. app path (`--skip-app` to leave out): the headless app (Textual pilot) with the real Worker
   and every service, Groups pane shown, refresh every 2.5 s; a 50 ms UI timer measures how late
   the event loop runs, and the time the pane takes to show each view is measured. Then filter
   keystrokes: the filter field's value is set as typing would set it, and the time from there
   to the first frame composited after the pane handled it is measured (median and worst).

Usage: python bench/bench_groups.py [--bootstrap HOST:PORT] [--sizes 50,100,250,500]
       (default: starts a 1-broker test bed and stops it afterwards)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from common import measure_loop_lag  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, NewTopic  # noqa: E402

from kafkatui.domain.groups import GroupsView  # noqa: E402
from kafkatui.domain.models import ClusterSnapshot  # noqa: E402
from kafkatui.kafka import clients  # noqa: E402
from kafkatui.kafka.context import Context  # noqa: E402
from kafkatui.kafka.group_client import GroupClient  # noqa: E402
from kafkatui.kafka.groups import GroupsService  # noqa: E402
from kafkatui.settings import Settings  # noqa: E402

PARTITIONS = 10
QUIET = logging.getLogger("bench.librdkafka")
QUIET.propagate = False


def create_topics(admin: AdminClient, prefix: str, count: int) -> list[str]:
    names = [f"{prefix}-t{i}" for i in range(count)]
    for f in admin.create_topics([NewTopic(n, PARTITIONS, 1) for n in names]).values():
        f.result(30)
    time.sleep(1.0)
    return names


def _commit(admin: AdminClient, group: str, topic: str) -> Future[Any]:
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, p, 0) for p in range(PARTITIONS)])
    return admin.alter_consumer_group_offsets([request], request_timeout=30)[group]


def add_groups(admin: AdminClient, prefix: str, topics: list[str], start: int, stop: int) -> float:
    """Groups start..stop-1, each committing offset 0 on every partition of one topic.

    AdminClient.alter_consumer_group_offsets takes one group per call, so up to 50 calls are
    in flight at once; a group whose commit fails (the offsets topic still loading on a fresh
    broker) is retried.
    """
    t0 = time.perf_counter()
    todo = [(f"{prefix}-g{g:04d}", topics[g % len(topics)]) for g in range(start, stop)]
    for _attempt in range(20):
        failed = []
        for i in range(0, len(todo), 50):
            batch = [(g, t, _commit(admin, g, t)) for g, t in todo[i : i + 50]]
            for g, t, f in batch:
                try:
                    bad = [tp for tp in f.result(60).topic_partitions if tp.error is not None]
                except Exception:
                    bad = [None]
                if bad:  # per-partition errors (the coordinator still loading) do not raise
                    failed.append((g, t))
        if not failed:
            break
        todo = failed
        time.sleep(1.0)
    else:
        raise RuntimeError(f"{len(todo)} groups could not commit")
    return time.perf_counter() - t0


class TimedAdmin:
    """Wraps the AdminClient; remembers when each admin call was first made in a refresh."""

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin
        self.marks: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._admin, name)
        if not callable(method):  # GroupClient's `waiting`, `crashes`, ...
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            self.marks.setdefault(name, time.perf_counter())
            return method(*args, **kwargs)

        return call


def snapshot_of(settings: Settings, topics: list[str]) -> ClusterSnapshot:
    """Cluster metadata as the app's worker sees it (GroupsService needs it for OffsetFetch)."""
    from kafkatui.kafka.worker import Worker

    events: list[object] = []
    worker = Worker(settings, events.append)
    worker.start()
    try:
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            for e in reversed(events):
                names = {t.name for t in e.topics} if isinstance(e, ClusterSnapshot) else set()
                if isinstance(e, ClusterSnapshot) and "__consumer_offsets" in names and set(topics) <= names:
                    return e
            time.sleep(0.05)
        raise RuntimeError("no cluster metadata with __consumer_offsets and the bench topics")
    finally:
        worker.stop(2.0)


def service_path(settings: Settings, snapshot: ClusterSnapshot, runs: int) -> dict[str, Any]:
    events: list[object] = []
    timed = TimedAdmin(AdminClient(clients.admin_config(settings)))
    ctx = Context(settings, events.append, time.time, timed)  # type: ignore[arg-type]
    ctx.connected = True
    ctx.snapshot = snapshot
    # the group calls go through the group client process, as in the app
    group_client = GroupClient(clients.plain_config(settings), settings.secret_values())
    timed_groups = TimedAdmin(group_client)
    service = GroupsService(ctx, group_admin=timed_groups)
    reported, walls, updates = [], [], []
    phases: dict[str, list[float]] = {"list": [], "describe": [], "offsets": [], "list_offsets": []}
    view: GroupsView | None = None
    order = ["list_groups", "describe_groups", "fetch_offsets", "list_offsets"]
    for run in range(runs + 1):  # the first refresh warms up connections and is not counted
        service.next_refresh = 0.0
        timed.marks, timed_groups.marks = {}, {}
        before = len(events)
        t0 = time.perf_counter()
        while not any(isinstance(e, GroupsView) for e in events[before:]):
            service.poll(ctx, time.time())
            time.sleep(0.001)
        wall = time.perf_counter() - t0
        view = next(e for e in events[before:] if isinstance(e, GroupsView))
        if run == 0:
            continue
        reported.append(view.refresh_ms)
        walls.append(wall * 1000)
        updates.append(wall * 1000 - view.refresh_ms)
        marks = {**timed.marks, **timed_groups.marks}
        stamps = [marks.get(k) for k in order] + [t0 + view.refresh_ms / 1000]
        if all(s is not None for s in stamps):
            for name, a, b in zip(phases, stamps, stamps[1:], strict=False):
                phases[name].append((b - a) * 1000)  # type: ignore[operator]
    group_client.close()
    assert view is not None
    return {
        "groups": len(view.groups),
        "rows": len(view.rows),
        "refresh": reported,
        "wall": walls,
        "update": updates,
        "phases": {k: statistics.median(v) for k, v in phases.items() if v},
    }


def app_path(bootstrap: str, groups: int, seconds: float) -> dict[str, float]:
    from kafkatui.kafka.worker import Worker
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.panes.groups import GroupsPane

    settings = Settings(_env_file=None, bootstrap_servers=bootstrap, refresh_interval=2.5)  # type: ignore[call-arg]

    def factory(s: Settings, emit: Any) -> Worker:
        return Worker(s, emit, extra_services=(GroupsService,))

    app = KafkaTuiApp(settings, worker_factory=factory)
    lags: list[float] = []
    keys: list[float] = []
    shows: list[float] = []
    refreshes: list[float] = []
    rows: list[int] = []

    async def run() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            app.action_pane("groups")
            pane = app.query_one(GroupsPane)
            original = pane.show

            def timed_show(view: GroupsView) -> None:
                t0 = time.perf_counter()
                original(view)
                shows.append((time.perf_counter() - t0) * 1000)
                refreshes.append(view.refresh_ms)
                rows.append(len(view.rows))

            pane.show = timed_show  # type: ignore[method-assign]
            deadline = time.perf_counter() + 30
            while (pane.view is None or len(pane.view.rows) < groups * PARTITIONS) and time.perf_counter() < deadline:
                await pilot.pause(0.05)
            await pilot.pause(0.5)
            shows.clear()
            refreshes.clear()
            timer = measure_loop_lag(app, lags)
            await pilot.pause(seconds)
            timer.stop()
            await filter_keys(app, pilot, pane, keys)
            await pilot.press("q")

    asyncio.run(run())
    lags.sort()
    return {
        "views": float(len(shows)),
        "rows": float(max(rows, default=0)),
        "refresh_ms": statistics.median(refreshes) if refreshes else float("nan"),
        "show_ms": statistics.median(shows) if shows else float("nan"),
        "show_max_ms": max(shows) if shows else float("nan"),
        "lag_p50_ms": statistics.median(lags) * 1000 if lags else float("nan"),
        "lag_p99_ms": lags[max(0, int(len(lags) * 0.99) - 1)] * 1000 if lags else float("nan"),
        "lag_max_ms": lags[-1] * 1000 if lags else float("nan"),
        "key_p50_ms": statistics.median(keys) * 1000 if keys else float("nan"),
        "key_max_ms": max(keys) * 1000 if keys else float("nan"),
        "keys": float(len(keys)),
    }


FILTERS = ["g", "g1", "g12", "g123", "g12", "g1", "g", ""] * 3


async def filter_keys(app: Any, pilot: Any, pane: Any, keys: list[float], limit: float = 5.0) -> None:
    """Filter keystrokes: value set -> the pane handled it -> the next frame composited."""
    frames: list[float] = []
    screen = app.screen
    composite = screen._compositor_refresh

    def spy() -> None:
        composite()
        frames.append(time.perf_counter())

    screen._compositor_refresh = spy
    await pilot.press("slash")
    await pilot.pause(0.2)
    field = app.query_one("#groups-filter")
    try:
        for text in FILTERS:
            start = time.perf_counter()
            field.value = text  # what a keystroke does: Input.Changed -> the pane filters the list
            while pane.filter_text != text and time.perf_counter() < start + limit:
                await asyncio.sleep(0.001)
            handled = time.perf_counter()
            while not any(f >= handled for f in frames) and time.perf_counter() < start + limit:
                await asyncio.sleep(0.001)
            keys.append(min([f for f in frames if f >= handled], default=start + limit) - start)
    finally:
        screen._compositor_refresh = composite


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):5.0f} ms (min {min(values):.0f}, max {max(values):.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--sizes", default="50,100,250,500")
    parser.add_argument("--topics", type=int, default=10, help="topics of 10 partitions")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app-seconds", type=float, default=10.0)
    parser.add_argument("--skip-app", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cluster = None
    bootstrap = args.bootstrap
    if not bootstrap:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, f"bench-groups-{uuid.uuid4().hex[:6]}", owner=True, die_with_parent=True)
        bootstrap = cluster.bootstrap
    try:
        print(
            f"broker {bootstrap}; {args.topics} topics x {PARTITIONS} partitions; "
            f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
            f"{os.cpu_count()} CPUs"
        )
        prefix = f"bench-{uuid.uuid4().hex[:6]}"
        admin = AdminClient({"bootstrap.servers": bootstrap, "logger": QUIET})
        topics = create_topics(admin, prefix, args.topics)
        settings = Settings(_env_file=None, bootstrap_servers=bootstrap)  # type: ignore[call-arg]
        snapshot: ClusterSnapshot | None = None
        have = 0
        for size in sizes:
            made = add_groups(admin, prefix, topics, have, size)
            print(f"\n== {size} groups ({size - have} created in {made:.1f} s); load {os.getloadavg()[0]:.2f}")
            have = size
            if snapshot is None:  # __consumer_offsets exists once a group has committed
                snapshot = snapshot_of(settings, topics)
            s = service_path(settings, snapshot, args.runs)
            print(f"service: {s['groups']} groups, {s['rows']} rows; refresh_ms {fmt(s['refresh'])}")
            print(
                f"         wall to view emitted {fmt(s['wall'])}; "
                f"GroupTracker.update {statistics.median(s['update']):.0f} ms"
            )
            print("         phases (median ms): " + ", ".join(f"{k} {v:.0f}" for k, v in s["phases"].items()))
            if not args.skip_app:
                a = app_path(bootstrap, size, args.app_seconds)
                print(
                    f"app:     {a['views']:.0f} views in {args.app_seconds:g} s, refresh_ms median "
                    f"{a['refresh_ms']:.0f}; pane show median {a['show_ms']:.0f} ms, max "
                    f"{a['show_max_ms']:.0f} ms"
                )
                print(
                    f"         UI loop lag: p50 {a['lag_p50_ms']:.1f} ms, p99 {a['lag_p99_ms']:.1f} ms, "
                    f"max {a['lag_max_ms']:.1f} ms"
                )
                print(
                    f"         filter keystroke -> list drawn: median {a['key_p50_ms']:.1f} ms, worst "
                    f"{a['key_max_ms']:.1f} ms over {a['keys']:.0f} keys (<= 50)"
                )
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
