"""What is sent to people, and when (pure: events and time in, notices and messages out).

`NoticeTracker` turns what the worker emits into notices, each a condition raised or resolved:

- a freezer alert raised and cleared (too warm, too cold), a sensor silent (STALE) and back;
- a consumer group whose status reaches its alert level (Burrow's ERR by default; WARN or off per
  group in the limits file) and back, or whose lag in seconds passes its `max_lag_seconds` and back;
- the cluster unreachable (or refusing the credentials or TLS) and back.

`Outbox` turns notices into messages: the notices of a short gathering time (`gather`) become one
message (ten sensors out at once, an outage: one message, not ten); a condition still open is sent
again at most every `repeat` seconds; a resolved condition is always sent. Each line says what,
which sensor or group, the value and the limit, since when; the message names the cluster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kafkatui.domain.alerts import AlertEvent, AlertKind
from kafkatui.domain.events import Event
from kafkatui.domain.lag import GroupStatus
from kafkatui.domain.models import ConnectionState, Link
from kafkatui.domain.readings import utc_iso
from kafkatui.domain.text import NAME_LIMIT, SENSOR_LIMIT, inert

if TYPE_CHECKING:
    from kafkatui.domain.groups import GroupsView
    from kafkatui.domain.limits import Limits

__all__ = ["Message", "Notice", "NoticeTracker", "NotifyStatus", "Outbox"]

GATHER = 0.5  # seconds a burst is gathered into one message
MAX_LINES = 25  # notices listed in one message; the rest are counted


def _num(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _hms(ts: float) -> str:
    return utc_iso(ts)[11:19] + " UTC"


def _age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True, slots=True)
class Notice:
    """One condition raised or resolved: what, which, value and limit, since when."""

    subject_kind: str  # "sensor", "group" or "cluster"
    subject: str
    condition: str  # "too warm", "too cold", "silent", "status", "lag", "unreachable"
    raised: bool
    value: str  # in words with its unit ("9.1 °C", "ERR", "95 s")
    limit: str  # in words ("max 8 °C", "alerts on ERR", "60 s")
    since: float  # when the condition began
    ts: float  # when it was raised or resolved

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject_kind, self.subject, self.condition)

    def line(self) -> str:
        """One inert sentence (names are the cluster's or a record's text)."""
        limit = 40 if self.subject_kind == "cluster" else SENSOR_LIMIT if self.subject_kind == "sensor" else NAME_LIMIT
        who = inert(self.subject, limit)
        head = f"{self.subject_kind} {who}" if self.subject_kind != "cluster" else f"cluster {who}"
        what = self.condition if self.condition != "lag" else "lag over its limit"
        if self.condition == "status":
            what = f"status {self.value}"
        if self.raised:
            return f"RAISED {head} {what}: {inert(self.value, 200)} ({self.limit}), since {_hms(self.since)}"
        return (
            f"RESOLVED {head} {what}: now {inert(self.value, 200)} ({self.limit}), "
            f"open since {_hms(self.since)} for {_age(self.ts - self.since)}"
        )

    def to_json_dict(self, cluster: str) -> dict[str, object]:
        return {
            "time": utc_iso(self.ts),
            "event": "raised" if self.raised else "resolved",
            "subject": self.subject_kind,
            "name": self.subject,
            "condition": self.condition,
            "value": self.value,
            "limit": self.limit,
            "since": utc_iso(self.since),
            "cluster": cluster,
        }


@dataclass(frozen=True, slots=True)
class Message:
    """One notification: a title and a body of notice lines."""

    title: str
    body: str
    notices: tuple[Notice, ...]
    repeat: bool = False  # a reminder of conditions still open


@dataclass(frozen=True, slots=True)
class NotifyStatus(Event):
    """How sending goes: counts and the last delivery, for the Freezer pane and the log."""

    ts: float
    delivered: int
    failed: int
    retries: int
    dropped: int  # messages not queued: the queue was full (said, never silent)
    last: str  # the last delivery or failure, in words
    ok: bool  # the last attempt was delivered

    def line(self) -> str:
        text = f"notify: {self.delivered} sent"
        if self.failed:
            text += f", {self.failed} failed"
        if self.dropped:
            text += f", {self.dropped} dropped (queue full)"
        return f"{text}; {self.last}"


_SEVERE = {GroupStatus.ERR: 2, GroupStatus.WARN: 1, GroupStatus.OK: 0}


class NoticeTracker:
    """Worker events in, notices out. Knows which conditions are open (and since when)."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str, str], Notice] = {}

    def _raise(self, notice: Notice, out: list[Notice]) -> None:
        if notice.key not in self.open:
            self.open[notice.key] = notice
            out.append(notice)

    def _resolve(self, key: tuple[str, str, str], value: str, limit: str, ts: float, out: list[Notice]) -> None:
        opened = self.open.pop(key, None)
        if opened is not None:
            out.append(Notice(key[0], key[1], key[2], False, value, limit, opened.since, ts))

    def alerts(self, events: Iterable[AlertEvent]) -> list[Notice]:
        out: list[Notice] = []
        for e in events:
            if e.kind is AlertKind.STALE:
                condition = "silent"
                value = f"silent for {_num(e.value)} s" if e.raised else "reporting again"
                limit = f"limit {_num(e.threshold)} s"
            else:
                condition = "too warm" if e.kind is AlertKind.TOO_WARM else "too cold"
                value = f"{_num(e.value)} °C"
                limit = f"{'max' if e.kind is AlertKind.TOO_WARM else 'min'} {_num(e.threshold)} °C"
            if e.raised:
                self._raise(Notice("sensor", e.sensor, condition, True, value, limit, e.ts, e.ts), out)
            else:
                self._resolve(("sensor", e.sensor, condition), value, limit, e.ts, out)
        return out

    def groups(self, view: GroupsView, limits: Limits | None) -> list[Notice]:
        out: list[Notice] = []
        now = view.ts
        for g in view.groups:
            own = limits.group(g.group_id) if limits is not None else None
            alert_on = own.alert_on.value if own is not None else "ERR"
            status_key = ("group", g.group_id, "status")
            if g.status is not GroupStatus.UNKNOWN and alert_on != "off":
                level = _SEVERE[GroupStatus(alert_on)]
                words = f"alerts on {alert_on}" + (" or worse" if alert_on == "WARN" else "")
                if _SEVERE.get(g.status, 0) >= level:
                    self._raise(Notice("group", g.group_id, "status", True, g.status.value, words, now, now), out)
                else:
                    self._resolve(status_key, g.status.value, words, now, out)
            lag_key = ("group", g.group_id, "lag")
            limit = own.max_lag_seconds if own is not None else g.lag_limit
            if limit is None or g.max_lag_seconds is None:
                continue  # unknown lag is neither over nor back
            value = f"oldest unread {_age(g.max_lag_seconds)}"
            words = f"limit {_age(limit)}"
            if g.max_lag_seconds > limit:
                self._raise(Notice("group", g.group_id, "lag", True, value, words, now, now), out)
            else:
                self._resolve(lag_key, value, words, now, out)
        return out

    def connection(self, state: ConnectionState, cluster: str, now: float) -> list[Notice]:
        out: list[Notice] = []
        key = ("cluster", cluster, "unreachable")
        if state.link is Link.CONNECTING:
            return out
        if state.ok:
            self._resolve(key, "connected", "brokers answer", now, out)
        else:
            since = state.since or now
            # "unreachable: Connection refused" would say unreachable twice: the reason alone then
            value = state.describe() if state.link is not Link.UNREACHABLE else state.reason or "no broker answered"
            notice = Notice("cluster", cluster, "unreachable", True, value, "no broker answers", since, now)
            self._raise(notice, out)
        return out


@dataclass(slots=True)
class _Open:
    notice: Notice
    last_sent: float | None = None


@dataclass(slots=True)
class Outbox:
    """Notices in; a message when a burst has been gathered, or when a reminder is due."""

    cluster: str
    repeat: float = 3600.0
    gather: float = GATHER
    max_lines: int = MAX_LINES
    pending: list[Notice] = field(default_factory=list)
    first_pending: float | None = None
    open: dict[tuple[str, str, str], _Open] = field(default_factory=dict)

    def add(self, notices: Iterable[Notice], now: float) -> None:
        for n in notices:
            if n.raised:
                self.open[n.key] = _Open(n)
            else:
                self.open.pop(n.key, None)
            self.pending.append(n)
            if self.first_pending is None:
                self.first_pending = now

    def wait(self, now: float) -> float:
        """Seconds until `due` may have something (at most a second: the clock is checked often)."""
        if self.first_pending is not None:
            return max(0.0, self.first_pending + self.gather - now)
        sent = [o.last_sent for o in self.open.values() if o.last_sent is not None]
        if sent:
            return max(0.0, min(1.0, min(sent) + self.repeat - now))
        return 1.0

    def due(self, now: float) -> Message | None:
        if self.first_pending is not None and now >= self.first_pending + self.gather:
            notices = tuple(self.pending)
            self.pending = []
            self.first_pending = None
            for n in notices:
                if n.raised and n.key in self.open:
                    self.open[n.key].last_sent = now
            return self._message(notices, repeat=False)
        again = [o for o in self.open.values() if o.last_sent is not None and now - o.last_sent >= self.repeat]
        if again:
            for o in again:
                o.last_sent = now
            return self._message(tuple(o.notice for o in again), repeat=True)
        return None

    def _message(self, notices: tuple[Notice, ...], *, repeat: bool) -> Message:
        raised = sum(1 for n in notices if n.raised)
        resolved = len(notices) - raised
        cluster = inert(self.cluster, 120)
        if repeat:
            head = f"still open: {raised} alert{'s' * (raised != 1)}"
        elif len(notices) == 1:
            n = notices[0]
            head = f"{'RAISED' if n.raised else 'RESOLVED'} {n.subject_kind} {inert(n.subject, 60)} {n.condition}"
        else:
            parts = [f"{raised} raised" if raised else "", f"{resolved} resolved" if resolved else ""]
            head = ", ".join(p for p in parts if p)
        title = f"kafkatui {cluster}: {head}"
        lines = [n.line() for n in notices[: self.max_lines]]
        if len(notices) > self.max_lines:
            lines.append(f"… and {len(notices) - self.max_lines} more")
        if repeat:
            lines.insert(0, f"These alerts are still open (reminder every {_age(self.repeat)}):")
        lines.append(f"Cluster: {cluster}")
        return Message(title, "\n".join(lines), notices, repeat)
