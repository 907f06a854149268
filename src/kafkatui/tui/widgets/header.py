"""The always-visible header: cluster identity, connection state, alert count, READ-ONLY."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from kafkatui.domain.models import ClusterSnapshot, ConnectionState, Link

STATE_STYLE = {
    Link.CONNECTING: "bold black on yellow",
    Link.CONNECTED: "bold black on green",
    Link.UNREACHABLE: "bold white on red",
    Link.AUTH_FAILED: "bold white on red",
    Link.TLS_FAILED: "bold white on red",
}


def age_text(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ClusterHeader(Static):
    """Two lines: who we talk to, and how that is going."""

    DEFAULT_CSS = """
    ClusterHeader { dock: top; height: 2; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, bootstrap: str, clock: Callable[[], float], read_only: bool, demo: bool) -> None:
        super().__init__(id="header")
        self.bootstrap = bootstrap
        self.clock = clock
        self.read_only = read_only
        self.demo = demo
        self.state = ConnectionState(Link.CONNECTING, "", clock())
        self.snapshot: ClusterSnapshot | None = None
        self.alerts = 0

    def on_mount(self) -> None:
        self.refresh_text()

    def show_state(self, state: ConnectionState) -> None:
        self.state = state
        self.refresh_text()

    def show_snapshot(self, snapshot: ClusterSnapshot) -> None:
        self.snapshot = snapshot
        self.refresh_text()

    def show_alerts(self, count: int) -> None:
        self.alerts = count
        self.refresh_text()

    def refresh_text(self) -> None:
        self.update(self.render_text())

    def render_text(self) -> Text:
        snap = self.snapshot
        line1 = Text()
        line1.append(" kafkatui ", "bold reverse")
        if self.demo:
            line1.append(" DEMO ", "bold black on cyan")
        if self.read_only:
            line1.append(" READ-ONLY ", "bold black on magenta")
        line1.append(f"  {self.bootstrap}")
        if snap is not None:
            line1.append(f"  cluster {snap.cluster_id or '?'}")
            down = len(snap.brokers) - snap.brokers_up
            line1.append("  brokers ")
            line1.append(f"{snap.brokers_up}/{len(snap.brokers)}", "bold red" if down else "bold")
            ctrl = "?" if snap.controller_id is None else str(snap.controller_id)
            line1.append(f"  controller {ctrl}")
        line1.append("  alerts ")
        line1.append(f" {self.alerts} ", "bold white on red" if self.alerts else "bold")
        line2 = Text()
        line2.append(f" {self.state.link.value} ", STATE_STYLE[self.state.link])
        if self.state.reason:
            line2.append(f"  {self.state.reason}")
        if snap is not None and not self.state.ok:
            line2.append(f"  (data {age_text(self.clock() - snap.ts)} old)", "italic")
        line1.append("\n")
        line1.append_text(line2)
        line1.no_wrap = True
        line1.overflow = "ellipsis"
        return line1
