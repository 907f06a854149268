"""The Schema Registry decoder's own rules, on confluent-kafka's in-process registry.

Wire-format detection, a schema fetched off the caller's thread (the caller never waits), a failed
fetch remembered and asked again after its pause (an injected clock, no sleeping on time).
"""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import fastavro
from confluent_kafka.schema_registry import Schema

from kafkatui.domain.readings import RejectReason
from kafkatui.kafka.decoder import Decoded, RecordDecoder, Undecoded, framed, schema_id_of
from kafkatui.kafka.registry import mock_client
from kafkatui.kafka.schemas import SENSOR_AVRO
from kafkatui.settings import Settings

URL = "mock://unit-decoder"


def _settings() -> Settings:
    return Settings(_env_file=None).model_copy(update={"schema_registry_url": URL})  # type: ignore[call-arg]


def _avro_record(schema_id: int, doc: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    fastavro.schemaless_writer(buf, fastavro.parse_schema(json.loads(SENSOR_AVRO)), doc)
    return b"\x00" + schema_id.to_bytes(4, "big") + buf.getvalue()


class Gate:
    """A registry client whose get_schema waits until opened (a slow registry), then delegates."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.open = threading.Event()
        self.calls = 0

    def get_schema(self, schema_id: int, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.open.wait(30)
        return self.inner.get_schema(schema_id, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _until(decoder: RecordDecoder, value: bytes) -> Decoded | Undecoded:
    deadline = time.monotonic() + 10
    result = decoder.decode(value)
    while isinstance(result, Undecoded) and result.reason is RejectReason.SCHEMA_PENDING:
        assert time.monotonic() < deadline, "the fetch never ended"
        time.sleep(0.01)
        result = decoder.decode(value)
    return result


def test_wire_format_detection() -> None:
    assert framed(b"\x00\x00\x00\x00\x07\x02")
    assert framed(b"\x00\x00\x00\x01\x00")
    assert not framed(b"\x00\x00\x00\x01")  # too short for an id
    assert not framed(b"-3.21") and not framed(b"") and not framed(None)
    assert schema_id_of(b"\x00\x00\x00\x01\x00\xff") == 256


def test_a_slow_registry_never_blocks_the_caller_and_the_schema_is_cached() -> None:
    client = mock_client(URL)
    sid = client.register_schema("unit-slow-value", Schema(SENSOR_AVRO, "AVRO"))
    gate = Gate(client)
    decoder = RecordDecoder(gate, _settings())  # type: ignore[arg-type]
    record = _avro_record(sid, {"sensor": "s1", "temperature": -18.5, "ts": 1_700_000_000_000})
    first = decoder.decode(record)  # returns at once: the registry has not answered
    assert isinstance(first, Undecoded) and first.reason is RejectReason.SCHEMA_PENDING
    assert decoder.waiting(sid)
    gate.open.set()
    result = _until(decoder, record)
    assert isinstance(result, Decoded)
    assert result.value["sensor"] == "s1" and result.value["temperature"] == -18.5  # type: ignore[index]
    assert result.info.schema_id == sid and result.info.kind == "AVRO"
    assert result.info.subject == "unit-slow-value" and result.info.version == 1
    for _ in range(100):
        assert isinstance(decoder.decode(record), Decoded)
    assert gate.calls == 1  # fetched once, cached after
    decoder.close()


def test_an_unknown_id_is_rejected_and_asked_again_after_its_pause() -> None:
    now = [1000.0]
    decoder = RecordDecoder(mock_client(URL), _settings(), clock=lambda: now[0], unknown_retry_after=30.0)
    record = b"\x00\x00\x00\x0f\xa0\x02"  # id 4000: not registered
    result = _until(decoder, record)
    assert isinstance(result, Undecoded) and result.reason is RejectReason.SCHEMA_UNKNOWN
    assert result.detail == f"schema id 4000 is not in the Schema Registry {URL}"
    now[0] += 10  # within the pause: the remembered answer, no new fetch
    again = decoder.decode(record)
    assert again == result and not decoder.waiting(4000)
    now[0] += 25  # past it: asked again
    later = decoder.decode(record)
    assert isinstance(later, Undecoded) and later.reason in (RejectReason.SCHEMA_PENDING, RejectReason.SCHEMA_UNKNOWN)
    decoder.close()


def test_bytes_that_do_not_decode_are_named_with_their_schema() -> None:
    client = mock_client(URL)
    sid = client.register_schema("unit-bad-value", Schema(SENSOR_AVRO, "AVRO"))
    decoder = RecordDecoder(client, _settings())
    result = _until(decoder, b"\x00" + sid.to_bytes(4, "big") + b"\xff")
    assert isinstance(result, Undecoded) and result.reason is RejectReason.UNDECODABLE
    assert result.detail.startswith(f"does not decode with its schema (Avro, schema id {sid}, subject unit-bad-value")
    decoder.close()


def test_an_unreachable_registry_is_a_counted_reason_not_an_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    settings = Settings(_env_file=None, schema_registry_url=f"http://127.0.0.1:{port}", timeout=2.0)  # type: ignore[call-arg]
    from kafkatui.kafka.decoder import decoder_for

    decoder = decoder_for(settings)
    assert decoder is not None
    result = _until(decoder, b"\x00\x00\x00\x00\x01\x02")
    assert isinstance(result, Undecoded) and result.reason is RejectReason.REGISTRY_UNREACHABLE
    assert f"Schema Registry http://127.0.0.1:{port} cannot be reached" in result.detail
    decoder.close()


def test_refused_credentials_are_their_own_reason_and_the_secret_stays_out() -> None:
    """A registry answering 401 (what Confluent Cloud says to a wrong API key)."""
    import http.server

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"error_code": 401, "message": "Unauthorized"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            schema_registry_url=f"http://127.0.0.1:{server.server_port}",
            schema_registry_username="key",
            schema_registry_password="pw-CANARY",
            timeout=2.0,
        )
        from kafkatui.kafka.decoder import decoder_for

        decoder = decoder_for(settings)
        assert decoder is not None
        result = _until(decoder, b"\x00\x00\x00\x00\x01\x02")
        assert isinstance(result, Undecoded) and result.reason is RejectReason.REGISTRY_REFUSED
        assert (
            result.detail == f"Schema Registry http://127.0.0.1:{server.server_port} refused the credentials (HTTP 401)"
        )
        assert "CANARY" not in result.detail
        decoder.close()
    finally:
        server.shutdown()
        server.server_close()


# -- Avro references ----------------------------------------------------------------------------

UNIT = {"type": "enum", "name": "Unit", "namespace": "unit.refs", "symbols": ["C", "K"]}
SITE = {
    "type": "record",
    "name": "Site",
    "namespace": "unit.refs",
    "fields": [{"name": "name", "type": "string"}, {"name": "unit", "type": "unit.refs.Unit"}],
}
MAIN = {
    "type": "record",
    "name": "Reading",
    "namespace": "unit.refs",
    "fields": [
        {"name": "sensor", "type": "string"},
        {"name": "temperature", "type": "double"},
        {"name": "site", "type": "unit.refs.Site"},
        {"name": "sites", "type": {"type": "array", "items": "unit.refs.Site"}},
    ],
}


def _register_referencing(client: Any, tag: str) -> Schema:
    from confluent_kafka.schema_registry import SchemaReference

    client.register_schema(f"unit-{tag}", Schema(json.dumps(UNIT), "AVRO"))
    site_refs = [SchemaReference("unit.refs.Unit", f"unit-{tag}", 1)]
    client.register_schema(f"site-{tag}", Schema(json.dumps(SITE), "AVRO", site_refs))
    return Schema(json.dumps(MAIN), "AVRO", [SchemaReference("unit.refs.Site", f"site-{tag}", 1)])


def test_avro_references_are_followed_recursively_and_fetched_once() -> None:
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    client = mock_client(URL)
    main = _register_referencing(client, "rec")
    client.register_schema("unit-refs-value", main)
    doc = {
        "sensor": "s1",
        "temperature": -19.5,
        "site": {"name": "lab", "unit": "K"},
        "sites": [{"name": "a", "unit": "C"}, {"name": "b", "unit": "K"}],
    }
    record = AvroSerializer(client, main)(doc, SerializationContext("unit-refs", MessageField.VALUE))
    counting = Gate(client)
    counting.open.set()
    versions: list[tuple[str, int]] = []

    def get_version(subject: str, version: int, *args: Any) -> Any:
        if args:  # a reference's fetch (the mock's subject/version lookup passes no more)
            versions.append((subject, version))
        return client.get_version(subject, version, *args)

    counting.get_version = get_version  # type: ignore[attr-defined]
    decoder = RecordDecoder(counting, _settings())  # type: ignore[arg-type]
    result = _until(decoder, record)
    assert isinstance(result, Decoded), result
    assert result.value == doc
    assert isinstance(decoder.decode(record), Decoded)
    assert sorted(versions) == [("site-rec", 1), ("unit-rec", 1)]
    decoder.close()


def test_a_missing_avro_reference_is_one_line_naming_it() -> None:
    from confluent_kafka.schema_registry import SchemaReference

    client = mock_client(URL)  # the in-process registry does not check references when registering
    refs = [SchemaReference("unit.refs.Site", "no-such-site", 3)]
    sid = client.register_schema("unit-missing-ref-value", Schema(json.dumps(MAIN), "AVRO", refs))
    decoder = RecordDecoder(client, _settings())
    result = _until(decoder, b"\x00" + sid.to_bytes(4, "big") + b"\x02")
    assert isinstance(result, Undecoded) and result.reason is RejectReason.REGISTRY_ERROR
    assert result.detail == (
        f"schema id {sid}: its reference unit.refs.Site (subject no-such-site version 3) is not in the Schema Registry"
    )
    decoder.close()


def test_an_avro_reference_left_out_is_named_by_the_parser() -> None:
    client = mock_client(URL)
    sid = client.register_schema("unit-no-ref-value", Schema(json.dumps(MAIN), "AVRO"))
    decoder = RecordDecoder(client, _settings())
    result = _until(decoder, b"\x00" + sid.to_bytes(4, "big") + b"\x02")
    assert isinstance(result, Undecoded) and result.reason is RejectReason.REGISTRY_ERROR
    assert result.detail == f"schema id {sid}: the Avro schema does not parse: UnknownType: unit.refs.Site"
    decoder.close()


def test_the_producer_writes_with_a_referencing_avro_schema() -> None:
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    from kafkatui.kafka.schema_writer import DoesNotFit, SchemaRef, resolve

    client = mock_client(URL)
    client.register_schema("unit-refs-writer-value", _register_referencing(client, "writer"))
    writer = resolve(client, SchemaRef("avro", "unit-refs-writer-value"))
    doc = {"sensor": "s2", "temperature": 4.0, "site": {"name": "x", "unit": "C"}, "sites": []}
    data = writer.encode(json.dumps(doc))
    assert AvroDeserializer(client)(data, SerializationContext("t", MessageField.VALUE)) == doc
    bad = {**doc, "site": {"name": "x", "unit": "F"}}
    try:
        writer.encode(json.dumps(bad))
    except DoesNotFit as exc:
        assert "does not fit the Avro schema id" in str(exc) and '"F"' in str(exc)
    else:
        raise AssertionError("a symbol not in the referenced enum was accepted")
