"""The Groups pane's pure core: describe rows as the tool prints them, history, resets."""

from __future__ import annotations

import pytest

from kafkatui.domain.groups import (
    DescribeRow,
    GroupFacts,
    GroupTracker,
    Member,
    ResetSpec,
    ResetTarget,
    active_refusal,
    describe_rows,
    filter_groups,
    needed_partitions,
    parse_partitions,
    parse_reset,
    plan_reset,
    select_partitions,
    sort_groups,
)
from kafkatui.domain.lag import GroupStatus, PartitionStatus

T = "orders"


def test_rows_follow_the_tool_members_by_assignment_size_then_unassigned_commits() -> None:
    small = Member("c-small", "/10.0.0.2", "app-2", ((T, 2),))
    big = Member("c-big", "/10.0.0.1", "app-1", ((T, 1), (T, 0)))
    idle = Member("c-idle", "/10.0.0.3", "app-3", ())  # more members than partitions: no row
    facts = GroupFacts(
        "g",
        "Stable",
        "classic",
        (small, big, idle),
        committed={(T, 0): 5, (T, 2): 9, ("old", 0): 3},
    )
    ends = {(T, 0): 10, (T, 1): 4, (T, 2): 9, ("old", 0): 7}
    cells = [r.tool_cells() for r in describe_rows(facts, ends)]
    assert cells == [
        ("g", T, "0", "5", "10", "5", "c-big", "/10.0.0.1", "app-1"),
        ("g", T, "1", "-", "4", "-", "c-big", "/10.0.0.1", "app-1"),  # assigned, no commit
        ("g", T, "2", "9", "9", "0", "c-small", "/10.0.0.2", "app-2"),
        ("g", "old", "0", "3", "7", "4", "-", "-", "-"),  # committed, no member holds it
    ]
    assert needed_partitions([facts]) == {(T, 0), (T, 1), (T, 2), ("old", 0)}


def test_an_empty_group_shows_its_commits_and_unknown_members_are_not_dashes() -> None:
    empty = GroupFacts("g", "Empty", "classic", (), committed={(T, 1): 3, (T, 0): 2})
    rows = describe_rows(empty, {(T, 0): 2, (T, 1): 8})
    assert [r.tool_cells() for r in rows] == [
        ("g", T, "0", "2", "2", "0", "-", "-", "-"),
        ("g", T, "1", "3", "8", "5", "-", "-", "-"),
    ]
    assert empty.active is False
    restricted = GroupFacts("g", committed={(T, 0): 2}, describe_error="not supported")
    (row,) = describe_rows(restricted, {})
    # an end offset nobody answered is unknown, not "-" (unknown is unknown)
    assert row.tool_cells() == ("g", T, "0", "2", "unknown", "unknown", "n/a", "n/a", "n/a")
    assert restricted.active is None


def test_lag_is_never_negative_when_the_end_offset_is_older_than_the_commit() -> None:
    row = DescribeRow("g", T, 0, 12, 10, None, None, None)
    assert row.lag == 0


def samples(tracker: GroupTracker, points: list[tuple[float, int, int | None]], **kw: object):  # type: ignore[no-untyped-def]
    view = None
    for ts, end, committed in points:
        committed_map = {} if committed is None else {(T, 0): committed}
        facts = GroupFacts(
            "g",
            kw.get("state", "Stable"),
            "classic",  # type: ignore[arg-type]
            kw.get("members", (Member("c", "/h", "cl", ((T, 0),)),)),  # type: ignore[arg-type]
            committed=committed_map,
        )
        view = tracker.update(ts, [facts], {(T, 0): end})
    assert view is not None
    return view


def test_tracker_keeps_history_rates_drain_and_status() -> None:
    tracker = GroupTracker(window=5, spark=3)
    # 10 msgs/s produced, 15 msgs/s consumed: the lag shrinks by 5/s
    view = samples(tracker, [(0.0, 1000, 900), (10.0, 1100, 1050), (20.0, 1200, 1200 - 50)])
    (g,) = view.groups
    (row,) = view.rows
    assert g.total_lag == 50 and row.lag == 50
    assert g.lag_history == (100, 50, 50)
    assert g.produce_rate == pytest.approx(10.0)
    assert g.consume_rate == pytest.approx(12.5)
    assert g.drain_seconds == pytest.approx(50 / 2.5)
    assert row.lag_history == (100, 50, 50)
    # the end offset was 1150 half-way between t=10 and t=20
    assert row.lag_seconds == pytest.approx(5.0)
    assert row.status is PartitionStatus.OK and g.status is GroupStatus.OK
    view = samples(tracker, [(30.0, 1300, 1150)])  # commit stuck with lag: STALL
    assert view.rows[0].status is PartitionStatus.OK  # lag shrank earlier in the window
    assert len(view.groups[0].lag_history) == 3  # bounded sparkline history


def test_tracker_statuses_roll_up_and_groups_that_vanish_are_forgotten() -> None:
    tracker = GroupTracker(window=3)
    view = samples(tracker, [(0.0, 100, 50), (10.0, 110, 50), (20.0, 120, 50)])
    assert view.rows[0].status is PartitionStatus.STALL
    assert view.groups[0].status is GroupStatus.ERR
    assert view.groups[0].drain_seconds is None  # not draining
    tracker = GroupTracker(window=3)
    view = samples(tracker, [(0.0, 100, 50), (10.0, 100, 50)], state="Empty", members=())
    assert view.rows[0].status is PartitionStatus.STOP  # nobody is consuming
    view = tracker.update(30.0, [], {})
    assert view.groups == () and not tracker._history and not tracker._group_lags


def test_a_followed_group_that_does_not_exist_says_so() -> None:
    view = GroupTracker().update(0.0, [GroupFacts("ghost", "Dead", "classic", ())], {}, followed=["ghost"])
    (g,) = view.groups
    assert g.followed and g.total_lag is None
    assert g.error is not None and "does not exist" in g.error


def row(gid: str, lag: int | None, status: GroupStatus = GroupStatus.OK, **kw: object):  # type: ignore[no-untyped-def]
    from kafkatui.domain.groups import GroupRow

    values: dict[str, object] = dict(
        group_id=gid,
        state="Stable",
        protocol="classic",
        members=1,
        topics=(T,),
        total_lag=lag,
        lag_history=(),
        consume_rate=None,
        produce_rate=None,
        drain_seconds=None,
        max_lag_seconds=None,
        status=status,
    )
    values.update(kw)
    return GroupRow(**values)  # type: ignore[arg-type]


def test_sort_and_filter() -> None:
    groups = [row("b", 5), row("a", None), row("c", 50, GroupStatus.WARN, topics=("payments",))]
    assert [g.group_id for g in sort_groups(groups, "lag")] == ["c", "b", "a"]
    assert [g.group_id for g in sort_groups(groups, "lag", reverse=True)] == ["a", "b", "c"]
    assert [g.group_id for g in sort_groups(groups, "group")] == ["a", "b", "c"]
    assert sort_groups(groups, "status")[0].group_id == "c"
    assert [g.group_id for g in filter_groups(groups, "PAY")] == ["c"]
    assert [g.group_id for g in filter_groups(groups, "stable orders")] == ["b", "a"]  # order kept
    with pytest.raises(ValueError):
        sort_groups(groups, "nope")


NOW = 1_763_712_000.0


def test_parse_reset() -> None:
    assert parse_reset("earliest", "ignored", NOW) == ResetSpec(ResetTarget.EARLIEST)
    assert parse_reset("shift", " -100 ", NOW) == ResetSpec(ResetTarget.SHIFT, -100)
    assert parse_reset("offset", "42", NOW) == ResetSpec(ResetTarget.OFFSET, 42)
    assert parse_reset("datetime", "10m", NOW) == ResetSpec(ResetTarget.DATETIME, int((NOW - 600) * 1000))
    assert parse_reset("datetime", "2025-11-21T08:00:00", NOW).value == int(NOW * 1000)
    assert parse_reset("datetime", "2025-11-21T09:00:00+01:00", NOW).value == int(NOW * 1000)
    for target, value, message in [
        ("offset", "-1", "negative"),
        ("shift", "x", "whole number"),
        ("datetime", "", "date-time"),
        ("datetime", "yesterday", "neither"),
        ("sideways", "", "unknown"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_reset(target, value, NOW)
    assert ResetSpec(ResetTarget.DATETIME, int(NOW * 1000)).describe() == "to datetime 2025-11-21T08:00:00Z"
    assert ResetSpec(ResetTarget.SHIFT, -3).describe() == "shift by -3"


def test_partition_selection() -> None:
    assert parse_partitions(" all ") is None
    assert parse_partitions("") is None
    assert parse_partitions("a:2,0 b") == (("a", (0, 2)), ("b", None))
    with pytest.raises(ValueError):
        parse_partitions("a:x")
    with pytest.raises(ValueError):
        parse_partitions(":1")
    meta = {"a": [0, 1, 2], "b": [0]}
    assert select_partitions(None, [("a", 1), ("b", 0)], meta) == [("a", 1), ("b", 0)]
    assert select_partitions((("a", None),), [], meta) == [("a", 0), ("a", 1), ("a", 2)]
    with pytest.raises(ValueError, match="no partition 5"):
        select_partitions((("a", (5,)),), [], meta)
    with pytest.raises(ValueError, match="does not exist"):
        select_partitions((("zz", None),), [], meta)


def test_plan_reset_like_the_tool() -> None:
    parts = [(T, 0), (T, 1)]
    committed = {(T, 0): 40}
    lo = {(T, 0): 10, (T, 1): 0}
    hi = {(T, 0): 100, (T, 1): 7}

    def news(spec: ResetSpec, by_time: dict[tuple[str, int], int] | None = None) -> list[int | None]:
        return [ln.new for ln in plan_reset(spec, parts, committed, lo, hi, by_time)]

    assert news(ResetSpec(ResetTarget.EARLIEST)) == [10, 0]
    assert news(ResetSpec(ResetTarget.LATEST)) == [100, 7]
    assert news(ResetSpec(ResetTarget.OFFSET, 50)) == [50, 7]  # clamped to the end
    assert news(ResetSpec(ResetTarget.OFFSET, 5)) == [10, 5]  # clamped to the start
    assert news(ResetSpec(ResetTarget.SHIFT, -35)) == [10, None]  # no commit to shift
    assert news(ResetSpec(ResetTarget.DATETIME, 1), {(T, 0): 60, (T, 1): -1}) == [60, 7]
    lines = plan_reset(ResetSpec(ResetTarget.SHIFT, -35), parts, committed, lo, hi)
    assert "clamped" in lines[0].note and "no committed offset" in lines[1].note
    assert lines[0].old == 40 and lines[1].old is None


def test_active_groups_are_refused() -> None:
    member = Member("c", "/h", "cl", ((T, 0),))
    assert active_refusal(GroupFacts("g", "Empty", "classic", ())) is None
    assert active_refusal(GroupFacts("g", "Dead", "classic", ())) is None
    refusal = active_refusal(GroupFacts("g", "Stable", "classic", (member,)))
    assert refusal is not None and "active" in refusal and "1 member)" in refusal
    unknown = active_refusal(GroupFacts("g", describe_error="not supported by this cluster"))
    assert unknown is not None and "cannot tell" in unknown
