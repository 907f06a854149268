#!/usr/bin/env python3
"""Notification benchmark (run by hand; prints figures, asserts nothing):

Produce -> notification received, at 1k msgs/s background load. The real worker and FreezerFeed
read the topic; the real NotifyHub (gathering bursts for 0.5 s) and its sender post to a `json://`
URL served by a small HTTP server on 127.0.0.1. Every 2 s an "alarm" sensor sends two readings
out of range (raise) and, 1 s later, one back in range (resolved); the time is from producing
the reading that raised (or resolved) to the request arriving at the receiver.
                                                target p95 <= 1 s

Usage: python bench/bench_notify.py [--bootstrap HOST:PORT] [--seconds 40] [--rate 1000]
       (default: starts a 1-broker test bed and stops it afterwards)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from confluent_kafka import Producer  # noqa: E402

from common import broker, create_topic, load  # noqa: E402
from kafkatui.domain.alerts import Thresholds  # noqa: E402
from kafkatui.domain.limits import Limits, SensorLimits  # noqa: E402
from kafkatui.kafka.context import Context  # noqa: E402
from kafkatui.kafka.freezer import FreezerFeed  # noqa: E402
from kafkatui.kafka.worker import Worker  # noqa: E402
from kafkatui.notify.hub import NotifyHub  # noqa: E402
from kafkatui.settings import Settings  # noqa: E402


class Receiver:
    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []  # (time, title)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                at = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.arrivals.append((at, json.loads(body)["title"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/bench"


def produce(bootstrap: str, topic: str, rate: float, seconds: float, marks: list[tuple[float, str]]) -> int:
    """Background readings at `rate`; the alarm sensor raises every 2 s and resolves 1 s later."""
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "1", "enable.idempotence": False})
    start = time.time()
    sent = 0
    cycle = -1
    while time.time() - start < seconds:
        elapsed = time.time() - start
        target = int(elapsed * rate)
        while sent < target:
            i = sent
            value = json.dumps({"sensor": f"sensor{i % 50}", "temperature": -3.0 + (i % 7) * 0.5, "ts": time.time()})
            p.produce(topic, value.encode(), f"sensor{i % 50}".encode())
            sent += 1
        now_cycle = int(elapsed // 2)
        if now_cycle != cycle and elapsed - now_cycle * 2 < 0.1:
            cycle = now_cycle
            marks.append((time.time(), "RAISED"))  # before producing: the latency includes the produce
            for _ in range(2):
                p.produce(
                    topic, json.dumps({"sensor": "alarm", "temperature": 9.0, "ts": time.time()}).encode(), b"alarm"
                )
            p.flush(1)
        if cycle >= 0 and elapsed - cycle * 2 >= 1.0 and (not marks or marks[-1][1] == "RAISED"):
            marks.append((time.time(), "RESOLVED"))
            p.produce(topic, json.dumps({"sensor": "alarm", "temperature": 0.0, "ts": time.time()}).encode(), b"alarm")
            p.flush(1)
        p.poll(0)
        time.sleep(0.005)
    p.flush(10)
    return sent


def run(bootstrap: str, rate: float, seconds: float) -> dict[str, float]:
    topic = create_topic(bootstrap, "bench-notify", partitions=3)
    receiver = Receiver()
    settings = Settings(_env_file=None, bootstrap_servers=bootstrap, topic=topic, notify=(receiver.url,))  # type: ignore[call-arg]
    limits = Limits(SensorLimits(Thresholds(-5.0, 5.0), 3600.0))
    hub = NotifyHub(settings, limits, emit=lambda event: None)
    feeds: list[FreezerFeed] = []

    def freezer(ctx: Context) -> FreezerFeed:
        feeds.append(FreezerFeed(ctx, limits=limits))
        return feeds[0]

    worker = Worker(settings, hub.tap, extra_services=(freezer,))
    hub.start()
    worker.start()
    marks: list[tuple[float, str]] = []
    try:
        while not (feeds and feeds[0].assigned):
            time.sleep(0.05)
        time.sleep(2.0)
        sent = produce(bootstrap, topic, rate, seconds, marks)
        time.sleep(3.0)
    finally:
        worker.stop(2.0)
        hub.stop(0.5)
    arrivals = [(at, title) for at, title in receiver.arrivals if "alarm" in title]
    lat: list[float] = []
    pending = list(marks)
    for at, title in arrivals:  # in order: the k-th raise (or resolve) message answers the k-th mark
        kind = "RAISED" if "RAISED" in title else "RESOLVED"
        while pending and pending[0][1] != kind:
            pending.pop(0)
        if pending:
            lat.append(at - pending.pop(0)[0])
    lat.sort()
    return {
        "sent": float(sent),
        "marks": float(len(marks)),
        "notifications": float(len(arrivals)),
        "p50_ms": statistics.median(lat) * 1000 if lat else float("nan"),
        "p95_ms": lat[max(0, int(len(lat) * 0.95) - 1)] * 1000 if lat else float("nan"),
        "max_ms": lat[-1] * 1000 if lat else float("nan"),
        "delivered": float(sum(s.delivered for s in hub.senders)),
        "failed": float(sum(s.failed for s in hub.senders)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--bootstrap", help="an existing broker (default: start a test bed)")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=1000.0)
    args = parser.parse_args()
    with broker(args.bootstrap, "bench-notify") as bootstrap:
        print(f"broker {bootstrap}; load {load()}")
        r = run(bootstrap, args.rate, args.seconds)
        print(
            f"produce -> notification received at {args.rate:,.0f} msgs/s for {args.seconds:g} s: "
            f"{r['notifications']:.0f} notifications for {r['marks']:.0f} raise/resolve readings, "
            f"p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms; "
            f"delivered {r['delivered']:.0f}, failed {r['failed']:.0f}; {r['sent']:,.0f} background readings  "
            "target p95 <= 1000 ms"
        )
        print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
