"""`k` on the Topics pane: type a key, see the partition the default partitioner picks."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kafkatui.domain.key_partition import predict_key
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.tui.guard import GuardedHandlers


class KeyPartitionScreen(GuardedHandlers, ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "dismiss", "Close")]
    DEFAULT_CSS = """
    KeyPartitionScreen { align: center middle; }
    KeyPartitionScreen > Vertical {
        width: 90; height: auto; border: round $accent; background: $surface; padding: 1 2;
    }
    KeyPartitionScreen #key-result { height: auto; padding: 1 0 0 0; }
    """

    def __init__(self, topic: str, partitions: int, partitioner: str) -> None:
        super().__init__()
        self.topic = topic
        self.partitions = partitions
        self.partitioner = partitioner

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text.assemble(
                    ("Key → partition", "bold"),
                    " for ",
                    (inert(self.topic, NAME_LIMIT), "bold"),
                    f" ({self.partitions} partitions). Escape closes.",
                )
            )
            yield Input("", placeholder="key (UTF-8)", id="key-input")
            yield Static(self.result_text(""), id="key-result")

    @on(Input.Changed, "#key-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#key-result", Static).update(self.result_text(event.value))

    def result_text(self, key: str) -> Text:
        text = Text()
        for p in predict_key(key, self.partitions, self.partitioner):
            where = "random (sticky) partition" if p.partition is None else f"partition {p.partition}"
            text.append(f"{p.partitioner:<18}", "bold" if p.configured else "")
            text.append(f" {where:<26}", "bold green" if p.configured else "")
            text.append(" (this producer's rule)\n" if p.configured else " (for comparison)\n", "dim")
            text.append(f"  {p.rule}\n", "dim")
        return text
