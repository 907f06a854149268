"""Consumer groups service: lag refresh every `refresh_interval`, offset reset preview and apply.

Nothing here blocks: every admin call returns futures, and each piece of work is a generator
that yields the futures it waits for; the runner keeps them as a `Pending` (kafka/pending.py)
with the job's deadline and resumes the job once one of them is done. The worker's own
ListOffsets futures wake the worker; the group client's answers are read by `pump()`, and its
watcher thread wakes the worker when the child has written one (a client without a wake function
is polled every CHILD_EVERY while it owes answers). The consumer-group
calls (ListGroups, DescribeGroups, OffsetFetch, OffsetCommit) are answered by the group client
process (group_client.py / group_child.py), because librdkafka can crash its process around them;
ListOffsets uses the worker's own AdminClient.

One refresh = ListGroups (unless refused) -> one DescribeGroups for every group -> OffsetFetch
per group (one group per request, at most MAX_IN_FLIGHT at once) -> one batched ListOffsets
(latest) for every partition needed -> a GroupsView. A refresh due while one is still running
is skipped (and counted), never queued.

Restricted clusters (ACL-limited keys, the demo's mock cluster) refuse ListGroups and/or
DescribeGroups. Groups named with --group / KAFKATUI_GROUPS are then still shown: their
committed offsets come from OffsetFetch with explicit partitions (every partition of every
topic in the metadata), and the view says which columns are unavailable and why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from confluent_kafka import IsolationLevel, KafkaError, TopicPartition
from confluent_kafka.admin import OffsetSpec  # type: ignore[attr-defined]

from kafkatui.domain.commands import Command
from kafkatui.domain.groups import (
    READ_ONLY_REFUSAL,
    STATE_NAMES,
    TP,
    ApplyReset,
    GroupFacts,
    GroupsView,
    GroupTracker,
    Member,
    PreviewReset,
    ResetPreview,
    ResetResult,
    ResetTarget,
    active_refusal,
    needed_partitions,
    plan_reset,
    select_partitions,
)
from kafkatui.domain.lag import known_offset, leader_unavailable
from kafkatui.domain.limits import Limits, with_lag_limits
from kafkatui.domain.models import ClusterSnapshot
from kafkatui.kafka import clients
from kafkatui.kafka.context import IDLE_DUE, Context, Service
from kafkatui.kafka.errors import kafka_error
from kafkatui.kafka.group_client import Crash, GroupAdmin, GroupClient, GroupClientCrash, GroupDescription
from kafkatui.kafka.pending import Pending

log = logging.getLogger("kafkatui.groups")

MAX_IN_FLIGHT = 32  # concurrent OffsetFetch requests (one group each; 8 made 2,000 groups wait on round trips)
CRASH_NOTE_SECONDS = 600.0  # how long the pane mentions a restart of the group client process
CHILD_EVERY = 0.01  # seconds between reads of the group client's answers while some are due
STALL_LIMIT = 2  # refreshes whose every DescribeGroups timed out before the group client is replaced
MEMBER_COLUMNS = ("STATE", "PROTOCOL", "MEMBERS", "CONSUMER-ID", "HOST", "CLIENT-ID")

Waiting = list["Future[Any]"]
Job = Generator[Waiting, None, None]


def explain(exc: BaseException | KafkaError) -> str:
    """One human line for a refused or failed admin request."""
    if isinstance(exc, GroupClientCrash):
        return str(exc)
    err = kafka_error(exc)
    if err is None:
        return f"{type(exc).__name__}: {exc}"
    code = err.code()
    if code == KafkaError._UNSUPPORTED_FEATURE:
        return "not supported by this cluster"
    if code in (
        KafkaError.GROUP_AUTHORIZATION_FAILED,
        KafkaError.CLUSTER_AUTHORIZATION_FAILED,
        KafkaError.TOPIC_AUTHORIZATION_FAILED,
    ):
        return f"not authorized ({err.name()}): the credentials lack the ACL for it"
    if code == KafkaError._TIMED_OUT:
        return "timed out"
    return err.str()


# Answers meaning "the group coordinator is missing, loading or moving" (see _coordinator_hold)
COORDINATOR_TROUBLE = frozenset(
    {KafkaError.NOT_COORDINATOR, KafkaError.COORDINATOR_NOT_AVAILABLE, KafkaError.COORDINATOR_LOAD_IN_PROGRESS}
)


def _error_code(future: Future[Any]) -> int | None:
    """The KafkaError code a finished future failed with, or None."""
    try:
        future.result()
    except Exception as exc:
        err = kafka_error(exc)
        return err.code() if err is not None else None
    return None


def wait_all(futures: Iterable[Future[Any]]) -> Generator[Waiting, None, None]:
    pending = [f for f in futures if not f.done()]
    while pending:
        yield pending
        pending = [f for f in pending if not f.done()]


def _outcome(future: Future[Any]) -> tuple[Any, str | None]:
    try:
        return future.result(), None
    except Exception as exc:
        return None, explain(exc)


def unanswered(snapshot: ClusterSnapshot | None, topic: str, partition: int) -> str:
    """Why a partition's offset did not come back (librdkafka gave -1001 and no error)."""
    info = None
    if snapshot is not None:
        t = next((t for t in snapshot.topics if t.name == topic), None)
        info = next((p for p in t.partitions if p.id == partition), None) if t is not None else None
    if info is None:
        return f"p{partition} not in the metadata"
    down = {b.id for b in snapshot.brokers if not b.up} if snapshot is not None else set()
    return leader_unavailable(partition, info.leader, info.leader in down)


def state_name(name: str | None) -> str | None:
    return None if name is None else STATE_NAMES.get(name, name.title())


def protocol_name(name: str | None) -> str | None:
    return None if name in (None, "UNKNOWN") else str(name).lower()


def members_of(description: GroupDescription) -> tuple[Member, ...]:
    return tuple(Member(m.member_id, m.host, m.client_id, tuple(sorted(m.partitions))) for m in description.members)


@dataclass
class _Running:
    job: Job
    deadline: float
    what: str
    on_timeout: Callable[[], None]
    waiting: Pending[int] | None = None  # what the job waits for now (the job's deadline)


class GroupsService(Service):
    """Consumer-group lag for the Groups pane, and offset resets."""

    HANDLES: ClassVar[tuple[type[Command], ...]] = (PreviewReset, ApplyReset)

    def __init__(
        self,
        ctx: Context,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        group_admin: GroupAdmin | None = None,
        first_refresh_after: float = 0.0,
        limits: Limits | None = None,
    ) -> None:
        self.limits = limits  # per-group lag limits (max_lag_seconds), marked on each GroupRow
        # Consumer-group calls go to a child process (see group_child.py); ListOffsets stays here.
        self.group_admin: GroupAdmin = group_admin or GroupClient(
            clients.plain_config(ctx.settings), ctx.settings.secret_values(), clock=ctx.clock, wake=ctx.wake
        )
        self.tracker = GroupTracker()
        self.max_in_flight = max_in_flight
        self.refresh: _Running | None = None
        self.reset: _Running | None = None
        self.next_refresh = ctx.clock() + first_refresh_after if first_refresh_after else 0.0
        self.skipped = 0
        self.brokers_seen: frozenset[int] | None = None  # live broker ids at the last refresh
        self.brokers_changed = float("-inf")  # when that set last changed
        self.tracker_has_data = False
        self.last_view: GroupsView | None = None  # the newest refresh, re-sent with a note while held
        self.held_since: float | None = None
        self.stalls = 0  # refreshes in a row whose DescribeGroups all timed out (see _watch_for_stall)

    # -- Service ------------------------------------------------------------------------

    def handle(self, ctx: Context, command: Command) -> None:
        if isinstance(command, PreviewReset | ApplyReset):
            if self.reset is not None:
                answer: ResetPreview | ResetResult
                if isinstance(command, PreviewReset):
                    answer = ResetPreview(command.group, command.spec, (), "another reset is running")
                else:
                    answer = ResetResult(command.group, False, "another reset is running")
                ctx.emit(answer)
                return
            late = f"no answer from the cluster within {3 * ctx.settings.timeout:g} s"
            if isinstance(command, PreviewReset):
                job = self._preview(ctx, command)
                group, spec = command.group, command.spec

                def timed_out() -> None:
                    ctx.emit(ResetPreview(group, spec, (), late))
            else:
                job = self._apply(ctx, command)
                group = command.group

                def timed_out() -> None:
                    ctx.emit(ResetResult(group, False, f"{late}: check the offsets before retrying"))

            deadline = ctx.clock() + 3 * ctx.settings.timeout
            self.reset = _Running(job, deadline, f"offset reset of {group}", timed_out)
            return

    def poll(self, ctx: Context, now: float) -> None:
        if not ctx.connected:
            self._recycle("the cluster is unreachable")
        if now >= self.next_refresh and ctx.connected:
            self.next_refresh = now + ctx.settings.refresh_interval
            held = self._coordinator_hold(ctx)
            if held is not None:
                log.info("groups refresh held: %s", held)
                if held.startswith("group coordinator not available") and not self.tracker_has_data:
                    # a fresh cluster: no group has ever committed; say so instead of an empty table
                    ctx.emit(
                        self.tracker.update(
                            now,
                            [],
                            {},
                            notes=[f"No consumer groups yet: {held}."],
                            interval=ctx.settings.refresh_interval,
                        )
                    )
                elif self.last_view is not None:
                    # the last figures stay, saying why they are not refreshed (a broker kill held
                    # refreshes ~25 s with the reason only in the log)
                    since = self.held_since if self.held_since is not None else now
                    self.held_since = since
                    note = f"Refresh held for {now - since:.0f} s: {held}; the figures are from the last refresh."
                    ctx.emit(replace(self.last_view, notes=(note, *self.last_view.notes)))
            elif self.refresh is not None:
                self.skipped += 1  # never two refreshes at once: a busy tick is skipped
            else:
                limit = 2 * ctx.settings.timeout + 1

                def timed_out() -> None:
                    if ctx.connected:
                        ctx.report("groups refresh", TimeoutError(f"no answer within {limit:g} s"))
                        self._count_stall(True)
                    else:  # the cluster went away meanwhile: the header says so, the view is marked stale
                        log.warning("groups refresh: no answer within %g s while the cluster is unreachable", limit)

                self.refresh = _Running(self._refresh(ctx), now + limit, "groups refresh", timed_out)
        if self.refresh is not None and self._advance(ctx, self.refresh, now):
            self.refresh = None
        if self.reset is not None and self._advance(ctx, self.reset, now):
            self.reset = None

    def close(self, ctx: Context) -> None:
        for running in (self.refresh, self.reset):
            if running is not None:
                running.job.close()
        self.group_admin.close()

    def next_due(self, now: float) -> float:
        due = self.next_refresh if self.next_refresh > now else now + IDLE_DUE
        for running in (self.refresh, self.reset):
            if running is not None:
                # the group client's answers arrive on a pipe that pump() reads (its watcher wakes
                # the worker); the worker's own ListOffsets futures wake it (see _end_offsets)
                polling = self.group_admin.waiting and not self.group_admin.wakes
                soon = now + CHILD_EVERY if polling else running.deadline
                due = min(due, soon, running.deadline)
        return due

    # -- the job runner -----------------------------------------------------------------

    def _advance(self, ctx: Context, running: _Running, now: float) -> bool:
        """Resume the job while something it waits for is done; True when it has finished."""
        self.group_admin.pump()
        while running.waiting is None or running.waiting.any_done():
            try:
                waiting = running.job.send(None)
            except StopIteration:
                return True
            except Exception as exc:
                ctx.report(running.what, exc)
                return True
            running.waiting = Pending(dict(enumerate(waiting)), running.deadline)
        if not running.waiting.expired(now):
            return False
        running.job.close()
        log.warning("%s timed out", running.what)
        running.on_timeout()
        return True

    # -- refresh ------------------------------------------------------------------------

    def _refresh(self, ctx: Context) -> Job:
        started = time.perf_counter()
        s = ctx.settings
        timeout = s.timeout
        followed = tuple(dict.fromkeys(s.groups))
        notes: list[str] = []

        generation = self._generation()
        listing = self.group_admin.list_groups(timeout)
        yield from wait_all([listing])
        if self._generation() != generation:
            return  # answers lost with the group client: the last view stays; the next refresh retries
        result, refused = _outcome(listing)
        listed: list[str] = []
        complete: bool | str = True  # did the listing cover every group? (else why not)
        if result is not None:
            listed = list(result.valid)
            if result.errors:
                complete = f"ListGroups: {explain(result.errors[0])}"
                if not result.valid:
                    refused = explain(result.errors[0])
                else:
                    notes.append(f"Some brokers did not list their groups: {explain(result.errors[0])}.")
        if refused:
            named = (
                "showing the groups named with --group / KAFKATUI_GROUPS"
                if followed
                else "name groups to follow with --group NAME or KAFKATUI_GROUPS=a,b"
            )
            notes.append(f"Listing groups refused ({refused}): {named}.")
            complete = f"ListGroups: {refused}"
        ids = sorted(set(listed) | set(followed))

        facts = yield from self._collect(ctx, ids)
        if self._generation() != generation:
            return
        self._watch_for_stall(ctx, facts)
        notes.extend(self._crash_notes(ctx.clock()))
        described_refused = [f for f in facts if f.members is None and f.describe_error]
        unavailable: tuple[str, ...] = ()
        if described_refused:
            why = described_refused[0].describe_error
            names = ", ".join(f.group_id for f in described_refused[:3])
            unavailable = MEMBER_COLUMNS
            notes.append(
                f"{why} (for {names}): state, protocol, members, "
                "consumer id, host and client id are unavailable (n/a); committed offsets and lag "
                "come from OffsetFetch with explicit partitions."
            )

        log_ends, failed = yield from self._end_offsets(ctx, needed_partitions(facts))
        if failed:
            tp, why = next(iter(failed.items()))
            notes.append(f"End offsets unknown for {len(failed)} partition(s), e.g. {tp[0]}[{tp[1]}]: {why}.")
        view = self.tracker.update(
            ctx.clock(),
            facts,
            log_ends,
            unknown=failed,
            complete=complete,
            followed=followed,
            notes=notes,
            unavailable=unavailable,
            refresh_ms=(time.perf_counter() - started) * 1000.0,
            skipped_ticks=self.skipped,
            interval=s.refresh_interval,
        )
        if self.limits is not None:
            view = with_lag_limits(view, self.limits)
        self.tracker_has_data = True
        self.last_view = view
        self.held_since = None
        ctx.emit(view)

    def _crashes(self) -> list[Crash]:
        return list(self.group_admin.crashes)

    def _generation(self) -> int:
        return self.group_admin.generation

    def _recycle(self, why: str) -> None:
        """Replace the group client process before it can trip over the change (librdkafka aborts
        when requests sent during an outage complete after the broker is back, #4605)."""
        if self.group_admin.running:
            log.info("group client replaced: %s", why)
            self.group_admin.close()

    def _watch_for_stall(self, ctx: Context, facts: list[GroupFacts]) -> None:
        """Replace a group client whose every DescribeGroups timed out twice while the cluster answered
        (librdkafka can keep timing out after a coordinator change, whatever the broker says)."""
        stalled = bool(facts) and ctx.connected and all("timed out" in (f.describe_error or "") for f in facts)
        self._count_stall(stalled)

    def _count_stall(self, stalled: bool) -> None:
        self.stalls = self.stalls + 1 if stalled else 0
        if self.stalls >= STALL_LIMIT:
            self.stalls = 0
            why = f"its requests timed out {STALL_LIMIT} refreshes in a row while the cluster answered"
            self.group_admin.close(why)

    def _crash_notes(self, now: float) -> list[str]:
        """Say so in the pane for a while after the group client process had to be restarted."""
        crashes = self._crashes()
        if not crashes or now - crashes[-1].at > CRASH_NOTE_SECONDS:
            return []
        last = crashes[-1]
        at = time.strftime("%H:%M:%S", time.localtime(last.at))
        times = f"{len(crashes)} times" if len(crashes) > 1 else "once"
        return [
            f"The group client process was restarted {times}, last at {at}: {last.reason}. librdkafka can "
            "abort or stall around coordinator changes (issue #4605), so group calls run apart from the app."
        ]

    def _collect(self, ctx: Context, ids: list[str]) -> Generator[Waiting, None, list[GroupFacts]]:
        """Describe every group (one request), then fetch offsets with a concurrency bound."""
        if not ids:
            return []
        timeout = ctx.settings.timeout
        described = self.group_admin.describe_groups(ids, timeout)
        yield from wait_all(described.values())
        base: dict[str, GroupFacts] = {}
        for gid in ids:
            desc, error = _outcome(described[gid])
            if desc is None:
                base[gid] = GroupFacts(gid, describe_error=f"DescribeGroups: {error}")
            else:
                base[gid] = GroupFacts(gid, state_name(desc.state), protocol_name(desc.protocol), members_of(desc))
        unsettled = {gid for gid in ids if _error_code(described[gid]) in COORDINATOR_TROUBLE}
        queue = list(ids)
        inflight: dict[str, Future[Any]] = {}
        out: dict[str, GroupFacts] = {}
        while queue or inflight:
            while queue and len(inflight) < self.max_in_flight:
                gid = queue.pop(0)
                partitions, problem = self._offset_request(ctx, base[gid])
                if gid in unsettled:
                    # the coordinator is missing, loading or moving: asking it for offsets now
                    # would hit librdkafka issue #5040 (see _coordinator_hold)
                    problem = "group coordinator not ready; offsets next refresh"
                if problem is not None:
                    out[gid] = replace(base[gid], offsets_error=problem)
                    continue
                inflight[gid] = self.group_admin.fetch_offsets(gid, partitions, timeout)
            done = [gid for gid, f in inflight.items() if f.done()]
            if not done:
                yield list(inflight.values())
                continue
            for gid in done:
                answer, error = _outcome(inflight.pop(gid))
                committed: dict[TP, int] = {}
                if answer is not None:
                    for tp in answer.partitions:
                        if tp.error is None and known_offset(tp.offset) is not None:
                            committed[(tp.topic, tp.partition)] = tp.offset
                out[gid] = replace(base[gid], committed=committed, offsets_error=error)
        return [out[gid] for gid in ids]

    def _coordinator_hold(self, ctx: Context) -> str | None:
        """Why committed offsets must not be fetched right now, or None.

        librdkafka 2.16 takes its process down in two known ways around coordinator-targeted admin
        calls: a segfault when OffsetFetch is answered NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE
        (librdkafka #5040) and an abort ("eonce->refcnt > 0", #4605 / #3663) when requests sent
        during an outage complete after it. Those calls run in the group client process, so such
        a crash costs a restart of that process, not the app; this hold makes it rare: no group
        request unless `__consumer_offsets` has a leader for every partition and no broker came or
        went in the last two refresh intervals (the client is also replaced at such a change);
        groups whose describe says the coordinator is not ready get no OffsetFetch.
        """
        snapshot = ctx.snapshot
        if snapshot is None:
            return "waiting for cluster metadata"
        up = frozenset(b.id for b in snapshot.brokers if b.up)
        now = ctx.clock()
        if self.brokers_seen is not None and up != self.brokers_seen:
            self.brokers_changed = now
            self._recycle("the set of live brokers changed")
        self.brokers_seen = up
        if snapshot.is_mock:
            return None  # the mock's coordinator never moves
        offsets = next((t for t in snapshot.topics if t.name == "__consumer_offsets"), None)
        if offsets is None or any(p.leader < 0 for p in offsets.partitions):
            return "group coordinator not available yet (__consumer_offsets has no leader)"
        settle = 2 * ctx.settings.refresh_interval
        if now - self.brokers_changed < settle:
            return f"waiting for the group coordinator to settle after a broker change ({settle:g} s)"
        return None

    def _offset_request(self, ctx: Context, facts: GroupFacts) -> tuple[list[TP] | None, str | None]:
        """(the partitions to ask OffsetFetch for, None for every committed one; or why not to ask)."""
        if facts.members is not None:
            return None, None  # every committed partition
        # restricted: some clusters answer "all partitions" with nothing; name them instead
        snapshot = ctx.snapshot
        if snapshot is None:
            return None, "waiting for cluster metadata"
        tps = [(t.name, p.id) for t in snapshot.user_topics for p in t.partitions]
        if not tps:
            return None, "no topics in the metadata"
        return tps, None

    def _end_offsets(
        self, ctx: Context, partitions: Iterable[TP], spec: Callable[[], Any] = OffsetSpec.latest
    ) -> Generator[Waiting, None, tuple[dict[TP, int], dict[TP, str]]]:
        """One batched ListOffsets; (offsets, failures with the reason)."""
        wanted = sorted(set(partitions))
        if not wanted:
            return {}, {}
        futures = ctx.admin.list_offsets(
            {TopicPartition(t, p): spec() for t, p in wanted},
            isolation_level=IsolationLevel.READ_UNCOMMITTED,  # as ConsumerGroupCommand
            request_timeout=ctx.settings.timeout,
        )
        Pending(futures, float("inf"), ctx.wake)  # each answer wakes the worker; the job's deadline applies
        yield from wait_all(futures.values())
        offsets: dict[TP, int] = {}
        failed: dict[TP, str] = {}
        for tp, future in futures.items():
            info, error = _outcome(future)
            offset = None if info is None else known_offset(info.offset)
            if offset is None:
                # librdkafka answers -1001 without an error when the leader does not answer in
                # time: unknown, with the likeliest reason from the metadata
                failed[(tp.topic, tp.partition)] = error or unanswered(ctx.snapshot, tp.topic, tp.partition)
            else:
                offsets[(tp.topic, tp.partition)] = offset
        return offsets, failed

    # -- offset reset -------------------------------------------------------------------

    def _preview(self, ctx: Context, cmd: PreviewReset) -> Job:
        def answer(lines: tuple[Any, ...] = (), refused: str | None = None) -> None:
            ctx.emit(ResetPreview(cmd.group, cmd.spec, lines, refused))

        if ctx.settings.read_only:
            answer(refused=READ_ONLY_REFUSAL)
            return
        (facts,) = yield from self._collect(ctx, [cmd.group])
        if facts.offsets_error:
            answer(refused=f"cannot read the group's committed offsets: {facts.offsets_error}")
            return
        topics = {t.name: [p.id for p in t.partitions] for t in (ctx.snapshot.topics if ctx.snapshot else ())}
        try:
            partitions = select_partitions(cmd.partitions, facts.committed, topics)
        except ValueError as exc:
            answer(refused=str(exc))
            return
        if not partitions:
            answer(refused=f"group {cmd.group} has no committed offsets: name the topics to reset")
            return
        earliest, _ = yield from self._end_offsets(ctx, partitions, OffsetSpec.earliest)
        latest, _ = yield from self._end_offsets(ctx, partitions, OffsetSpec.latest)
        by_time = None
        if cmd.spec.target is ResetTarget.DATETIME:
            assert cmd.spec.value is not None
            ms = cmd.spec.value
            by_time, _ = yield from self._end_offsets(ctx, partitions, lambda: OffsetSpec.for_timestamp(ms))
        lines = plan_reset(cmd.spec, partitions, facts.committed, earliest, latest, by_time)
        answer(tuple(lines), active_refusal(facts))

    def _apply(self, ctx: Context, cmd: ApplyReset) -> Job:
        def answer(ok: bool, message: str) -> None:
            ctx.emit(ResetResult(cmd.group, ok, message, cmd.offsets if ok else ()))

        if ctx.settings.read_only:  # the UI disables the key; the worker refuses too
            answer(False, READ_ONLY_REFUSAL)
            return
        if not cmd.offsets:
            answer(False, "nothing to reset")
            return
        described = self.group_admin.describe_groups([cmd.group], ctx.settings.timeout)
        yield from wait_all(described.values())
        desc, error = _outcome(described[cmd.group])
        facts = (
            GroupFacts(cmd.group, describe_error=error)
            if desc is None
            else GroupFacts(cmd.group, state_name(desc.state), members=members_of(desc))
        )
        refusal = active_refusal(facts)
        if refusal:
            answer(False, refusal)
            return
        future = self.group_admin.alter_offsets(cmd.group, list(cmd.offsets), ctx.settings.timeout)
        yield from wait_all([future])
        result, error = _outcome(future)
        if result is None:
            answer(False, f"Kafka refused the reset: {error}")
            return
        bad = [tp for tp in result.partitions if tp.error is not None]
        if bad and bad[0].error is not None:
            answer(False, f"Kafka refused {bad[0].topic}[{bad[0].partition}]: {explain(bad[0].error)}")
            return
        n = len(cmd.offsets)
        answer(True, f"Offsets of {n} partition{'s' * (n != 1)} of {cmd.group} reset.")
        self.next_refresh = 0.0  # show the new offsets now
