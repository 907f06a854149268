"""The Freezer pane's field mapping in use, and the field picker's data (pure).

The freezer feed keeps a small sample of recent record values. Asked with `ListFields`, it
decodes them and answers `FieldsFound`: every numeric field seen, with a sample value and how
many of the sampled records hold it. `SetValueField` swaps the temperature field at once; the
feed clears the chart's series so values of two fields are never mixed, and sends the new
`MappingView`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.fields import numeric_fields
from kafkatui.domain.readings import DEFAULT_SENSOR_FIELDS, DEFAULT_TIME_FIELDS, ParseRules, reads_as_number

FIELDS_PER_RECORD = 50  # numeric fields looked at in one sampled record
FIELDS_LISTED = 40  # rows the picker lists at most


@dataclass(frozen=True, slots=True)
class ListFields(Command):
    """Ask the freezer feed for the numeric fields of its recent records (answered by `FieldsFound`)."""


@dataclass(frozen=True, slots=True)
class SetValueField(Command):
    """Chart this field (a path) from now on; None: back to the built-in field names."""

    path: str | None


@dataclass(frozen=True, slots=True)
class FieldStat:
    path: str
    sample: str  # the newest value seen, as written ("-19.5", "-4 °F")
    count: int  # sampled records holding it


@dataclass(frozen=True, slots=True)
class FieldsFound(Event):
    """The freezer feed's answer to `ListFields`."""

    fields: tuple[FieldStat, ...]  # most common first, then in record order
    records: int  # records sampled (the denominator of `FieldStat.count`)
    decoded: int  # of them, the ones that were objects or arrays (plain numbers have no field)


@dataclass(frozen=True, slots=True)
class MappingView(Event):
    """The rules the Freezer pane reads records with (sent at start and after a change)."""

    COALESCE: ClassVar[bool] = True
    rules: ParseRules


def summarize(docs: Iterable[object], records: int) -> FieldsFound:
    """`FieldsFound` over decoded record values, oldest first."""
    counts: dict[str, int] = {}
    samples: dict[str, str] = {}
    decoded = 0
    for doc in docs:
        if not isinstance(doc, dict | list | tuple):
            continue
        decoded += 1
        for path, value in numeric_fields(doc, FIELDS_PER_RECORD, reads_as_number):
            counts[path] = counts.get(path, 0) + 1
            samples[path] = value if isinstance(value, str) else f"{value:g}"
    order = {path: i for i, path in enumerate(counts)}
    ranked = sorted(counts, key=lambda p: (-counts[p], order[p]))[:FIELDS_LISTED]
    return FieldsFound(tuple(FieldStat(p, samples[p], counts[p]) for p in ranked), records, decoded)


def _one(fields: tuple[str, ...], default: tuple[str, ...]) -> str:
    return "auto" if fields == default else ", ".join(fields)


def describe(rules: ParseRules) -> str:
    """One short line: ``value temp_c · sensor auto/key · time auto/record · unit °C``; `auto` is the
    built-in list of names (the field picker lists them), `/key` what is used when none is there."""
    value = rules.temp_fields[0] if rules.value_mapped else "auto"
    sensor = _one(rules.sensor_fields, DEFAULT_SENSOR_FIELDS)
    time = _one(rules.time_fields, DEFAULT_TIME_FIELDS)
    unit = "K" if rules.unit == "K" else f"°{rules.unit}"
    return f"value {value} · sensor {sensor}/key · time {time}/record · unit {unit}"
