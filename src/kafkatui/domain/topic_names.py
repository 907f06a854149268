"""Kafka's rules for topic names (``org.apache.kafka.common.internals.Topic``), as sentences.

- legal characters: ASCII letters and digits, ``.``, ``_`` and ``-``;
- at most 249 characters, and neither ``.`` nor ``..``;
- ``.`` and ``_`` collide in metric names: ``a.b`` and ``a_b`` cannot both exist, and a name
  that mixes them is legal but warned about (as ``kafka-topics --create`` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LENGTH = 249
_LEGAL = re.compile(r"^[A-Za-z0-9._-]+$")
_ILLEGAL_CHAR = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class NameCheck:
    """`error` refuses the name; `warnings` are shown but allow it."""

    error: str | None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def metric_name(name: str) -> str:
    """The form Kafka compares for collisions: dots become underscores."""
    return name.replace(".", "_")


def check_topic_name(name: str, existing: Iterable[str] = ()) -> NameCheck:
    """Kafka's validation of a new topic name, plus collisions with `existing` topics."""
    if not name:
        return NameCheck("the topic name is empty")
    if name in (".", ".."):
        return NameCheck(f"'{name}' is not allowed as a topic name")
    if len(name) > MAX_LENGTH:
        return NameCheck(f"the name is {len(name)} characters long; Kafka allows at most {MAX_LENGTH}")
    if not _LEGAL.match(name):
        bad = sorted(set(_ILLEGAL_CHAR.findall(name)))
        shown = " ".join(repr(c) for c in bad[:5])
        return NameCheck(f"{shown} not allowed: use only ASCII letters, digits, '.', '_' and '-'")
    warnings: list[str] = []
    names = set(existing)
    if name in names:
        return NameCheck(f"topic '{name}' already exists")
    collides = sorted(n for n in names if metric_name(n) == metric_name(name))
    if collides:
        return NameCheck(
            f"'{name}' collides with the existing topic '{collides[0]}' ('.' and '_' are the "
            "same in Kafka's metric names)"
        )
    if "." in name and "_" in name:
        warnings.append("the name mixes '.' and '_': they collide in metric names, so better use one of them")
    return NameCheck(None, tuple(warnings))
