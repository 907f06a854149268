"""A Protobuf schema from the registry as descriptors, whichever form the registry gives it in.

A registry holds a Protobuf schema either as a serialized ``FileDescriptorProto`` in base64 (what
confluent-kafka's Python serializer registers, and what Confluent's registry answers to
``format=serialized``) or as ``.proto`` source (what Java producers and most people register, and
what registries answer by default). ``file_descriptors`` turns the schema and the files it imports
(its references, fetched by subject/version, recursively) into ``FileDescriptorProto``s: base64 ones
are read as they are; ``.proto`` text is compiled by protoc (the one in ``grpcio-tools``), run as a
child process into a temporary folder so that its errors can be read and reported in one line. It
makes registry calls and may start a process: run it off the worker loop (the decoder's pool).

Only the default format is asked for: confluent-kafka's client caches a schema by id (and a version
by subject and version) whatever format was asked, and Apicurio answers ``format=serialized`` for a
schema registered as text with the raw descriptor bytes forced into a JSON string, not base64.
"""

from __future__ import annotations

import base64
import binascii
import re
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from google.protobuf import descriptor_pb2

from kafkatui.domain.text import inert
from kafkatui.kafka.registry import referenced

MAIN_FILE = "kafkatui_registry_schema.proto"  # the name the schema itself gets (its imports keep theirs)
MAX_REFERENCE_DEPTH = 32
PROTOC_TIMEOUT = 30.0  # seconds

# protoc with the well-known types (google/protobuf/*.proto) that grpcio-tools ships on its path
_PROTOC = (
    "import sys, importlib.resources as r; from grpc_tools import protoc; "
    "sys.exit(protoc.main(['protoc', '-I' + str(r.files('grpc_tools') / '_proto')] + sys.argv[1:]))"
)


def serialized(text: str) -> Any:
    """The ``FileDescriptorProto`` of a base64 schema; None when the text is not base64 (.proto source)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError, binascii.Error):
        return None
    proto = descriptor_pb2.FileDescriptorProto()
    try:
        proto.ParseFromString(raw)
    except Exception:
        return None
    return proto


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or name.startswith("-") or path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name:
        raise ValueError(f"import {inert(name, 80)} is not a relative .proto path")
    return str(path)


def compile_proto(texts: dict[str, str], compiled: dict[str, Any]) -> dict[str, Any]:
    """``.proto`` sources (by import name) -> their ``FileDescriptorProto``s and those of all they
    import (``compiled``: already-built files they may import). A source that does not compile is a
    ValueError with protoc's first error, naming the file and line."""
    with tempfile.TemporaryDirectory(prefix="kafkatui-proto-") as tmp:
        root = Path(tmp) / "src"
        for name, text in texts.items():
            path = root / _safe_name(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out.pb"
        args = [sys.executable, "-c", _PROTOC, f"-I{root}", "--include_imports", f"--descriptor_set_out={out}"]
        if compiled:
            given = Path(tmp) / "given.pb"
            given.write_bytes(descriptor_pb2.FileDescriptorSet(file=list(compiled.values())).SerializeToString())
            args.append(f"--descriptor_set_in={given}")
        args += list(texts)  # no name starts with "-" (_safe_name)
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=PROTOC_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ValueError(f"protoc took more than {PROTOC_TIMEOUT:g} s on the .proto text") from None
        except OSError as exc:  # not the registry's fault: never an "unreachable registry"
            raise ValueError(f"protoc could not be started for the .proto text: {inert(str(exc), 120)}") from None
        if "No module named 'grpc_tools'" in done.stderr:
            raise ValueError(
                "the Protobuf schema is .proto text and protoc is not installed (the grpcio-tools package)"
            )
        if done.returncode != 0 or not out.exists():
            lines = [line.replace(f"{root}/", "") for line in done.stderr.splitlines() if line.strip()]
            first = next((line for line in lines if "warning:" not in line), "protoc failed")
            where = re.match(rf"{re.escape(MAIN_FILE)}:(\d+):(\d+): ", first)
            if where:  # the schema itself has no file name of its own
                first = f"line {where[1]} column {where[2]}: {first[where.end() :]}"
            raise ValueError(f"the Protobuf schema's .proto text does not compile: {inert(first, 200)}")
        result = descriptor_pb2.FileDescriptorSet()
        result.ParseFromString(out.read_bytes())
    return {f.name: f for f in result.file}


def file_descriptors(client: SchemaRegistryClient, schema: Schema) -> tuple[Any, list[Any]]:
    """The schema's ``FileDescriptorProto`` and the files it needs, each after the files it imports."""
    texts: dict[str, str] = {}
    given: dict[str, Any] = {}

    def collect(name: str, source: str) -> None:
        proto = serialized(source)
        if proto is None:
            texts[name] = source
        else:
            proto.name = name  # the name its importers know it by
            given[name] = proto

    def walk(refs: Any, depth: int) -> None:
        if depth > MAX_REFERENCE_DEPTH:
            raise ValueError(f"Protobuf imports nest deeper than {MAX_REFERENCE_DEPTH} (a cycle?)")
        for ref in refs or ():
            name = _safe_name(str(ref.name))
            if name in texts or name in given:
                continue
            registered = referenced(client, ref)
            collect(name, registered.schema.schema_str or "")
            walk(registered.schema.references, depth + 1)

    collect(MAIN_FILE, schema.schema_str or "")
    walk(schema.references, 0)
    files = dict(given)
    if texts:
        files.update(compile_proto(texts, given))
    ordered: list[Any] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in files:
            return  # a well-known type (in every pool) or a missing import (the pool names it)
        seen.add(name)
        for dep in files[name].dependency:
            visit(dep)
        ordered.append(files[name])

    visit(MAIN_FILE)
    main = ordered.pop()
    return main, ordered


def descriptor_pool_of(main: Any, imports: list[Any]) -> Any:
    """A pool holding the well-known types, then ``imports`` and ``main`` (in that order); a file that
    does not build (an import missing, a type it names not defined) is a ValueError."""
    from confluent_kafka.schema_registry.common.protobuf import _init_pool
    from google.protobuf import descriptor_pool

    pool = descriptor_pool.DescriptorPool()
    _init_pool(pool)
    try:
        for proto in [*imports, main]:
            try:
                pool.FindFileByName(proto.name)
            except KeyError:
                pool.Add(proto)
            # else: a well-known type, already in every pool
    except Exception as exc:
        detail = inert(str(exc) or type(exc).__name__, 200)
        raise ValueError(f"the Protobuf schema does not build: {detail}") from None
    return pool
