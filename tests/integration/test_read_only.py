"""Read-only mode: every write is refused by the worker itself, and the broker confirms nothing changed."""

from __future__ import annotations

import time
import uuid

import pytest

import kafka_testbed as tb
from kafka_fixtures import Kcat, ToolRunner
from kafkatui.domain.commands import Command
from kafkatui.domain.groups import ApplyReset
from kafkatui.domain.models import ClusterSnapshot, Refused
from kafkatui.domain.producer import Produce, ProduceRequest
from kafkatui.domain.topic_actions import AddPartitions, CreateTopic, DeleteTopic
from kafkatui.kafka.services import DashboardOptions, dashboard_services
from worker_probe import probe_settings, start_worker


def all_command_classes() -> set[type[Command]]:
    seen: set[type[Command]] = set()
    todo = list(Command.__subclasses__())
    while todo:
        cls = todo.pop()
        seen.add(cls)
        todo += cls.__subclasses__()
    return seen


def test_every_cluster_write_is_marked() -> None:
    import kafkatui.domain.groups
    import kafkatui.domain.message_viewer
    import kafkatui.domain.producer
    import kafkatui.domain.topic_actions
    import kafkatui.domain.topics_view  # noqa: F401  (subclasses register on import)

    writes = {c.__name__ for c in all_command_classes() if c.WRITES}
    assert writes == {"CreateTopic", "DeleteTopic", "AddPartitions", "ApplyReset", "Produce"}


@pytest.mark.kafka
def test_worker_refuses_every_write(kafka1: tb.Cluster, kafka_tool: ToolRunner, kcat: Kcat) -> None:
    bs = kafka1.bootstrap
    topic = f"ro-{uuid.uuid4().hex[:8]}"
    group = f"ro-group-{uuid.uuid4().hex[:6]}"
    r = kafka_tool("TopicCommand", ["--bootstrap-server", bs, "--create", "--topic", topic, "--partitions", "2"])
    assert r.returncode == 0, r.stderr
    produced = kcat("-b", bs, "-t", topic, "-P", "-K", "|", input="a|1\nb|2\nc|3\n")
    assert produced.returncode == 0, produced.stderr
    consumed = kcat("-b", bs, "-G", group, topic, "-c", "3", "-e", "-X", "auto.offset.reset=earliest")
    assert consumed.returncode == 0, consumed.stderr
    before = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", bs, "--describe", "--group", group])

    settings = probe_settings(bs, read_only=True, topic=topic)
    worker, sink = start_worker(settings, *dashboard_services(DashboardOptions()))
    try:
        sink.wait_for(ClusterSnapshot, lambda s: any(t.name == topic for t in s.topics))
        new_topic = f"ro-new-{uuid.uuid4().hex[:6]}"
        commands: list[Command] = [
            CreateTopic(new_topic, 1, 1),
            DeleteTopic(topic),
            AddPartitions(topic, 4),
            ApplyReset(group, ((topic, 0, 0), (topic, 1, 0))),
            Produce(ProduceRequest(topic=topic, key="k", value="written?")),
        ]
        for command in commands:
            worker.submit(command)
        for command in commands:
            name = type(command).__name__
            refused = sink.wait_for(Refused, lambda e, n=name: e.command == n, timeout=10)
            assert "read-only" in refused.describe()
        time.sleep(2.0)  # give a wrongly accepted write time to land
    finally:
        worker.stop(2.0)
    listed = kafka_tool("TopicCommand", ["--bootstrap-server", bs, "--list"]).stdout.split()
    assert topic in listed and new_topic not in listed
    described = kafka_tool("TopicCommand", ["--bootstrap-server", bs, "--describe", "--topic", topic]).stdout
    assert "PartitionCount: 2" in described
    after = kafka_tool("ConsumerGroupCommand", ["--bootstrap-server", bs, "--describe", "--group", group])
    assert [ln.split()[:5] for ln in after.stdout.splitlines() if topic in ln] == [
        ln.split()[:5] for ln in before.stdout.splitlines() if topic in ln
    ]
    read = kcat("-b", bs, "-t", topic, "-C", "-e", "-f", "%s\n")
    assert sorted(read.stdout.split()) == ["1", "2", "3"]  # nothing was produced
