"""The embedded demo: librdkafka's mock cluster, the freezer simulator and a slow consumer group.

The mock cluster lives inside this process as long as the Producer that created it. It is not
Kafka: it has no CreateTopics, DescribeConfigs, ListGroups/DescribeGroups support worth the name,
no failover and memory-only data. The app connects to it over loopback like to any cluster.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer

from kafkatui.kafka.clients import LIBRDKAFKA_LOGGER
from kafkatui.kafka.simulator import SimOptions, Simulator

log = logging.getLogger("kafkatui.demo")

DEMO_GROUP = "freezer-alarm-service"
MOCK_BROKERS = 3


class DemoCluster:
    """Starts the mock cluster; `bootstrap` is where the app should connect."""

    def __init__(self, topic: str = "freezer-temperatura", sensors: int = 3, rate: float = 2.0) -> None:
        self.topic = topic
        self._logger = logging.getLogger(LIBRDKAFKA_LOGGER)
        self._stop = threading.Event()
        self._owner = Producer(
            {
                "test.mock.num.brokers": MOCK_BROKERS,
                "logger": self._logger,
                "linger.ms": 5,
            }
        )
        md = self._owner.list_topics(timeout=5)
        self.bootstrap = ",".join(f"{b.host}:{b.port}" for b in sorted(md.brokers.values(), key=lambda b: b.id))
        self.cluster_id = md.cluster_id
        self.simulator = Simulator(self._owner, SimOptions(topic=topic, sensors=sensors, rate=rate, anomalies=True))
        self._threads = [
            threading.Thread(target=self._produce, name="demo-sensors", daemon=True),
            threading.Thread(target=self._consume, name="demo-consumer", daemon=True),
        ]

    def start(self) -> DemoCluster:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _produce(self) -> None:
        try:
            self.simulator.run(self._stop)
        except Exception:
            log.exception("demo producer stopped")

    def _consume(self) -> None:
        """A consumer group that reads a little slower than the sensors write, so lag shows."""
        consumer = Consumer(
            {
                "bootstrap.servers": self.bootstrap,
                "group.id": DEMO_GROUP,
                "client.id": "freezer-alarm-1",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
                "logger": self._logger,
            }
        )
        try:
            consumer.subscribe([self.topic])
            started = time.monotonic()
            while not self._stop.is_set():
                # slow for 40 s, then a 20 s catch-up burst: lag rises and falls
                phase = (time.monotonic() - started) % 60.0
                batch = 1 if phase < 40.0 else 50
                msgs = consumer.consume(num_messages=batch, timeout=0.5)
                if msgs:
                    with contextlib.suppress(KafkaException):
                        consumer.commit(asynchronous=True)
                self._stop.wait(0.4 if phase < 40.0 else 0.05)
        except Exception:
            log.exception("demo consumer stopped")
        finally:
            consumer.close()
