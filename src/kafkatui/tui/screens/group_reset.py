"""`x` on the Groups pane: reset a group's offsets like `kafka-consumer-groups --reset-offsets`.

The group id, topics, notes and the worker's messages are the cluster's text: shown inert, as
literal text (never inside markup).

Preview first (old -> new offsets per partition, computed by the worker without changing
anything), then Apply commits exactly the previewed offsets. The worker refuses an active
group and read-only mode, whatever this form says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kafkatui.domain.groups import (
    ApplyReset,
    PreviewReset,
    ResetPreview,
    ResetResult,
    ResetTarget,
    parse_partitions,
    parse_reset,
)
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.tui.guard import GuardedHandlers
from kafkatui.tui.messages import SendCommand
from kafkatui.tui.widgets.keyed_table import KeyedTable

PREVIEW_COLUMNS = ("TOPIC", "PARTITION", "OLD", "NEW", "CHANGE", "NOTE")

HINTS = {
    ResetTarget.EARLIEST: "no value needed",
    ResetTarget.LATEST: "no value needed",
    ResetTarget.DATETIME: "2025-11-21T08:00:00 (UTC) or a duration ago: 10m, 2h",
    ResetTarget.OFFSET: "an offset, e.g. 42 (clamped to the partition's range)",
    ResetTarget.SHIFT: "N messages: -100 re-reads, 100 skips",
}


class GroupResetScreen(GuardedHandlers, ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "cancel", "Close")]
    DEFAULT_CSS = """
    GroupResetScreen { align: center middle; }
    GroupResetScreen > Vertical {
        width: 100; height: auto; max-height: 95%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    GroupResetScreen Horizontal { height: auto; }
    GroupResetScreen Label { width: 12; padding: 1 0 0 0; }
    GroupResetScreen Input, GroupResetScreen Select { width: 1fr; }
    GroupResetScreen #reset-message { height: auto; padding: 1 0 0 0; }
    GroupResetScreen #reset-preview { height: auto; max-height: 14; }
    GroupResetScreen #reset-buttons { padding: 1 0 0 0; }
    """

    def __init__(self, group: str, clock: Callable[[], float]) -> None:
        super().__init__()
        self.group = group
        self.clock = clock
        self.preview: ResetPreview | None = None
        self.waiting = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text.assemble(
                    (f"Reset offsets of group {inert(self.group, NAME_LIMIT)}", "bold"),
                    "  (like kafka-consumer-groups --reset-offsets). Preview shows old → new; "
                    "nothing changes until Apply.",
                )
            )
            with Horizontal():
                yield Label("to")
                yield Select(
                    [(t.value, t.value) for t in ResetTarget],
                    value=ResetTarget.EARLIEST.value,
                    allow_blank=False,
                    id="reset-target",
                )
            with Horizontal():
                yield Label("value")
                yield Input(placeholder=HINTS[ResetTarget.EARLIEST], id="reset-value")
            with Horizontal():
                yield Label("partitions")
                yield Input("all", placeholder="all, topic, or topic:0,2", id="reset-partitions")
            yield Static("", id="reset-message")
            yield KeyedTable([(name, name) for name in PREVIEW_COLUMNS], id="reset-preview")
            with Horizontal(id="reset-buttons"):
                yield Button("Preview", id="preview", variant="primary")
                yield Button("Apply", id="apply", variant="error", disabled=True)
                yield Button("Close", id="cancel")

    # -- form ---------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        target = ResetTarget(str(event.value))
        self.query_one("#reset-value", Input).placeholder = HINTS[target]
        self._stale()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._stale()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.request_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "preview":
            self.request_preview()
        elif event.button.id == "apply":
            self.request_apply()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _stale(self) -> None:
        """The form changed: the preview on screen no longer describes it."""
        if self.preview is not None:
            self.preview = None
            self.query_one("#apply", Button).disabled = True
            self._message(Text("Changed: preview again before applying.", "yellow"))

    def _message(self, text: Text | str) -> None:
        self.query_one("#reset-message", Static).update(text)

    # -- to and from the worker -------------------------------------------------------------

    def request_preview(self) -> None:
        target = str(self.query_one("#reset-target", Select).value)
        try:
            spec = parse_reset(target, self.query_one("#reset-value", Input).value, self.clock())
            partitions = parse_partitions(self.query_one("#reset-partitions", Input).value)
        except ValueError as exc:
            self._message(Text(inert(str(exc), 200), "bold red"))
            return
        self.waiting = True
        self._message(Text(f"Computing the offsets {spec.describe()}…", "italic"))
        self.post_message(SendCommand(PreviewReset(self.group, spec, partitions)))

    def request_apply(self) -> None:
        preview = self.preview
        if preview is None or preview.refused or not preview.changes:
            return
        self.waiting = True
        self.query_one("#apply", Button).disabled = True
        self._message(Text(f"Committing {len(preview.changes)} offsets…", "italic"))
        self.post_message(SendCommand(ApplyReset(self.group, preview.changes)))

    def show(self, event: ResetPreview | ResetResult) -> None:
        self.waiting = False
        if isinstance(event, ResetResult):
            style = "bold green" if event.ok else "bold red"
            self._message(Text(inert(event.message, 300), style))
            self.preview = None
            return
        rows = []
        for ln in event.lines:
            change = "-" if ln.new is None or ln.old is None else f"{ln.new - ln.old:+d}"
            cells = (
                inert(ln.topic, NAME_LIMIT),
                str(ln.partition),
                "-" if ln.old is None else str(ln.old),
                "-" if ln.new is None else str(ln.new),
                change,
                inert(ln.note, 120),
            )
            rows.append((f"{ln.topic}\x00{ln.partition}", cells))
        self.query_one("#reset-preview", KeyedTable).show_rows(rows)  # a new preview keeps the cursor's row
        apply = self.query_one("#apply", Button)
        if event.refused:
            self.preview = None
            apply.disabled = True
            self._message(Text(f"Refused: {inert(event.refused, 300)}", "bold red"))
            return
        self.preview = event
        n = len(event.changes)
        apply.disabled = n == 0
        if n:
            self._message(Text(f"Preview {event.spec.describe()}: {n} partition(s) would change. Apply commits them."))
        else:
            self._message(Text("Nothing to change.", "yellow"))
