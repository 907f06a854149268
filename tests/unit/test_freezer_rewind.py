"""A rewind never holds the worker: where `seconds` ago starts is looked up with admin futures
(ends first, then by time), and commands go on being handled while the answers are out."""

from __future__ import annotations

from concurrent.futures import Future
from types import SimpleNamespace
from typing import Any

import pytest
from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, KafkaError, KafkaException, TopicPartition

import canned
from kafkatui.domain.commands import Rewind, SetThresholds
from kafkatui.domain.freezer import FreezerView
from kafkatui.kafka.context import Context
from kafkatui.kafka.freezer import FreezerFeed

T = "freezer-temperatura"


class HeldAdmin:
    """ListOffsets whose answers the test gives when it wants (the broker is slow)."""

    def __init__(self) -> None:
        self.calls: list[dict[TopicPartition, Future[Any]]] = []
        self.specs: list[str] = []

    def list_offsets(self, request: dict[TopicPartition, Any], **kw: Any) -> dict[TopicPartition, Future[Any]]:
        self.specs.append(type(next(iter(request.values()))).__name__)
        futures: dict[TopicPartition, Future[Any]] = {
            TopicPartition(tp.topic, tp.partition): Future() for tp in request
        }
        self.calls.append(futures)
        return futures

    def answer(self, offsets: dict[int, int | BaseException]) -> None:
        for tp, future in self.calls[-1].items():
            value = offsets[tp.partition]
            if isinstance(value, BaseException):
                future.set_exception(value)
            else:
                future.set_result(SimpleNamespace(offset=value))


class Assignments:
    """The feed's consumer, recording where each partition was assigned from."""

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.assigned: list[list[tuple[int, int]]] = []

    def incremental_assign(self, tps: list[TopicPartition]) -> None:
        self.assigned.append(sorted((tp.partition, tp.offset) for tp in tps))
        self.consumer.incremental_assign(tps)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.consumer, name)


@pytest.fixture
def setup() -> Any:
    now = [canned.NOW]
    events: list[object] = []
    wakes: list[int] = []
    admin = HeldAdmin()
    ctx = Context(canned.settings(), events.append, lambda: now[0], admin, wake=lambda: wakes.append(1))  # type: ignore[arg-type]
    ctx.connected = True
    ctx.snapshot = canned.cluster()
    feed = FreezerFeed(ctx)
    real = feed.consumer
    feed.consumer = Assignments(real)  # type: ignore[assignment]
    yield ctx, feed, admin, events, now, wakes
    real.close()


def step(ctx: Context, feed: FreezerFeed, now: list[float], dt: float = 0.5) -> None:
    now[0] += dt
    feed.poll(ctx, now[0])


def test_a_command_sent_during_a_rewind_is_handled_before_the_rewind_ends(setup: Any) -> None:
    ctx, feed, admin, events, now, wakes = setup
    step(ctx, feed, now)
    assert feed.consumer.assigned == [[(0, OFFSET_END), (1, OFFSET_END), (2, OFFSET_END)]]  # live

    feed.handle(ctx, Rewind(600.0))
    step(ctx, feed, now)  # asks for the ends and returns: nothing waits on the broker
    assert admin.specs == ["LatestSpec"] and not feed.assigned and feed.seek is not None

    feed.handle(ctx, SetThresholds(-30.0, 30.0))  # handled while the broker has not answered
    step(ctx, feed, now)
    view = [e for e in events if isinstance(e, FreezerView)][-1]
    assert (view.thresholds.tmin, view.thresholds.tmax) == (-30.0, 30.0)
    assert "looking up where 600 s ago starts" in view.source
    assert len(feed.consumer.assigned) == 1  # the rewind has not assigned anything yet

    admin.answer({0: 100, 1: 200, 2: 300})  # the ends as of now
    assert wakes, "an answer must wake the sleeping worker"
    step(ctx, feed, now)
    assert admin.specs == ["LatestSpec", "TimestampSpec"]
    failed = KafkaException(KafkaError(KafkaError.LEADER_NOT_AVAILABLE))
    admin.answer({0: -1, 1: 7, 2: failed})  # nothing newer / found / the lookup failed
    step(ctx, feed, now)
    # no record since then: the end as read BEFORE the lookup; found: there; failed: from the start
    assert feed.consumer.assigned[-1] == [(0, 100), (1, 7), (2, OFFSET_BEGINNING)]
    assert feed.seek is None and "from 600 s ago" in feed.board.source


def test_a_rewind_the_broker_never_answers_ends_at_its_deadline(setup: Any) -> None:
    ctx, feed, admin, _events, now, _wakes = setup
    step(ctx, feed, now)
    feed.handle(ctx, Rewind(60.0))
    step(ctx, feed, now)
    assert feed.next_due(now[0]) <= now[0] + ctx.settings.timeout + 2  # it comes back for the deadline
    step(ctx, feed, now, dt=ctx.settings.timeout + 2)  # the ends never came
    assert admin.specs == ["LatestSpec", "TimestampSpec"]
    step(ctx, feed, now, dt=ctx.settings.timeout + 2)  # nor the time lookup: show too much, not too little
    assert feed.consumer.assigned[-1] == [(0, OFFSET_BEGINNING), (1, OFFSET_BEGINNING), (2, OFFSET_BEGINNING)]


def test_a_second_rewind_drops_the_first_ones_lookup(setup: Any) -> None:
    ctx, feed, admin, _events, now, _wakes = setup
    step(ctx, feed, now)
    feed.handle(ctx, Rewind(600.0))
    step(ctx, feed, now)
    feed.handle(ctx, Rewind(60.0))
    step(ctx, feed, now)
    assert len(admin.calls) == 2  # a fresh lookup for the new start
    admin.calls[0][TopicPartition(T, 0)].set_result(SimpleNamespace(offset=1))  # the old answer: ignored
    admin.answer({0: 10, 1: 20, 2: 30})
    step(ctx, feed, now)
    admin.answer({0: 5, 1: 6, 2: 7})
    step(ctx, feed, now)
    assert feed.consumer.assigned[-1] == [(0, 5), (1, 6), (2, 7)] and "from 60 s ago" in feed.board.source
