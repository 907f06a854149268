"""Field paths into decoded records: ``readings.celsius``, ``meta.id``, ``samples.0.v``.

A path is compiled once (`compile_path`) into a tuple of steps: a `str` is an object key, an
`int` is an array index (a digits-only segment; on an object it is the key of those digits).
`lookup` walks a decoded value (JSON, or an Avro / JSON Schema / Protobuf record as dicts and
lists) and never raises. `numeric_fields` lists the paths of the numbers a record holds, for a
reject's hint and the field picker.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["MAX_PATH", "FieldPath", "compile_path", "is_numeric", "lookup", "numeric_fields", "walk"]

MAX_PATH = 200  # characters: a path is typed by a person
MAX_STEPS = 32
WALK_LIMIT = 500  # values looked at when listing a record's numeric fields (a huge record costs no more)
WALK_DEPTH = 8
TEXT_NUMBER = 40  # characters: a longer string is not looked at as a number

Step = str | int


@dataclass(frozen=True, slots=True)
class FieldPath:
    text: str  # as typed (also tried as one literal key: a field named "a.b")
    steps: tuple[Step, ...]
    simple: bool = False  # one step, the text itself: the literal key is the whole lookup


def compile_path(text: str) -> FieldPath:
    """`text` as steps; ValueError with a sentence when it is not a path."""
    path = text.strip()
    if not path:
        raise ValueError("the field path is empty; write field names joined by dots, like readings.celsius")
    if len(path) > MAX_PATH:
        raise ValueError(f"the field path is {len(path)} characters long; at most {MAX_PATH}")
    if not path.isprintable():
        raise ValueError("the field path holds a control character")
    parts = path.split(".")
    if len(parts) > MAX_STEPS:
        raise ValueError(f"the field path has {len(parts)} parts; at most {MAX_STEPS}")
    for number, part in enumerate(parts, start=1):
        if not part.strip():
            raise ValueError(
                f"{path!r}: part {number} is empty; write field names joined by single dots, "
                "like readings.celsius or samples.0.v"
            )
    steps = tuple(int(p) if p.isascii() and p.isdigit() else p.strip() for p in parts)
    return FieldPath(path, steps, steps == (path,))


def lookup(doc: object, path: FieldPath) -> object | None:
    """The value at `path` in `doc`, or None when absent (a null value is absent too)."""
    if isinstance(doc, dict):
        found: object = doc.get(path.text)  # a literal key first: {"a.b": 7}
        if found is not None or path.simple:
            return found
    return walk(doc, path.steps)


def walk(node: object, steps: tuple[Step, ...]) -> object | None:
    """`lookup` without the literal key: the value at the end of `steps`, or None."""
    for step in steps:
        if isinstance(node, dict):
            node = node.get(step if isinstance(step, str) else str(step))
        elif isinstance(node, list | tuple) and isinstance(step, int):
            node = node[step] if step < len(node) else None
        else:
            return None
        if node is None:
            return None
    return node


def is_numeric(value: object) -> bool:
    """A finite number a reading can be made of (a bool is not one)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    return False


def numeric_fields(
    doc: object, limit: int = 3, text: Callable[[str], bool] | None = None
) -> list[tuple[str, float | str]]:
    """The first `limit` (path, value) pairs of numbers in `doc`, in document order.

    Numbers, and the strings `text` says are numbers ("-4 °F"), kept as written. At most
    `WALK_LIMIT` values are looked at and `WALK_DEPTH` levels deep.
    """
    found: list[tuple[str, float | str]] = []
    budget = WALK_LIMIT
    stack: list[tuple[str, object, int]] = [("", doc, 0)]
    while stack and len(found) < limit and budget > 0:
        prefix, node, depth = stack.pop()
        budget -= 1
        if isinstance(node, dict):
            items: list[tuple[str, object]] = [(str(k), v) for k, v in node.items()]
        elif isinstance(node, list | tuple):
            items = [(str(i), v) for i, v in enumerate(node)]
        else:
            if not prefix:
                continue
            if is_numeric(node):
                found.append((prefix, float(node)))  # type: ignore[arg-type]  # is_numeric: a real number
            elif text is not None and isinstance(node, str) and len(node) <= TEXT_NUMBER and text(node):
                found.append((prefix, node.strip()))
            continue
        if depth >= WALK_DEPTH:
            continue
        # reversed: the stack pops the first child first (document order)
        for name, value in reversed(items[:WALK_LIMIT]):
            stack.append((f"{prefix}.{name}" if prefix else name, value, depth + 1))
    return found
