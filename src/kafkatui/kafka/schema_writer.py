"""Values typed as JSON, serialized with a registry schema (the Producer pane's schema choice).

`resolve` asks the registry for a subject's latest (or a chosen) version — a network call: the
producer service runs it on a thread, never on the worker loop. `SchemaWriter.encode` then checks
a value against the schema and writes the Confluent wire format (magic byte 0, the schema id, the
Avro binary or the JSON text; for Protobuf the message indexes [0] and the message built from the
JSON with `json_format.ParseDict` into the schema's first message, a class made at run time); a
value that does not fit raises `DoesNotFit` naming the field.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import fastavro
import jsonschema
from confluent_kafka.schema_registry import SchemaRegistryClient
from fastavro.validation import ValidationError as AvroValidationError
from fastavro.validation import validate as avro_validate

from kafkatui.domain.text import inert
from kafkatui.kafka.decoder import avro_named_schemas, parse_avro
from kafkatui.kafka.protobuf_schema import descriptor_pool_of, file_descriptors

KINDS = {"avro": "AVRO", "jsonschema": "JSON", "protobuf": "PROTOBUF"}
KIND_NAMES = {"avro": "Avro", "jsonschema": "JSON Schema", "protobuf": "Protobuf"}


class DoesNotFit(ValueError):
    """The value does not fit the schema; the message names the field."""


@dataclass(frozen=True, slots=True)
class SchemaRef:
    kind: str  # avro | jsonschema
    subject: str
    version: int | None = None  # None: the latest

    def describe(self) -> str:
        which = "latest version" if self.version is None else f"version {self.version}"
        return f"{KIND_NAMES[self.kind]} schema of subject {inert(self.subject, 120)} ({which})"


class SchemaWriter:
    def __init__(
        self,
        ref: SchemaRef,
        schema_id: int,
        version: int,
        schema_str: str,
        avro: Any = None,
        named: Any = (),
        message: Any = None,
    ) -> None:
        """``avro``: the Avro schema already parsed with its references (``named``: their raw schemas);
        ``message``: for Protobuf, the message class (the schema's first message, built at run time)."""
        self.ref = ref
        self.schema_id = schema_id
        self.version = version
        self.prefix = b"\x00" + schema_id.to_bytes(4, "big")
        if ref.kind == "protobuf":
            self.message = message
            self.prefix += b"\x00"  # message indexes [0]: the first message, in Confluent's short form
            return
        raw = json.loads(schema_str)
        if ref.kind == "avro":
            self.avro: Any = avro if avro is not None else fastavro.parse_schema(raw)
            self.names = sorted(_record_names([raw, *named]), key=len, reverse=True)
            self.top_fields = {f["name"] for f in raw.get("fields", ())} if isinstance(raw, dict) else set()
        else:
            self.validator = jsonschema.Draft7Validator(raw)

    def describe(self) -> str:
        subject = inert(self.ref.subject, 120)
        return f"{KIND_NAMES[self.ref.kind]} schema id {self.schema_id} (subject {subject} version {self.version})"

    def encode(self, text: str) -> bytes:
        """The value (JSON text) in the wire format; `DoesNotFit` (naming the field) when it does not fit."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DoesNotFit(f"the value is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
        if self.ref.kind == "avro":
            return self.prefix + self._avro(doc)
        if self.ref.kind == "protobuf":
            return self.prefix + self._protobuf(doc)
        error = jsonschema.exceptions.best_match(self.validator.iter_errors(doc))
        if error is not None:
            path = ".".join(str(p) for p in error.absolute_path)
            where = f"field {path}" if path else "the value"
            raise DoesNotFit(f"{where} does not fit the {self.describe()}: {inert(error.message, 200)}")
        return self.prefix + json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def _avro(self, doc: object) -> bytes:
        if isinstance(doc, dict) and self.top_fields:
            extra = sorted(set(doc) - self.top_fields)
            if extra:
                raise DoesNotFit(f"field {inert(extra[0], 80)} is not in the {self.describe()}")
        try:
            avro_validate(doc, self.avro, raise_errors=True)
        except AvroValidationError as exc:
            data = exc.errors[0] if exc.errors else None
            field = self._field(getattr(data, "field", "") or "")
            datum = getattr(data, "datum", None)
            wanted = getattr(data, "schema", "?")
            got = "missing" if datum is None else f"{inert(json.dumps(datum, default=str), 60)}"
            where = f"field {field}" if field else "the value"
            expected = inert(str(wanted), 80)
            raise DoesNotFit(f"{where} does not fit the {self.describe()}: {got}, expected {expected}") from None
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, self.avro, doc)
        return buf.getvalue()

    def _protobuf(self, doc: object) -> bytes:
        from google.protobuf import json_format

        msg = self.message()
        if not isinstance(doc, dict):
            raise DoesNotFit(
                f"the value does not fit the {self.describe()}: {_json_kind(doc)}, expected a JSON object "
                f"(message {msg.DESCRIPTOR.full_name})"
            )
        try:
            json_format.ParseDict(doc, msg)
        except json_format.ParseError as exc:
            text = str(exc)
            path = re.findall(r"Failed to parse (\S+) field", text)
            unknown = re.search(r'has no field named "([^"]+)"', text)
            datum, expected = _proto_field(doc, msg.DESCRIPTOR, path)
            if unknown and isinstance(datum, dict):  # (a string where a message goes: its letters are no fields)
                field = inert(".".join([*path, unknown[1]]), 80)
                raise DoesNotFit(f"field {field} is not in the {self.describe()}") from None
            if not path:
                raise DoesNotFit(f"the value does not fit the {self.describe()}: {inert(text, 120)}") from None
            got = inert(json.dumps(datum, default=str), 60)
            where = inert(".".join(path), 80)
            raise DoesNotFit(f"field {where} does not fit the {self.describe()}: {got}, expected {expected}") from None
        data: bytes = msg.SerializeToString()
        return data

    def _field(self, path: str) -> str:
        """fastavro's `ns.Reading.meta.ns.Meta.site` -> `meta.site` (record names dropped)."""
        for name in self.names:
            path = path.replace(name + ".", "\0")
        return ".".join(p for p in path.replace("\0", "").split(".") if p)


def _json_kind(value: object) -> str:
    return {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(type(value), "a number")


def _proto_field(doc: object, descriptor: Any, path: list[str]) -> tuple[object, str]:
    """The value at ``path`` in ``doc`` and the Protobuf type its field wants (``double``,
    ``repeated int32``, a message or enum's full name)."""
    datum: object = doc
    expected = "?"
    for name in path:
        field = descriptor.fields_by_name.get(name) if descriptor is not None else None
        if field is None and descriptor is not None:
            field = next((f for f in descriptor.fields if f.json_name == name), None)
        if field is None:
            break
        datum = datum.get(name, datum.get(field.json_name)) if isinstance(datum, dict) else None
        entry = field.message_type
        if entry is not None and entry.GetOptions().map_entry:
            key, value = (entry.fields_by_name[n] for n in ("key", "value"))
            named = value.message_type or value.enum_type
            value_kind = named.full_name if named is not None else _PROTO_TYPES.get(value.type, "?")
            kind = f"map<{_PROTO_TYPES.get(key.type, '?')}, {value_kind}>"
        elif field.message_type is not None:
            kind = field.message_type.full_name
        elif field.enum_type is not None:
            kind = field.enum_type.full_name
        else:
            kind = _PROTO_TYPES.get(field.type, "?")
        repeated = field.is_repeated and not (entry is not None and entry.GetOptions().map_entry)
        expected = f"repeated {kind}" if repeated else kind
        descriptor = field.message_type
    return datum, expected


_PROTO_TYPES = {
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
    9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64",
}  # fmt: skip


def _record_names(schema: object, namespace: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        name = schema.get("name")
        ns = schema.get("namespace", namespace)
        if schema.get("type") in ("record", "enum", "fixed") and isinstance(name, str):
            full = name if "." in name or not ns else f"{ns}.{name}"
            found |= {full, name}
        for value in schema.values():
            found |= _record_names(value, ns if isinstance(ns, str) else namespace)
    elif isinstance(schema, list):
        for item in schema:
            found |= _record_names(item, namespace)
    return found


def resolve(client: SchemaRegistryClient, ref: SchemaRef) -> SchemaWriter:
    """The writer for ``ref`` (a registry call: run it off the worker loop)."""
    registered = (
        client.get_latest_version(ref.subject) if ref.version is None else client.get_version(ref.subject, ref.version)
    )
    schema = registered.schema
    kind = (schema.schema_type or "AVRO").upper()
    if kind != KINDS[ref.kind]:
        raise DoesNotFit(
            f"subject {inert(ref.subject, 120)} holds a schema of type {inert(kind, 20)}, not {KIND_NAMES[ref.kind]}"
        )
    schema_id, version = int(registered.schema_id or 0), int(registered.version or 0)
    if kind == "PROTOBUF":
        return SchemaWriter(ref, schema_id, version, "", message=_first_message(client, schema, ref))
    avro, named = None, []
    if kind == "AVRO" and schema.references:  # referenced named types: fetched (cached) and parsed with it
        try:
            by_name = avro_named_schemas(client, schema)  # fetched once, for the parse and the field names
            avro = parse_avro(client, schema, by_name)
            named = list(by_name.values())
        except ValueError as exc:
            raise DoesNotFit(f"the {ref.describe()}: {exc}") from None
    return SchemaWriter(ref, schema_id, version, schema.schema_str or "null", avro, named)


def _first_message(client: SchemaRegistryClient, schema: Any, ref: SchemaRef) -> Any:
    """The class of the schema's first message (what message indexes [0] name), built at run time."""
    from google.protobuf import message_factory

    try:
        main, imports = file_descriptors(client, schema)
        if not main.message_type:
            raise ValueError("it defines no message")
        pool = descriptor_pool_of(main, imports)
        name = ".".join(p for p in (main.package, main.message_type[0].name) if p)
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
    except (ValueError, TypeError) as exc:
        raise DoesNotFit(f"the {ref.describe()}: {inert(str(exc), 200)}") from None
