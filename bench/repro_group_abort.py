#!/usr/bin/env python3
"""Reproduce, with a plain AdminClient, why kafkatui runs consumer-group calls in a child process
(run by hand; prints what happened, asserts nothing).

For each kind of admin call, in a fresh process: a 1-broker test bed, one call of each kind that
succeeds, the broker killed, two rounds of calls that time out, the broker restarted, then calls
every 2 s for 40 s. librdkafka 2.16 aborts ("rd_kafka_enq_once_del_source_return: Assertion
`eonce->refcnt > 0' failed", librdkafka #4605 / #3663) once the broker is back for the group calls
(DescribeConsumerGroups, ListConsumerGroupOffsets); ListOffsets, DescribeTopics, DescribeConfigs and
Metadata survive. Each run takes about a minute.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from confluent_kafka import (  # noqa: E402
    ConsumerGroupTopicPartitions,
    KafkaException,
    TopicCollection,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, ConfigResource, OffsetSpec, ResourceType  # noqa: E402

import kafka_testbed as tb  # noqa: E402


def calls(admin: AdminClient, kind: str) -> list[tuple[str, Callable[[], Any]]]:
    tp = TopicPartition("t", 0)
    if kind == "group":
        return [
            ("DescribeConsumerGroups", lambda: admin.describe_consumer_groups(["g"], request_timeout=5)["g"].result()),
            (
                "ListConsumerGroupOffsets",
                lambda: admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions("g")], request_timeout=5)[
                    "g"
                ].result(),
            ),
        ]
    return [
        ("ListOffsets", lambda: admin.list_offsets({tp: OffsetSpec.latest()}, request_timeout=5)[tp].result()),
        ("DescribeTopics", lambda: admin.describe_topics(TopicCollection(["t"]), request_timeout=5)["t"].result()),
        (
            "DescribeConfigs",
            lambda: next(
                iter(admin.describe_configs([ConfigResource(ResourceType.TOPIC, "t")], request_timeout=5).values())
            ).result(),
        ),
        ("Metadata", lambda: admin.list_topics(timeout=5)),
    ]


def probe(admin: AdminClient, kind: str, tag: str) -> None:
    out = []
    for name, call in calls(admin, kind):
        try:
            call()
            out.append(f"{name} ok")
        except KafkaException as exc:
            out.append(f"{name} {exc.args[0].name()}")
    print(f"  {tag:>9}: {', '.join(out)}", flush=True)


def one(kind: str) -> None:
    quiet = logging.getLogger("repro.librdkafka")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    cluster = tb.start_cluster(1, f"repro-{kind}")
    try:
        bs = cluster.bootstrap
        tb.run_tool("TopicCommand", ["--bootstrap-server", bs, "--create", "--topic", "t", "--partitions", "1"])
        tb.run_tool(
            "ConsumerGroupCommand",
            ["--bootstrap-server", bs, "--group", "g", "--reset-offsets", "--to-earliest", "--topic", "t", "--execute"],
        )
        admin = AdminClient({"bootstrap.servers": bs, "logger": quiet})
        probe(admin, kind, "before")
        cluster.kill(1)
        for i in range(2):
            probe(admin, kind, f"down {i + 1}")
        cluster.start(1)
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < 40:
            probe(admin, kind, f"back +{elapsed:.0f}s")
            time.sleep(2)
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", choices=("group", "other"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    for kind in ("group", "other"):
        print(f"{kind} calls:", flush=True)
        r = subprocess.run([sys.executable, __file__, "--one", kind], capture_output=True, text=True, check=False)
        tb.down(f"repro-{kind}")  # an aborted run could not stop its broker
        lines = (r.stdout + r.stderr).rstrip().splitlines()
        print("\n".join(lines[:4] + (["  ..."] if len(lines) > 8 else []) + lines[-3:] if len(lines) > 7 else lines))
        verdict = f"process ended by signal {-r.returncode}" if r.returncode < 0 else f"exit status {r.returncode}"
        print(f"  => {verdict}", flush=True)


if __name__ == "__main__":
    main()
