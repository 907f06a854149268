"""`c` on the Topics pane: create a topic. Kafka's name rules are checked as you type."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kafkatui.domain.freezer import parse_duration
from kafkatui.domain.text import inert
from kafkatui.domain.topic_actions import CreateTopic
from kafkatui.domain.topic_names import check_topic_name
from kafkatui.tui.guard import GuardedHandlers

CLEANUP = (("delete (default)", ""), ("delete", "delete"), ("compact", "compact"), ("compact,delete", "compact,delete"))


def parse_count(text: str, what: str, low: int = 1, high: int = 100_000) -> int:
    text = text.strip()
    if not text.isdigit():
        raise ValueError(f"{what}: '{text}' is not a whole number")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{what} must be between {low} and {high:,}")
    return value


def parse_retention(text: str) -> str | None:
    """'' -> broker default; 'forever'/-1; '7d', '12h', '90s' or milliseconds."""
    text = text.strip().lower()
    if not text:
        return None
    if text in ("forever", "-1", "infinite"):
        return "-1"
    if text.isdigit():
        return text
    try:
        return str(int(parse_duration(text) * 1000))
    except ValueError:
        raise ValueError(f"retention: '{text}' is not 7d, 12h, 90s, milliseconds or 'forever'") from None


def parse_extra(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"configs: '{item}' is not key=value")
        pairs.append((key.strip(), value.strip()))
    return pairs


def build_command(
    name: str,
    partitions: str,
    replication: str,
    retention: str,
    cleanup: str,
    min_isr: str,
    extra: str,
    existing: tuple[str, ...],
) -> CreateTopic:
    """The form's fields -> CreateTopic, or ValueError with the first problem as a sentence."""
    check = check_topic_name(name.strip(), existing)
    if not check.ok:
        raise ValueError(f"name: {check.error}")
    configs: list[tuple[str, str]] = []
    p = parse_count(partitions, "partitions")
    rf = parse_count(replication, "replication factor", high=32)
    ret = parse_retention(retention)
    if ret is not None:
        configs.append(("retention.ms", ret))
    if cleanup:
        configs.append(("cleanup.policy", cleanup))
    if min_isr.strip():
        configs.append(("min.insync.replicas", str(parse_count(min_isr, "min.insync.replicas", high=32))))
    configs += parse_extra(extra)
    return CreateTopic(name.strip(), p, rf, tuple(configs))


class CreateTopicScreen(GuardedHandlers, ModalScreen[CreateTopic | None]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    CreateTopicScreen { align: center middle; }
    CreateTopicScreen > Vertical { width: 80; height: auto; border: round $accent; background: $surface; padding: 1 2; }
    CreateTopicScreen Horizontal { height: 3; }
    CreateTopicScreen Label { width: 22; padding: 1 0 0 0; }
    CreateTopicScreen Input, CreateTopicScreen Select { width: 1fr; }
    CreateTopicScreen #create-message { height: auto; padding: 1 0 0 0; }
    """

    def __init__(self, existing: tuple[str, ...], brokers: int) -> None:
        super().__init__()
        self.existing = existing
        self.brokers = max(1, brokers)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Create topic[/b]  Enter creates, escape cancels.")
            for key, label, value, hint in (
                ("name", "name", "", "letters, digits, . _ -"),
                ("partitions", "partitions", "3", ""),
                ("replication", "replication factor", str(min(3, self.brokers)), ""),
                ("retention", "retention", "", "broker default; 7d, 12h, forever"),
            ):
                with Horizontal():
                    yield Label(label)
                    yield Input(value, placeholder=hint, id=f"create-{key}")
            with Horizontal():
                yield Label("cleanup.policy")
                yield Select(CLEANUP, value="", allow_blank=False, id="create-cleanup")
            for key, label, hint in (
                ("min-isr", "min.insync.replicas", "broker default"),
                ("extra", "other configs", "key=value, key=value"),
            ):
                with Horizontal():
                    yield Label(label)
                    yield Input("", placeholder=hint, id=f"create-{key}")
            yield Static("", id="create-message")
            with Horizontal():
                yield Button("Create", id="create", variant="primary")
                yield Button("Cancel", id="cancel")

    def _value(self, key: str) -> str:
        return self.query_one(f"#create-{key}", Input).value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.hint()

    def hint(self) -> None:
        message = self.query_one("#create-message", Static)
        name = self._value("name").strip()
        # the messages quote what was typed: literal text, never markup
        lines: list[tuple[str, str]] = []
        if name:
            check = check_topic_name(name, self.existing)
            if check.error:
                lines.append((f"name: {inert(check.error, 200)}", "bold red"))
            lines += [(f"warning: {inert(w, 200)}", "yellow") for w in check.warnings]
        rf = self._value("replication").strip()
        if rf.isdigit() and int(rf) > self.brokers:
            lines.append(
                (
                    f"only {self.brokers} broker{'s are' if self.brokers != 1 else ' is'} up: "
                    f"the cluster will likely refuse replication factor {rf}",
                    "yellow",
                )
            )
        message.update(Text("\n").join(Text(line, style) for line, style in lines))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def submit(self) -> None:
        cleanup = self.query_one("#create-cleanup", Select).value
        try:
            command = build_command(
                self._value("name"),
                self._value("partitions"),
                self._value("replication"),
                self._value("retention"),
                cleanup if isinstance(cleanup, str) else "",
                self._value("min-isr"),
                self._value("extra"),
                self.existing,
            )
        except ValueError as exc:
            self.query_one("#create-message", Static).update(Text(inert(str(exc), 200), "bold red"))
            return
        self.dismiss(command)

    def action_cancel(self) -> None:
        self.dismiss(None)
