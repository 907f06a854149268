"""Values typed as JSON, serialized with a registry schema (the Producer pane's schema choice).

`resolve` asks the registry for a subject's latest (or a chosen) version — a network call: the
producer service runs it on a thread, never on the worker loop. `SchemaWriter.encode` then checks
a value against the schema and writes the Confluent wire format (magic byte 0, the schema id, the
Avro binary or the JSON text); a value that does not fit raises `DoesNotFit` naming the field.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import fastavro
import jsonschema
from confluent_kafka.schema_registry import SchemaRegistryClient
from fastavro.validation import ValidationError as AvroValidationError
from fastavro.validation import validate as avro_validate

from kafkatui.domain.text import inert
from kafkatui.kafka.decoder import avro_named_schemas, parse_avro

KINDS = {"avro": "AVRO", "jsonschema": "JSON"}
KIND_NAMES = {"avro": "Avro", "jsonschema": "JSON Schema"}


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
        self, ref: SchemaRef, schema_id: int, version: int, schema_str: str, avro: Any = None, named: Any = ()
    ) -> None:
        """``avro``: the Avro schema already parsed with its references (``named``: their raw schemas)."""
        self.ref = ref
        self.schema_id = schema_id
        self.version = version
        self.prefix = b"\x00" + schema_id.to_bytes(4, "big")
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

    def _field(self, path: str) -> str:
        """fastavro's `ns.Reading.meta.ns.Meta.site` -> `meta.site` (record names dropped)."""
        for name in self.names:
            path = path.replace(name + ".", "\0")
        return ".".join(p for p in path.replace("\0", "").split(".") if p)


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
    avro, named = None, []
    if kind == "AVRO" and schema.references:  # referenced named types: fetched (cached) and parsed with it
        try:
            named = list(avro_named_schemas(client, schema).values())
            avro = parse_avro(client, schema)
        except ValueError as exc:
            raise DoesNotFit(f"the {ref.describe()}: {exc}") from None
    schema_id, version = int(registered.schema_id or 0), int(registered.version or 0)
    return SchemaWriter(ref, schema_id, version, schema.schema_str or "null", avro, named)
