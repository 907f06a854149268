#!/usr/bin/env python3
"""Topics pane benchmarks on the real 1-broker test bed (run by hand; prints figures):

1. 5,000 topics x 3 partitions: pane opened -> first rows shown           target <= 2 s
2. a filter keystroke -> list re-rendered (median and worst of 40 keys)   target <= 50 ms
3. background refreshes (ListOffsets for 15,000 partitions, DescribeConfigs, metadata):
   worst event-loop stall while they run (a 10 ms timer's lateness)       target: no freeze
4. message viewer tailing a producer at >= 50k msgs/s: rate read, rows shown, worst stall

The app is the real one (KafkaTuiApp + Worker with every service) driven by Textual's Pilot
in a headless terminal; the broker is real. Usage:
    python bench/bench_topics.py [--bootstrap HOST:PORT] [--topics 5000] [--rate 50000]
                                 [--profile N]  (pyinstrument the UI thread during phase N)
(default: starts a 1-broker test bed named bench-topics and stops it afterwards)

How it times: "shown" is the first frame the (headless) screen composites after the table
drew again, seen by spies on the table's render_line and the screen's compositor. Waiting is
done with asyncio.sleep, not `pilot.pause`: pause makes every widget of the screen handle a
callback and forces a frame, load a real session does not have (phase 2 also prints the
keys timed the old way, and what `pilot.pause(0)` costs on its own). Phases 2-4 print each
thread's CPU time and its time runnable but waiting for a core (schedstat): the machine has
2 cores shared with the broker, the producer and whatever else runs there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

PREFIX = "bench-t"


def create_topics(bootstrap: str, count: int) -> float:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": logging.getLogger("bench")})
    have = set(admin.list_topics(timeout=30).topics)
    names = [f"{PREFIX}{i:05d}" for i in range(count) if f"{PREFIX}{i:05d}" not in have]
    start = time.perf_counter()
    for i in range(0, len(names), 500):
        futures = admin.create_topics([NewTopic(n, 3, 1) for n in names[i : i + 500]], request_timeout=120)
        for future in futures.values():
            future.result()
    return time.perf_counter() - start


def produce(bootstrap: str, topic: str, rate: int, seconds: float, done: Any) -> None:
    """A separate process: produce about `rate` msgs/s of ~60 bytes for `seconds`."""
    from confluent_kafka import Producer

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "linger.ms": 20,
            "batch.num.messages": 10000,
            "queue.buffering.max.messages": 2_000_000,
            "acks": 1,
            "logger": logging.getLogger("bench"),
        }
    )
    sent = 0
    start = time.perf_counter()
    value = b'{"sensor": "s1", "temperature": -3.21, "pad": "xxxxxxxx"}'
    while (now := time.perf_counter()) - start < seconds:
        due = int((now - start) * rate)
        while sent < due:
            try:
                producer.produce(topic, key=b"k%d" % (sent % 1000), value=value)
            except BufferError:
                producer.poll(0.01)
                continue
            sent += 1
        producer.poll(0)
    producer.flush(30)
    done.value = sent


class Phases:
    """`--profile N`: pyinstrument on the UI thread during phase N (text report on stderr)."""

    def __init__(self, wanted: int | None) -> None:
        self.wanted = wanted
        self.profiler: Any = None

    def start(self, phase: int) -> None:
        if phase == self.wanted:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.002, async_mode="disabled")
            self.profiler.start()

    def stop(self, phase: int) -> None:
        if phase == self.wanted and self.profiler is not None:
            session = self.profiler.stop()
            print(self.profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
            session.save(f"/tmp/bench_topics_phase{phase}.pyisession")
            self.profiler = None


class ThreadTimes:
    """CPU time and time spent runnable but waiting for a CPU (Linux schedstat), per thread:
    separates "our code was slow" from "the machine's 2 cores were busy elsewhere"."""

    def __init__(self) -> None:
        self.start: dict[str, tuple[float, float]] = {}

    @staticmethod
    def _threads() -> dict[str, int]:
        import threading

        return {t.name: t.native_id for t in threading.enumerate() if t.native_id is not None}

    @staticmethod
    def _read(tid: int) -> tuple[float, float]:
        try:
            cpu, wait, _ = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
        except (OSError, ValueError):
            return 0.0, 0.0
        return int(cpu) / 1e9, int(wait) / 1e9

    def begin(self) -> None:
        self.start = {name: self._read(tid) for name, tid in self._threads().items()}

    def report(self) -> str:
        out = []
        for name, label in (("MainThread", "UI thread"), ("kafka-worker", "worker")):
            tid = self._threads().get(name)
            if tid is None or name not in self.start:
                continue
            cpu, wait = self._read(tid)
            out.append(
                f"{label} cpu {cpu - self.start[name][0]:.2f} s, waited for a core {wait - self.start[name][1]:.2f} s"
            )
        return "; ".join(out)


class Paints:
    """When the table got new rows, drew lines, and when the screen composited frames (spies on
    all three, times kept in order), so "shown" means the first frame on the (headless) screen
    after the table drew the new rows, without the test harness's `pilot.pause`, which makes
    every widget handle a callback and forces a frame (and `pilot.press`, which returns only
    once the whole process has been idle for a while)."""

    def __init__(self, app: Any, table: Any) -> None:
        self.table = table
        self.changes: list[float] = []
        self.full: list[float] = []  # changes after which the table had at least `min_rows` rows
        self.min_rows = 0
        self.draws: list[float] = []
        self.frames: list[float] = []
        set_rows, draw = table.set_rows, table.render_line
        update_rows = getattr(table, "update_rows", None)
        screen = app.screen
        composite = screen._compositor_refresh

        def set_rows_spy(*args: Any) -> None:
            set_rows(*args)
            self.changes.append(time.perf_counter())
            if table.row_count >= self.min_rows:
                self.full.append(self.changes[-1])

        def update_rows_spy(*args: Any) -> None:
            assert update_rows is not None
            update_rows(*args)
            self.changes.append(time.perf_counter())

        def render_line(y: int) -> Any:
            self.draws.append(time.perf_counter())
            return draw(y)

        def compositor_refresh() -> None:
            composite()
            self.frames.append(time.perf_counter())

        table.set_rows, table.render_line = set_rows_spy, render_line
        if update_rows is not None:
            table.update_rows = update_rows_spy
        screen._compositor_refresh = compositor_refresh

    @staticmethod
    def _first(times: list[float], after: float) -> float | None:
        for t in reversed(times):  # the lists only grow; the answer is near the end
            if t < after:
                break
        later = [t for t in times[-2000:] if t >= after]
        return later[0] if later else None

    def _shown(self, start: float, full: bool = False) -> float | None:
        changed = self._first(self.full if full else self.changes, start)
        drawn = self._first(self.draws, changed) if changed is not None else None
        return self._first(self.frames, drawn) if drawn is not None else None

    async def shown_after(self, start: float, limit: float = 5.0, full: bool = False) -> float:
        """The time of the first frame composited after the table, given rows after `start`
        (`full`: at least `min_rows` of them), drew them (`start` + `limit` if none in time)."""
        end = start + limit
        while (shown := self._shown(start, full)) is None and time.perf_counter() < end:
            await asyncio.sleep(0.001)
        return shown if shown is not None else end


class Slowest:
    """The longest single UI event handling (by event type) and worker poll (by service):
    wall time, and the thread's CPU time in it (a worker call waiting on the broker with the
    GIL released takes wall time but no CPU)."""

    def __init__(self) -> None:
        self.worst: dict[str, tuple[float, float]] = {}

    def wrap(self, owner: Any, attr: str, label: Any) -> None:
        inner = getattr(owner, attr)

        def timed(*args: Any) -> Any:
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return inner(*args)
            finally:
                name = label(*args) if callable(label) else label
                took = (time.perf_counter() - start, time.thread_time() - cpu)
                if took > self.worst.get(name, (0.0, 0.0)):
                    self.worst[name] = took

        setattr(owner, attr, timed)

    def reset(self) -> None:
        self.worst = {}

    def report(self, top: int = 5) -> str:
        ranked = sorted(self.worst.items(), key=lambda kv: -kv[1][0])[:top]
        return ", ".join(f"{name} {wall * 1000:.0f} ms ({cpu * 1000:.0f} cpu)" for name, (wall, cpu) in ranked)


class GcPauses:
    """Python's cyclic garbage collector stops every thread while it runs (it holds the GIL):
    how many full (generation 2) collections a phase had, and the longest one."""

    def __init__(self) -> None:
        import gc
        import threading

        self.full: list[tuple[float, str]] = []
        self._start = 0.0
        self._threading = threading

        def callback(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                self._start = time.perf_counter()
            elif info.get("generation") == 2:
                self.full.append((time.perf_counter() - self._start, threading.current_thread().name))

        gc.callbacks.append(callback)

    def reset(self) -> None:
        self.full = []

    def report(self) -> str:
        if not self.full:
            return "no full GC"
        worst, where = max(self.full)
        return f"{len(self.full)} full GCs, longest {worst * 1000:.0f} ms (on {where})"


class LoopLag:
    """Lateness of a 10 ms timer on the UI loop: how long input would wait."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            late = time.perf_counter() - t - 0.01
            self.samples.append(late)
            self.worst = max(self.worst, late)

    def start(self) -> None:
        self.worst, self.samples = 0.0, []
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> tuple[float, float]:
        if self._task:
            self._task.cancel()
        p99 = sorted(self.samples)[int(len(self.samples) * 0.99)] if self.samples else 0.0
        return self.worst, p99


async def drive(
    bootstrap: str, topics: int, rate: int, profile: int | None = None, census: bool = False, gc_freeze: bool = False
) -> None:
    from kafkatui.kafka.services import DashboardOptions, dashboard_services
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.panes.topics import TopicsPane
    from kafkatui.tui.screens.topic_messages import TopicMessagesScreen

    try:
        from kafkatui.tui.widgets.virtual_table import VirtualTable
    except ImportError:  # the first version of the pane (for before/after figures)
        from kafkatui.tui.screens.topic_table import VirtualTable  # type: ignore[import-not-found,no-redef]

    settings = Settings(_env_file=None, bootstrap_servers=bootstrap, timeout=20, refresh_interval=5)  # type: ignore[call-arg]
    services = dashboard_services(DashboardOptions())
    app = KafkaTuiApp(settings, worker_factory=lambda s, e: Worker(s, e, extra_services=services))
    lag = LoopLag()
    phases = Phases(profile)
    times = ThreadTimes()
    async with app.run_test(size=(140, 40)) as pilot:
        # wait for the first metadata snapshot (the Cluster pane has it)
        t0 = time.perf_counter()
        while not app.query_one("#brokers").row_count and time.perf_counter() - t0 < 60:
            await pilot.pause(0.02)
        table = app.query_one("#topic-list", VirtualTable)
        paints = Paints(app, table)
        paints.min_rows = topics
        slow = Slowest()
        gcs = GcPauses()
        slow.wrap(app, "apply", lambda event: f"UI {type(event).__name__}")
        slow.wrap(app, "_tick", "UI 1 s tick")
        for service in app.worker.services:  # type: ignore[union-attr]
            slow.wrap(service, "poll", f"worker {type(service).__name__}.poll")
        opened = time.perf_counter()
        phases.start(1)
        slow.reset()
        gcs.reset()
        await pilot.press("3")
        while table.row_count < topics and time.perf_counter() - opened < 30:
            await asyncio.sleep(0.005)
        first = await paints.shown_after(opened, limit=30, full=True) - opened
        phases.stop(1)
        print(f"1. first rows: {table.row_count} rows shown {first * 1000:.0f} ms after the pane opened (<= 2000)")
        print(f"   longest single steps: {slow.report()}; {gcs.report()}")

        if gc_freeze:
            import gc

            gc.freeze()  # experiment: what an app-level "gc.freeze() once warm" would change

        pane = app.query_one(TopicsPane)
        await pilot.press("slash")
        inp = app.query_one("#topics-filter")
        sequence = ["1", "12", "123", "1234", "123", "12", "1", ""] * 5
        phases.start(2)
        times.begin()
        slow.reset()
        gcs.reset()
        keys = []
        for text in sequence:
            start = time.perf_counter()
            inp.value = text  # what a keystroke does: Input.Changed -> the pane filters the list
            keys.append(await paints.shown_after(start) - start)
        phases.stop(2)
        print(
            f"2. filter keystroke -> list drawn: median {statistics.median(keys) * 1000:.1f} ms, "
            f"worst {max(keys) * 1000:.1f} ms over {len(keys)} keys (<= 50); {times.report()}"
        )
        print(f"   longest single steps: {slow.report()}; {gcs.report()}")
        # the same keys timed as the first version of this benchmark did: `pilot.pause(0)` makes
        # every widget of the screen handle a callback and forces a frame; its cost with nothing
        # to do is the harness's own share
        floor = []
        for _ in range(10):
            start = time.perf_counter()
            await pilot.pause(0)
            floor.append(time.perf_counter() - start)
        old = []
        for text in sequence:
            start = time.perf_counter()
            inp.value = text
            await pilot.pause(0)
            while table.row_count == 0 and text and time.perf_counter() - start < 1:
                await pilot.pause(0)
            old.append(time.perf_counter() - start)
        print(
            f"   (timed with pilot.pause as before: median {statistics.median(old) * 1000:.1f} ms, "
            f"worst {max(old) * 1000:.1f} ms; pilot.pause(0) alone: median "
            f"{statistics.median(floor) * 1000:.1f} ms)"
        )
        await pilot.press("enter")

        # counts arriving = ListOffsets answered for all partitions
        phases.start(3)
        times.begin()
        slow.reset()
        gcs.reset()
        lag.start()
        start = time.perf_counter()
        marks_before = pane.view.marks_ts if pane.view else None
        while time.perf_counter() - start < 25:
            await asyncio.sleep(0.05)  # not pilot.pause: that walks every widget (harness load)
            if pane.view and pane.view.marks_ts != marks_before and pane.view.marks_ts is not None:
                marks_before = pane.view.marks_ts
        worst, p99 = lag.stop()
        phases.stop(3)
        counted = sum(1 for r in pane.view.rows if r.messages is not None) if pane.view else 0
        print(
            f"3. 25 s of background refreshes ({counted} topics with counts): "
            f"UI loop stall worst {worst * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; {times.report()}"
        )
        print(f"   longest single steps: {slow.report()}; {gcs.report()}")
        if census:
            import collections
            import gc

            kinds = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
            print(
                f"   objects the GC tracks: {sum(kinds.values()):,}; most: "
                + ", ".join(f"{k} {n:,}" for k, n in kinds.most_common(12))
            )

        # 4. the viewer tailing a fast producer
        topic = f"{PREFIX}-tail"
        from kafkatui.domain.topic_actions import CreateTopic

        app.send(CreateTopic(topic, 3, 1))
        while pane.view is None or topic not in pane.view.topics:
            await pilot.pause(0.2)
        pane.query_one("#topics-filter").value = topic
        while table.cursor_key != topic or pane.selected != topic:
            await pilot.pause(0.05)
        table.focus()
        await pilot.press("m")
        viewer = app.screen
        assert isinstance(viewer, TopicMessagesScreen), (viewer, app.focused, pane.selected)
        assert viewer.topic == topic, f"the viewer opened on {viewer.topic!r}, not {topic!r}"
        # tailing starts at the end: produce only once the consumer is assigned there
        t0 = time.perf_counter()
        while (viewer.view is None or viewer.view.state != "reading") and time.perf_counter() - t0 < 30:
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        done = multiprocessing.Value("q", 0)
        proc = multiprocessing.Process(target=produce, args=(bootstrap, topic, rate, 10.0, done))
        proc.start()
        phases.start(4)
        times.begin()
        slow.reset()
        gcs.reset()
        lag.start()
        start = time.perf_counter()
        peak = 0.0
        while proc.is_alive() and time.perf_counter() - start < 40:
            await asyncio.sleep(0.25)
            if viewer.view is not None:
                peak = max(peak, viewer.view.rate)
        proc.join()
        produced = time.perf_counter() - start
        sent = done.value
        while (viewer.view is None or viewer.view.consumed < sent) and time.perf_counter() - start < produced + 15:
            await asyncio.sleep(0.1)
        worst, p99 = lag.stop()
        phases.stop(4)
        view = viewer.view
        consumed = view.consumed if view else 0
        behind = time.perf_counter() - start - produced
        print(
            f"4. viewer on {viewer.topic}: producer sent {sent:,} in {produced:.1f} s "
            f"({sent / produced:,.0f}/s); viewer read {consumed:,} ({peak:,.0f}/s peak rate shown), "
            f"{'all read' if consumed >= sent else 'NOT all read'} {behind:.1f} s after the producer "
            f"stopped; rows shown {len(view.records) if view else 0} (bounded); UI stall worst "
            f"{worst * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; {times.report()}"
        )
        print(f"   longest single steps: {slow.report()}; {gcs.report()}")
        app.stop_worker()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap")
    parser.add_argument("--topics", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=50_000)
    parser.add_argument("--profile", type=int, choices=(1, 2, 3, 4), help="pyinstrument the UI thread in phase N")
    parser.add_argument("--census", action="store_true", help="after phase 3: what the GC tracks, by type")
    parser.add_argument("--gc-freeze", action="store_true", help="experiment: gc.freeze() after phase 1")
    args = parser.parse_args()
    cluster = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, "bench-topics")
        bootstrap = cluster.bootstrap
    try:
        import kafkatui

        print(f"code: {Path(kafkatui.__file__).parent}")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
        took = create_topics(bootstrap, args.topics)
        print(f"0. {args.topics} topics x 3 partitions on {bootstrap} (created in {took:.1f} s)")
        asyncio.run(drive(bootstrap, args.topics, args.rate, args.profile, args.census, args.gc_freeze))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
