"""The seed's freezer-sensor producer as a reusable loop (`kafkatui simulate` and the demo)."""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from kafkatui.domain.sensors import SensorModel, encode

log = logging.getLogger("kafkatui.simulator")


@dataclass(slots=True)
class SimStats:
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    last_error: str = ""
    errors: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SimOptions:
    topic: str = "freezer-temperatura"
    sensors: int = 3
    rate: float = 1.0  # readings per second per sensor
    fmt: str = "plain"  # plain | json | avro | jsonschema (the last two need an `encoder`)
    anomalies: bool = True
    count: int | None = None  # stop after this many messages (None = forever)
    seed: int | None = None
    key_prefix: str = ""  # sensor keys are <prefix>sensor0..N-1


class Simulator:
    """Sends one reading per sensor every 1/rate seconds until stopped (or `count` is reached)."""

    def __init__(
        self,
        producer: Producer,
        options: SimOptions,
        clock: Callable[[], float] = time.time,
        encoder: Callable[[str, float, float], bytes] | None = None,
    ) -> None:
        self.producer = producer
        self.options = options
        self.clock = clock
        self.encoder = encoder  # a registry serializer (kafka.schemas), else the plain/json text
        self.stats = SimStats()
        self.model = SensorModel(
            options.sensors, random.Random(options.seed), anomalies=options.anomalies, start=clock()
        )

    def _on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        if err is None:
            self.stats.delivered += 1
        else:
            self.stats.failed += 1
            self.stats.last_error = err.str()
            self.stats.errors[err.name()] = self.stats.errors.get(err.name(), 0) + 1

    def run(self, stop: threading.Event, on_tick: Callable[[SimStats], Any] | None = None) -> SimStats:
        opts = self.options
        period = 1.0 / opts.rate
        next_at = time.monotonic()
        while not stop.is_set():
            now = self.clock()
            for name in self.model.names:
                value = self.model.read(name, now, dt=period)
                if value is None:
                    continue
                if opts.count is not None and self.stats.sent >= opts.count:
                    stop.set()
                    break
                key = opts.key_prefix + name
                if self.encoder is not None:
                    self._produce(key, self.encoder(key, value, now))
                else:
                    self._produce(key, encode(key, value, opts.fmt, now))
            self.producer.poll(0)
            if stop.is_set():
                break
            if on_tick is not None:
                on_tick(self.stats)
            next_at += period
            delay = next_at - time.monotonic()
            if delay < -1.0:
                next_at = time.monotonic()  # fell behind: do not burst to catch up
            stop.wait(max(0.0, delay))
        return self.stats

    def _produce(self, key: str, value: bytes) -> None:
        while True:
            try:
                self.producer.produce(self.options.topic, key=key.encode(), value=value, on_delivery=self._on_delivery)
                self.stats.sent += 1
                return
            except BufferError:
                self.producer.poll(0.1)  # local queue full: wait for deliveries, never drop


def run_cli(settings: Any, options: SimOptions, *, acks: str, idempotence: bool) -> int:
    """`kafkatui simulate`: produce until ctrl+c or --count; a line per second on stderr."""
    import sys

    from kafkatui.domain.models import Link
    from kafkatui.kafka.clients import admin_config, classify
    from kafkatui.kafka.registry import make_client
    from kafkatui.kafka.schemas import SCHEMA_FORMATS, sensor_encoder

    stop = threading.Event()
    fatal: list[str] = []

    def on_error(err: KafkaError) -> None:
        state = classify(err.code(), err.str(), time.time())
        if state.link in (Link.AUTH_FAILED, Link.TLS_FAILED) or "protocol mismatch" in state.reason:
            if not fatal:
                fatal.append(state.describe())
            stop.set()  # retrying will not fix a wrong password or protocol

    conf = admin_config(settings, on_error)  # error callback + protocol-mismatch hints
    conf.update({"acks": acks, "enable.idempotence": idempotence, "linger.ms": 5})
    producer = Producer(conf)
    encoder = None
    if options.fmt in SCHEMA_FORMATS:
        client = make_client(settings)
        if client is None:
            print("kafkatui: error: --format needs a Schema Registry: set SCHEMA_REGISTRY_URL", file=sys.stderr)
            return 2
        encoder = sensor_encoder(client, options.fmt, options.topic)
    sim = Simulator(producer, options, encoder=encoder)
    last = [0.0]

    def progress(stats: SimStats) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            print(
                f"sent {stats.sent} delivered {stats.delivered} failed {stats.failed}"
                + (f" (last error: {stats.last_error})" if stats.last_error else ""),
                file=sys.stderr,
            )

    print(
        f"simulating {options.sensors} sensors at {options.rate:g}/s each -> {options.topic} "
        f"(acks={acks}, idempotence={'on' if idempotence else 'off'}, format={options.fmt}); "
        "ctrl+c stops",
        file=sys.stderr,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            sim.run(stop, progress)
    except Exception as exc:  # the registry refused or could not be reached: one sentence
        if encoder is None:
            raise
        from kafkatui.kafka.registry import classify as classify_registry

        failure = classify_registry(exc, settings, f"the {options.fmt} schema of {options.topic}")
        print(f"kafkatui: error: {failure.text}", file=sys.stderr)
        return 1
    deadline = time.monotonic() + settings.timeout
    remaining = len(producer)
    while remaining and not fatal and time.monotonic() < deadline:
        remaining = producer.flush(0.2)  # serves the error callback too
    if fatal:
        print(f"kafkatui: error: {settings.bootstrap_servers}: {fatal[0]}", file=sys.stderr)
        return 1
    stats = sim.stats
    print(
        f"done: sent {stats.sent}, delivered {stats.delivered}, failed {stats.failed}, undelivered {remaining}",
        file=sys.stderr,
    )
    if stats.errors:
        print("errors: " + ", ".join(f"{k} x{v}" for k, v in stats.errors.items()), file=sys.stderr)
    return 0 if stats.failed == 0 and remaining == 0 else 1
