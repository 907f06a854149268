"""Schema Registry records on real Kafka with a real registry (Apicurio, the test bed's).

Records are made by confluent-kafka's own serializers (Avro, JSON Schema, Protobuf) and read back
by the freezer feed and the message viewer; the registry is stopped mid-run and started again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from confluent_kafka import Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from test_producer import _wait as pilot_wait

import kafka_testbed as tb
from kafkatui.domain.freezer import FreezerView
from kafkatui.domain.message_viewer import MessagesView, StartAt, StartMode, ViewMessages
from kafkatui.domain.readings import RejectReason
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.topics import TopicsService
from worker_probe import EventSink, probe_settings, start_worker

pytestmark = pytest.mark.kafka

AVRO = json.dumps(
    {
        "type": "record",
        "name": "Reading",
        "namespace": "it.registry",
        "fields": [
            {"name": "device", "type": "string"},
            {"name": "temperature", "type": "double"},
            {"name": "meta", "type": {"type": "map", "values": "string"}},
        ],
    }
)
JSON_SCHEMA = json.dumps(
    {
        "type": "object",
        "properties": {"sensor": {"type": "string"}, "temp": {"type": "number"}, "tags": {"type": "array"}},
        "required": ["sensor", "temp"],
    }
)


def _topic(admin_bootstrap: str, prefix: str) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": admin_bootstrap})
    admin.create_topics([NewTopic(name, 2, 1)])[name].result(30)
    return name


def _proto_class() -> Any:
    """A Protobuf message class built at run time (no generated code): it.registry.Probe."""
    fdp = descriptor_pb2.FileDescriptorProto(name="it_probe.proto", package="it.registry", syntax="proto3")
    msg = fdp.message_type.add(name="Probe")
    msg.field.add(name="sensor_id", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING, label=1)
    msg.field.add(name="temperature", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE, label=1)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("it.registry.Probe"))


def _produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for key, value in records:
        producer.produce(topic, key=key, value=value)
    assert producer.flush(30) == 0


def _serializers(url: str, topic: str) -> dict[str, Callable[[Any], bytes]]:
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(topic, MessageField.VALUE)
    avro = AvroSerializer(client, AVRO)
    js = JSONSerializer(JSON_SCHEMA, client)
    probe = _proto_class()
    pb = ProtobufSerializer(probe, client, {"use.deprecated.format": False})
    return {
        "avro": lambda v: avro(v, ctx),
        "json": lambda v: js(v, ctx),
        "protobuf": lambda v: pb(probe(**v), ctx),
    }


def test_serialized_records_decode_in_the_freezer_feed_and_the_viewer(
    kafka1: tb.Cluster, schema_registry: tb.Registry
) -> None:
    bootstrap = kafka1.bootstrap
    topics = {kind: _topic(bootstrap, f"reg-{kind}") for kind in ("avro", "json", "protobuf")}
    made = {
        "avro": [{"device": f"freezer-{i}", "temperature": -18.5 - i, "meta": {"site": "a"}} for i in range(3)],
        "json": [{"sensor": f"js-{i}", "temp": -3.25 + i, "tags": ["x", i]} for i in range(3)],
        "protobuf": [{"sensor_id": f"pb-{i}", "temperature": 1.5 * i} for i in range(3)],
    }
    for kind, topic in topics.items():
        serialize = _serializers(schema_registry.url, topic)[kind]
        _produce(bootstrap, topic, [(b"k", serialize(v)) for v in made[kind]])

    expected_readings = {
        "avro": {v["device"]: v["temperature"] for v in made["avro"]},
        "json": {v["sensor"]: v["temp"] for v in made["json"]},
        "protobuf": {v["sensor_id"]: v["temperature"] for v in made["protobuf"]},
    }
    rules_sensor = ("sensor", "sensor_id", "id", "device")
    assert all(any(f in v for f in rules_sensor) for vs in made.values() for v in vs)
    for kind, topic in topics.items():
        settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
        worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0), TopicsService)
        try:
            view = sink.wait_for(FreezerView, lambda v: v.readings >= 3, timeout=30)
            assert {r.sensor: r.last for r in view.rows} == pytest.approx(expected_readings[kind]), kind
            assert view.rejects.total == 0, view.rejects
            worker.submit(ViewMessages(topic, None, StartAt(StartMode.BEGINNING)))
            shown = _decoded_view(sink, topic, 3)
            decoded = sorted((json.loads(r.value_decoded or "null") for r in shown.records), key=json.dumps)
            assert decoded == sorted(made[kind], key=json.dumps), kind
            schema_id = int.from_bytes((shown.records[0].value or b"")[1:5], "big")
            assert f"schema id {schema_id}, subject {topic}-value version 1" in shown.records[0].schema
        finally:
            worker.stop(2.0)


def _decoded_view(sink: EventSink, topic: str, n: int) -> MessagesView:
    return sink.wait_for(
        MessagesView,
        lambda v: v.topic == topic and len(v.records) == n and all(r.value_decoded for r in v.records),
        timeout=30,
    )


def test_registry_stopped_mid_run_rejects_with_the_reason_and_resumes(
    kafka1: tb.Cluster, schema_registry: tb.Registry
) -> None:
    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "reg-outage")
    first = _serializers(schema_registry.url, topic)["avro"]
    # a second schema, registered now (under another subject) but not yet known to the app
    second = _serializers(schema_registry.url, topic + "-b")["json"]
    later = [second({"sensor": "f2", "temp": -9.0 - i}) for i in range(13)]  # made while the registry is up
    cached = first({"device": "f1", "temperature": -21.0, "meta": {}})
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0))
    try:
        _produce(bootstrap, topic, [(b"k", first({"device": "f1", "temperature": -20.0, "meta": {}}))])
        sink.wait_for(FreezerView, lambda v: v.readings == 1, timeout=30)

        tb.kill_registry(schema_registry)
        _produce(
            bootstrap,
            topic,
            [
                (b"k", later[12]),  # its schema cannot be fetched now
                (b"k", cached),  # a schema already fetched: still decodes
            ],
        )
        view = sink.wait_for(FreezerView, lambda v: v.rejects.total >= 1 and v.readings == 2, timeout=30)
        assert dict(view.rejects.counts) == {RejectReason.REGISTRY_UNREACHABLE: 1}
        assert "cannot be reached" in view.rejects.recent[0].detail
        assert worker.alive

        tb.restart_registry(schema_registry)
        # asked again after the pause: a record of the second schema decodes once the registry is back
        deadline_view = None
        for attempt in range(12):
            _produce(bootstrap, topic, [(b"k", later[attempt])])
            try:
                deadline_view = sink.wait_for(FreezerView, lambda v: any(r.sensor == "f2" for r in v.rows), timeout=2.5)
                break
            except AssertionError:
                continue
        assert deadline_view is not None, "decoding did not resume after the registry came back"
        assert worker.alive
    finally:
        worker.stop(2.0)
        if not schema_registry.alive():
            tb.restart_registry(schema_registry)


# -- producing with a schema from the Producer pane ------------------------------------------


def test_avro_from_the_pane_is_read_back_by_an_independent_avro_consumer(
    kafka1: tb.Cluster, schema_registry: tb.Registry
) -> None:
    import asyncio
    import time

    from confluent_kafka import Consumer
    from confluent_kafka.schema_registry import Schema
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from textual.widgets import Input, Select, TextArea

    from kafkatui.kafka.producer import ProducerService
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings
    from kafkatui.tui.app import KafkaTuiApp
    from kafkatui.tui.panes.producer import ProducerPane

    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "reg-pane")
    client = SchemaRegistryClient({"url": schema_registry.url})
    client.register_schema(f"{topic}-value", Schema(AVRO, "AVRO"))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bootstrap_servers=bootstrap, topic=topic, refresh_interval=1.0,
        schema_registry_url=schema_registry.url,
    )  # fmt: skip
    workers: list[Worker] = []

    def worker(s: Settings, emit: Callable[[object], None]) -> Worker:
        workers.append(Worker(s, emit, extra_services=(ProducerService,)))
        return workers[-1]

    app = KafkaTuiApp(settings, worker_factory=worker)
    good = {"device": "freezer-9", "temperature": -19.25, "meta": {"site": "lab"}}
    refused: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            app.action_pane("producer")
            pane = app.query_one(ProducerPane)
            await pilot_wait(pilot, lambda: pane.snapshot is not None and topic in pane.topic_names)
            app.query_one("#p-schema", Select).value = "avro"
            app.query_one("#p-key", Input).value = "freezer-9"

            # a value that does not fit: the field is named and nothing is sent
            app.query_one("#p-value", TextArea).text = json.dumps({**good, "temperature": "cold"})
            await pilot.pause()
            app.query_one("#p-value", TextArea).focus()
            await pilot.press("ctrl+s")
            await pilot_wait(pilot, lambda: "temperature" in str(app.query_one("#p-message").render()))
            refused.append(str(app.query_one("#p-message").render()))

            app.query_one("#p-value", TextArea).text = json.dumps(good)
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot_wait(
                pilot, lambda: pane.view is not None and any(r.key == "freezer-9" for r in pane.view.reports)
            )
            # the registry's subjects complete the subject field
            await pilot_wait(pilot, lambda: pane.view is not None and f"{topic}-value" in pane.view.subjects)
            suggester = app.query_one("#p-subject", Input).suggester
            assert suggester is not None and await suggester.get_suggestion(topic[:6]) is not None
            await pilot.press("q")

    asyncio.run(scenario())
    assert workers and workers[0].stop(5.0)
    assert "field temperature does not fit the Avro schema id" in refused[0], refused[0]

    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"it-{uuid.uuid4().hex[:6]}", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": schema_registry.url}))
    got: list[Any] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not got:
        msg = consumer.poll(0.5)
        if msg is not None and msg.error() is None:
            got.append(deserialize(msg.value(), SerializationContext(topic, MessageField.VALUE)))
    consumer.close()
    assert got == [good]  # exactly one record: the refused value was never sent
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"it-{uuid.uuid4().hex[:6]}"})
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    low1, high1 = consumer.get_watermark_offsets(TopicPartition(topic, 1), timeout=10)
    consumer.close()
    assert (high - low) + (high1 - low1) == 1


def test_the_viewer_alone_decodes_rows_that_came_before_their_schema(
    kafka1: tb.Cluster, schema_registry: tb.Registry
) -> None:
    """No freezer feed to fetch the schema first: the viewer's own rows wait for it, then decode."""
    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "reg-viewer")
    serialize = _serializers(schema_registry.url, topic)["avro"]
    made = [{"device": f"d{i}", "temperature": float(i), "meta": {"n": str(i)}} for i in range(5)]
    _produce(bootstrap, topic, [(f"k{i}".encode(), serialize(v)) for i, v in enumerate(made)])
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, TopicsService)
    try:
        worker.submit(ViewMessages(topic, None, StartAt(StartMode.BEGINNING)))
        shown = _decoded_view(sink, topic, 5)
        assert sorted(json.loads(r.value_decoded or "null")["device"] for r in shown.records) == [
            f"d{i}" for i in range(5)
        ]
        assert all(r.schema.startswith("value: Avro, schema id") for r in shown.records)
    finally:
        worker.stop(2.0)


def test_simulate_avro_registers_its_subject_and_the_feed_reads_it(
    kafka1: tb.Cluster, schema_registry: tb.Registry, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kafkatui import cli

    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "reg-sim")
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", schema_registry.url)
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "kafkatui.log"))
    code = cli.main(["simulate", "-b", bootstrap, "-t", topic, "--format", "avro", "--sensors", "2", "--count", "6",
                     "--rate", "50", "--no-anomalies", "--seed", "1"])  # fmt: skip
    assert code == 0
    client = SchemaRegistryClient({"url": schema_registry.url})
    assert client.get_latest_version(f"{topic}-value").schema.schema_type == "AVRO"
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0))
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings == 6, timeout=30)
        assert {r.sensor for r in view.rows} == {"sensor0", "sensor1"}
        assert view.rejects.total == 0
    finally:
        worker.stop(2.0)


def test_the_console_properties_with_a_real_registry_never_show_the_secret(
    kafka1: tb.Cluster, schema_registry: tb.Registry, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """check's output, the log and the dashboard's screen, with the console's registry lines."""
    import asyncio

    from kafkatui import cli
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings, load_settings
    from kafkatui.tui.app import KafkaTuiApp

    canary = "sr-CANARY-4f1e"
    props = tmp_path / "client.properties"
    props.write_text(
        f"bootstrap.servers={kafka1.bootstrap}\n"
        "# Required connection configs for Confluent Cloud Schema Registry\n"
        f"schema.registry.url={schema_registry.url}\n"
        "basic.auth.credentials.source=USER_INFO\n"
        f"basic.auth.user.info=SRKEY:{canary}\n"
    )
    log = tmp_path / "kafkatui.log"
    code = cli.main(["check", "-F", str(props), "--log-file", str(log), "--timeout", "10"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert f"registry:    {schema_registry.url} (reachable, " in out.out
    assert canary not in out.out + out.err + log.read_text()

    settings = load_settings({"log_file": log}, config_file=props)
    topic = _topic(kafka1.bootstrap, "reg-screen")
    settings = settings.model_copy(update={"topic": topic})
    serialize = _serializers(schema_registry.url, topic)["avro"]
    _produce(kafka1.bootstrap, topic, [(b"k", serialize({"device": "f", "temperature": -1.0, "meta": {}}))])
    screens: list[str] = []

    def worker(s: Settings, emit: Callable[[object], None]) -> Worker:
        from kafkatui.kafka.services import DashboardOptions, dashboard_services

        return Worker(s, emit, extra_services=dashboard_services(DashboardOptions(since=600.0)))

    app = KafkaTuiApp(settings, worker_factory=worker)

    async def scenario() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            for pane in ("cluster", "freezer", "topics", "producer"):
                app.action_pane(pane)
                await pilot.pause(1.0)
                screens.append(app.export_screenshot())
            await pilot.press("q")

    asyncio.run(scenario())
    assert all(canary not in screen for screen in screens)
    assert canary not in log.read_text()


def test_avro_keys_name_the_sensor_in_the_feed_and_show_decoded_in_the_viewer(
    kafka1: tb.Cluster, schema_registry: tb.Registry
) -> None:
    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "reg-keys")
    client = SchemaRegistryClient({"url": schema_registry.url})
    key_ser = AvroSerializer(client, '"string"')
    plain_record = '{"type": "record", "name": "Temp", "fields": [{"name": "temperature", "type": "double"}]}'
    value_ser = AvroSerializer(client, plain_record)  # no sensor field: the key names the sensor
    vctx = SerializationContext(topic, MessageField.VALUE)
    kctx = SerializationContext(topic, MessageField.KEY)
    _produce(
        bootstrap,
        topic,
        [
            (key_ser("freezer-a", kctx), b"-3.5"),  # an Avro key, a plain value
            (key_ser("freezer-b", kctx), value_ser({"temperature": -4.5}, vctx)),
        ],
    )
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, lambda ctx: FreezerFeed(ctx, since=600.0), TopicsService)
    try:
        view = sink.wait_for(FreezerView, lambda v: v.readings + v.rejects.total >= 2, timeout=30)
        assert view.rejects.total == 0, view.rejects
        assert {r.sensor: r.last for r in view.rows} == {"freezer-a": -3.5, "freezer-b": -4.5}
        worker.submit(ViewMessages(topic, None, StartAt(StartMode.BEGINNING)))
        shown = sink.wait_for(
            MessagesView, lambda v: v.topic == topic and len(v.records) == 2 and all(r.key_decoded for r in v.records)
        )
        assert sorted(json.loads(r.key_decoded or "null") for r in shown.records) == ["freezer-a", "freezer-b"]
        assert all(r.schema.startswith("key: Avro, schema id") for r in shown.records)
    finally:
        worker.stop(2.0)


def test_the_field_picker_lists_the_numbers_of_decoded_records_and_charts_one(
    kafka1: tb.Cluster, schema_registry: tb.Registry
) -> None:
    from kafkatui.domain.mapping import FieldsFound, ListFields, SetValueField

    bootstrap = kafka1.bootstrap
    topic = _topic(bootstrap, "reg-picker")
    inner = {"type": "record", "name": "R", "fields": [{"name": "celsius", "type": "double"}]}
    nested = json.dumps(
        {
            "type": "record",
            "name": "Probe",
            "fields": [{"name": "device", "type": "string"}, {"name": "readings", "type": inner}],
        }
    )
    serialize = AvroSerializer(SchemaRegistryClient({"url": schema_registry.url}), nested)
    ctx = SerializationContext(topic, MessageField.VALUE)
    settings = probe_settings(bootstrap, topic=topic, schema_registry_url=schema_registry.url)
    worker, sink = start_worker(settings, lambda c: FreezerFeed(c, since=600.0))
    try:
        _produce(bootstrap, topic, [(b"k", serialize({"device": "f7", "readings": {"celsius": -19.5}}, ctx))])
        sink.wait_for(FreezerView, lambda v: v.rejects.total == 1, timeout=30)  # no built-in field name fits
        worker.submit(ListFields())
        found = sink.wait_for(FieldsFound, timeout=30)
        assert [(f.path, f.sample, f.count) for f in found.fields] == [("readings.celsius", "-19.5", 1)]
        worker.submit(SetValueField("readings.celsius"))
        _produce(bootstrap, topic, [(b"k", serialize({"device": "f7", "readings": {"celsius": -18.0}}, ctx))])
        view = sink.wait_for(FreezerView, lambda v: any(r.sensor == "f7" for r in v.rows), timeout=30)
        assert {r.sensor: r.last for r in view.rows}["f7"] == -18.0
    finally:
        worker.stop(2.0)
