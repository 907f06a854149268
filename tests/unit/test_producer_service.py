"""The producer's worker side on librdkafka's mock cluster (fast data-path tests, no Java).

The mock is not Kafka (no DescribeConfigs, no failover): the real-broker behaviour is covered in
tests/integration/test_producer*.py.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from types import SimpleNamespace

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource

from kafkatui.domain.producer import (
    Configure,
    InspectTopic,
    Produce,
    ProducerConfig,
    ProduceRequest,
    ProducerNotice,
    ProducerView,
    StopBurst,
)
from kafkatui.kafka import clients
from kafkatui.kafka import producer as producer_module
from kafkatui.kafka.context import Context
from kafkatui.kafka.producer import ProducerService
from kafkatui.settings import Settings


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[str, Producer]]:
    owner = Producer({"test.mock.num.brokers": 1, "logger": logging.getLogger("mock")})
    md = owner.list_topics(timeout=5)
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in md.brokers.values())
    yield bootstrap, owner
    owner.flush(1)


class Harness:
    def __init__(self, bootstrap: str, owner: Producer, **settings: object) -> None:
        self.events: list[object] = []
        self.settings = Settings(_env_file=None, bootstrap_servers=bootstrap, **settings)  # type: ignore[call-arg]
        self.admin = AdminClient(clients.admin_config(self.settings))
        self.ctx = Context(self.settings, self.events.append, time.time, self.admin)
        self.owner = owner
        self.refresh()
        self.service = ProducerService(self.ctx)

    def topic(self, partitions_hint: str = "") -> str:
        name = f"p-{uuid.uuid4().hex[:8]}{partitions_hint}"
        self.owner.produce(name, b"seed")  # the mock creates topics on first use
        self.owner.flush(5)
        self.refresh()
        return name

    def refresh(self) -> None:
        self.ctx.snapshot = clients.fetch_snapshot(self.admin, self.settings, {}, 5)

    def send(self, command: object) -> None:
        assert type(command) in self.service.HANDLES
        self.service.handle(self.ctx, command)

    def run(self, until: Callable[[], bool], timeout: float = 20.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.service.poll(self.ctx, time.time())
            if until():
                return
            time.sleep(0.005)
        raise AssertionError("timed out")

    def idle(self) -> bool:
        s = self.service
        return s.burst is None and not s.waiting and s.pending is None

    def notices(self) -> list[ProducerNotice]:
        return [e for e in self.events if isinstance(e, ProducerNotice)]

    def view(self) -> ProducerView:
        return self.service.view(self.ctx)


@pytest.fixture
def h(mock: tuple[str, Producer]) -> Iterator[Harness]:
    harness = Harness(*mock)
    yield harness
    harness.service.close(harness.ctx)


def test_a_burst_is_delivered_whole_with_bounded_rows(h: Harness) -> None:
    topic = h.topic()
    h.send(Produce(ProduceRequest(topic, "sensor{i%3}", "{i}", (("src", "test"),), count=5000)))
    h.run(h.idle)
    v = h.view()
    assert (v.queued, v.delivered, v.failed, v.in_flight) == (5000, 5000, 0, 0)
    assert v.burst is not None and v.burst.done and v.burst.reported == 5000
    assert len(v.reports) == 100 and v.reports[0].seq == 5000  # newest first, bounded
    assert all(r.ok and r.offset is not None and r.latency_ms is not None for r in v.reports)
    assert any("burst done: 5,000/5,000" in n.text for n in h.notices())
    # views were emitted along the way, not one per message
    views = [e for e in h.events if isinstance(e, ProducerView)]
    assert 1 <= len(views) < 100


def test_describe_configs_refused_falls_back_to_librdkafkas_check(h: Harness) -> None:
    topic = h.topic()
    h.send(InspectTopic(topic))
    h.run(lambda: bool(h.service.refused))
    assert any("librdkafka's own message.max.bytes (1,000,000 bytes)" in n for n in h.view().notes)
    h.send(Produce(ProduceRequest(topic, "k", "x" * 1_000_001)))
    h.run(h.idle)
    refused = h.notices()[-1]
    assert refused.error and refused.field == "value"
    assert "librdkafka's own message.max.bytes check" in refused.text
    assert h.service.queued == 0 and h.service.producer is None  # nothing sent, nothing built


def test_bad_requests_are_refused_whole(h: Harness) -> None:
    topic = h.topic()
    h.send(Produce(ProduceRequest(topic, "k", "v", partition=99, count=10)))
    h.send(Produce(ProduceRequest("no-such-topic-here", "k", "v")))
    h.run(lambda: h.idle() and len(h.notices()) >= 2)
    texts = [n.text for n in h.notices()]
    assert any("99 is out of range" in t for t in texts)
    assert any("no-such-topic-here does not exist" in t for t in texts)
    assert h.service.queued == 0


def test_acks_0_reports_no_offset(h: Harness) -> None:
    topic = h.topic()
    h.send(Configure(ProducerConfig("0", False, "lz4", 0)))
    h.send(Produce(ProduceRequest(topic, "k", "v", count=3)))
    h.run(lambda: h.idle() and h.service.delivered == 3)
    v = h.view()
    assert v.config.acks == "0"
    assert [r.offset for r in v.reports] == [None, None, None]
    assert [r.acks for r in v.reports] == ["0", "0", "0"]  # each report says which acks sent it
    assert all(r.ok and r.partition is not None for r in v.reports)


def test_a_toggle_change_mid_burst_flushes_first_and_drops_nothing(h: Harness) -> None:
    topic = h.topic()
    h.send(Produce(ProduceRequest(topic, "k{i%7}", "{i}", count=4000, rate=8000)))
    h.run(lambda: h.service.queued >= 1000)
    first = h.service.producer
    h.send(Configure(ProducerConfig("1", False, "gzip", 20)))
    rebuilt_with_nothing_in_flight = []

    def watch() -> bool:
        if h.service.producer is not first and not rebuilt_with_nothing_in_flight:
            # the old producer was flushed: every message queued before the change was reported
            rebuilt_with_nothing_in_flight.append(h.service.delivered + h.service.failed == h.service.queued)
        return h.idle()

    h.run(watch)
    assert rebuilt_with_nothing_in_flight == [True]
    assert h.service.config == ProducerConfig("1", False, "gzip", 20)
    assert (h.service.queued, h.service.delivered, h.service.failed) == (4000, 4000, 0)
    assert any("producer rebuilt with acks=1" in n.text for n in h.notices())


def test_a_full_local_queue_waits_instead_of_dropping(mock: tuple[str, Producer]) -> None:
    h = Harness(*mock, overrides={"queue.buffering.max.messages": "500"})
    try:
        topic = h.topic()
        h.send(Produce(ProduceRequest(topic, None, "x" * 100, count=20_000)))
        h.run(h.idle, timeout=60)
        assert (h.service.queued, h.service.delivered, h.service.failed) == (20_000, 20_000, 0)
    finally:
        h.service.close(h.ctx)


def test_stop_burst_keeps_what_was_queued(h: Harness) -> None:
    topic = h.topic()
    h.send(Produce(ProduceRequest(topic, "k", "v", count=1_000_000, rate=2000)))
    h.run(lambda: h.service.queued >= 200)
    h.send(StopBurst())
    h.run(h.idle)
    s = h.service
    assert 200 <= s.queued < 1_000_000 and s.delivered == s.queued
    v = h.view()
    assert v.burst is not None and v.burst.stopped and v.burst.produced == s.queued
    assert any("burst stopped after" in n.text for n in h.notices())


def test_read_only_refuses_and_never_builds_a_producer(mock: tuple[str, Producer]) -> None:
    h = Harness(*mock, read_only=True)
    topic = h.topic()
    h.send(Produce(ProduceRequest(topic, "k", "v")))
    h.send(Configure(ProducerConfig("1", False)))
    h.run(lambda: True)
    assert h.service.producer is None and h.service.queued == 0
    assert [n.error for n in h.notices()] == [True, True]
    assert all("read-only" in n.text for n in h.notices())
    assert h.view().read_only


def test_no_metadata_yet_refuses_instead_of_waiting(h: Harness) -> None:
    h.ctx.snapshot = None
    h.send(Produce(ProduceRequest("anything", "k", "v")))
    h.run(lambda: bool(h.notices()))
    assert "no metadata from the cluster yet" in h.notices()[-1].text
    assert h.idle() and h.service.queued == 0


class FlakyDescribe:
    """An AdminClient whose DescribeConfigs answers are lost on the way `losses` times (a broker
    killed with the request in flight), then answered."""

    def __init__(self, admin: AdminClient, losses: int, error: int = KafkaError._TRANSPORT) -> None:
        self.admin = admin
        self.losses = losses
        self.error = error
        self.calls = 0

    def describe_configs(self, resources: list[ConfigResource], **_: object) -> dict[ConfigResource, Future[object]]:
        self.calls += 1
        answers: dict[ConfigResource, Future[object]] = {}
        for res in resources:
            f: Future[object] = Future()
            if self.losses > 0:
                f.set_exception(KafkaException(KafkaError(self.error)))
            else:
                f.set_result(
                    {
                        "max.message.bytes": SimpleNamespace(value="2000"),
                        "min.insync.replicas": SimpleNamespace(value="2"),
                    }
                )
            answers[res] = f
        self.losses -= 1
        return answers

    def __getattr__(self, name: str) -> object:
        return getattr(self.admin, name)


def test_describe_configs_lost_on_the_way_is_asked_again_not_refused(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = h.topic()
    flaky = FlakyDescribe(h.admin, losses=2)
    h.ctx.admin = flaky  # type: ignore[assignment]
    monkeypatch.setattr(producer_module, "RETRY_FIRST", 0.05)
    h.service.retry_wait = 0.05
    h.send(InspectTopic(topic))
    h.run(lambda: topic in h.service.topic_max, timeout=10)
    assert not h.service.refused and flaky.calls >= 3
    assert h.service.topic_max[topic] == 2000 and h.service.topic_min_isr[topic] == 2
    assert not any("refused" in n for n in h.view().notes)


def test_describe_configs_refused_by_acls_is_not_asked_again(h: Harness) -> None:
    topic = h.topic()
    flaky = FlakyDescribe(h.admin, losses=99, error=KafkaError.TOPIC_AUTHORIZATION_FAILED)
    h.ctx.admin = flaky  # type: ignore[assignment]
    h.send(InspectTopic(topic))
    h.run(lambda: bool(h.service.refused))
    calls = flaky.calls
    h.send(InspectTopic(topic))
    h.run(lambda: True)
    assert flaky.calls == calls and "TOPIC_AUTHORIZATION_FAILED" in h.service.refused
