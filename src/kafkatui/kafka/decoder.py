"""Records in Confluent wire format (magic byte 0 + 4-byte schema id) -> Python values.

Schemas come from the Schema Registry by id and are cached for the session. A registry call
never runs on the worker loop: a missing schema is asked for on a small thread pool, and until the
answer comes the records of that id are reported as `SCHEMA_PENDING` (the freezer feed parks them
and tries again). A failed fetch (unknown id, unreachable registry, refused credentials) is
remembered and asked again after a pause; meanwhile the records of that id are rejected with the
reason. Decoding itself is local and fast:

- Avro: fastavro's ``schemaless_reader`` with the parsed writer schema; the schemas it references
  (subject/version references, recursively) are fetched with it and parsed into it as confluent-kafka's
  AvroDeserializer does (a reference the registry does not hold is a registry error naming it);
- JSON Schema: the payload is JSON (it was validated against its schema by its producer);
- Protobuf: the schema and its imports as ``FileDescriptorProto``s (`protobuf_schema`: the base64
  form read as it is, ``.proto`` text compiled by protoc) build the message classes at run time (no
  generated code), the record's message indexes pick the message, and the message becomes a dict
  (``MessageToDict``, field names as in the schema).

References are followed for Avro (named types) and Protobuf (imports); a JSON Schema record needs
no schema to be read. A schema and its references are fetched once, then cached with the id.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeGuard

import fastavro
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from kafkatui.domain.readings import RejectReason
from kafkatui.domain.text import inert
from kafkatui.kafka.context import Context
from kafkatui.kafka.registry import Failure, classify, make_client, referenced
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.decoder")

RETRY_AFTER = 5.0  # seconds before a failed schema fetch is tried again
UNKNOWN_RETRY_AFTER = 30.0  # an id the registry does not know (it may be registered later)
FETCH_GRACE = 2.0  # a fetch still running this long after the client's timeout counts as failed

_FAILURE_REASONS = {
    Failure.UNREACHABLE: RejectReason.REGISTRY_UNREACHABLE,
    Failure.REFUSED: RejectReason.REGISTRY_REFUSED,
    Failure.NOT_FOUND: RejectReason.SCHEMA_UNKNOWN,
    Failure.ERROR: RejectReason.REGISTRY_ERROR,
}

KIND_NAMES = {"AVRO": "Avro", "JSON": "JSON Schema", "PROTOBUF": "Protobuf"}


def framed(value: bytes | None) -> TypeGuard[bytes]:
    """Confluent wire format: magic byte 0, then a 4-byte big-endian schema id, then the payload."""
    return value is not None and len(value) >= 5 and value[0] == 0


def schema_id_of(value: bytes) -> int:
    return int.from_bytes(value[1:5], "big")


@dataclass(frozen=True, slots=True)
class SchemaInfo:
    schema_id: int
    kind: str  # AVRO, JSON or PROTOBUF
    subject: str | None = None
    version: int | None = None
    also: tuple[str, ...] = ()  # the same schema under other subjects: "name version N"

    def label(self) -> str:
        """``Avro, schema id 3, subject freezer-value version 1`` (subject/version when known)."""
        where = f", subject {inert(self.subject, 120)}" if self.subject else ""
        version = f" version {self.version}" if self.version is not None else ""
        also = f" (also {', '.join(inert(a, 120) for a in self.also[:3])})" if self.also else ""
        return f"{KIND_NAMES.get(self.kind, self.kind)}, schema id {self.schema_id}{where}{version}{also}"


@dataclass(frozen=True, slots=True)
class Decoded:
    value: object  # dicts, lists, str, numbers, bool, None (bytes become str via escapes in JSON text)
    info: SchemaInfo


@dataclass(frozen=True, slots=True)
class Undecoded:
    reason: RejectReason
    detail: str  # one sentence, secrets masked
    schema_id: int


@dataclass(frozen=True, slots=True)
class _Entry:
    info: SchemaInfo
    decode: Callable[[bytes], object]


# --------------------------------------------------------------------------- decoders per kind


MAX_REFERENCE_DEPTH = 32  # references of references: deeper than this is taken for a cycle


def avro_named_schemas(client: SchemaRegistryClient, schema: Schema, depth: int = 0) -> dict[str, Any]:
    """The named schemas ``schema`` references, recursively (a registry call per reference not yet
    in the client's cache: run it off the worker loop). As confluent-kafka's AvroDeserializer
    resolves them: each referenced schema raw (unparsed), under its reference name and its full name,
    so that one type reached through two references is defined once."""
    named: dict[str, Any] = {}
    if depth > MAX_REFERENCE_DEPTH:
        raise ValueError(f"Avro references nest deeper than {MAX_REFERENCE_DEPTH} (a cycle?)")
    for ref in schema.references or ():
        registered = referenced(client, ref)
        named.update(avro_named_schemas(client, registered.schema, depth + 1))
        try:
            raw = json.loads(registered.schema.schema_str or "null")
        except ValueError:
            raise ValueError(f"its reference {inert(str(ref.name), 80)} is not an Avro schema (not JSON)") from None
        named[str(ref.name)] = raw
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            name, namespace = raw["name"], raw.get("namespace")
            named[f"{namespace}.{name}" if namespace and "." not in name else name] = raw
    return named


def parse_avro(client: SchemaRegistryClient, schema: Schema, named: dict[str, Any] | None = None) -> Any:
    """The parsed Avro schema, its references followed (``named``: `avro_named_schemas`, when the
    caller has them already); a schema that does not parse is a ValueError."""
    try:
        raw = json.loads(schema.schema_str or "null")
    except ValueError:
        raise ValueError("the Avro schema is not JSON") from None
    if not schema.references:
        try:
            return fastavro.parse_schema(raw)
        except Exception as exc:
            detail = inert(f"{type(exc).__name__}: {exc}", 160)
            raise ValueError(f"the Avro schema does not parse: {detail}") from None
    from confluent_kafka.schema_registry.common.avro import parse_schema_with_repo

    if named is None:
        named = avro_named_schemas(client, schema)
    try:
        return parse_schema_with_repo(schema.schema_str or "null", named)
    except Exception as exc:
        detail = inert(f"{type(exc).__name__}: {exc}", 160)
        raise ValueError(f"the Avro schema with its references does not parse: {detail}") from None


def _avro(client: SchemaRegistryClient, schema: Schema) -> Callable[[bytes], object]:
    parsed = parse_avro(client, schema)
    reader = fastavro.schemaless_reader

    def decode(value: bytes) -> object:
        buf = io.BytesIO(value)
        buf.seek(5)
        return reader(buf, parsed, None)

    return decode


def _json_schema(schema: Schema) -> Callable[[bytes], object]:
    loads = json.loads

    def decode(value: bytes) -> object:
        return loads(value[5:])

    return decode


def _protobuf(client: SchemaRegistryClient, schema: Schema) -> Callable[[bytes], object]:
    from confluent_kafka.schema_registry.common.serde import SchemaId
    from google.protobuf import json_format, message_factory

    from kafkatui.kafka.protobuf_schema import descriptor_pool_of, file_descriptors

    main, imports = file_descriptors(client, schema)  # base64 descriptors or .proto text (compiled)
    pool = descriptor_pool_of(main, imports)
    classes: dict[tuple[int, ...], Any] = {}

    def message_class(indexes: tuple[int, ...]) -> Any:
        cls = classes.get(indexes)
        if cls is None:
            messages, names = main.message_type, []
            for i in indexes:
                if not 0 <= i < len(messages):
                    raise ValueError(f"message index {i} is not in the schema")
                names.append(messages[i].name)
                messages = messages[i].nested_type
            full = ".".join([main.package, *names] if main.package else names)
            cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(full))
            classes[indexes] = cls
        return cls

    def decode(value: bytes) -> object:
        sid = SchemaId("PROTOBUF")
        payload = sid.from_bytes(io.BytesIO(value))
        msg = message_class(tuple(sid.message_indexes or [0]))()
        msg.ParseFromString(payload.read())
        return json_format.MessageToDict(
            msg, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
        )

    return decode


# --------------------------------------------------------------------------- the decoder


class RecordDecoder:
    """Decodes framed records with schemas from one registry; owned by the worker thread."""

    def __init__(
        self,
        client: SchemaRegistryClient,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        retry_after: float = RETRY_AFTER,
        unknown_retry_after: float = UNKNOWN_RETRY_AFTER,
        fetch_timeout: float | None = None,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.clock = clock
        self.retry_after = retry_after
        self.unknown_retry_after = unknown_retry_after
        self.fetch_timeout = (fetch_timeout or min(settings.timeout, 5.0)) + FETCH_GRACE
        self._entries: dict[int, _Entry] = {}
        self._pending: dict[int, tuple[Future[_Entry], float]] = {}
        self._failed: dict[int, tuple[Undecoded, float]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self.wake = wake  # called (from the fetching thread) when a fetch ends: the worker polls at once

    # -- the hot path

    def decode(self, value: bytes) -> Decoded | Undecoded:
        """``value`` must be `framed`. Never blocks on the registry, never raises."""
        sid = int.from_bytes(value[1:5], "big")
        entry = self._entries.get(sid)
        if entry is None:
            missing = self._missing(sid)
            if missing is not None:
                return missing
            entry = self._entries[sid]
        try:
            return Decoded(entry.decode(value), entry.info)
        except Exception as exc:
            detail = inert(str(exc) or type(exc).__name__, 120)
            return Undecoded(
                RejectReason.UNDECODABLE, f"does not decode with its schema ({entry.info.label()}): {detail}", sid
            )

    def waiting(self, schema_id: int) -> bool:
        """True while the schema of ``schema_id`` is being fetched."""
        if schema_id not in self._pending:
            return False
        result = self._collect(schema_id)
        return result is not None and result.reason is RejectReason.SCHEMA_PENDING

    def info(self, schema_id: int) -> SchemaInfo | None:
        entry = self._entries.get(schema_id)
        return entry.info if entry else None

    # -- fetching, off the worker thread

    def _missing(self, sid: int) -> Undecoded | None:
        """None when the schema is cached now; else why the record cannot be decoded yet."""
        now = self.clock()
        if sid in self._pending:
            return self._collect(sid)
        failed = self._failed.get(sid)
        if failed is not None and now < failed[1]:
            return failed[0]
        self._failed.pop(sid, None)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kafkatui-registry")
        future = self._pool.submit(self._fetch, sid)
        if self.wake is not None:
            wake = self.wake
            future.add_done_callback(lambda _done: wake())
        self._pending[sid] = (future, now)
        return self._pending_result(sid)

    def _pending_result(self, sid: int) -> Undecoded:
        return Undecoded(
            RejectReason.SCHEMA_PENDING,
            f"schema id {sid}: asked the Schema Registry {self.settings.registry_display}, waiting for its answer",
            sid,
        )

    def _collect(self, sid: int) -> Undecoded | None:
        future, asked = self._pending[sid]
        now = self.clock()
        if not future.done():
            if now - asked < self.fetch_timeout:
                return self._pending_result(sid)
            del self._pending[sid]  # the thread ends with the client's own timeout
            return self._fail(sid, TimeoutError("no answer"), now)
        del self._pending[sid]
        try:
            self._entries[sid] = future.result()
        except Exception as exc:
            return self._fail(sid, exc, now)
        log.info("schema id %d fetched: %s", sid, self._entries[sid].info.label())
        return None

    def _fail(self, sid: int, exc: BaseException, now: float) -> Undecoded:
        if isinstance(exc, ValueError):  # a schema we cannot use: a sentence of ours
            failure_kind, text = Failure.ERROR, f"schema id {sid}: {inert(str(exc), 200)}"
        else:
            failure = classify(exc, self.settings, f"schema id {sid}")
            failure_kind, text = failure.kind, failure.text
        result = Undecoded(_FAILURE_REASONS[failure_kind], text, sid)
        pause = self.unknown_retry_after if failure_kind is Failure.NOT_FOUND else self.retry_after
        self._failed[sid] = (result, now + pause)
        log.warning("schema id %d: %s (asking again in %g s)", sid, text, pause)
        return result

    def _fetch(self, sid: int) -> _Entry:
        schema = self.client.get_schema(sid)
        kind = (schema.schema_type or "AVRO").upper()
        subject: str | None = None
        version: int | None = None
        also: tuple[str, ...] = ()
        try:
            found = self._subject_versions(sid)
            if found:
                (subject, version), also = found[0], tuple(f"{s} version {v}" for s, v in found[1:])
        except Exception:  # subject and version are a nicety: the schema is what decodes
            log.debug("no subject/version for schema id %d", sid, exc_info=True)
        if kind == "AVRO":
            decode = _avro(self.client, schema)
        elif kind == "JSON":
            decode = _json_schema(schema)
        elif kind == "PROTOBUF":
            decode = _protobuf(self.client, schema)
        else:
            raise ValueError(f"schema type {inert(kind, 40)} is not one kafkatui decodes")
        return _Entry(SchemaInfo(sid, kind, subject, version, also), decode)

    def _subject_versions(self, sid: int) -> list[tuple[str, int]]:
        """Every (subject, version) holding the schema id (one schema may be under several)."""
        if (self.settings.schema_registry_url or "").startswith("mock://"):
            # the in-process registry has no ids -> versions lookup: walk its (few) subjects
            return [
                (subject, version)
                for subject in self.client.get_subjects()
                for version in self.client.get_versions(subject)
                if self.client.get_version(subject, version).schema_id == sid
            ]
        return [(str(v.subject), int(v.version or 0)) for v in self.client.get_schema_versions(sid)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def decoder_for(
    settings: Settings, clock: Callable[[], float] = time.monotonic, wake: Callable[[], None] | None = None
) -> RecordDecoder | None:
    """A decoder when a registry is set (None otherwise)."""
    client = make_client(settings)
    return RecordDecoder(client, settings, clock=clock, wake=wake) if client is not None else None


def shared_decoder(ctx: Context) -> RecordDecoder | None:
    """The worker's one decoder (one schema cache for every reader), made on first use."""
    if ctx.decoder is None and ctx.settings.schema_registry_url:
        ctx.decoder = decoder_for(ctx.settings, wake=ctx.wake)
    decoder: RecordDecoder | None = ctx.decoder
    return decoder
