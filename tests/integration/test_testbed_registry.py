"""The test bed's Schema Registry: a real Apicurio Registry that confluent-kafka's client talks to."""

from __future__ import annotations

import json
import urllib.request

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

import kafka_testbed as tb

pytestmark = pytest.mark.kafka

AVRO = json.dumps({"type": "record", "name": "Probe", "fields": [{"name": "celsius", "type": "double"}]})


def test_registry_serves_the_confluent_api(schema_registry: tb.Registry) -> None:
    assert schema_registry.url.startswith("http://127.0.0.1:")
    client = SchemaRegistryClient({"url": schema_registry.url})
    schema_id = client.register_schema("testbed-probe-value", Schema(AVRO, "AVRO"))
    assert client.get_schema(schema_id).schema_str.replace(" ", "") == AVRO.replace(" ", "")
    assert "testbed-probe-value" in client.get_subjects()


def test_registry_keeps_its_schemas_across_a_restart(schema_registry: tb.Registry) -> None:
    client = SchemaRegistryClient({"url": schema_registry.url})
    schema_id = client.register_schema("testbed-restart-value", Schema(AVRO, "AVRO"))
    tb.kill_registry(schema_registry)
    assert not schema_registry.alive()
    with pytest.raises(OSError):
        urllib.request.urlopen(schema_registry.url + "/subjects", timeout=2)
    tb.restart_registry(schema_registry)
    fresh = SchemaRegistryClient({"url": schema_registry.url})
    assert json.loads(fresh.get_schema(schema_id).schema_str) == json.loads(AVRO)


def test_java21_is_found() -> None:
    problem = tb.registry_problem()
    if problem:
        pytest.skip(problem)
    java, source = tb.rtb.find_java21()
    assert (tb.rtb.java_major(java) or 0) >= 21
    assert source
