#!/usr/bin/env python3
"""Range export straight from Kafka (run by hand; prints figures, asserts nothing).

N JSON sensor readings (key, one header) are produced to a 3-partition topic; then, in the same
run, the whole range is written to a file twice:

- ceiling: `kcat -C -e` with a format of partition, offset, key and value per line (C, no decoding,
  no CSV quoting): what reading the range costs with librdkafka alone;
- kafkatui: `ExportRange` on a worker with the range export service (earliest → the end now,
  CSV and JSON lines), timed from the command to its `done` progress event.

Printed: records/s of each, and kafkatui's as a ratio of kcat's. The machine's load is printed
with the figures (it is shared).

Usage: python bench/bench_range_export.py [--bootstrap HOST:PORT] [--records 300000]
       (default: starts a 1-broker test bed)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from common import broker, create_topic, load  # noqa: E402


def produce(bootstrap: str, topic: str, n: int) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "batch.size": 1_000_000})
    for i in range(n):
        value = json.dumps({"sensor": f"sensor{i % 50}", "temperature": round(-20 + (i % 400) / 10, 1), "ts": i})
        while True:
            try:
                producer.produce(topic, value.encode(), key=f"sensor{i % 50}".encode(), headers=[("src", b"bench")])
                break
            except BufferError:
                producer.poll(0.05)
        if i % 10_000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0


def kcat_seconds(bootstrap: str, topic: str, out: Path) -> tuple[float, int]:
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if kcat is None:
        raise SystemExit("kcat is needed for the ceiling (apt-get install kcat)")
    started = time.perf_counter()
    with out.open("wb") as f:
        subprocess.run([kcat, "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
                        "-f", "%p,%o,%k,%s\n"], stdout=f, check=True)  # fmt: skip
    seconds = time.perf_counter() - started
    return seconds, sum(1 for _ in out.open("rb"))


def ours_seconds(bootstrap: str, topic: str, path: Path, fmt_name: str) -> tuple[float, int]:
    from kafkatui.domain.export import Format
    from kafkatui.domain.range_export import ExportRange, RangeExportProgress, RangeSpec, RangeState
    from kafkatui.kafka.range_export import RangeExportService
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings

    events: list[RangeExportProgress] = []

    def sink(event: object) -> None:
        if isinstance(event, RangeExportProgress):
            events.append(event)

    settings = Settings(_env_file=None, bootstrap_servers=bootstrap, timeout=5.0)  # type: ignore[call-arg]
    worker = Worker(settings, sink, extra_services=(RangeExportService,))
    worker.start()
    try:
        time.sleep(3.0)  # the first metadata round (the service asks for the topic's partitions)
        started = time.perf_counter()
        worker.submit(ExportRange(1, topic, RangeSpec(), str(path), Format(fmt_name)))
        while not (events and events[-1].state.finished):
            time.sleep(0.01)
        seconds = time.perf_counter() - started
    finally:
        worker.stop(2.0)
    last = events[-1]
    if last.state is not RangeState.DONE:
        raise SystemExit(f"the export did not finish: {last.state} {last.message}")
    return seconds, last.written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap")
    parser.add_argument("--records", type=int, default=300_000)
    args = parser.parse_args()
    with broker(args.bootstrap, "bench-range") as bootstrap, tempfile.TemporaryDirectory() as tmp:
        topic = create_topic(bootstrap, "bench-range")
        produce(bootstrap, topic, args.records)
        print(f"{args.records:,} records in {topic} (3 partitions); load before: {load()}")
        k_s, k_n = kcat_seconds(bootstrap, topic, Path(tmp) / "kcat.txt")
        print(f"kcat -C -e to a file:        {k_n:,} records in {k_s:.2f} s = {k_n / k_s:,.0f} records/s")
        for fmt in ("csv", "jsonl"):
            o_s, o_n = ours_seconds(bootstrap, topic, Path(tmp) / f"range.{fmt}", fmt)
            ratio = (o_n / o_s) / (k_n / k_s)
            print(f"kafkatui range export {fmt:5}: {o_n:,} records in {o_s:.2f} s = {o_n / o_s:,.0f} records/s "
                  f"({ratio:.2f}x kcat)")  # fmt: skip
        print(f"load after: {load()}")


if __name__ == "__main__":
    main()
