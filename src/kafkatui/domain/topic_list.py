"""The Topics pane's list: one row per topic (partitions, counts, key configs), the cache that
rebuilds only the rows whose inputs changed, and the filter and sort the pane shows them with.

Pure: no Kafka client, no UI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from kafkatui.domain.models import TopicInfo
from kafkatui.domain.text import NAME_LIMIT, inert

TOPIC_LIMIT = 249  # Kafka's longest topic name; the list's column is capped narrower


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
