"""After a catch-up burst (the backlog of an outage read at once) the freezer feed hands the memory
it took back to the OS, at most once a minute, and keeps the worker busy while full batches come."""

from __future__ import annotations

from typing import Any

import pytest

import canned
from kafkatui import memory
from kafkatui.kafka import freezer
from kafkatui.kafka.context import Context
from kafkatui.kafka.freezer import BATCH, FreezerFeed


@pytest.fixture
def feed() -> Any:
    ctx = Context(canned.settings(), lambda e: None, lambda: canned.NOW, admin=None)  # type: ignore[arg-type]
    f = FreezerFeed(ctx)
    yield f
    f.consumer.close()


def test_a_burst_then_a_quiet_batch_releases_memory_once_a_minute(
    feed: FreezerFeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    released: list[float] = []
    monkeypatch.setattr(freezer, "release_free_memory", lambda: released.append(1.0) or True)
    feed._after_burst(BATCH, 0.0)
    assert feed.busy  # more is probably waiting: the worker must not nap
    feed._after_burst(BATCH, 0.1)
    feed._after_burst(12, 0.2)
    assert not feed.busy and len(released) == 1
    for t in (1.0, 1.1):
        feed._after_burst(BATCH, t)
    feed._after_burst(0, 1.2)  # a second burst within the minute: no trim
    assert len(released) == 1
    for t in (61.0, 61.1):
        feed._after_burst(BATCH, t)
    feed._after_burst(0, 61.2)
    assert len(released) == 2


def test_one_full_batch_is_not_a_burst(feed: FreezerFeed, monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[int] = []
    monkeypatch.setattr(freezer, "release_free_memory", lambda: released.append(1) or True)
    feed._after_burst(BATCH, 0.0)
    feed._after_burst(3, 0.1)
    assert released == []


def test_release_free_memory_works_here() -> None:
    assert memory.release_free_memory() is True  # Linux with glibc, as CI
    assert memory.release_free_memory() is True  # looked up once, callable again
