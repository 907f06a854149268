"""Restricted-cluster mode on the demo's mock cluster (no ListGroups, no DescribeGroups): the
followed group's offsets and lag still show, and the pane says what is unavailable and why.
No Java needed: librdkafka's mock cluster runs in this process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from confluent_kafka import Consumer, TopicPartition

from kafkatui.domain.groups import ApplyReset, GroupsView, ResetResult
from kafkatui.kafka.demo import DEMO_GROUP, DemoCluster
from kafkatui.kafka.groups import MEMBER_COLUMNS, GroupsService
from worker_probe import probe_settings, start_worker


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoCluster]:
    cluster = DemoCluster(rate=20.0).start()
    try:
        yield cluster
    finally:
        cluster.stop()


def committed(demo: DemoCluster, partitions: list[int]) -> dict[int, int]:
    """The demo group's commits as a plain consumer sees them (an independent read)."""
    import logging

    log = logging.getLogger("tests.librdkafka")
    log.propagate = False
    consumer = Consumer({"bootstrap.servers": demo.bootstrap, "group.id": DEMO_GROUP, "logger": log})
    try:
        got = consumer.committed([TopicPartition(demo.topic, p) for p in partitions], timeout=10)
    finally:
        consumer.close()
    return {tp.partition: tp.offset for tp in got if tp.offset >= 0}


def test_followed_group_on_the_mock_cluster(demo: DemoCluster) -> None:
    settings = probe_settings(demo.bootstrap, groups=(DEMO_GROUP,))
    worker, sink = start_worker(settings, GroupsService)
    try:
        view = sink.wait_for(
            GroupsView,
            lambda v: any(r.current is not None for r in v.rows_of(DEMO_GROUP)),
            timeout=30,
        )
        worker.submit(ApplyReset(DEMO_GROUP, ((demo.topic, 0, 0),)))
        result = sink.wait_for(ResetResult, timeout=30)
    finally:
        worker.stop(1.0)
    (group,) = view.groups
    assert group.group_id == DEMO_GROUP and group.followed
    assert group.state is None and group.members is None  # DescribeGroups refused
    assert view.unavailable == MEMBER_COLUMNS
    assert any("Listing groups refused" in n for n in view.notes)
    assert any("DescribeGroups" in n and "unavailable" in n for n in view.notes)
    rows = view.rows_of(DEMO_GROUP)
    assert rows and all(r.tool_cells()[6:] == ("n/a", "n/a", "n/a") for r in rows)
    assert all(r.log_end is not None and r.lag is not None and r.lag >= 0 for r in rows)
    # commits only move forward while the demo consumer runs: ours cannot be ahead of a later read
    later = committed(demo, [r.partition for r in rows])
    for r in rows:
        assert r.current is not None and r.current <= later[r.partition]
    # activity cannot be checked here, so a reset is refused rather than risked
    assert not result.ok and "cannot tell" in result.message
