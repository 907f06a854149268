"""Sensor readings serialized with a registry schema (Avro, JSON Schema or Protobuf), as the course's producer does.

The value schema is registered under the topic's subject (``<topic>-value``, confluent-kafka's
default naming) on the first message; records carry the Confluent wire format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

SCHEMA_FORMATS = ("avro", "jsonschema", "protobuf")

SENSOR_AVRO = json.dumps(
    {
        "type": "record",
        "name": "FreezerReading",
        "namespace": "kafkatui.sensors",
        "fields": [
            {"name": "sensor", "type": "string"},
            {"name": "temperature", "type": "double"},
            {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        ],
    }
)

SENSOR_JSON_SCHEMA = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "FreezerReading",
        "type": "object",
        "properties": {
            "sensor": {"type": "string"},
            "temperature": {"type": "number"},
            "ts": {"type": "integer", "description": "epoch milliseconds"},
        },
        "required": ["sensor", "temperature", "ts"],
    }
)

Encoder = Callable[[str, float, float], bytes]


def sensor_proto_class() -> Any:
    """kafkatui.sensors.FreezerReading {sensor, temperature, ts (epoch ms)} as a Protobuf message
    class built at run time (no generated code); confluent-kafka's serializer registers its
    descriptor."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(
        name="kafkatui/sensors/freezer_reading.proto", package="kafkatui.sensors", syntax="proto3"
    )
    msg = fdp.message_type.add(name="FreezerReading")
    msg.field.add(name="sensor", number=1, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    msg.field.add(name="temperature", number=2, type=field.TYPE_DOUBLE, label=field.LABEL_OPTIONAL)
    msg.field.add(name="ts", number=3, type=field.TYPE_INT64, label=field.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("kafkatui.sensors.FreezerReading"))


def sensor_encoder(client: SchemaRegistryClient, fmt: str, topic: str) -> Encoder:
    """``encode(sensor, celsius, ts) -> bytes`` for ``fmt`` (avro or jsonschema)."""
    ctx = SerializationContext(topic, MessageField.VALUE)
    if fmt == "avro":
        avro = AvroSerializer(client, SENSOR_AVRO)

        def encode_avro(sensor: str, celsius: float, ts: float) -> bytes:
            data: bytes = avro({"sensor": sensor, "temperature": celsius, "ts": int(ts * 1000)}, ctx)
            return data

        return encode_avro
    if fmt == "jsonschema":
        js = JSONSerializer(SENSOR_JSON_SCHEMA, client)

        def encode_json(sensor: str, celsius: float, ts: float) -> bytes:
            data: bytes = js({"sensor": sensor, "temperature": round(celsius, 2), "ts": int(ts * 1000)}, ctx)
            return data

        return encode_json
    if fmt == "protobuf":
        from confluent_kafka.schema_registry.protobuf import ProtobufSerializer

        reading = sensor_proto_class()
        pb = ProtobufSerializer(reading, client, {"use.deprecated.format": False})

        def encode_protobuf(sensor: str, celsius: float, ts: float) -> bytes:
            data: bytes = pb(reading(sensor=sensor, temperature=celsius, ts=int(ts * 1000)), ctx)
            return data

        return encode_protobuf
    raise ValueError(f"{fmt} is not a schema format ({', '.join(SCHEMA_FORMATS)})")
