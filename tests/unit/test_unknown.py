"""Unknown is unknown: an offset the cluster could not give never becomes a number, a dip in
a trend, an OK status or a vanished group (the rule: kafkatui.domain.lag's docstring)."""

from __future__ import annotations

import json

from kafkatui.domain.groups import GroupFacts, GroupTracker, Member
from kafkatui.domain.lag import GroupStatus, PartitionStatus, known_offset, leader_unavailable, partition_lag
from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.series import gapped_sparkline
from kafkatui.kafka.clients import unreachable_brokers

T = "orders"
ENDS = {(T, 0): 30, (T, 1): 30, (T, 2): 30}


def facts(committed: dict[int, int] | None = None, **extra: object) -> GroupFacts:
    offsets = {(T, p): o for p, o in (committed or {0: 10, 1: 20, 2: 25}).items()}
    member = Member("c-1", "/127.0.0.1", "c", tuple(sorted(offsets)))
    return GroupFacts("g", "Stable", "classic", (member,), committed=offsets, **extra)  # type: ignore[arg-type]


def test_logical_offsets_are_not_positions() -> None:
    for sentinel in (-1001, -1, -2, -1000, None):
        assert known_offset(sentinel) is None
    assert known_offset(0) == 0 and known_offset(42) == 42
    assert partition_lag(-1001, 5) is None  # was 0: "caught up" while the leader was down
    assert partition_lag(30, -1001) is None
    assert partition_lag(30, 5) == 25


def test_a_leaderless_partition_is_unknown_and_the_total_is_not_a_smaller_sum() -> None:
    tracker = GroupTracker()
    first = tracker.update(100.0, [facts()], ENDS)
    assert first.group("g").total_lag == 35  # 20 + 10 + 5
    why = leader_unavailable(1, 2, down=True)
    # p1's leader is down: librdkafka answered -1001 for it without an error
    moving = facts({0: 12, 1: 22, 2: 27})  # the group consumes: the others would be OK
    second = tracker.update(105.0, [moving], {**ENDS, (T, 1): -1001}, unknown={(T, 1): why})
    g = second.group("g")
    assert g is not None
    assert g.total_lag is None  # never 25 (the two partitions we could read): that reads as consumption
    assert g.unknown is not None and "leader of p1 (broker 2) unavailable" in g.unknown
    assert g.status is GroupStatus.UNKNOWN  # not OK on data we do not have
    row = next(r for r in second.rows_of("g") if r.partition == 1)
    assert row.tool_cells()[3:6] == ("22", "unknown", "unknown")
    assert row.status is PartitionStatus.UNKNOWN and row.unknown == why
    assert g.lag_history == (35, None)  # a gap, not a dip
    third = tracker.update(110.0, [facts({0: 14, 1: 24, 2: 29})], ENDS)
    g3 = third.group("g")
    assert g3 is not None and g3.total_lag == 23 and g3.status is GroupStatus.OK
    assert g3.lag_history == (35, None, 23)
    p1 = next(r for r in third.rows_of("g") if r.partition == 1)
    assert p1.lag_history == (10, None, 6)


def test_an_end_offset_missing_without_a_reason_is_still_unknown() -> None:
    view = GroupTracker().update(100.0, [facts()], {(T, 0): 30, (T, 2): 30})
    g = view.group("g")
    assert g is not None and g.total_lag is None and g.unknown is not None
    assert "end offset not answered" in g.unknown


def test_a_group_missing_from_an_incomplete_listing_stays_listed_stale() -> None:
    tracker = GroupTracker()
    tracker.update(100.0, [facts()], ENDS)
    view = tracker.update(105.0, [], {}, complete="ListGroups: timed out")
    g = view.group("g")
    assert g is not None, "the group vanished from the list"
    assert g.total_lag == 35 and g.stale_since == 100.0
    assert g.status is GroupStatus.UNKNOWN
    assert g.error is not None and "stale" in g.error and "ListGroups: timed out" in g.error
    assert g.lag_history == (35, None)
    assert len(view.rows_of("g")) == 3
    # a complete listing without it: the group is gone
    assert tracker.update(110.0, [], {}).group("g") is None


def test_a_group_whose_offsets_failed_keeps_its_last_row_stale() -> None:
    tracker = GroupTracker()
    tracker.update(100.0, [facts()], ENDS)
    failed = GroupFacts("g", "Stable", "classic", (), committed={}, offsets_error="timed out")
    g = tracker.update(105.0, [failed], ENDS, complete=True).group("g")
    assert g is not None and g.total_lag == 35 and g.stale_since == 100.0
    assert g.status is GroupStatus.UNKNOWN and g.error is not None and "timed out" in g.error


def test_gapped_sparkline_leaves_a_blank_for_unknown() -> None:
    assert gapped_sparkline([1, None, 3], 12) == "▁ █"
    assert gapped_sparkline([None, None], 12) == "  "
    assert gapped_sparkline([], 12) == ""
    long = [5.0] * 20 + [None] * 20
    line = gapped_sparkline(long, 4)
    assert len(line) == 4 and line.endswith("  ") and " " not in line[:2]


def test_replicas_on_unreachable_brokers_are_not_in_sync() -> None:
    led_by_dead = PartitionInfo(0, 2, (2, 1, 3), (2, 1, 3), unreachable=(2, 3))
    assert led_by_dead.offline and led_by_dead.under_replicated
    assert led_by_dead.offline_replicas == (2, 3)
    follower_dead = PartitionInfo(1, 1, (1, 3), (1, 3), unreachable=(3,))
    assert not follower_dead.offline and follower_dead.under_replicated
    topic = TopicInfo(T, (led_by_dead, follower_dead, PartitionInfo(2, 1, (1,), (1,))))
    assert (topic.offline, topic.under_replicated) == (1, 2)


def test_unreachable_brokers_from_librdkafka_statistics() -> None:
    stats = {
        "brokers": {
            "127.0.0.1:9092/bootstrap": {"nodeid": -1, "state": "DOWN"},
            "127.0.0.1:9092/1": {"nodeid": 1, "state": "UP"},
            "127.0.0.1:9093/2": {"nodeid": 2, "state": "TRY_CONNECT"},
            "127.0.0.1:9094/3": {"nodeid": 3, "state": "CONNECT"},
            "127.0.0.1:9095/4": {"nodeid": 4, "state": "INIT"},
        }
    }
    assert unreachable_brokers(json.dumps(stats)) == {2: "TRY_CONNECT", 3: "CONNECT"}
    assert unreachable_brokers(None) == {} and unreachable_brokers("not json") == {}


def test_a_topic_with_an_offline_partition_counts_unknown_messages() -> None:
    from kafkatui.domain.topic_list import Watermark, row_cells, topic_row

    topic = TopicInfo(T, (PartitionInfo(0, 1, (1,), (1,)), PartitionInfo(1, 2, (2,), (2,), unreachable=(2,))))
    row = topic_row(topic, {0: Watermark(0, 10)}, None)
    assert row.messages is None and row.offline == 1
    assert row_cells(row)[5] == "unknown"  # not "…" (coming) and never a sum of the known partitions
    healthy = TopicInfo(T, (PartitionInfo(0, 1, (1,), (1,)),))
    assert row_cells(topic_row(healthy, None, None))[5] == "…"  # not read yet: still coming
