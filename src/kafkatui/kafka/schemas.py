"""Sensor readings serialized with a registry schema (Avro or JSON Schema), as the course's producer does.

The value schema is registered under the topic's subject (``<topic>-value``, confluent-kafka's
default naming) on the first message; records carry the Confluent wire format.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

SCHEMA_FORMATS = ("avro", "jsonschema")

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
    raise ValueError(f"{fmt} is not a schema format ({', '.join(SCHEMA_FORMATS)})")
