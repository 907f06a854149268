"""The always-visible header: cluster identity, connection state, alert count, READ-ONLY."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from kafkatui.domain.models import REASON_LIMIT, ClusterMode, ClusterSnapshot, ConnectionState, Link
from kafkatui.domain.text import inert

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
    ClusterHeader {
        dock: top; height: 2; background: $panel; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
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
        self._text: Text | None = None  # what the header shows

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
        # called every second and on every view: repaint only a changed line, and never ask for a
        # layout pass (the header's size is fixed; a layout pass repaints the whole screen)
        text = self.render_text()
        if text != self._text:
            self._text = text
            self.update(text, layout=False)

    def render_text(self) -> Text:
        snap = self.snapshot
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" kafkatui ", "bold reverse")
        text.append(" ")
        text.append(f" {self.state.link.value} ", STATE_STYLE[self.state.link])
        if snap is not None:
            down = len(snap.brokers) - snap.brokers_up
            text.append("  brokers ")
            text.append(f"{snap.brokers_up}/{len(snap.brokers)}", "bold red" if down else "bold")
            # no controller unless a source knows it (domain/controller.py); under KRaft, say KRaft
            if snap.controller_id is not None:
                text.append(f"  controller {snap.controller_id}")
            elif snap.mode is ClusterMode.KRAFT:
                text.append("  KRaft")
        text.append("  alerts ")
        text.append(f" {self.alerts} ", "bold white on red" if self.alerts else "bold")
        if self.demo:
            text.append("  ")
            text.append(" DEMO ", "bold black on cyan")
        if self.read_only:
            text.append("  ")
            text.append(" READ-ONLY ", "bold black on magenta")
        text.append("\n")
        if self.state.reason:
            text.append(inert(self.state.reason, REASON_LIMIT), "bold red")
            if snap is not None and not self.state.ok:
                text.append(f"  (data {age_text(self.clock() - snap.ts)} old)", "italic")
            text.append("  ")
        text.append(inert(self.bootstrap, 200), "dim" if self.state.reason else "")
        if snap is not None and snap.cluster_id:
            text.append(f"  cluster {inert(snap.cluster_id, 64)}", "dim" if self.state.reason else "")
        return text
