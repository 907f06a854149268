"""The embedded demo: librdkafka's mock cluster, the freezer simulator and a slow consumer group.

Two sensor streams share the freezer topic: the seed's plain numbers (sensor0..N-1) and Avro
records (avro-sensor0..) serialized through an in-process Schema Registry (confluent-kafka's mock
client, ONE instance shared with the dashboard's readers through `registry.mock_client`), so the
demo shows decoding without Java or a real registry.

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
from kafkatui.kafka.registry import DEMO_URL, mock_client
from kafkatui.kafka.schemas import sensor_encoder
from kafkatui.kafka.simulator import SimOptions, Simulator

log = logging.getLogger("kafkatui.demo")

DEMO_GROUP = "freezer-alarm-service"
MOCK_BROKERS = 3
AVRO_SENSORS = 2
REGISTRY_URL = DEMO_URL  # the dashboard's SCHEMA_REGISTRY_URL in the demo


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
        self.avro_simulator = Simulator(
            self._owner,
            SimOptions(topic=topic, sensors=AVRO_SENSORS, rate=rate, fmt="avro", anomalies=False, key_prefix="avro-"),
            encoder=sensor_encoder(mock_client(REGISTRY_URL), "avro", topic),
        )
        self._threads = [
            threading.Thread(target=self._produce, name="demo-sensors", daemon=True),
            threading.Thread(target=self._produce_avro, name="demo-avro-sensors", daemon=True),
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

    def _produce_avro(self) -> None:
        try:
            self.avro_simulator.run(self._stop)
        except Exception:
            log.exception("demo Avro producer stopped")

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
