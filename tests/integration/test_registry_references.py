"""Schemas that reference other schemas, on real Kafka with a real registry (Apicurio, the test bed's).

Avro: a main schema referencing a record that references an enum, each under its own subject;
records made by confluent-kafka's own AvroSerializer are read back by the freezer feed and the
message viewer with the same values. Protobuf: a schema registered as .proto text importing another
.proto text (what Java producers register), records written by hand in the wire format with a
message class the test builds with protoc itself; the Producer pane's Protobuf sends, read back by
confluent-kafka's ProtobufDeserializer, and `simulate --format protobuf`. (A missing reference
cannot be made here: this registry refuses to register a schema whose reference it does not hold,
and to delete a referenced subject; the unit tests and docs/bad-input.md cover it on the
in-process registry.)
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import json_format
from test_producer import _wait as pilot_wait

import kafka_testbed as tb
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.message_viewer import MessagesView, StartAt, StartMode, ViewMessages
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.topics import TopicsService
from worker_probe import EventSink, probe_settings, start_worker

pytestmark = pytest.mark.kafka


def _topic(bootstrap: str, prefix: str) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})  # kept alive until the topic is made
    admin.create_topics([NewTopic(name, 1, 1)])[name].result(30)
    return name


def _produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for value in values:
        producer.produce(topic, key=b"k", value=value)
    assert producer.flush(30) == 0


def _decoded_view(sink: EventSink, topic: str, n: int) -> MessagesView:
    return sink.wait_for(
        MessagesView,
        lambda v: v.topic == topic and len(v.records) == n and all(r.value_decoded for r in v.records),
        timeout=30,
    )


def _read_back(bootstrap: str, url: str, topic: str, n: int) -> tuple[FreezerView, MessagesView]:
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=url)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0), TopicsService)
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings + v.rejects.total >= n, timeout=30)
        worker.submit(ViewMessages(topic, None, StartAt(StartMode.BEGINNING)))
        return view, _decoded_view(sink, topic, n)
    finally:
        worker.stop(2.0)


def test_avro_references_are_followed_recursively(kafka1: tb.Cluster, schema_registry: tb.Registry) -> None:
    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "ref-avro")
    tag = uuid.uuid4().hex[:6]
    client = SchemaRegistryClient({"url": schema_registry.url})
    unit = {"type": "enum", "name": "Unit", "namespace": "it.refs", "symbols": ["CELSIUS", "KELVIN"]}
    site = {
        "type": "record",
        "name": "Site",
        "namespace": "it.refs",
        "fields": [{"name": "name", "type": "string"}, {"name": "unit", "type": "it.refs.Unit"}],
    }
    main = {
        "type": "record",
        "name": "Reading",
        "namespace": "it.refs",
        "fields": [
            {"name": "device", "type": "string"},
            {"name": "temperature", "type": "double"},
            {"name": "site", "type": "it.refs.Site"},
            {"name": "previous", "type": ["null", "it.refs.Site"], "default": None},
        ],
    }
    client.register_schema(f"unit-{tag}", Schema(json.dumps(unit), "AVRO"))
    site_refs = [SchemaReference("it.refs.Unit", f"unit-{tag}", 1)]
    client.register_schema(f"site-{tag}", Schema(json.dumps(site), "AVRO", site_refs))
    main_schema = Schema(json.dumps(main), "AVRO", [SchemaReference("it.refs.Site", f"site-{tag}", 1)])
    client.register_schema(f"{topic}-value", main_schema)
    assert client.get_latest_version(f"{topic}-value").schema.references  # the registry kept them

    # confluent-kafka's own serializer, with the registered (latest) schema: an independent writer
    serializer = AvroSerializer(client, None, conf={"auto.register.schemas": False, "use.latest.version": True})
    ctx = SerializationContext(topic, MessageField.VALUE)
    made: list[dict[str, Any]] = [
        {
            "device": f"freezer-{i}",
            "temperature": -18.5 - i,
            "site": {"name": f"lab-{i}", "unit": "CELSIUS" if i else "KELVIN"},
            "previous": None if i else {"name": "old", "unit": "CELSIUS"},
        }
        for i in range(3)
    ]
    _produce(bootstrap, topic, [serializer(v, ctx) for v in made])

    view, shown = _read_back(bootstrap, schema_registry.url, topic, 3)
    assert view.rejects.total == 0, view.rejects
    assert {r.sensor: r.last for r in view.rows} == pytest.approx({v["device"]: v["temperature"] for v in made})
    decoded = sorted((json.loads(r.value_decoded or "null") for r in shown.records), key=json.dumps)
    assert decoded == sorted(made, key=json.dumps)
    assert all(f"subject {topic}-value version 1" in r.schema for r in shown.records)


# -- Protobuf registered as .proto text ----------------------------------------------------------

PROTO_COMMON = 'syntax = "proto3";\npackage it.common;\nmessage Site { string name = 1; int32 floor = 2; }\n'
PROTO_MAIN = (
    'syntax = "proto3";\npackage it.main;\nimport "common.proto";\n'
    "message Reading {\n  string sensor_id = 1;\n  double temperature = 2;\n  it.common.Site site = 3;\n"
    "  repeated string tags = 4;\n}\n"
)


def _proto_classes(tmp: Any) -> Any:
    """The test's own message class for it.main.Reading: protoc (grpcio-tools) run here, by hand."""
    import subprocess
    import sys

    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    (tmp / "common.proto").write_text(PROTO_COMMON)
    (tmp / "main.proto").write_text(PROTO_MAIN)
    out = tmp / "set.pb"
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{tmp}", "--include_imports", f"-o{out}", "main.proto"],
        check=True,
    )
    fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("it.main.Reading"))


def test_protobuf_registered_as_proto_text_with_an_import_decodes(
    kafka1: tb.Cluster, schema_registry: tb.Registry, tmp_path: Any
) -> None:
    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "ref-proto")
    tag = uuid.uuid4().hex[:6]
    client = SchemaRegistryClient({"url": schema_registry.url})
    client.register_schema(f"common-{tag}.proto", Schema(PROTO_COMMON, "PROTOBUF"))
    refs = [SchemaReference("common.proto", f"common-{tag}.proto", 1)]
    sid = client.register_schema(f"{topic}-value", Schema(PROTO_MAIN, "PROTOBUF", refs))
    # what the registry gives back is the text itself, not a serialized descriptor
    assert 'import "common.proto"' in (client.get_schema(sid).schema_str or "")
    # a .proto this registry takes although it does not compile (Bogus is defined nowhere)
    bad = client.register_schema(f"bad-{tag}", Schema('syntax = "proto3";\nmessage A { Bogus b = 1; }\n', "PROTOBUF"))

    reading = _proto_classes(tmp_path)
    made = [
        {"sensor_id": f"pb-{i}", "temperature": -20.5 + i, "site": {"name": f"lab-{i}", "floor": i + 1}, "tags": ["a"]}
        for i in range(3)
    ]
    frame = b"\x00" + sid.to_bytes(4, "big") + b"\x00"  # message indexes [0]: the first message, Reading
    values = [frame + json_format.ParseDict(v, reading()).SerializeToString() for v in made]
    values.append(b"\x00" + bad.to_bytes(4, "big") + b"\x00\x0a\x00")
    _produce(bootstrap, topic, values)

    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0), TopicsService)
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings >= 3 and v.rejects.total >= 1, timeout=30)
        worker.submit(ViewMessages(topic, None, StartAt(StartMode.BEGINNING)))
        shown = sink.wait_for(
            MessagesView,
            lambda v: v.topic == topic and len(v.records) == 4 and sum(bool(r.value_decoded) for r in v.records) == 3,
            timeout=30,
        )
    finally:
        worker.stop(2.0)
    assert {r.sensor: r.last for r in view.rows} == pytest.approx({v["sensor_id"]: v["temperature"] for v in made})
    (reject,) = view.rejects.recent
    assert reject.reason.value == "registry_error"
    assert reject.detail == (
        f"schema id {bad}: the Protobuf schema's .proto text does not compile: line 2 column 13: "
        '"Bogus" is not defined.'
    )
    decoded = sorted((json.loads(r.value_decoded) for r in shown.records if r.value_decoded), key=json.dumps)
    assert decoded == sorted(made, key=json.dumps)
    assert all(
        f"Protobuf, schema id {sid}, subject {topic}-value" in r.schema for r in shown.records if r.value_decoded
    )


# -- Protobuf from the Producer pane and from simulate ----------------------------------------


def test_protobuf_from_the_pane_is_read_back_by_an_independent_protobuf_consumer(
    kafka1: tb.Cluster, schema_registry: tb.Registry, tmp_path: Any
) -> None:
    """The subject holds .proto text importing another .proto; kafkatui builds the message from the
    typed JSON; confluent-kafka's ProtobufDeserializer, with the test's own protoc-built class, reads it."""
    import asyncio
    import time

    from confluent_kafka import Consumer, TopicPartition
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
    from textual.widgets import Input, Select, TextArea

    from kafkatui.kafka.producer import ProducerService
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.panes.producer import ProducerPane

    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "ref-pane-pb")
    tag = uuid.uuid4().hex[:6]
    client = SchemaRegistryClient({"url": schema_registry.url})
    client.register_schema(f"common-{tag}.proto", Schema(PROTO_COMMON, "PROTOBUF"))
    refs = [SchemaReference("common.proto", f"common-{tag}.proto", 1)]
    sid = client.register_schema(f"{topic}-value", Schema(PROTO_MAIN, "PROTOBUF", refs))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bootstrap_servers=bootstrap, topic=topic, refresh_interval=1.0,
        schema_registry_url=schema_registry.url,
    )  # fmt: skip
    workers: list[Worker] = []

    def worker(s: Settings, emit: Any) -> Worker:
        workers.append(Worker(s, emit, extra_services=(ProducerService,)))
        return workers[-1]

    app = KafkaTuiApp(settings, worker_factory=worker)
    good = {"sensor_id": "pb-9", "temperature": -19.25, "site": {"name": "lab", "floor": 3}, "tags": ["x", "y"]}
    refused: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            app.action_pane("producer")
            pane = app.query_one(ProducerPane)
            await pilot_wait(pilot, lambda: pane.snapshot is not None and topic in pane.topic_names)
            app.query_one("#p-schema", Select).value = "protobuf"
            app.query_one("#p-key", Input).value = "pb-9"
            # a value that does not fit: the field is named and nothing is sent
            app.query_one("#p-value", TextArea).text = json.dumps({**good, "site": {"name": "lab", "floor": "3rd"}})
            await pilot.pause()
            app.query_one("#p-value", TextArea).focus()
            await pilot.press("ctrl+s")
            await pilot_wait(pilot, lambda: "site.floor" in str(app.query_one("#p-message").render()))
            refused.append(str(app.query_one("#p-message").render()))
            app.query_one("#p-value", TextArea).text = json.dumps(good)
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot_wait(pilot, lambda: pane.view is not None and any(r.key == "pb-9" for r in pane.view.reports))
            await pilot.press("q")

    asyncio.run(scenario())
    assert workers and workers[0].stop(5.0)
    assert "field site.floor does not fit the Protobuf schema id" in refused[0], refused[0]

    reading = _proto_classes(tmp_path)
    deserialize = ProtobufDeserializer(reading, {"use.deprecated.format": False})
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"it-{uuid.uuid4().hex[:6]}", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    got: list[Any] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not got:
        msg = consumer.poll(0.5)
        if msg is not None and msg.error() is None:
            assert msg.value()[:5] == b"\x00" + sid.to_bytes(4, "big")
            got.append(deserialize(msg.value(), SerializationContext(topic, MessageField.VALUE)))
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.close()
    assert [json_format.MessageToDict(m, preserving_proto_field_name=True) for m in got] == [good]
    assert high - low == 1  # the refused value was never sent


def test_simulate_protobuf_registers_its_subject_and_the_feed_reads_it(
    kafka1: tb.Cluster, schema_registry: tb.Registry, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kafkatui import cli

    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "ref-sim-pb")
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", schema_registry.url)
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "kafkatui.log"))
    code = cli.main(["simulate", "-b", bootstrap, "-t", topic, "--format", "protobuf", "--sensors", "2",
                     "--count", "6", "--rate", "50", "--no-anomalies", "--seed", "1"])  # fmt: skip
    assert code == 0
    client = SchemaRegistryClient({"url": schema_registry.url})
    assert client.get_latest_version(f"{topic}-value").schema.schema_type == "PROTOBUF"
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0))
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings == 6, timeout=30)
        assert {r.sensor for r in view.rows} == {"sensor0", "sensor1"}
        assert view.rejects.total == 0
    finally:
        worker.stop(2.0)
