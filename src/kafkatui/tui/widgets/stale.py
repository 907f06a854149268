"""A banner over every pane while the cluster cannot be reached: the data below is old."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from kafkatui.domain.models import ConnectionState
from kafkatui.domain.text import inert
from kafkatui.domain.wording import short_reason
from kafkatui.tui.widgets.header import age_text


class StaleBanner(Static):
    DEFAULT_CSS = """
    StaleBanner { dock: top; height: 1; background: $error; color: $text; padding: 0 1; display: none; }
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__(id="stale-banner")
        self.clock = clock
        self.state: ConnectionState | None = None
        self.last_data: float | None = None

    def data_seen(self, ts: float) -> None:
        self.last_data = ts

    def show_state(self, state: ConnectionState) -> None:
        self.state = state
        self.refresh_text()

    def refresh_text(self) -> None:
        state = self.state
        stale = state is not None and not state.ok and self.last_data is not None
        self.display = stale
        if not stale or state is None or self.last_data is None:
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("STALE ", "bold")
        text.append(f"every pane shows data from {age_text(self.clock() - self.last_data)} ago")
        # the gist, not librdkafka's latest raw line (another broker, another 'after N ms' each
        # refresh); the header keeps the whole line
        why = short_reason(state.reason) if state.reason else ""
        text.append(f" — {state.link.value}{': ' + inert(why, 120) if why else ''}; retrying")
        self.update(text)
