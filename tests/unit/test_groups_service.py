"""GroupsService against a scripted AdminClient: batching, the in-flight bound, busy ticks,
restricted clusters, and refusals that the worker makes whatever the UI does."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from confluent_kafka import KafkaError, KafkaException, TopicPartition

import canned
from kafkatui.domain.groups import (
    READ_ONLY_REFUSAL,
    ApplyReset,
    GroupsView,
    PreviewReset,
    ResetPreview,
    ResetResult,
    ResetSpec,
    ResetTarget,
)
from kafkatui.domain.models import WorkerError
from kafkatui.kafka.context import Context
from kafkatui.kafka.group_client import (
    Crash,
    GroupClientCrash,
    GroupDescription,
    GroupListing,
    GroupMember,
    GroupOffsets,
    PartitionOffset,
)
from kafkatui.kafka.groups import MEMBER_COLUMNS, GroupsService

T = "freezer-temperatura"


def done(value: Any) -> Future[Any]:
    f: Future[Any] = Future()
    if isinstance(value, BaseException):
        f.set_exception(value)
    else:
        f.set_result(value)
    return f


def refused() -> KafkaException:
    return KafkaException(KafkaError(KafkaError._UNSUPPORTED_FEATURE))


def description(gid: str, members: list[tuple[str, list[int]]], state: str = "STABLE") -> GroupDescription:
    return GroupDescription(
        gid,
        state if members or state != "STABLE" else "EMPTY",
        "CLASSIC",
        tuple(GroupMember(mid, "/127.0.0.1", f"client-{mid}", tuple((T, p) for p in parts)) for mid, parts in members),
    )


class FakeAdmin:
    """The group client and the AdminClient's ListOffsets, answered from dictionaries; `hold`
    keeps OffsetFetch futures pending to test the bound."""

    waiting = False  # the group client's side: answers arrive at once here
    running = True
    wakes = True

    def __init__(self, groups: dict[str, dict[int, int]], *, restricted: bool = False, hold: bool = False) -> None:
        self.groups = groups
        self.restricted = restricted
        self.hold = hold
        self.ends = {p: 100 + p for p in range(3)}
        self.members: dict[str, list[tuple[str, list[int]]]] = {}
        self.calls: list[tuple[str, Any]] = []
        self.pending: list[tuple[Future[Any], Any]] = []
        self.altered: list[Any] = []
        self.crashes: list[Crash] = []
        self.generation = 0

    def list_groups(self, timeout: float) -> Future[Any]:
        self.calls.append(("list", None))
        if self.restricted:
            return done(GroupListing((), (KafkaError(KafkaError._UNSUPPORTED_FEATURE),)))
        return done(GroupListing(tuple(self.groups), ()))

    def describe_groups(self, ids: list[str], timeout: float) -> dict[str, Future[Any]]:
        self.calls.append(("describe", tuple(ids)))
        if self.restricted:
            return {g: done(refused()) for g in ids}
        return {g: done(description(g, self.members.get(g, []))) for g in ids}

    def fetch_offsets(self, gid: str, partitions: list[tuple[str, int]] | None, timeout: float) -> Future[Any]:
        self.calls.append(("offsets", (gid, partitions)))
        committed = self.groups.get(gid, {})
        if partitions is None:
            tps = [PartitionOffset(T, p, o, None) for p, o in committed.items()]
        else:
            tps = [PartitionOffset(t, p, committed.get(p, -1001), None) for t, p in partitions]
        answer = GroupOffsets(gid, tuple(tps))
        if self.hold:
            f: Future[Any] = Future()
            self.pending.append((f, answer))
            return f
        return done(answer)

    def release(self, n: int = 1) -> None:
        for f, answer in self.pending[:n]:
            f.set_result(answer)
        del self.pending[:n]

    def list_offsets(self, request: dict[TopicPartition, Any], **kw: Any) -> dict[TopicPartition, Future[Any]]:
        self.calls.append(("list_offsets", sorted((tp.topic, tp.partition) for tp in request)))
        earliest = type(next(iter(request.values()))).__name__ == "EarliestSpec"
        out = {}
        for tp in request:
            value = 0 if earliest else self.ends[tp.partition]
            out[tp] = done(SimpleNamespace(offset=value))
        return out

    def alter_offsets(self, gid: str, offsets: list[tuple[str, int, int]], timeout: float) -> Future[Any]:
        self.altered.append((gid, offsets))
        for _, p, o in offsets:
            self.groups.setdefault(gid, {})[p] = o
        return done(GroupOffsets(gid, tuple(PartitionOffset(t, p, o, None) for t, p, o in offsets)))

    def pump(self) -> None:
        return None

    def close(self, why: str | None = None) -> None:
        return None

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.calls if k == kind)


def make(admin: FakeAdmin, **settings: Any) -> tuple[Context, GroupsService, list[object]]:
    events: list[object] = []
    clock = [canned.NOW]
    ctx = Context(canned.settings(**settings), events.append, lambda: clock[0], admin)  # type: ignore[arg-type]
    ctx.connected = True
    ctx.snapshot = canned.cluster()
    return ctx, GroupsService(ctx, max_in_flight=2, group_admin=admin), events


def run(ctx: Context, svc: GroupsService, now: float = canned.NOW, steps: int = 20) -> None:
    for _ in range(steps):
        svc.poll(ctx, now)


def views(events: list[object]) -> list[GroupsView]:
    return [e for e in events if isinstance(e, GroupsView)]


def test_one_refresh_batches_describe_and_list_offsets() -> None:
    admin = FakeAdmin({"a": {0: 90, 1: 95}, "b": {2: 50}, "c": {}})
    admin.members["a"] = [("m1", [0, 1, 2])]
    ctx, svc, events = make(admin)
    run(ctx, svc)
    (view,) = views(events)
    assert admin.count("list") == 1 and admin.count("describe") == 1 and admin.count("list_offsets") == 1
    assert admin.count("offsets") == 3  # one group per OffsetFetch
    offsets_calls = [arg for kind, arg in admin.calls if kind == "list_offsets"]
    assert offsets_calls == [[(T, 0), (T, 1), (T, 2)]]  # every needed partition, once
    rows = {(r.group, r.partition): r.tool_cells()[3:] for r in view.rows}
    assert rows[("a", 0)] == ("90", "100", "10", "m1", "/127.0.0.1", "client-m1")
    assert rows[("a", 2)] == ("-", "102", "-", "m1", "/127.0.0.1", "client-m1")
    assert rows[("b", 2)] == ("50", "102", "52", "-", "-", "-")
    assert view.notes == () and view.unavailable == ()


def test_offset_fetches_respect_the_bound_and_busy_ticks_are_skipped() -> None:
    admin = FakeAdmin({g: {0: 1} for g in "abcde"}, hold=True)
    ctx, svc, events = make(admin, refresh_interval=5.0)
    run(ctx, svc)
    assert len(admin.pending) == 2  # max_in_flight
    run(ctx, svc, canned.NOW + 6)  # the next refresh is due while this one runs: skipped
    assert svc.skipped == 1 and admin.count("list") == 1
    while admin.pending:
        admin.release(1)
        run(ctx, svc, canned.NOW + 6)
        assert len(admin.pending) <= 2
    (view,) = views(events)
    assert len(view.groups) == 5 and view.skipped_ticks == 1
    run(ctx, svc, canned.NOW + 12)
    assert admin.count("list") == 2


def test_restricted_cluster_follows_named_groups_with_explicit_partitions() -> None:
    admin = FakeAdmin({"freezer-alarm-service": {0: 90, 2: 70}}, restricted=True)
    ctx, svc, events = make(admin, groups=("freezer-alarm-service",))
    run(ctx, svc)
    (view,) = views(events)
    (_, (gid, tps)) = next(c for c in admin.calls if c[0] == "offsets")
    assert gid == "freezer-alarm-service"
    assert set(tps) == {(T, 0), (T, 1), (T, 2)}  # user topics only
    assert [r.tool_cells() for r in view.rows] == [
        ("freezer-alarm-service", T, "0", "90", "100", "10", "n/a", "n/a", "n/a"),
        ("freezer-alarm-service", T, "2", "70", "102", "32", "n/a", "n/a", "n/a"),
    ]
    assert view.unavailable == MEMBER_COLUMNS
    assert any("Listing groups refused" in n and "--group" in n for n in view.notes)
    assert any("DescribeGroups" in n and "consumer id, host and client id" in n for n in view.notes)
    (g,) = view.groups
    assert g.followed and g.members is None and g.state is None and g.total_lag == 42


def test_restricted_cluster_without_named_groups_says_how_to_name_them() -> None:
    ctx, svc, events = make(FakeAdmin({}, restricted=True))
    run(ctx, svc)
    (view,) = views(events)
    assert view.groups == ()
    assert any("KAFKATUI_GROUPS" in n for n in view.notes)


def answers(events: list[object], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def test_reset_preview_then_apply() -> None:
    admin = FakeAdmin({"g": {0: 90, 1: 95}})
    ctx, svc, events = make(admin)
    svc.handle(ctx, PreviewReset("g", ResetSpec(ResetTarget.SHIFT, -50)))
    run(ctx, svc)
    (preview,) = answers(events, ResetPreview)
    assert preview.refused is None
    assert [(ln.partition, ln.old, ln.new) for ln in preview.lines] == [(0, 90, 40), (1, 95, 45)]
    svc.handle(ctx, ApplyReset("g", preview.changes))
    run(ctx, svc)
    (result,) = answers(events, ResetResult)
    assert result.ok, result.message
    assert admin.groups["g"] == {0: 40, 1: 45}
    latest = views(events)[-1]  # a refresh follows at once, without waiting for the interval
    assert len(views(events)) == 2
    assert [r.current for r in latest.rows] == [40, 45]


def test_reset_is_refused_for_an_active_group_and_in_read_only_mode() -> None:
    admin = FakeAdmin({"g": {0: 90}})
    admin.members["g"] = [("m1", [0])]
    ctx, svc, events = make(admin)
    svc.handle(ctx, PreviewReset("g", ResetSpec(ResetTarget.EARLIEST)))
    run(ctx, svc)
    (preview,) = answers(events, ResetPreview)
    assert preview.refused and "active" in preview.refused
    svc.handle(ctx, ApplyReset("g", ((T, 0, 0),)))  # a UI that skipped the preview
    run(ctx, svc)
    (result,) = answers(events, ResetResult)
    assert not result.ok and "active" in result.message and admin.altered == []

    admin = FakeAdmin({"g": {0: 90}})
    ctx, svc, events = make(admin, read_only=True)
    svc.handle(ctx, ApplyReset("g", ((T, 0, 0),)))
    run(ctx, svc)
    (result,) = answers(events, ResetResult)
    assert not result.ok and result.message == READ_ONLY_REFUSAL and admin.altered == []


def test_reset_is_refused_where_activity_cannot_be_checked() -> None:
    admin = FakeAdmin({"g": {0: 90}}, restricted=True)
    ctx, svc, events = make(admin)
    svc.handle(ctx, ApplyReset("g", ((T, 0, 0),)))
    run(ctx, svc)
    (result,) = answers(events, ResetResult)
    assert not result.ok and "cannot tell" in result.message and admin.altered == []


def test_a_refresh_that_never_answers_times_out_and_the_next_one_runs() -> None:
    admin = FakeAdmin({"a": {0: 1}}, hold=True)
    ctx, svc, events = make(admin, timeout=1.0)
    run(ctx, svc)
    assert svc.refresh is not None
    run(ctx, svc, canned.NOW + 10)  # past 2 * timeout + 1
    assert svc.refresh is None
    assert any("groups refresh" in getattr(e, "where", "") for e in events)


def test_a_refresh_that_times_out_while_the_cluster_is_away_is_not_an_error(caplog: Any) -> None:
    admin = FakeAdmin({"a": {0: 1}}, hold=True)
    ctx, svc, events = make(admin, timeout=1.0)
    run(ctx, svc)
    ctx.connected = False  # the broker went away after the refresh started
    run(ctx, svc, canned.NOW + 10)
    assert svc.refresh is None
    assert not any(isinstance(e, WorkerError) for e in events)
    assert "while the cluster is unreachable" in caplog.text


def test_a_group_client_crash_mid_refresh_keeps_the_last_view_and_the_next_one_says_so() -> None:
    admin = FakeAdmin({"a": {0: 1}}, hold=True)
    ctx, svc, events = make(admin)
    run(ctx, svc)
    assert svc.refresh is not None
    admin.crashes.append(Crash(canned.NOW, "Assertion `eonce->refcnt > 0' failed; killed by SIGABRT"))
    admin.generation += 1
    for future, _ in admin.pending:
        future.set_exception(GroupClientCrash("the group client process stopped"))
    admin.pending.clear()
    run(ctx, svc)
    assert svc.refresh is None and views(events) == [] and not any(isinstance(e, WorkerError) for e in events)

    admin.hold = False
    run(ctx, svc, canned.NOW + 60)
    (view,) = views(events)
    assert view.group("a") is not None and view.group("a").total_lag == 99
    (note,) = [n for n in view.notes if "group client" in n]
    assert "restarted once" in note and "SIGABRT" in note
    ctx.clock = lambda: canned.NOW + 601
    run(ctx, svc, canned.NOW + 601)  # long after the crash, the note is gone
    assert not any("group client" in n for n in views(events)[-1].notes)


class ClosableAdmin(FakeAdmin):
    """A FakeAdmin with GroupClient's process controls, recording each close."""

    def __init__(self, groups: dict[str, dict[int, int]], *, stall: bool = False) -> None:
        super().__init__(groups)
        self.running = True
        self.stall = stall
        self.closed: list[str | None] = []

    def close(self, why: str | None = None) -> None:
        self.closed.append(why)
        self.running = False

    def describe_groups(self, ids: list[str], timeout: float) -> dict[str, Future[Any]]:
        if self.stall:
            return {g: done(KafkaException(KafkaError(KafkaError._TIMED_OUT))) for g in ids}
        return super().describe_groups(ids, timeout)


def test_the_group_client_is_replaced_when_the_cluster_goes_away_or_brokers_change() -> None:
    admin = ClosableAdmin({"a": {0: 1}})
    ctx, svc, _ = make(admin)
    run(ctx, svc)
    assert admin.closed == []
    ctx.connected = False
    run(ctx, svc)
    assert admin.closed == [None]  # once, not at every poll

    admin.running = True
    ctx.connected = True
    ctx.snapshot = replace(canned.cluster(), brokers=canned.cluster().brokers[:-1])  # a broker left
    run(ctx, svc, canned.NOW + 60)
    assert admin.closed == [None, None]


def test_a_group_client_that_only_times_out_while_the_cluster_answers_is_replaced() -> None:
    admin = ClosableAdmin({"a": {0: 1}}, stall=True)
    ctx, svc, events = make(admin)
    run(ctx, svc)
    assert admin.closed == []
    run(ctx, svc, canned.NOW + 60)
    (why,) = admin.closed
    assert why is not None and "timed out 2 refreshes in a row" in why
    assert views(events)[-1].group("a").error == "DescribeGroups: timed out"


def test_the_first_refresh_can_wait_for_the_first_frame() -> None:
    admin = FakeAdmin({"a": {0: 1}})
    ctx, _, events = make(admin)
    svc = GroupsService(ctx, group_admin=admin, first_refresh_after=1.5)
    run(ctx, svc, canned.NOW + 1.0)
    assert admin.count("list") == 0 and views(events) == []
    run(ctx, svc, canned.NOW + 1.6)
    assert admin.count("list") == 1 and len(views(events)) == 1


def test_a_held_refresh_says_why_beside_the_last_figures() -> None:
    """A broker kill held refreshes ~25 s with the reason only in the log: now the pane is told."""
    admin = FakeAdmin({"a": {0: 1}})
    ctx, svc, events = make(admin)
    run(ctx, svc)
    first = views(events)[-1]
    assert not any(n.startswith("Refresh held") for n in first.notes)
    ctx.snapshot = replace(canned.cluster(), brokers=canned.cluster().brokers[:-1])  # a broker left
    run(ctx, svc, canned.NOW + 6)  # the next refresh is due
    held = views(events)[-1]
    assert held is not first and held.notes[0].startswith("Refresh held for")
    assert "settle after a broker change" in held.notes[0]
    assert held.groups == first.groups and held.ts == first.ts  # the last figures, their own age
