"""Create, delete and add partitions: the commands, the broker's answer, and a refusal as one
sentence a person can act on.

Pure: no Kafka client, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event


@dataclass(frozen=True, slots=True)
class CreateTopic(Command):
    WRITES: ClassVar[bool] = True
    name: str
    partitions: int
    replication_factor: int
    configs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteTopic(Command):
    WRITES: ClassVar[bool] = True
    name: str


@dataclass(frozen=True, slots=True)
class AddPartitions(Command):
    WRITES: ClassVar[bool] = True
    """Grow `name` to `total` partitions."""

    name: str
    total: int


@dataclass(frozen=True, slots=True)
class ActionResult(Event):
    """The broker's answer to create/delete/add partitions, as a sentence."""

    ts: float
    action: str
    topic: str
    ok: bool
    message: str


VERBS = {"create": "create topic", "delete": "delete topic", "partitions": "add partitions to"}


UNSUPPORTED = "not supported by this cluster"


def explain_failure(
    action: str,
    topic: str,
    code: str,
    text: str,
    *,
    brokers: int | None = None,
    replication_factor: int | None = None,
    timeout: float | None = None,
) -> str:
    """A broker's (or librdkafka's) refusal as one sentence a person can act on.

    `code` is the KafkaError name (``TOPIC_ALREADY_EXISTS``, ``_TIMED_OUT``, …), `text` its
    message.
    """
    verb = VERBS.get(action, action)
    head = f"Cannot {verb} '{topic}'"
    text = " ".join(text.split()).rstrip(".")
    lowered = text.lower()
    if code == "TOPIC_ALREADY_EXISTS":
        return f"{head}: a topic with that name already exists."
    if code == "INVALID_REPLICATION_FACTOR":
        if replication_factor is not None and brokers is not None:
            return (
                f"{head}: replication factor {replication_factor} needs {replication_factor} "
                f"brokers, but only {brokers} {'is' if brokers == 1 else 'are'} available."
            )
        return f"{head}: the replication factor is not possible here ({text})."
    if code in ("TOPIC_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED"):
        return f"{head}: not authorized — the credentials in use lack the ACL for this ({text})."
    if code == "INVALID_PARTITIONS":
        return f"{head}: {text}."
    if code in ("TOPIC_EXCEPTION", "INVALID_TOPIC_EXCEPTION"):
        return f"{head}: Kafka refused the name — {text}."
    if code == "INVALID_CONFIG":
        return f"{head}: Kafka refused a config — {text}."
    if code == "POLICY_VIOLATION":
        return f"{head}: refused by the cluster's topic policy — {text}."
    if code == "UNKNOWN_TOPIC_OR_PART":
        return f"{head}: the topic does not exist (any more)."
    if code == "TOPIC_DELETION_DISABLED":
        return f"{head}: topic deletion is disabled on this cluster (delete.topic.enable=false)."
    if code in ("_UNSUPPORTED_FEATURE", "UNSUPPORTED_VERSION", "INVALID_REQUEST"):
        return f"{head}: {UNSUPPORTED} ({text})."
    if code in ("_TIMED_OUT", "REQUEST_TIMED_OUT"):
        if "controller" in lowered:
            return f"{head}: {UNSUPPORTED} — it names no controller to send the request to."
        wait = f" within {timeout:g} s" if timeout is not None else ""
        return f"{head}: the cluster did not answer{wait}; it may still happen — check after a refresh."
    return f"{head}: {text or code}."
