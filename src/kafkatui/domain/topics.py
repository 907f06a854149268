"""The Topics pane's data: topic rows, partition detail, configs, actions and the message viewer.

Pure: no Kafka client, no UI. The worker builds `TopicsView` / `MessagesView` / `ActionResult`
from what the brokers said; the pane renders them. Everything that is a rule (which partition
is under-replicated, how a broker's refusal reads, how a record's bytes are shown, what a
filter matches) lives here so it is tested without a broker.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, StrEnum
from itertools import pairwise
from typing import ClassVar

from kafkatui.domain.commands import Command
from kafkatui.domain.events import Event
from kafkatui.domain.freezer import parse_duration
from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.partitioner import DEFAULT as DEFAULT_PARTITIONER
from kafkatui.domain.partitioner import describe as describe_partitioner
from kafkatui.domain.partitioner import predict
from kafkatui.domain.readings import escape_raw, utc_iso
from kafkatui.domain.text import NAME_LIMIT, inert, inert_lines

TOPIC_LIMIT = 249  # Kafka's longest topic name; the list's column is capped narrower

# --------------------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class TopicsActive(Command):
    """The Topics pane is shown (True) or hidden: watermarks and configs are fetched only while shown."""

    active: bool


@dataclass(frozen=True, slots=True)
class SelectTopic(Command):
    """Fetch the full configs of this topic (None: no topic selected)."""

    name: str | None


@dataclass(frozen=True, slots=True)
class ShowTopics(Command):
    """The topics on screen: their retention/cleanup columns are fetched before the others.
    `urgent`: the list is sorted by one of those columns, so fetch the rest quickly too."""

    names: tuple[str, ...]
    urgent: bool = False


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


class StartMode(StrEnum):
    END = "end"
    BEGINNING = "beginning"
    OFFSET = "offset"
    TIMESTAMP = "timestamp"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class StartAt:
    """Where the message viewer starts. `value`: an offset, epoch ms, or N for LAST."""

    mode: StartMode = StartMode.END
    value: int = 0

    def describe(self) -> str:
        if self.mode is StartMode.END:
            return "from the end (live tail)"
        if self.mode is StartMode.BEGINNING:
            return "from the beginning"
        if self.mode is StartMode.OFFSET:
            return f"from offset {self.value}"
        if self.mode is StartMode.TIMESTAMP:
            return f"from {utc_iso(self.value / 1000.0)}"
        return f"the last {self.value} per partition"


@dataclass(frozen=True, slots=True)
class ViewMessages(Command):
    """Open the message viewer on `topic` (one `partition`, or all when None)."""

    topic: str
    partition: int | None = None
    start: StartAt = StartAt()
    filter: str = ""


@dataclass(frozen=True, slots=True)
class FilterMessages(Command):
    text: str


@dataclass(frozen=True, slots=True)
class StopMessages(Command):
    """Close the viewer's consumer."""


# --------------------------------------------------------------------------- topics list

INTERNAL_NAMES = ("_schemas",)
KEY_CONFIGS = ("retention.ms", "cleanup.policy")


def is_internal(topic: TopicInfo) -> bool:
    """Kafka's own (`__consumer_offsets`, …) and well-known infrastructure topics."""
    return topic.internal or topic.name.startswith("__") or topic.name in INTERNAL_NAMES


@dataclass(frozen=True, slots=True)
class Watermark:
    low: int
    high: int

    @property
    def messages(self) -> int:
        return max(0, self.high - self.low)


@dataclass(frozen=True, slots=True)
class TopicRow:
    name: str
    partitions: int
    replication_factor: int
    under_replicated: int
    offline: int
    messages: int | None  # None: watermarks not (yet) known
    retention_ms: int | None
    cleanup: str | None
    internal: bool
    error: str | None = None


COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "TOPIC"),
    ("partitions", "PARTS"),
    ("replication_factor", "RF"),
    ("under_replicated", "URP"),
    ("offline", "OFFLINE"),
    ("messages", "MESSAGES"),
    ("retention_ms", "RETENTION"),
    ("cleanup", "CLEANUP"),
)
COLUMN_KEYS = tuple(k for k, _ in COLUMNS)


def topic_row(
    topic: TopicInfo,
    marks: Mapping[int, Watermark] | None,
    config: Mapping[str, str] | None,
) -> TopicRow:
    """One topic's row: its partitions, counts (when every partition's watermarks are known), configs."""
    messages: int | None = None
    if marks and all(p.id in marks for p in topic.partitions):
        messages = sum(marks[p.id].messages for p in topic.partitions)
    cfg = config or {}
    return TopicRow(
        name=topic.name,
        partitions=len(topic.partitions),
        replication_factor=topic.replication_factor,
        under_replicated=topic.under_replicated,
        offline=topic.offline,
        messages=messages,
        retention_ms=_int_or_none(cfg.get("retention.ms")),
        cleanup=cfg.get("cleanup.policy"),
        internal=is_internal(topic),
        error=topic.error,
    )


class RowCache:
    """Rows rebuilt only for the topics whose inputs changed (by identity), for big clusters.

    Inputs are immutable values that are *replaced* when they change: a TopicInfo (the
    metadata layer reuses the object while the brokers say the same), one topic's watermark
    mapping, one topic's key configs. A topic whose three inputs are the very objects of last
    time keeps its row object; when no row changed, `rows` returns the previous tuple itself,
    so a consumer can tell "nothing changed" with `is`.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[TopicInfo, object, object, TopicRow]] = {}
        self._last: tuple[TopicRow, ...] = ()
        self.rebuilt = 0  # rows built by the last call (for tests and benchmarks)

    def rows(
        self,
        topics: Sequence[TopicInfo],
        marks: Mapping[str, Mapping[int, Watermark]],
        key_configs: Mapping[str, Mapping[str, str]],
    ) -> tuple[TopicRow, ...]:
        cache = self._cache
        last = self._last
        same = len(topics) == len(last)
        out: list[TopicRow] = []
        rebuilt = 0
        for i, topic in enumerate(topics):
            name = topic.name
            m = marks.get(name)
            c = key_configs.get(name)
            hit = cache.get(name)
            if hit is not None and hit[0] is topic and hit[1] is m and hit[2] is c:
                row = hit[3]
            else:
                row = topic_row(topic, m, c)
                cache[name] = (topic, m, c, row)
                rebuilt += 1
            if same and last[i] is not row:
                same = False
            out.append(row)
        self.rebuilt = rebuilt
        if same:
            return last
        if len(cache) > len(out):
            names = {r.name for r in out}
            self._cache = {n: v for n, v in cache.items() if n in names}
        self._last = tuple(out)
        return self._last


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def sort_rows(rows: list[TopicRow], column: str, descending: bool = False) -> list[TopicRow]:
    """Sort by one column; unknown values (None) always last, ties by name."""
    if column not in COLUMN_KEYS:
        raise ValueError(f"unknown column {column!r}")
    if column == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    known = [r for r in rows if getattr(r, column) is not None]
    unknown = [r for r in rows if getattr(r, column) is None]
    known.sort(key=lambda r: r.name)
    known.sort(key=lambda r: getattr(r, column), reverse=descending)
    unknown.sort(key=lambda r: r.name)
    return known + unknown


def human_count(n: int | None) -> str:
    if n is None:
        return "…"
    return f"{n:,}"


def human_ms(ms: int | None) -> str:
    """retention.ms as a person says it: 7d, 12h, 90s, forever."""
    if ms is None:
        return "-"
    if ms < 0:
        return "forever"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms >= size and ms % size == 0:
            return f"{ms // size}{unit}"
    if ms >= 1000:
        return f"{ms / 1000:g}s"
    return f"{ms}ms"


def row_cells(row: TopicRow) -> tuple[str, ...]:
    """The list's cells; the name and cleanup policy come from the broker: inert."""
    return (
        inert(row.name, TOPIC_LIMIT),
        str(row.partitions),
        str(row.replication_factor),
        str(row.under_replicated),
        str(row.offline),
        # unknown is unknown: an offline partition has no watermarks to wait for ("…" is "coming")
        "unknown" if row.messages is None and row.offline else human_count(row.messages),
        human_ms(row.retention_ms),
        inert(row.cleanup, NAME_LIMIT) if row.cleanup else "-",
    )


class TopicList:
    """The list as the pane shows it, prepared once per rows tuple so that a filter
    keystroke over 5,000 topics is one pass over prepared entries: no cells are made, nothing
    is measured, and a list already in name order is not sorted again.

    A row's cells, their widths and its lowered name are kept while the same row object comes
    again (the worker keeps an unchanged topic's row object from view to view)."""

    def __init__(self) -> None:
        self.rows: tuple[TopicRow, ...] | None = None  # the tuple prepared
        # (row, cells, cell widths, lowered name), in the order of `rows`
        self._entries: list[tuple[TopicRow, tuple[str, ...], tuple[int, ...], str]] = []
        self._known: dict[str, tuple[TopicRow, tuple[str, ...], tuple[int, ...], str]] = {}
        self._in_name_order = True
        self.widths: list[int] = [len(label) for _, label in COLUMNS]  # fit every row, hidden or not
        self.internal = 0  # internal topics among the rows

    def entry(self, row: TopicRow) -> tuple[TopicRow, tuple[str, ...], tuple[int, ...], str]:
        known = self._known.get(row.name)
        if known is None or known[0] is not row:
            cells = row_cells(row)
            known = (row, cells, tuple(len(c) for c in cells), row.name.lower())
            self._known[row.name] = known
        return known

    def cells(self, row: TopicRow) -> tuple[str, ...]:
        return self.entry(row)[1]

    def prepare(self, rows: tuple[TopicRow, ...]) -> None:
        if rows is self.rows:
            return
        entries = [self.entry(r) for r in rows]
        if len(self._known) > 2 * len(entries) + 64:  # forget topics gone for good
            names = {r.name for r in rows}
            self._known = {n: e for n, e in self._known.items() if n in names}
        widths = [len(label) for _, label in COLUMNS]
        if entries:
            for i, column in enumerate(zip(*(e[2] for e in entries), strict=True)):
                widths[i] = max(widths[i], max(column))
        self.rows = rows
        self._entries = entries
        self.widths = widths
        self._in_name_order = all(a.name < b.name for a, b in pairwise(rows))
        self.internal = sum(1 for r in rows if r.internal)

    def visible(
        self, text: str, show_internal: bool, column: str = "name", descending: bool = False
    ) -> list[tuple[TopicRow, tuple[str, ...]]]:
        """(row, cells) of the rows shown, in `sort_rows` order: internal topics only with
        `show_internal`, and only names holding every word of `text` (case-insensitive)."""
        words = text.lower().split()
        entries = self._entries
        if not show_internal:
            entries = [e for e in entries if not e[0].internal]
        if len(words) == 1:
            word = words[0]
            entries = [e for e in entries if word in e[3]]
        elif words:
            entries = [e for e in entries if all(w in e[3] for w in words)]
        if column == "name" and self._in_name_order:
            shown = [(e[0], e[1]) for e in (reversed(entries) if descending else entries)]
        else:
            by_name = {e[0].name: e for e in entries}
            shown = [(r, by_name[r.name][1]) for r in sort_rows([e[0] for e in entries], column, descending)]
        return shown


# --------------------------------------------------------------------------- partitions


class Flag(Enum):
    OFFLINE = "offline"
    UNDER_REPLICATED = "under-replicated"
    NOT_PREFERRED = "leader not preferred"


LEGEND: tuple[tuple[Flag, str], ...] = (
    (Flag.OFFLINE, "no leader: the partition can be neither read nor written"),
    (Flag.UNDER_REPLICATED, "fewer in-sync replicas (ISR) than replicas: a copy is missing"),
    (Flag.NOT_PREFERRED, "the leader is not the first (preferred) replica: leadership moved"),
)


@dataclass(frozen=True, slots=True)
class PartitionRow:
    partition: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    offline_replicas: tuple[int, ...]
    mark: Watermark | None
    flags: frozenset[Flag]

    @property
    def messages(self) -> int | None:
        return self.mark.messages if self.mark else None


def partition_flags(p: PartitionInfo) -> frozenset[Flag]:
    flags = set()
    if p.offline:
        flags.add(Flag.OFFLINE)
    if p.under_replicated:
        flags.add(Flag.UNDER_REPLICATED)
    if not p.offline and p.replicas and not p.preferred_leader:
        flags.add(Flag.NOT_PREFERRED)
    return frozenset(flags)


def partition_rows(topic: TopicInfo, marks: Mapping[int, Watermark] | None) -> tuple[PartitionRow, ...]:
    marks = marks or {}
    return tuple(
        PartitionRow(
            p.id,
            p.leader,
            p.replicas,
            p.isr,
            p.offline_replicas,
            marks.get(p.id),
            partition_flags(p),
        )
        for p in topic.partitions
    )


def ids(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values) if values else "-"


# --------------------------------------------------------------------------- configs


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    name: str
    value: str | None  # None: sensitive or unset
    source: str  # in words: "topic override", "Kafka default", ...
    is_default: bool
    read_only: bool = False
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class TopicConfigs:
    topic: str
    entries: tuple[ConfigEntry, ...] = ()
    error: str | None = None  # a sentence when the configs could not be read


# --------------------------------------------------------------------------- the list view


@dataclass(frozen=True, slots=True)
class TopicsView(Event):
    """Everything the Topics pane shows, as one immutable value (newer replaces older)."""

    COALESCE: ClassVar[bool] = True

    ts: float
    metadata_ts: float
    rows: tuple[TopicRow, ...]
    topics: Mapping[str, TopicInfo]
    marks: Mapping[str, Mapping[int, Watermark]]
    marks_ts: float | None
    brokers_up: int
    selected: TopicConfigs | None = None
    unavailable: Mapping[str, str] = field(default_factory=dict)  # action -> why not
    notes: tuple[str, ...] = ()  # problems reading watermarks or configs, in words
    read_only: bool = False
    is_mock: bool = False


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


# --------------------------------------------------------------------------- message viewer


def parse_start(mode: StartMode, text: str, now: float) -> StartAt:
    """The viewer form's start field -> StartAt; ValueError with a sentence when bad.

    OFFSET: a number ≥ 0. LAST: N ≥ 1. TIMESTAMP: ISO time (UTC unless it has an offset),
    epoch milliseconds, or a duration ago such as ``10m``.
    """
    text = text.strip()
    if mode in (StartMode.END, StartMode.BEGINNING):
        return StartAt(mode)
    if mode is StartMode.OFFSET:
        if not text.isdigit():
            raise ValueError(f"'{text}' is not an offset (a whole number ≥ 0)")
        return StartAt(mode, int(text))
    if mode is StartMode.LAST:
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"'{text}' is not a count (a whole number ≥ 1)")
        return StartAt(mode, int(text))
    if not text:
        raise ValueError("give a time: 2026-11-21T08:00:00, epoch ms, or 10m (ago)")
    if text.isdigit() and len(text) >= 10:
        value = int(text)
        return StartAt(mode, value if len(text) >= 13 else value * 1000)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            ago = parse_duration(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a time: use 2026-11-21T08:00:00 (UTC), epoch ms, or 10m (ago)") from None
        return StartAt(mode, int((now - ago) * 1000))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return StartAt(mode, int(moment.timestamp() * 1000))


@dataclass(frozen=True, slots=True)
class Record:
    partition: int
    offset: int
    timestamp_ms: int  # -1: none
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...] = ()
    value_size: int = 0  # the original size when `value` was cut to MAX_VALUE bytes

    @property
    def row_key(self) -> str:
        return f"{self.partition}:{self.offset}"


MAX_VALUE = 256 * 1024  # bytes kept per record; the viewer says when a value was cut


def matches(record: Record, needle: bytes, fold: bool) -> bool:
    """Substring `needle` in key, value or any header name/value (`fold`: ASCII case-insensitive)."""
    parts: list[bytes] = [record.key or b"", record.value or b""]
    for name, value in record.headers:
        parts.append(name.encode("utf-8", "surrogateescape"))
        parts.append(value or b"")
    if fold:
        return any(needle in p.lower() for p in parts)
    return any(needle in p for p in parts)


def filter_needle(text: str) -> tuple[bytes, bool]:
    """Smart case: an all-lowercase filter ignores case, one with a capital does not."""
    return text.encode("utf-8"), text == text.lower()


class MessageBuffer:
    """The viewer's bounded rows: the last `size` records, and the last `size` that match."""

    def __init__(self, size: int = 500, recent: int = 5000) -> None:
        self.size = size
        self.recent: deque[Record] = deque(maxlen=recent)  # unfiltered, to re-filter on change
        self.shown: deque[Record] = deque(maxlen=size)
        self.filter = ""
        self._needle = b""
        self._fold = True
        self.consumed = 0
        self.matched = 0

    def set_filter(self, text: str) -> None:
        self.filter = text
        self._needle, self._fold = filter_needle(text)
        self.shown.clear()
        self.matched = 0
        for record in self.recent:
            if self.accept(record):
                self.shown.append(record)
                self.matched += 1

    def accept(self, record: Record) -> bool:
        return not self._needle or matches(record, self._needle, self._fold)

    def add(self, records: Sequence[Record], consumed: int | None = None) -> None:
        """`records`: the newest of a batch (the caller may drop older ones it will not show)."""
        self.consumed += len(records) if consumed is None else consumed
        self.recent.extend(records)
        if not self._needle:
            self.shown.extend(records)
            self.matched += len(records) if consumed is None else consumed
            return
        for record in records:
            if matches(record, self._needle, self._fold):
                self.shown.append(record)
                self.matched += 1

    def clear(self) -> None:
        self.recent.clear()
        self.shown.clear()
        self.consumed = self.matched = 0


@dataclass(frozen=True, slots=True)
class MessagesView(Event):
    COALESCE: ClassVar[bool] = True

    ts: float
    topic: str
    partition: int | None
    start: StartAt
    records: tuple[Record, ...]  # oldest first
    consumed: int
    matched: int
    rate: float  # records per second over the last seconds
    filter: str
    state: str  # "starting", "reading", or a sentence about what went wrong
    error: bool = False


def pretty(raw: bytes | None) -> tuple[str, str]:
    """A record field in full: ("json", indented), ("text", as is) or ("bytes", escaped).

    Whole, but inert: line breaks stay, every other control character (ESC, BEL, C1, bidi
    overrides — json.dumps leaves the last two as they are) shows as an escape."""
    if raw is None:
        return "null", "(null)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes", escape_raw(raw, max(1, len(raw) * 4 + 1))
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return "json", inert_lines(json.dumps(json.loads(stripped), indent=2, ensure_ascii=False))
        except ValueError:
            pass
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        return "bytes", escape_raw(raw, max(1, len(raw) * 4 + 1))
    return "text", inert_lines(text)


def headers_text(headers: Sequence[tuple[str, bytes | None]], limit: int = 60) -> str:
    if not headers:
        return ""
    joined = b", ".join(
        n.encode("utf-8", "surrogateescape") + b"=" + (v if v is not None else b"(null)") for n, v in headers
    )
    return escape_raw(joined, limit)


def record_cells(record: Record, value_width: int = 60) -> tuple[str, ...]:
    ts = utc_iso(record.timestamp_ms / 1000.0)[:23] if record.timestamp_ms >= 0 else "-"
    return (
        str(record.partition),
        str(record.offset),
        ts,
        escape_raw(record.key, 24),
        escape_raw(record.value, value_width),
        headers_text(record.headers, 40),
    )


# --------------------------------------------------------------------------- key -> partition


@dataclass(frozen=True, slots=True)
class KeyPrediction:
    partitioner: str
    partition: int | None  # None: random (null/empty key under a *_random partitioner)
    rule: str
    configured: bool


def predict_key(key: str, partitions: int, configured: str = DEFAULT_PARTITIONER) -> tuple[KeyPrediction, ...]:
    """The partition for `key` under the configured partitioner, and the Java client's rule."""
    data = key.encode("utf-8")
    names = [configured] + [n for n in (DEFAULT_PARTITIONER, "murmur2_random") if n != configured]
    return tuple(
        KeyPrediction(n, predict(data, partitions, n), describe_partitioner(n), n == configured) for n in names
    )
