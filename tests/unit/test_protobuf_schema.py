"""Protobuf schemas as the registry gives them — base64 descriptors or .proto text — into descriptors.

On confluent-kafka's in-process registry (it stores whatever text it is given, like a real one);
the .proto text is compiled by protoc from grpcio-tools, as in the app.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference
from google.protobuf import descriptor_pb2

from kafkatui.domain.readings import RejectReason
from kafkatui.kafka.decoder import Decoded, RecordDecoder, Undecoded
from kafkatui.kafka.protobuf_schema import MAIN_FILE, compile_proto, file_descriptors, serialized
from kafkatui.kafka.registry import mock_client
from kafkatui.settings import Settings

URL = "mock://unit-protobuf"

COMMON = 'syntax = "proto3";\npackage unit.common;\nmessage Site { string name = 1; int32 floor = 2; }\n'
MAIN = (
    'syntax = "proto3";\npackage unit.main;\nimport "common.proto";\nimport "google/protobuf/timestamp.proto";\n'
    "message Reading {\n  string sensor = 1;\n  double temperature = 2;\n  unit.common.Site site = 3;\n"
    "  google.protobuf.Timestamp at = 4;\n  message Inner { int64 n = 1; }\n  Inner inner = 5;\n}\n"
    "message Other { bool b = 1; }\n"
)


def _settings() -> Settings:
    return Settings(_env_file=None).model_copy(update={"schema_registry_url": URL})  # type: ignore[call-arg]


def _until(decoder: RecordDecoder, value: bytes) -> Decoded | Undecoded:
    deadline = time.monotonic() + 30
    result = decoder.decode(value)
    while isinstance(result, Undecoded) and result.reason is RejectReason.SCHEMA_PENDING:
        assert time.monotonic() < deadline, "the fetch never ended"
        time.sleep(0.02)
        result = decoder.decode(value)
    return result


def _b64(proto: Any) -> str:
    return base64.b64encode(proto.SerializeToString()).decode()


def test_base64_is_a_descriptor_and_proto_text_is_not() -> None:
    proto = descriptor_pb2.FileDescriptorProto(name="x.proto", package="p")
    proto.message_type.add(name="M")
    got = serialized(_b64(proto))
    assert got is not None and got.message_type[0].name == "M"
    assert serialized(COMMON) is None
    assert serialized("") is not None  # an empty descriptor: protobuf reads it as an empty file


def test_proto_text_compiles_with_its_imports_and_the_well_known_types() -> None:
    files = compile_proto({MAIN_FILE: MAIN, "common.proto": COMMON}, {})
    assert set(files) == {MAIN_FILE, "common.proto", "google/protobuf/timestamp.proto"}
    main = files[MAIN_FILE]
    assert [m.name for m in main.message_type] == ["Reading", "Other"]
    assert list(main.dependency) == ["common.proto", "google/protobuf/timestamp.proto"]


def test_text_that_does_not_compile_is_one_line_naming_the_line() -> None:
    with pytest.raises(ValueError) as info:
        compile_proto({MAIN_FILE: 'syntax = "proto3";\nmessage A { Bogus b = 1; }\n'}, {})
    assert str(info.value) == (
        'the Protobuf schema\'s .proto text does not compile: line 2 column 13: "Bogus" is not defined.'
    )
    with pytest.raises(ValueError) as info:
        compile_proto({MAIN_FILE: 'syntax = "proto3";\nimport "gone.proto";\nmessage A { int32 a = 1; }\n'}, {})
    assert "gone.proto: File not found." in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["../etc/passwd.proto", "/abs.proto", "-Ifoo", ""])
def test_an_import_name_is_a_relative_path(name: str) -> None:
    with pytest.raises(ValueError, match=r"is not a relative \.proto path"):
        compile_proto({name: COMMON}, {})


def test_text_importing_a_base64_file_compiles_against_it() -> None:
    """A .proto text schema whose import was registered by confluent-kafka's serializer (base64)."""
    common = compile_proto({"common.proto": COMMON}, {})["common.proto"]
    client = mock_client(URL)
    client.register_schema("unit-mixed-common", Schema(_b64(common), "PROTOBUF"))
    text = 'syntax = "proto3";\nimport "common.proto";\nmessage Where { unit.common.Site site = 1; }\n'
    schema = Schema(text, "PROTOBUF", [SchemaReference("common.proto", "unit-mixed-common", 1)])
    main, imports = file_descriptors(client, schema)
    assert main.message_type[0].name == "Where" and [f.name for f in imports] == ["common.proto"]


def _reading_bytes() -> bytes:
    import struct

    site = b"\x0a\x03lab\x10\x04"
    return b"\x0a\x02s1" + b"\x11" + struct.pack("<d", -3.5) + b"\x1a" + bytes([len(site)]) + site


def test_the_decoder_reads_records_of_a_text_schema_with_imports() -> None:
    client = mock_client(URL)
    client.register_schema("unit-text-common", Schema(COMMON, "PROTOBUF"))
    refs = [SchemaReference("common.proto", "unit-text-common", 1)]
    sid = client.register_schema("unit-text-value", Schema(MAIN, "PROTOBUF", refs))
    decoder = RecordDecoder(client, _settings())
    frame = b"\x00" + sid.to_bytes(4, "big")
    result = _until(decoder, frame + b"\x00" + _reading_bytes())
    assert isinstance(result, Decoded), result
    assert result.value == {"sensor": "s1", "temperature": -3.5, "site": {"name": "lab", "floor": 4}}
    other = decoder.decode(frame + b"\x02\x02\x08\x01")  # message indexes [1]: Other
    assert isinstance(other, Decoded) and other.value == {"b": True}
    inner = decoder.decode(frame + b"\x04\x00\x00\x08\x07")  # [0, 0]: Reading.Inner
    assert isinstance(inner, Decoded) and inner.value == {"n": "7"}
    decoder.close()


def test_a_text_schema_that_does_not_compile_or_misses_an_import_is_a_counted_reason() -> None:
    client = mock_client(URL)
    bad = client.register_schema(
        "unit-bad-proto-value", Schema('syntax = "proto3";\nmessage A { B b = 1; }', "PROTOBUF")
    )
    refs = [SchemaReference("common.proto", "unit-no-such-subject", 2)]
    missing = client.register_schema("unit-missing-import-value", Schema(MAIN, "PROTOBUF", refs))
    decoder = RecordDecoder(client, _settings())
    first = _until(decoder, b"\x00" + bad.to_bytes(4, "big") + b"\x00\x08\x01")
    assert isinstance(first, Undecoded) and first.reason is RejectReason.REGISTRY_ERROR
    assert first.detail == (
        f'schema id {bad}: the Protobuf schema\'s .proto text does not compile: line 2 column 13: "B" is not defined.'
    )
    second = _until(decoder, b"\x00" + missing.to_bytes(4, "big") + b"\x00\x08\x01")
    assert isinstance(second, Undecoded) and second.reason is RejectReason.REGISTRY_ERROR
    assert second.detail == (
        f"schema id {missing}: its reference common.proto (subject unit-no-such-subject version 2) "
        "is not in the Schema Registry"
    )
    decoder.close()


# -- the Producer pane's Protobuf writer -----------------------------------------------------------


def _writer(tag: str) -> Any:
    from kafkatui.kafka.schema_writer import SchemaRef, resolve

    client = mock_client(URL)
    client.register_schema(f"unit-w-common-{tag}", Schema(COMMON, "PROTOBUF"))
    refs = [SchemaReference("common.proto", f"unit-w-common-{tag}", 1)]
    client.register_schema(f"unit-w-{tag}-value", Schema(MAIN, "PROTOBUF", refs))
    return client, resolve(client, SchemaRef("protobuf", f"unit-w-{tag}-value"))


def test_the_writer_builds_the_first_message_from_json_and_it_decodes_back() -> None:
    import json

    client, writer = _writer("round")
    doc = {"sensor": "s9", "temperature": -17.25, "site": {"name": "lab", "floor": 2}, "at": "2026-01-02T03:04:05Z"}
    data = writer.encode(json.dumps(doc))
    assert data[:5] == b"\x00" + writer.schema_id.to_bytes(4, "big") and data[5] == 0  # message indexes [0]
    decoder = RecordDecoder(client, _settings())
    back = _until(decoder, data)
    assert isinstance(back, Decoded) and back.value == doc
    decoder.close()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"temperature": "cold"}, 'field temperature does not fit the {w}: "cold", expected double'),
        ({"site": {"floor": 1.5}}, "field site.floor does not fit the {w}: 1.5, expected int32"),
        ({"unit": "C"}, "field unit is not in the {w}"),
        ({"site": {"room": 1}}, "field site.room is not in the {w}"),
        ({"site": "lab"}, 'field site does not fit the {w}: "lab", expected unit.common.Site'),
        ([1], "the value does not fit the {w}: a list, expected a JSON object (message unit.main.Reading)"),
    ],
)
def test_a_value_that_does_not_fit_names_the_field(value: Any, message: str) -> None:
    import json

    from kafkatui.kafka.schema_writer import DoesNotFit

    _client, writer = _writer("bad")
    with pytest.raises(DoesNotFit) as info:
        writer.encode(json.dumps(value))
    assert str(info.value) == message.format(w=writer.describe())


def test_a_protobuf_subject_that_does_not_compile_is_refused_before_any_send() -> None:
    from kafkatui.kafka.schema_writer import DoesNotFit, SchemaRef, resolve

    client = mock_client(URL)
    client.register_schema("unit-w-broken-value", Schema('syntax = "proto3";\nmessage A { B b = 1; }\n', "PROTOBUF"))
    with pytest.raises(DoesNotFit) as info:
        resolve(client, SchemaRef("protobuf", "unit-w-broken-value"))
    assert str(info.value) == (
        "the Protobuf schema of subject unit-w-broken-value (latest version): the Protobuf schema's .proto text "
        'does not compile: line 2 column 13: "B" is not defined.'
    )


def test_protoc_missing_or_not_startable_is_our_sentence_not_an_unreachable_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from kafkatui.kafka import protobuf_schema

    monkeypatch.setattr(protobuf_schema, "_PROTOC", "raise ModuleNotFoundError(\"No module named 'grpc_tools'\")")
    with pytest.raises(ValueError, match=r"protoc is not installed \(the grpcio-tools package\)$"):
        compile_proto({MAIN_FILE: COMMON}, {})
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pytest.raises(ValueError, match=r"^protoc could not be started for the \.proto text: "):
        compile_proto({MAIN_FILE: COMMON}, {})
