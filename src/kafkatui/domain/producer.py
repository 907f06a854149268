"""The Producer pane's rules, pure: form parsing, toggles, guarantee wording, sizes, error sentences.

Nothing here talks to Kafka. The pane parses its form with `parse_form`; the worker re-checks a
request against what it knows of the cluster with `check_cluster` (the same function the pane
uses for its early warning), so a request is refused whole before anything is sent.

Burst placeholders: in a key or value, ``{i}`` is the message's number in the burst (0-based)
and ``{i%N}`` that number modulo N, so ``sensor{i%3}`` cycles through three keys. Nothing else in
braces is touched, so JSON stays JSON.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar

from kafkatui.domain import topic_names
from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.models import TopicInfo
from kafkatui.domain.partitioner import DEFAULT as DEFAULT_PARTITIONER
from kafkatui.domain.partitioner import PARTITIONERS, predict
from kafkatui.domain.readings import escape_raw, utc_iso
from kafkatui.domain.sensors import encode
from kafkatui.domain.text import inert

ACKS = ("0", "1", "all")
COMPRESSIONS = ("none", "gzip", "snappy", "lz4", "zstd")
LINGER_MAX_MS = 900_000  # librdkafka's upper bound for linger.ms
COUNT_MAX = 10_000_000
RATE_MAX = 10_000_000.0
CLIENT_MAX_BYTES_DEFAULT = 1_000_000  # librdkafka's default message.max.bytes
REPORT_ROWS = 100  # delivery reports kept for the table

IDEMPOTENCE_WHY = (
    "librdkafka refuses enable.idempotence unless acks=all: the broker can only drop a retried "
    "batch it already has when every in-sync replica confirms each batch"
)

_PLACEHOLDER = re.compile(r"\{i(?:%(\d+))?\}")


# -- producer toggles -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProducerConfig:
    """The settings the pane's toggles change; each change rebuilds the producer."""

    acks: str = "all"
    idempotence: bool = True
    compression: str = "none"
    linger_ms: float = 5.0

    def librdkafka(self) -> dict[str, str]:
        return {
            "acks": self.acks,
            "enable.idempotence": "true" if self.idempotence else "false",
            "compression.type": self.compression,
            "linger.ms": f"{self.linger_ms:g}",
        }

    def describe(self) -> str:
        return (
            f"acks={self.acks}, idempotence {'on' if self.idempotence else 'off'}, "
            f"compression {self.compression}, linger.ms {self.linger_ms:g}"
        )


def change(
    config: ProducerConfig,
    *,
    acks: str | None = None,
    idempotence: bool | None = None,
    compression: str | None = None,
    linger_ms: float | None = None,
) -> tuple[ProducerConfig, str]:
    """Apply one toggle; returns the new config and a sentence when another toggle had to move.

    Idempotence on forces acks=all; choosing acks 0 or 1 while idempotence is on turns it off.
    """
    note = ""
    new = config
    if acks is not None:
        if acks not in ACKS:
            raise ValueError(f"acks must be one of {', '.join(ACKS)}")
        new = replace(new, acks=acks)
        if new.idempotence and acks != "all":
            new = replace(new, idempotence=False)
            note = f"idempotence turned off for acks={acks}: {IDEMPOTENCE_WHY}"
    if idempotence is not None:
        new = replace(new, idempotence=idempotence)
        if idempotence and new.acks != "all":
            note = f"acks set to all (was {new.acks}): {IDEMPOTENCE_WHY}"
            new = replace(new, acks="all")
    if compression is not None:
        if compression not in COMPRESSIONS:
            raise ValueError(f"compression must be one of {', '.join(COMPRESSIONS)}")
        new = replace(new, compression=compression)
    if linger_ms is not None:
        new = replace(new, linger_ms=linger_ms)
    return new, note


def parse_linger(text: str) -> float:
    """`linger.ms` from the form: a number of milliseconds, 0 .. 900000."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"linger.ms: {raw!r} is not a number of milliseconds") from None
    if not 0 <= value <= LINGER_MAX_MS:
        raise ValueError(f"linger.ms: must be between 0 and {LINGER_MAX_MS:,}")
    return value


def initial_config(conf: Mapping[str, str]) -> ProducerConfig:
    """Start the toggles from the user's librdkafka properties (-X, client.properties)."""
    acks = str(conf.get("acks", conf.get("request.required.acks", "all"))).strip().lower()
    acks = {"-1": "all", "all": "all", "1": "1", "0": "0"}.get(acks, "all")
    idem_raw = conf.get("enable.idempotence")
    idempotence = True if idem_raw is None else str(idem_raw).strip().lower() == "true"
    compression = str(conf.get("compression.type", conf.get("compression.codec", "none"))).lower()
    if compression not in COMPRESSIONS:
        compression = "none"
    linger_raw = conf.get("linger.ms", conf.get("queue.buffering.max.ms", "5"))
    try:
        linger = parse_linger(str(linger_raw))
    except ValueError:
        linger = 5.0
    if idem_raw is None and acks != "all":
        idempotence = False  # the user asked for acks 0/1 and said nothing of idempotence
    config = ProducerConfig(acks, idempotence, compression, linger)
    if config.idempotence and config.acks != "all":
        config = replace(config, acks="all")
    return config


def producer_partitioner(conf: Mapping[str, str]) -> str:
    """The partitioner the producer will use (librdkafka's `partitioner` property)."""
    name = str(conf.get("partitioner", DEFAULT_PARTITIONER))
    return name if name in PARTITIONERS else DEFAULT_PARTITIONER


@dataclass(frozen=True, slots=True)
class Guarantee:
    name: str
    detail: str


def guarantee(config: ProducerConfig) -> Guarantee:
    """The delivery guarantee `config` gives, in words."""
    if config.acks == "0":
        return Guarantee(
            "at most once",
            "acks=0: nobody waits for the broker; a message lost on the way is never retried "
            "(lost, never duplicated) and no offset comes back.",
        )
    if config.acks == "1":
        return Guarantee(
            "at least once",
            "acks=1: the leader confirms; a retry can write a message twice, and a confirmed "
            "message is lost if the leader dies before its followers copy it.",
        )
    if not config.idempotence:
        return Guarantee(
            "at least once",
            "acks=all: every in-sync replica has it before it is confirmed, so a broker failure "
            "loses nothing confirmed; a retry can still write it twice.",
        )
    return Guarantee(
        "no duplicates per partition",
        "acks=all + idempotence: every in-sync replica confirms and the broker drops a retried "
        "batch it already has, so each message lands once, in order, per partition (while this "
        "producer lives).",
    )


# -- the form -------------------------------------------------------------------------------


class Template:
    """A key or value with burst placeholders, pre-split so rendering is cheap at 100k msgs/s."""

    __slots__ = ("constant", "parts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        parts: list[str | int] = []  # literal text, or a modulus (0 = plain {i})
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            parts.append(text[pos : m.start()])
            parts.append(int(m.group(1)) if m.group(1) else 0)
            pos = m.end()
        parts.append(text[pos:])
        self.parts = tuple(parts)
        self.constant: bytes | None = text.encode() if len(parts) == 1 else None

    def render(self, i: int) -> bytes:
        if self.constant is not None:
            return self.constant
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(str(i % part if part else i))
        return "".join(out).encode()

    def widest(self, count: int) -> bytes:
        """The longest rendering over a burst of `count` (for the size check)."""
        if self.constant is not None:
            return self.constant
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                top = count - 1 if not part else min(part, count) - 1
                out.append(str(max(top, 0)))
        return "".join(out).encode()

    @property
    def has_placeholders(self) -> bool:
        return self.constant is None


@dataclass(frozen=True, slots=True)
class FormInput:
    """The form's fields as typed."""

    topic: str = ""
    key: str = ""
    value: str = ""
    headers: str = ""
    partition: str = ""
    count: str = "1"
    rate: str = ""
    json_mode: bool = False
    schema: str = "none"  # none | avro | jsonschema | protobuf: serialize the JSON value with a registry schema
    subject: str = ""  # empty: <topic>-value; `name@3` or `@3`: version 3 (else the latest)


SCHEMA_CHOICES = ("none", "avro", "jsonschema", "protobuf")


@dataclass(frozen=True, slots=True)
class FormError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class ProduceRequest:
    """A validated send: one message, or a burst of `count` at `rate` msgs/s (None: flat out)."""

    topic: str
    key: str | None  # None: a null key
    value: str
    headers: tuple[tuple[str, str], ...] = ()
    partition: int | None = None  # None: the partitioner chooses
    count: int = 1
    rate: float | None = None
    json_mode: bool = False
    schema: str = "none"  # avro | jsonschema | protobuf: the value (JSON) is serialized with the subject's schema
    subject: str = ""
    schema_version: int | None = None  # None: the subject's latest version

    def key_template(self) -> Template | None:
        return None if self.key is None else Template(self.key)

    def value_template(self) -> Template:
        return Template(self.value)

    def header_list(self) -> list[tuple[str, bytes]] | None:
        return [(n, v.encode()) for n, v in self.headers] or None

    def first_key(self) -> bytes | None:
        t = self.key_template()
        return None if t is None else t.render(0)

    def widest_size(self) -> int:
        """Bytes of the largest single-record batch this request produces (uncompressed)."""
        key = self.key_template()
        return record_batch_size(
            None if key is None else key.widest(self.count),
            self.value_template().widest(self.count),
            [(n, v.encode()) for n, v in self.headers],
        )


def parse_headers(text: str) -> tuple[tuple[str, str], ...]:
    """``name=value`` entries separated by newlines or ``;``; raises ValueError on a bad one."""
    out: list[tuple[str, str]] = []
    entries = [e.strip() for e in re.split(r"[;\n]", text)]
    for n, entry in enumerate((e for e in entries if e), start=1):
        name, sep, value = entry.partition("=")
        if not sep:
            raise ValueError(f"entry {n} {entry!r} is not name=value")
        if not name.strip():
            raise ValueError(f"entry {n} {entry!r} has no name before '='")
        out.append((name.strip(), value.strip()))
    return tuple(out)


def check_topic_name(name: str) -> str | None:
    """Why `name` cannot be a Kafka topic, or None (Kafka's rules: domain/topic_names.py)."""
    if not name:
        return "empty: type a topic name (tab completes from the cluster's topics)"
    return topic_names.check_topic_name(name).error


def json_error(text: str) -> str | None:
    """Why `text` is not JSON (with line and column), or None."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    return None


def pretty_json(text: str) -> str:
    """`text` re-indented; ValueError (with the reason) if it is not JSON."""
    problem = json_error(text)
    if problem:
        raise ValueError(problem)
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False)


def parse_form(form: FormInput) -> ProduceRequest | list[FormError]:
    """Check the fields on their own (no cluster knowledge); every problem at once."""
    errors: list[FormError] = []
    topic = form.topic.strip()
    if problem := check_topic_name(topic):
        errors.append(FormError("topic", problem))
    try:
        headers = parse_headers(form.headers)
    except ValueError as exc:
        errors.append(FormError("headers", str(exc)))
        headers = ()
    partition: int | None = None
    raw = form.partition.strip().lower()
    if raw not in ("", "auto"):
        try:
            partition = int(raw)
        except ValueError:
            errors.append(
                FormError(
                    "partition",
                    f"{form.partition.strip()!r} is not a number; leave it empty (auto) to let the partitioner choose",
                )
            )
        else:
            if partition < 0:
                errors.append(FormError("partition", "must be 0 or more"))
    count = 1
    raw = form.count.strip() or "1"
    try:
        count = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        errors.append(FormError("count", f"{raw!r} is not a whole number"))
    else:
        if not 1 <= count <= COUNT_MAX:
            errors.append(FormError("count", f"must be between 1 and {COUNT_MAX:,}"))
    rate: float | None = None
    raw = form.rate.strip().lower()
    if raw not in ("", "max", "0"):
        try:
            rate = float(raw.replace("_", "").replace(",", ""))
        except ValueError:
            errors.append(FormError("rate", f"{form.rate.strip()!r} is not a number of messages per second"))
        else:
            if not 0 < rate <= RATE_MAX:
                errors.append(FormError("rate", f"must be above 0 and at most {RATE_MAX:,.0f} (empty: flat out)"))
    if form.json_mode or form.schema != "none":
        sample = Template(form.value).render(0).decode()
        if problem := json_error(sample):
            errors.append(FormError("value", problem))
    subject, version = "", None
    if form.schema not in SCHEMA_CHOICES:
        errors.append(FormError("schema", f"{form.schema!r} is not one of: {', '.join(SCHEMA_CHOICES)}"))
    elif form.schema != "none":
        subject, version, problem = parse_subject(form.subject, topic)
        if problem:
            errors.append(FormError("subject", problem))
    if errors:
        return errors
    return ProduceRequest(
        topic=topic,
        key=form.key if form.key != "" else None,
        value=form.value,
        headers=headers,
        partition=partition,
        count=count,
        rate=rate,
        json_mode=form.json_mode,
        schema=form.schema,
        subject=subject,
        schema_version=version,
    )


def parse_subject(text: str, topic: str) -> tuple[str, int | None, str]:
    """``(subject, version or None for the latest, problem)`` from the form's subject field:
    empty means ``<topic>-value``; ``name@3`` or ``@3`` chooses version 3; ``@latest`` the latest."""
    name, _, version_text = text.strip().partition("@")
    subject = name.strip() or f"{topic}-value"
    version_text = version_text.strip().lower()
    if version_text in ("", "latest"):
        return subject, None, ""
    if not version_text.isdigit() or int(version_text) < 1:
        return subject, None, f"version {version_text!r} is not a number from 1 (or latest)"
    return subject, int(version_text), ""


# -- what the cluster allows ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicFacts:
    """What is known about a topic for a send: partition count and the size limit."""

    topic: str
    partitions: int | None  # None: not in the cluster's metadata
    auto_create: bool | None = None  # broker auto.create.topics.enable; None: unknown
    max_bytes: int | None = None  # the effective limit, None: unknown
    max_bytes_source: str = ""


def effective_limit(
    topic_max: int | None,
    client_max: int,
    refused: str | None = None,
    topic_source: str = "topic max.message.bytes",
) -> tuple[int, str]:
    """The smaller of the topic's (broker's) limit and librdkafka's own message.max.bytes."""
    if topic_max is None:
        why = f" ({refused})" if refused else ""
        return client_max, f"librdkafka's own message.max.bytes check{why}"
    if client_max < topic_max:
        return client_max, f"librdkafka message.max.bytes; {topic_source} is {topic_max:,}"
    return topic_max, topic_source


def acks_all(config: ProducerConfig) -> bool:
    """Does every send wait for the in-sync replicas? (idempotence forces acks=all)"""
    return config.idempotence or config.acks in ("all", "-1")


def isr_shortfall(
    topic: TopicInfo, min_isr: int | None, config: ProducerConfig, partition: int | None = None
) -> str | None:
    """A sentence when acks=all sends to `topic` (or its `partition`) cannot be acknowledged now.

    Kafka refuses an acks=all write to a partition with fewer in-sync replicas than the topic's
    min.insync.replicas (NOT_ENOUGH_REPLICAS); librdkafka retries it silently until
    message.timeout.ms and then reports only _MSG_TIMED_OUT. The metadata (ISR, and the replicas
    on brokers we cannot reach) and the topic's config already tell, so say it before the wait.
    None when the sends can be acknowledged, or when min.insync.replicas is unknown.
    """
    if min_isr is None or not acks_all(config):
        return None
    # an offline partition (no reachable leader) fails for that reason, not NOT_ENOUGH_REPLICAS
    short = [
        p
        for p in topic.partitions
        if (partition is None or p.id == partition) and not p.offline and len(p.in_sync) < min_isr
    ]
    if not short:
        return None
    name = inert(topic.name, 80)
    tail = (
        "acks=all sends wait until a replica catches up, then fail with NOT_ENOUGH_REPLICAS "
        "(librdkafka retries them and reports _MSG_TIMED_OUT after message.timeout.ms)"
    )
    if len(short) == 1:
        p = short[0]
        n = len(p.in_sync)
        return (
            f"partition {p.id} of {name} has {n} in-sync replica{'s' * (n != 1)}, fewer than "
            f"min.insync.replicas={min_isr}: {tail}"
        )
    listed = ", ".join(str(p.id) for p in short[:8]) + (", …" if len(short) > 8 else "")
    fewest = min(len(p.in_sync) for p in short)
    return (
        f"partitions {listed} of {name} have as few as {fewest} in-sync replica{'s' * (fewest != 1)}, "
        f"fewer than min.insync.replicas={min_isr}: {tail}"
    )


def check_cluster(request: ProduceRequest, facts: TopicFacts) -> list[FormError]:
    """Problems that need the cluster: missing topic, partition out of range, too large."""
    errors: list[FormError] = []
    if facts.partitions is None:
        if facts.auto_create is not True:
            why = (
                "the broker does not create topics automatically (auto.create.topics.enable=false)"
                if facts.auto_create is False
                else "kafkatui cannot tell whether the broker creates topics automatically"
            )
            errors.append(
                FormError(
                    "topic",
                    f"{request.topic} does not exist on this cluster and {why}; "
                    "create it first (or press r if it was just created)",
                )
            )
        elif request.partition is not None:
            errors.append(
                FormError(
                    "partition",
                    f"{request.topic} does not exist yet, so it has no partition "
                    f"{request.partition}; leave partition empty",
                )
            )
    elif request.partition is not None and request.partition >= facts.partitions:
        last = facts.partitions - 1
        errors.append(
            FormError(
                "partition",
                f"{request.topic} has {facts.partitions} partition"
                f"{'s' if facts.partitions != 1 else ''} (0..{last}); {request.partition} is out of range",
            )
        )
    if facts.max_bytes is not None:
        size = request.widest_size()
        if size > facts.max_bytes:
            errors.append(
                FormError(
                    "value",
                    f"the message is {size:,} bytes; {request.topic} accepts at most "
                    f"{facts.max_bytes:,} ({facts.max_bytes_source})",
                )
            )
    return errors


def _varint_size(n: int) -> int:
    z = (n << 1) ^ (n >> 63)  # zigzag
    size = 1
    while z >= 0x80:
        z >>= 7
        size += 1
    return size


BATCH_OVERHEAD = 61  # RecordBatch v2 header


def record_batch_size(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]] | None = None) -> int:
    """Bytes of a RecordBatch v2 holding this one record, uncompressed (what max.message.bytes limits)."""
    body = 1 + 1 + 1  # attributes, timestamp delta 0, offset delta 0
    body += _varint_size(-1 if key is None else len(key)) + (len(key) if key else 0)
    body += _varint_size(-1 if value is None else len(value)) + (len(value) if value else 0)
    hs = headers or []
    body += _varint_size(len(hs))
    for name, hval in hs:
        raw = name.encode()
        body += _varint_size(len(raw)) + len(raw) + _varint_size(len(hval)) + len(hval)
    return BATCH_OVERHEAD + _varint_size(body) + body


# -- the partition preview ------------------------------------------------------------------


def preview(request: ProduceRequest, partitions: int | None, partitioner: str = DEFAULT_PARTITIONER) -> str:
    """Where the (first) message will go, with the same partitioner the producer is built with."""
    if request.partition is not None:
        return f"partition {request.partition} (chosen by hand; the key does not decide)"
    if partitions is None:
        return "partition decided by the broker's defaults once the topic is auto-created"
    key = request.first_key()
    where = predict(key, partitions, partitioner)
    shown = "(null key)" if key is None else f"key {escape_raw(key, 30)}"
    first = "first message: " if request.count > 1 and request.key and Template(request.key).has_placeholders else ""
    if where is None:
        return f"{first}{shown} → a random (sticky) partition of {partitions} ({partitioner})"
    return f"{first}{shown} → partition {where} of {partitions} ({partitioner})"


# -- templates ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filled:
    key: str
    value: str
    json_mode: bool


def freezer_template(rng: random.Random, now: float, sensors: int = 3) -> Filled:
    """A freezer reading as the seed's producer sends it: key sensorN, value like -3.21."""
    sensor = f"sensor{rng.randrange(sensors)}"
    return Filled(sensor, encode(sensor, rng.uniform(-5, 5), "plain", now).decode(), False)


def json_template(rng: random.Random, now: float, sensors: int = 3) -> Filled:
    """A JSON reading ({sensor, temperature, ts}), pretty-printed, for JSON mode."""
    sensor = f"sensor{rng.randrange(sensors)}"
    raw = encode(sensor, round(rng.uniform(-5, 5), 2), "json", now).decode()
    return Filled(sensor, pretty_json(raw), True)


# -- delivery errors in words ---------------------------------------------------------------

ERROR_MEANINGS: dict[str, str] = {
    "_MSG_TIMED_OUT": "librdkafka gave up after message.timeout.ms without an acknowledgement "
    "(broker down, no leader, or too few in-sync replicas for too long); the message may or may "
    "not be in the log.",
    "_TIMED_OUT": "the request timed out before the broker answered.",
    "MSG_SIZE_TOO_LARGE": "the message (batch) is larger than the topic's max.message.bytes or "
    "the client's message.max.bytes; it was not written.",
    "RECORD_LIST_TOO_LARGE": "the produce request was larger than the broker accepts.",
    "NOT_ENOUGH_REPLICAS": "acks=all needs min.insync.replicas copies and fewer replicas are in "
    "sync now; the message was not written.",
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND": "the leader wrote the message but too few replicas were "
    "in sync to confirm it; a retry may write it twice unless idempotence is on.",
    "UNKNOWN_TOPIC_OR_PART": "the broker does not know this topic or partition (deleted, not "
    "created yet, or a partition number out of range).",
    "_UNKNOWN_TOPIC": "the topic is not in the cluster's metadata and was not auto-created.",
    "_UNKNOWN_PARTITION": "the topic has no partition with that number.",
    "TOPIC_AUTHORIZATION_FAILED": "these credentials may not write to this topic (ACL).",
    "CLUSTER_AUTHORIZATION_FAILED": "these credentials may not use the idempotent producer "
    "(IdempotentWrite on the cluster); turn idempotence off or ask for that ACL.",
    "NOT_LEADER_OR_FOLLOWER": "the broker is no longer the partition's leader (leadership moved); "
    "librdkafka retries on the new leader until message.timeout.ms.",
    "NOT_LEADER_FOR_PARTITION": "the broker is no longer the partition's leader (leadership "
    "moved); librdkafka retries on the new leader until message.timeout.ms.",
    "LEADER_NOT_AVAILABLE": "the partition has no leader right now (an election is under way).",
    "REQUEST_TIMED_OUT": "the broker did not answer within request.timeout.ms.",
    "_TRANSPORT": "the connection to the broker broke while the message was in flight.",
    "_ALL_BROKERS_DOWN": "no broker of the cluster can be reached.",
    "_PURGE_QUEUE": "the producer was closed before the message left the local queue.",
    "_PURGE_INFLIGHT": "the producer was closed while the message was in flight; it may or may not have been written.",
    "OUT_OF_ORDER_SEQUENCE_NUMBER": "the broker saw a gap in the idempotent producer's sequence "
    "numbers (a message was lost in flight); librdkafka stops rather than reorder.",
    "DUPLICATE_SEQUENCE_NUMBER": "the broker already had this batch; the idempotent producer "
    "treats it as written once.",
    "_FATAL": "the idempotent producer hit a fatal error and cannot go on; the next send rebuilds it.",
    "INVALID_RECORD": "the broker refused the record (a compacted topic needs a key, for example).",
    "CORRUPT_MESSAGE": "the broker found the record corrupt (or a compacted topic got no key).",
    "_QUEUE_FULL": "the local queue is full; a burst waits for deliveries and retries, nothing is dropped.",
    "KAFKA_STORAGE_ERROR": "the broker's disk failed for this partition.",
    "POLICY_VIOLATION": "a broker-side policy refused the request.",
    "INVALID_REQUIRED_ACKS": "the broker does not accept this acks value.",
    "_INVALID_ARG": "librdkafka refused the message's arguments.",
    "_STATE": "the producer is in a state that does not accept messages (closing or fatal).",
}


def explain(name: str, text: str = "") -> str:
    """A sentence on what librdkafka error `name` means for the message."""
    meaning = ERROR_MEANINGS.get(name)
    if meaning:
        return meaning
    return f"librdkafka reported {name}" + (f": {text}" if text else ".")


# -- what crosses to the UI -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One delivery report as the table shows it."""

    seq: int
    ts: float
    topic: str
    partition: int | None
    offset: int | None  # None: no offset (acks=0, or failed)
    key: str
    latency_ms: float | None
    error: str | None = None  # librdkafka error name
    error_text: str = ""
    cause: str = ""  # the likely cause the cluster shows (e.g. ISR below min.insync.replicas)
    acks: str | None = None  # the acks setting of the producer that sent it (None: not known)

    @property
    def ok(self) -> bool:
        return self.error is None

    def time_text(self) -> str:
        return utc_iso(self.ts)[11:19]

    def meaning(self) -> str:
        if not self.error:
            return ""
        meaning = explain(self.error, self.error_text)
        return f"{meaning} Likely cause: {self.cause}." if self.cause else meaning


@dataclass(frozen=True, slots=True)
class BurstProgress:
    total: int
    produced: int
    delivered: int
    failed: int
    elapsed: float  # seconds from the first message to the last report (or now)
    done: bool = False
    stopped: bool = False
    rate_target: float | None = None

    @property
    def reported(self) -> int:
        return self.delivered + self.failed

    @property
    def achieved_rate(self) -> float:
        return self.reported / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> str:
        """One short line beside the progress bar."""
        state = "stopped" if self.stopped else "done" if self.done else "sending"
        failed = f", {self.failed:,} failed" if self.failed else ""
        return f"{state} {self.reported:,}/{self.total:,}{failed}, {self.achieved_rate:,.0f}/s"

    def describe(self) -> str:
        state = "stopped" if self.stopped else "done" if self.done else "running"
        target = f" (target {self.rate_target:,.0f}/s)" if self.rate_target else ""
        return (
            f"burst {state}: {self.reported:,}/{self.total:,} reported, {self.produced:,} queued, "
            f"{self.failed:,} failed, {self.achieved_rate:,.0f} msgs/s achieved{target}"
        )


@dataclass(frozen=True, slots=True)
class ProducerView(Event):
    """The producer's whole state, a few times a second (a newer one replaces an older one)."""

    COALESCE: ClassVar[bool] = True

    ts: float
    config: ProducerConfig
    partitioner: str = DEFAULT_PARTITIONER
    state: str = "idle"
    queued: int = 0
    delivered: int = 0
    failed: int = 0
    in_flight: int = 0
    reports: tuple[DeliveryReport, ...] = ()  # newest first
    last_failure: DeliveryReport | None = None
    errors: tuple[tuple[str, int], ...] = ()
    burst: BurstProgress | None = None
    facts: tuple[TopicFacts, ...] = ()
    notes: tuple[str, ...] = ()
    read_only: bool = False
    subjects: tuple[str, ...] = ()  # the Schema Registry's subjects (the schema row's completions)


@dataclass(frozen=True, slots=True)
class ProducerNotice(Event):
    """A sentence for the user: a refused send, a rebuilt producer (not coalesced)."""

    ts: float
    text: str
    error: bool = False
    field: str = ""


# -- commands -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Produce(Command):
    WRITES: ClassVar[bool] = True
    request: ProduceRequest


@dataclass(frozen=True, slots=True)
class Configure(Command):
    """New toggles: flush what is in flight, then rebuild the producer with `config`."""

    config: ProducerConfig


@dataclass(frozen=True, slots=True)
class StopBurst(Command):
    """Stop queueing the running burst (what is already queued is still delivered)."""


@dataclass(frozen=True, slots=True)
class InspectTopic(Command):
    """Learn a topic's size limit (DescribeConfigs) before the user sends."""

    topic: str


@dataclass(slots=True)
class ErrorTally:
    """Counts of failed deliveries by librdkafka error name (worker side)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def items(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])))
