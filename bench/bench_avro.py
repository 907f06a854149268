#!/usr/bin/env python3
"""Avro ingest benchmark (run by hand; prints figures, asserts nothing).

Ingest on one core (the process pinned to one CPU, librdkafka's threads included) of pre-produced
readings in three shapes, in the same run: plain (`-3.21`), JSON (`{"sensor", "temperature"}`) and
Avro through a real Schema Registry (made by confluent-kafka's AvroSerializer; the Confluent wire
format). FreezerFeed.poll is driven in a loop: consume + decode + parse + FreezerBoard.add + its
~3 Hz views, no rendering.                      target: Avro >= 60k msgs/s

Usage: python bench/bench_avro.py [--bootstrap HOST:PORT --registry URL] [--count N]
       (default: starts a 1-broker test bed with a Schema Registry and stops it afterwards)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from confluent_kafka import OFFSET_BEGINNING, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient  # noqa: E402
from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: E402
from confluent_kafka.schema_registry.avro import AvroSerializer  # noqa: E402
from confluent_kafka.serialization import MessageField, SerializationContext  # noqa: E402

from common import create_topic  # noqa: E402
from kafkatui.kafka.context import Context  # noqa: E402
from kafkatui.kafka.freezer import FreezerFeed  # noqa: E402
from kafkatui.kafka.schemas import SENSOR_AVRO  # noqa: E402
from kafkatui.settings import Settings  # noqa: E402

PARTITIONS = 3


def fill(bootstrap: str, registry: str, count: int, fmt: str) -> str:
    topic = create_topic(bootstrap, f"bench-{fmt}", PARTITIONS)
    rnd = random.Random(1)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "acks": "1", "enable.idempotence": False})
    avro = AvroSerializer(SchemaRegistryClient({"url": registry}), SENSOR_AVRO)
    ctx = SerializationContext(topic, MessageField.VALUE)
    now_ms = int(time.time() * 1000)
    for i in range(count):
        sensor = f"sensor{i % 5}"
        value = round(rnd.uniform(-4.5, 4.5), 2)
        if fmt == "plain":
            data = f"{value}".encode()
        elif fmt == "json":
            data = json.dumps({"sensor": sensor, "temperature": value}).encode()
        else:
            data = avro({"sensor": sensor, "temperature": value, "ts": now_ms}, ctx)
        while True:
            try:
                producer.produce(topic, data, sensor.encode())
                break
            except BufferError:
                producer.poll(0.05)
    producer.flush(60)
    return topic


def ingest(bootstrap: str, registry: str, topic: str, count: int, cpu: int) -> dict[str, float]:
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})  # librdkafka's threads are made below: they inherit it
    try:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, bootstrap_servers=bootstrap, topic=topic, refresh_interval=1.0, schema_registry_url=registry
        )
        ctx = Context(settings, lambda _e: None, time.time, AdminClient({"bootstrap.servers": bootstrap}))
        feed = FreezerFeed(ctx)
        feed.consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
        feed.assigned = set(range(PARTITIONS))
        start = time.perf_counter()
        cpu0 = time.process_time()
        deadline = start + 180
        while feed.board.readings + feed.board.rejects.total < count and time.perf_counter() < deadline:
            feed.poll(ctx, time.time())
        end = time.perf_counter()
        used = time.process_time() - cpu0
        got = feed.board.readings
        rejects = feed.board.rejects.total
        feed.close(ctx)
        return {"rate": got / (end - start), "per_cpu_second": got / used, "readings": got, "rejects": rejects}
    finally:
        os.sched_setaffinity(0, before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap")
    parser.add_argument("--registry")
    parser.add_argument("--count", type=int, default=300_000)
    parser.add_argument("--cpu", type=int, default=0)
    args = parser.parse_args()
    cluster = None
    if not args.bootstrap:
        import kafka_testbed as tb

        cluster = tb.start_cluster(1, f"bench-avro-{os.getpid()}", schema_registry=True)
        args.bootstrap = cluster.bootstrap
        registry = cluster.registry
        assert registry is not None
        args.registry = registry.url
    try:
        print(f"load: {os.getloadavg()}; {args.count:,} records per format; pinned to CPU {args.cpu}")
        topics = {fmt: fill(args.bootstrap, args.registry, args.count, fmt) for fmt in ("plain", "json", "avro")}
        for fmt, topic in topics.items():
            result = ingest(args.bootstrap, args.registry, topic, args.count, args.cpu)
            print(
                f"{fmt:6} ingest: {result['rate']:>9,.0f} msgs/s wall, {result['per_cpu_second']:>9,.0f} per CPU-second"
                f" ({result['readings']:,} readings, {result['rejects']:,} rejects)"
            )
        print(f"load after: {os.getloadavg()}")
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
