"""The key hints at the bottom: the app's keys and the open pane's, as one line of text.

Textual's Footer rebuilds a widget per key on every focus change, which restyles a large DOM
(hundreds of ms per pane switch here); one Static redrawn on pane change costs next to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__(id="keybar")

    def show(self, *groups: Iterable[Binding]) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for group in groups:
            for b in group:
                if not b.show or not b.description or b.key in seen:
                    continue
                seen.add(b.key)
                text.append(f" {b.key_display or b.key} ", "bold reverse")
                text.append(f" {b.description}  ")
        self.update(text)
