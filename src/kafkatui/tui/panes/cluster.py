"""Pane 1: the brokers (id, address, rack, controller, up/down) and topic/partition totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kafkatui.domain.controller import controller_note, controller_text
from kafkatui.domain.models import ClusterSnapshot, ConnectionState
from kafkatui.domain.text import inert
from kafkatui.tui.panes.base import PaneMixin
from kafkatui.tui.widgets.header import age_text
from kafkatui.tui.widgets.keyed_table import KeyedTable

COLUMNS = ("ID", "ADDRESS", "RACK", "ROLE", "STATE", "LEADERS", "REPLICAS")

MOCK_NOTE = (
    "Demo cluster: librdkafka's built-in mock, not Apache Kafka. It does not support "
    "CreateTopics, DescribeConfigs, DescribeCluster (racks), ListGroups or DescribeGroups, "
    "has no failover, and keeps data only in memory."
)


class ClusterPane(PaneMixin, Vertical):
    EVENTS = (ClusterSnapshot, ConnectionState)

    DEFAULT_CSS = """
    ClusterPane #cluster-summary { height: auto; padding: 0 1; }
    ClusterPane #cluster-note { height: auto; padding: 0 1; color: $warning; }
    ClusterPane DataTable { height: 1fr; }
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__(id="cluster-pane", classes="pane")
        self.clock = clock
        self.snapshot: ClusterSnapshot | None = None
        self.state: ConnectionState | None = None

    def compose(self) -> ComposeResult:
        yield Static("Waiting for the first metadata answer…", id="cluster-summary")
        yield KeyedTable([(name, name) for name in COLUMNS], id="brokers")
        yield Static("", id="cluster-note")

    def show(self, snapshot: ClusterSnapshot) -> None:
        self.snapshot = snapshot
        leaders: Counter[int] = Counter()
        replicas: Counter[int] = Counter()
        for topic in snapshot.topics:
            for p in topic.partitions:
                if p.leader >= 0:
                    leaders[p.leader] += 1
                replicas.update(p.replicas)
        rows = []
        for b in snapshot.brokers:
            state = Text("up", "green") if b.up else Text("DOWN", "bold white on red")
            cells = (
                str(b.id),
                inert(b.address, 60),
                inert(b.rack, 30) if b.rack else "-",
                Text("controller", "bold") if b.is_controller else "broker",
                state,
                str(leaders[b.id]),
                str(replicas[b.id]),
            )
            rows.append((str(b.id), cells))
        self.query_one("#brokers", KeyedTable).show_rows(rows)
        notes = [MOCK_NOTE] if snapshot.is_mock else [controller_note(snapshot)]
        notes.extend(snapshot.notes)  # e.g. brokers listed by the metadata but unreachable from here
        self.query_one("#cluster-note", Static).update(Text("\n".join(n for n in notes if n)))
        self.render_summary()

    def apply(self, event: object) -> None:
        if isinstance(event, ClusterSnapshot):
            self.show(event)
        elif isinstance(event, ConnectionState):
            self.show_state(event)

    def tick(self) -> None:
        self.render_summary()

    def show_state(self, state: ConnectionState) -> None:
        self.state = state
        self.render_summary()

    def render_summary(self) -> None:
        snap = self.snapshot
        summary = self.query_one("#cluster-summary", Static)
        if snap is None:
            text = Text("Waiting for the first metadata answer…")
            if self.state is not None and self.state.reason:
                text.append(f"\n{self.state.describe()}", "bold red")
            summary.update(text)
            return
        topics = snap.topics
        user = snap.user_topics
        urp = sum(t.under_replicated for t in topics)
        offline = sum(t.offline for t in topics)
        ctrl = controller_text(snap, short=True)
        text = Text()
        text.append(f"Cluster {inert(snap.cluster_id, 64) if snap.cluster_id else '?'}", "bold")
        text.append(f"   brokers {snap.brokers_up} up of {len(snap.brokers)}   controller {ctrl}\n")
        text.append(f"topics {len(topics)} ({len(user)} user, {len(topics) - len(user)} internal)")
        text.append(f"   partitions {snap.partition_count}   under-replicated ")
        text.append(str(urp), "bold red" if urp else "")
        text.append("   offline ")
        text.append(str(offline), "bold red" if offline else "")
        text.append(f"\nmetadata round trip {snap.rtt_ms:.1f} ms, refreshed {age_text(self.clock() - snap.ts)} ago")
        # while the cluster cannot be reached the STALE banner above every pane says so, and the
        # header quotes librdkafka's line: not a third time here
        summary.update(text)
