"""Export what a pane shows: CSV or JSON lines, one table at a time.

Pure: a table is its column names and an iterable of rows (each cell a string, a number, a
bool or None); the writer (tui/export.py) streams the lines this module makes to a file. Cells
are the text the pane shows, made inert (no control character, so one record is one line);
record keys and values are escaped as the message viewer shows them, whole (never cut to a
column width). Nothing of the settings goes in: only the rows.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from kafkatui.domain.freezer import SensorRow
from kafkatui.domain.groups import DescribeRow, GroupRow
from kafkatui.domain.message_viewer import Record
from kafkatui.domain.partitions import PartitionRow
from kafkatui.domain.text import escape_raw
from kafkatui.domain.topic_list import TopicRow

Cell = str | int | float | bool | None
Row = tuple[Cell, ...]

PARTIAL_SUFFIX = ".partial"  # a file not finished (cancelled or failed) keeps this ending


class Format(Enum):
    CSV = "csv"
    JSONL = "jsonl"

    @property
    def extension(self) -> str:
        return f".{self.value}"


def format_of(path: str) -> Format | None:
    """The format a file name asks for: .csv, or .jsonl / .json / .ndjson for JSON lines."""
    lower = path.lower()
    if lower.endswith(".csv"):
        return Format.CSV
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return Format.JSONL
    return None


@dataclass(frozen=True)
class ExportSource:
    """One table a pane can export: what to call it, and how to make its rows (called on the
    writer's thread, over immutable data)."""

    label: str  # shown in the export dialog, e.g. "Topics list (412 rows)"
    kind: str  # for the default file name: "topics", "group", "records", ...
    subject: str  # the topic/group it is about, or ""
    columns: tuple[str, ...]
    rows: Callable[[], Iterable[Row]]
    count: int | None = None  # rows expected, for the progress (None: unknown)


def csv_header(columns: Sequence[str]) -> str:
    return _csv_line(columns)


def csv_row(row: Row) -> str:
    return _csv_line([_csv_cell(c) for c in row])


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""  # unknown stays empty, never 0
    if isinstance(cell, bool):
        return "true" if cell else "false"
    text = _plain(cell)
    if isinstance(cell, str) and text[:1] in _FORMULA and text != "-" and not _is_number(text):
        # a spreadsheet would run it as a formula (CSV injection): kept as text; a lone "-" (the
        # tools' "unknown") and numbers are no formula
        return "'" + text
    return text


_FORMULA = ("=", "+", "-", "@")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_line(cells: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def jsonl_row(columns: Sequence[str], row: Row) -> str:
    if len(columns) != len(row):
        raise ValueError(f"a row of {len(row)} cells for {len(columns)} columns")
    data = {name: _json_cell(c) for name, c in zip(columns, row, strict=True)}
    return _json_encode(data) + "\n"


_json_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps with options builds one per call


def _json_cell(cell: Cell) -> Cell:
    if isinstance(cell, float) and not math.isfinite(cell):
        return None  # JSON has no NaN or infinity
    return cell if isinstance(cell, bool | int | float) or cell is None else _plain(cell)


def lines(fmt: Format, columns: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """The file's lines: CSV with a header line, or one JSON object per row."""
    if fmt is Format.CSV:
        yield csv_header(columns)
        buffer = io.StringIO()  # one writer for the whole file: a row costs its cells, not a writer
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"a row of {len(row)} cells for {len(columns)} columns")
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([_csv_cell(c) for c in row])
            yield buffer.getvalue()
        return
    for row in rows:
        yield jsonl_row(columns, row)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(value: object) -> str:
    """A cell as one line of text: a control character (a newline in a group name, an ESC)
    is shown escaped, as on screen."""
    text = str(value)
    if text.isprintable():  # the common case, checked in C: no control character, no line separator
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def default_name(kind: str, subject: str, when: float, fmt: Format) -> str:
    """`kafkatui-<kind>-<subject>-<UTC time>.<ext>`: names only from safe characters."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(when))
    parts = ["kafkatui", kind] + ([subject] if subject else []) + [stamp]
    name = "-".join(_UNSAFE.sub("_", p).strip("._") or "_" for p in parts)
    return name[:200] + fmt.extension


# -- records (the message viewer), decoded as the viewer shows them, never cut -----------------

RECORD_COLUMNS = (
    "partition", "offset", "timestamp_ms", "timestamp", "key", "value", "headers", "value_cut", "schema",
)  # fmt: skip


def record_row(
    partition: int,
    offset: int,
    timestamp_ms: int,
    timestamp: str,
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes | None]],
    value_size: int,
    key_decoded: str | None = None,
    value_decoded: str | None = None,
    schema: str = "",
) -> Row:
    """One record: key and value as the viewer shows them (a Schema Registry record as its
    decoded JSON; else text stays text, other bytes escaped; None is null), headers as
    `name=value` joined by `; `, and which schema decoded it."""
    shown_headers = "; ".join(
        f"{escape_raw(name.encode('utf-8', 'surrogateescape'), _whole(name.encode('utf-8', 'surrogateescape')))}="
        f"{escape_raw(raw, _whole(raw))}"
        for name, raw in headers
    )
    return (
        partition,
        offset,
        timestamp_ms if timestamp_ms >= 0 else None,
        timestamp if timestamp_ms >= 0 else None,
        key_decoded if key_decoded is not None else None if key is None else escape_raw(key, _whole(key)),
        value_decoded if value_decoded is not None else None if value is None else escape_raw(value, _whole(value)),
        shown_headers,
        value is not None and value_size > len(value),
        schema or None,
    )


def _whole(raw: bytes | None) -> int:
    return 4 * len(raw or b"") + 1  # an escape is at most 4 characters a byte: never cut


# -- the tables each pane exports (raw values where the pane shows a number) ------------------


def _ids(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values)


def _iso(ts: float) -> str:
    return _iso_second(math.floor(ts)) + f".{int(ts * 1000) % 1000:03d}Z"


@functools.lru_cache(maxsize=4096)
def _iso_second(second: int) -> str:
    """The records of one second share their date and time to the second (an export's rows come
    by the thousand from the same seconds): formatted once."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


TOPIC_COLUMNS = (
    "topic", "partitions", "replication_factor", "under_replicated", "offline", "messages",
    "retention_ms", "cleanup_policy", "internal", "error",
)  # fmt: skip


def topic_rows(rows: Iterable[TopicRow]) -> Iterator[Row]:
    for r in rows:
        yield (
            r.name, r.partitions, r.replication_factor, r.under_replicated, r.offline, r.messages,
            r.retention_ms, r.cleanup, r.internal, r.error,
        )  # fmt: skip


PARTITION_COLUMNS = (
    "topic", "partition", "leader", "replicas", "isr", "offline_replicas", "low_offset", "high_offset", "messages",
    "state",
)  # fmt: skip


def partition_export_rows(topic: str, rows: Iterable[PartitionRow]) -> Iterator[Row]:
    for r in rows:
        state = ", ".join(sorted(f.value for f in r.flags)) or "ok"
        yield (
            topic,
            r.partition,
            None if r.leader < 0 else r.leader,
            _ids(r.replicas),
            _ids(r.isr),
            _ids(r.offline_replicas),
            r.mark.low if r.mark else None,
            r.mark.high if r.mark else None,
            r.messages,
            state,
        )


GROUP_COLUMNS = (
    "group", "state", "protocol", "members", "topics", "lag", "lag_unknown", "consume_rate_per_s",
    "produce_rate_per_s", "drain_seconds", "max_lag_seconds", "status", "error",
)  # fmt: skip


def group_rows(groups: Iterable[GroupRow]) -> Iterator[Row]:
    for g in groups:
        yield (
            g.group_id, g.state, g.protocol, g.members, ";".join(g.topics), g.total_lag, g.unknown,
            g.consume_rate, g.produce_rate, g.drain_seconds, g.max_lag_seconds, g.status.value, g.error,
        )  # fmt: skip


# the nine columns of kafka-consumer-groups --describe, then what kafkatui adds
GROUP_DETAIL_COLUMNS = (
    "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID",
    "LAG-SECONDS", "STATUS",
)  # fmt: skip


def group_detail_rows(rows: Iterable[DescribeRow]) -> Iterator[Row]:
    for r in rows:
        yield (*r.tool_cells(), r.lag_seconds, r.status.value)


SENSOR_COLUMNS = (
    "sensor", "last_celsius", "min_celsius", "avg_celsius", "max_celsius", "readings_per_s", "last_seen",
    "status", "limit_min", "limit_max",
)  # fmt: skip


def sensor_rows(rows: Iterable[SensorRow]) -> Iterator[Row]:
    for r in rows:
        yield (r.sensor, r.last, r.vmin, r.avg, r.vmax, r.rate, _iso(r.last_seen), r.status.value, r.tmin, r.tmax)


READING_COLUMNS = ("sensor", "ts", "time", "celsius")


def reading_rows(chart: Iterable[tuple[str, Iterable[tuple[float, float]]]]) -> Iterator[Row]:
    for sensor, points in chart:
        for ts, celsius in points:
            yield (sensor, ts, _iso(ts), celsius)


def records_rows(records: Iterable[Record]) -> Iterator[Row]:
    for r in records:
        ts = _iso(r.timestamp_ms / 1000.0) if r.timestamp_ms >= 0 else ""
        yield record_row(
            r.partition, r.offset, r.timestamp_ms, ts, r.key, r.value, r.headers, r.value_size,
            r.key_decoded, r.value_decoded, r.schema,
        )  # fmt: skip
