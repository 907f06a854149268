"""Pane 5: produce by hand or in bursts, with acks / idempotence toggles and delivery reports.

The form is parsed by `kafkatui.domain.producer` (nothing half-sent: a request is refused whole),
toggles become a `Configure` command (the worker flushes, then rebuilds the producer), and the
worker's ProducerView (counters, burst progress, the last delivery reports) arrives a few times a
second. The key -> partition preview uses the partitioner the producer is configured with.

Topics, keys, error names and the broker's or librdkafka's messages are shown inert
(`kafkatui.domain.text`), as literal text.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, DataTable, Input, Label, ProgressBar, Select, Static, TextArea

from kafkatui.domain.models import ClusterSnapshot
from kafkatui.domain.partitioner import DEFAULT as DEFAULT_PARTITIONER
from kafkatui.domain.producer import (
    ACKS,
    COMPRESSIONS,
    Configure,
    DeliveryReport,
    FormError,
    FormInput,
    InspectTopic,
    Produce,
    ProducerConfig,
    ProduceRequest,
    ProducerNotice,
    ProducerView,
    StopBurst,
    TopicFacts,
    change,
    check_cluster,
    check_topic_name,
    freezer_template,
    guarantee,
    initial_config,
    json_template,
    parse_form,
    parse_linger,
    pretty_json,
    preview,
    producer_partitioner,
)
from kafkatui.domain.text import NAME_LIMIT, inert, inert_lines
from kafkatui.settings import Settings
from kafkatui.tui.messages import SendCommand
from kafkatui.tui.panes.base import PaneMixin
from kafkatui.tui.widgets.keyed_table import KeyedTable

# what a send came to first (a narrow side panel cuts from the right): where it landed, how long it
# took, with which acks, and whether it failed; when, topic and key after
# the value typed as JSON, sent as it is or serialized with a registry schema of the subject
SCHEMA_OPTIONS = (("no schema", "none"), ("Avro", "avro"), ("JSON Schema", "jsonschema"), ("Protobuf", "protobuf"))
COLUMNS = ("#", "P", "OFFSET", "LATENCY", "ACKS", "ERROR", "UTC", "TOPIC", "KEY")
TOPIC_WIDTH = 40  # a topic name up to this long is shown whole; the column is as wide as needed
TABLE_EVERY_DURING_BURST = 1.0  # seconds
ROWS_SHOWN = 30  # the newest delivery reports in the table (the worker keeps REPORT_ROWS)
READ_ONLY_TEXT = "Read-only mode: producing is disabled (kafkatui was started with --read-only)."


def report_cells(r: DeliveryReport) -> tuple[Any, ...]:
    if r.offset is not None:
        offset: Any = str(r.offset)
    elif r.ok:
        offset = Text("none", "italic")  # acks=0: the broker sends no offset back
    else:
        offset = Text("-", "dim")
    return (
        r.seq,
        "-" if r.partition is None else str(r.partition),
        offset,
        latency_text(r.latency_ms),
        r.acks or "?",
        Text(inert(r.error, 40), "bold red") if r.error else Text("ok", "green"),
        r.time_text(),
        inert(r.topic, TOPIC_WIDTH),
        inert(r.key, 16),
    )


def latency_text(ms: float | None) -> str:
    """Send → delivery report: '3.2 ms', '412 ms', '20.3 s', '2 min 5 s' (never '20,28')."""
    if ms is None:
        return "-"
    if ms < 100:
        return f"{ms:.1f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000.0
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


class ProducerPane(PaneMixin, Vertical):
    """The form on the left, toggles, guarantee, counters and delivery reports on the right."""

    EVENTS = (ProducerView, ProducerNotice, ClusterSnapshot)
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("ctrl+s", "send", "Send"),
        Binding("ctrl+b", "stop_burst", "Stop burst"),
        Binding("ctrl+t", "template('freezer')", "Freezer reading"),
        Binding("ctrl+o", "template('json')", "JSON reading"),
        Binding("ctrl+l", "pretty", "Pretty-print JSON"),
        Binding("escape", "leave_form", "Leave the form (number keys switch panes again)", show=False),
    ]

    DEFAULT_CSS = """
    ProducerPane { padding: 0 1; }
    ProducerPane #p-readonly { height: auto; color: $warning; text-style: bold; }
    ProducerPane #p-body { height: 1fr; }
    ProducerPane #p-form { width: 42; height: 1fr; padding-right: 1; border-right: solid $panel-lighten-2; }
    ProducerPane #p-side { width: 1fr; height: 1fr; padding-left: 1; }
    ProducerPane .row { height: 1; margin-bottom: 1; }
    ProducerPane #p-form .row { margin-bottom: 0; }
    ProducerPane #p-value { margin-top: 1; }
    ProducerPane .row Label { width: 10; }
    ProducerPane #p-json { margin-right: 1; }
    ProducerPane .row .short-label { width: auto; padding: 0 1 0 1; }
    ProducerPane .row Input { width: 1fr; }
    ProducerPane #p-linger { width: 7; }
    ProducerPane #p-count, ProducerPane #p-rate { width: 1fr; }
    ProducerPane #p-acks { width: 9; margin-right: 2; }
    ProducerPane #p-compression { width: 12; }
    ProducerPane #p-schema { width: 13; margin-right: 1; }
    ProducerPane .row Button { margin-left: 1; min-width: 6; }
    ProducerPane #p-value { height: 1fr; min-height: 4; }
    ProducerPane #p-preview { height: auto; max-height: 5; color: $text-muted; }
    ProducerPane #p-message { height: auto; max-height: 4; }
    ProducerPane #p-buttons { height: 1; }
    ProducerPane #p-guarantee { height: auto; }
    ProducerPane #p-counters { height: auto; }
    ProducerPane #p-burst-row { height: 1; }
    ProducerPane #p-progress { width: 24; }
    ProducerPane #p-burst { width: 1fr; }
    ProducerPane #p-reports { height: 1fr; }
    ProducerPane #p-failure { height: auto; max-height: 5; }
    ProducerPane .row.toggle { margin-bottom: 0; }
    ProducerPane .row .toggle-label { width: 13; padding: 0 1 0 0; }
    ProducerPane #p-reports { min-height: 3; }
    ProducerPane.short #p-guarantee { max-height: 4; overflow-y: auto; }
    ProducerPane.short #p-value { min-height: 3; }  /* the schema row's line: Send stays in view at 80x24 */
    /* where the keyboard is: the focused field stands out, and so does its row's label */
    ProducerPane Input:focus, ProducerPane TextArea:focus { background: $accent 35%; }
    ProducerPane Select:focus > SelectCurrent, ProducerPane Checkbox:focus { background: $accent 35%; }
    ProducerPane .row:focus-within Label { color: $accent; text-style: bold; }
    """

    def __init__(
        self,
        clock: Callable[[], float],
        config: ProducerConfig | None = None,
        *,
        partitioner: str = DEFAULT_PARTITIONER,
        read_only: bool = False,
        topic: str = "",
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(id="producer-pane", classes="pane")
        self.clock = clock
        self.config = config or ProducerConfig()
        self.partitioner = partitioner
        self.read_only = read_only
        self.initial_topic = topic
        self.rng = rng or random.Random()
        self.snapshot: ClusterSnapshot | None = None
        self.view: ProducerView | None = None
        self.facts: dict[str, TopicFacts] = {}
        self.inspected: set[str] = set()
        self.toggle_note = ""
        self.topic_names: tuple[str, ...] = ()
        self.table_drawn = float("-inf")  # self.clock() when the reports table was last drawn
        self.awaiting: int | None = None  # a single send's report is newer than this seq

    @classmethod
    def from_settings(cls, clock: Callable[[], float], settings: Settings) -> ProducerPane:
        """The pane as the shell builds it: toggles start from the user's librdkafka properties."""
        conf = settings.librdkafka_config()
        return cls(
            clock,
            initial_config(conf),
            partitioner=producer_partitioner(conf),
            read_only=settings.read_only,
            topic=settings.topic,
        )

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if self.read_only:
            yield Static(READ_ONLY_TEXT, id="p-readonly")
        with Horizontal(id="p-body", disabled=self.read_only):
            with Vertical(id="p-form"):
                with Horizontal(classes="row"):
                    yield Label("topic")
                    yield Input(self.initial_topic, placeholder="topic name (→ completes)", id="p-topic", compact=True)
                with Horizontal(classes="row"):
                    yield Label("key")
                    yield Input(placeholder="empty: null key; {i} / {i%3} number a burst", id="p-key", compact=True)
                with Horizontal(classes="row"):
                    yield Label("headers")
                    yield Input(placeholder="name=value; other=value", id="p-headers", compact=True)
                with Horizontal(classes="row"):
                    yield Label("partition")
                    yield Input(placeholder="auto (the partitioner chooses)", id="p-partition", compact=True)
                with Horizontal(classes="row"):
                    yield Label("burst")
                    yield Label("count", classes="short-label")
                    yield Input("1", id="p-count", compact=True)
                    yield Label("rate/s", classes="short-label")
                    yield Input(placeholder="max", id="p-rate", compact=True)
                with Horizontal(classes="row"):
                    yield Label("value")
                    yield Checkbox("JSON", id="p-json", compact=True)
                    yield Button("pretty-print ^l", id="p-pretty", compact=True)
                with Horizontal(classes="row"):
                    yield Label("template")
                    yield Button("freezer ^t", id="p-freezer", compact=True)
                    yield Button("JSON reading ^o", id="p-jsontpl", compact=True)
                with Horizontal(classes="row"):
                    yield Label("schema")
                    yield Select(SCHEMA_OPTIONS, value="none", allow_blank=False, id="p-schema", compact=True)
                    yield Input(placeholder="<topic>-value", id="p-subject", compact=True)
                yield TextArea(id="p-value", compact=True, soft_wrap=True, placeholder="message value (multi-line)")
                yield Static("", id="p-preview")
                yield Static("", id="p-message")
                with Horizontal(id="p-buttons"):
                    yield Button("Send ^s", id="p-send", variant="primary", compact=True)
                    yield Button("Stop burst ^b", id="p-stop", compact=True)
            with Vertical(id="p-side"):
                # one toggle a row: each label whole and every toggle in view at 80 columns
                with Horizontal(classes="row toggle"):
                    yield Label("acks", classes="toggle-label")
                    yield Select(
                        [(a, a) for a in ACKS], value=self.config.acks, allow_blank=False, id="p-acks", compact=True
                    )
                with Horizontal(classes="row toggle"):
                    yield Label("", classes="toggle-label")
                    yield Checkbox("enable.idempotence", self.config.idempotence, id="p-idem", compact=True)
                with Horizontal(classes="row toggle"):
                    yield Label("compression", classes="toggle-label")
                    yield Select(
                        [(c, c) for c in COMPRESSIONS],
                        value=self.config.compression,
                        allow_blank=False,
                        id="p-compression",
                        compact=True,
                    )
                with Horizontal(classes="row toggle"):
                    yield Label("linger.ms", classes="toggle-label")
                    yield Input(f"{self.config.linger_ms:g}", id="p-linger", compact=True)
                yield Static(self._guarantee_text(), id="p-guarantee")
                yield Static(self._counters_text(), id="p-counters")
                with Horizontal(id="p-burst-row"):
                    yield ProgressBar(total=1, show_eta=False, id="p-progress")
                    yield Static("", id="p-burst")
                yield KeyedTable([(name, name) for name in COLUMNS], id="p-reports")
                yield Static("", id="p-failure")

    def on_mount(self) -> None:
        self.query_one("#p-burst-row").display = False

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(0 < event.size.height < 24, "short")
        self.update_preview()

    # -- data in ------------------------------------------------------------------------

    def apply(self, event: object) -> None:
        if isinstance(event, ProducerView):
            self.show(event)
        elif isinstance(event, ProducerNotice):
            self.announce(event)
        elif isinstance(event, ClusterSnapshot):
            self.show_topics(event)

    def show_topics(self, snapshot: ClusterSnapshot) -> None:
        self.snapshot = snapshot
        # completions are drawn inside the field: only names that are plain printable text
        names = tuple(t.name for t in snapshot.user_topics if t.name.isprintable())
        if names != self.topic_names:
            self.topic_names = names
            self.query_one("#p-topic", Input).suggester = SuggestFromList(names, case_sensitive=True)
        self.update_preview()

    def show(self, view: ProducerView) -> None:
        if view.subjects and (self.view is None or view.subjects != self.view.subjects):
            # the registry's subjects complete the subject field (`@N` after one picks a version)
            self.query_one("#p-subject", Input).suggester = SuggestFromList(view.subjects, case_sensitive=True)
        self.view = view
        self.partitioner = view.partitioner
        self.facts = {f.topic: f for f in view.facts}
        self.render_view()

    def on_show(self) -> None:
        # focus inside the pane so its keys (ctrl+s, ...) work; the table, not an input, so the
        # number keys still switch panes
        if not self.showing:
            return  # a Show handled after the user already switched on: see PaneMixin.showing
        focused = self.app.focused
        if not self.read_only and (focused is None or self not in focused.ancestors):
            self.query_one("#p-reports", DataTable).focus()

    def action_leave_form(self) -> None:
        self.query_one("#p-reports", DataTable).focus()

    def render_view(self) -> None:
        view = self.view
        if view is None:
            return
        self.query_one("#p-counters", Static).update(self._counters_text())
        burst = view.burst
        running = burst is not None and not burst.done
        now = self.clock()
        # every row changes with every view of a fast burst, and a table redraw is the costly
        # part of a frame: once a second while a burst runs, at once otherwise
        if not running or now - self.table_drawn >= TABLE_EVERY_DURING_BURST:
            self.table_drawn = now
            # row i shows the i-th newest report: keyed by slot, the cursor keeps its place
            rows = [(str(i), report_cells(r)) for i, r in enumerate(view.reports[:ROWS_SHOWN])]
            self.query_one("#p-reports", KeyedTable).show_rows(rows)
        row = self.query_one("#p-burst-row")
        if burst is not None and burst.total > 1:
            row.display = True
            self.query_one("#p-progress", ProgressBar).update(total=burst.total, progress=burst.reported)
            self.query_one("#p-burst", Static).update(Text(inert(burst.summary(), 200)))
        else:
            row.display = False
        self.query_one("#p-failure", Static).update(self._failure_text(view))
        self._settle_send(view)
        self.update_preview()

    def _settle_send(self, view: ProducerView) -> None:
        """Once a single send has its delivery report, say where it went (or why it failed)."""
        if self.awaiting is None or not view.reports or view.reports[0].seq <= self.awaiting:
            return
        if view.burst is not None and (view.burst.total > 1 or not view.burst.done):
            return
        self.awaiting = None
        r = view.reports[0]
        if r.error:
            text = Text(f"not delivered: {inert(r.error, 40)}: {inert(r.meaning(), 300)}", "bold red")
        else:
            offset = "no offset (acks=0)" if r.offset is None else f"offset {r.offset}"
            text = Text(
                f"delivered to {inert(r.topic, NAME_LIMIT)} partition {r.partition}, {offset}, "
                f"after {latency_text(r.latency_ms)}",
                "green",
            )
        self.query_one("#p-message", Static).update(text)

    def announce(self, notice: ProducerNotice) -> None:
        style = "bold red" if notice.error else "green"
        self.query_one("#p-message", Static).update(Text(inert_lines(notice.text, 400), style))
        self.app.notify(
            notice.text, severity="error" if notice.error else "information", timeout=6 if notice.error else 3
        )

    # -- texts --------------------------------------------------------------------------

    def _guarantee_text(self) -> Text:
        g = guarantee(self.config)
        text = Text()
        text.append("delivery guarantee: ", "bold")
        text.append(g.name, "bold green" if g.name.startswith("no dup") else "bold yellow")
        text.append(f"\n{g.detail}")
        if self.toggle_note:
            text.append(f"\n{self.toggle_note}", "italic yellow")
        return text

    def _counters_text(self) -> Text:
        v = self.view
        text = Text()
        if v is None:
            text.append("queued 0   delivered 0   failed 0", "dim")
            return text
        text.append(f"queued {v.queued:,}   ")
        text.append(f"delivered {v.delivered:,}", "green")
        text.append("   ")
        text.append(f"failed {v.failed:,}", "bold red" if v.failed else "")
        text.append(f"   in flight {v.in_flight:,}")
        text.append(f"\n{inert(v.state, 200)}", "dim")
        return text

    def _failure_text(self, view: ProducerView) -> Text:
        text = Text()
        f = view.last_failure
        if f is not None:
            text.append(f"last failure #{f.seq} ", "bold")
            text.append(inert(f.error or "", 40), "bold red")
            text.append(f": {inert(f.meaning(), 300)} ")
            if len(view.errors) > 1 or (view.errors and view.errors[0][1] > 1):
                text.append(" (" + ", ".join(f"{inert(n, 40)} ×{c:,}" for n, c in view.errors) + ")", "dim")
        for note in view.notes:
            text.append(("\n" if text else "") + inert(note, 300), "yellow")
        return text

    # -- the form -----------------------------------------------------------------------

    def form(self) -> FormInput:
        q = self.query_one
        return FormInput(
            topic=q("#p-topic", Input).value,
            key=q("#p-key", Input).value,
            value=q("#p-value", TextArea).text,
            headers=q("#p-headers", Input).value,
            partition=q("#p-partition", Input).value,
            count=q("#p-count", Input).value,
            rate=q("#p-rate", Input).value,
            json_mode=q("#p-json", Checkbox).value,
            schema=str(q("#p-schema", Select).value),
            subject=q("#p-subject", Input).value,
        )

    def topic_facts(self, topic: str) -> TopicFacts | None:
        """Local knowledge of `topic`: metadata from the snapshot, limits from the worker."""
        known = self.facts.get(topic)
        partitions = None
        if self.snapshot is not None:
            info = next((t for t in self.snapshot.topics if t.name == topic), None)
            partitions = len(info.partitions) if info is not None and info.partitions else None
        if known is not None:
            return TopicFacts(topic, partitions, known.auto_create, known.max_bytes, known.max_bytes_source)
        if partitions is None:
            return None  # the worker decides (it knows whether the broker auto-creates)
        return TopicFacts(topic, partitions)

    def validate(self) -> ProduceRequest | list[FormError]:
        parsed = parse_form(self.form())
        if isinstance(parsed, list):
            return parsed
        facts = self.topic_facts(parsed.topic)
        if facts is not None:
            problems = check_cluster(parsed, facts)
            if problems:
                return problems
        return parsed

    def update_preview(self) -> None:
        try:
            widget = self.query_one("#p-preview", Static)
        except Exception:
            return
        parsed = parse_form(self.form())
        if isinstance(parsed, list):
            widget.update(Text(inert(str(parsed[0]), 200), "yellow"))
            return
        facts = self.topic_facts(parsed.topic)
        lines = Text()
        if facts is None:
            state = "no metadata yet" if self.snapshot is None else "not in the cluster's metadata"
            lines.append(f"{inert(parsed.topic, NAME_LIMIT)}: {state}")
        else:
            lines.append(inert_lines(preview(parsed, facts.partitions, self.partitioner), 400))
        size = parsed.widest_size()
        lines.append(f"\nsize {size:,} B")
        if facts is not None and facts.max_bytes is not None:
            over = size > facts.max_bytes
            lines.append(f" of at most {facts.max_bytes:,} B", "bold red" if over else "")
            lines.append(f"\n({inert(facts.max_bytes_source, 200)})")
        widget.update(lines)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed, "#p-json")
    @on(Select.Changed, "#p-schema")
    def _form_changed(self, event: Any) -> None:
        if getattr(event, "input", None) is not None and event.input.id == "p-linger":
            return
        if getattr(event, "input", None) is not None and event.input.id == "p-topic":
            self._inspect(event.value.strip())
        self.update_preview()

    def _inspect(self, topic: str) -> None:
        """Ask the worker for the topic's size limit once (it may take a DescribeConfigs call)."""
        if self.read_only or topic in self.inspected or check_topic_name(topic):
            return
        if topic not in self.topic_names:
            return
        self.inspected.add(topic)
        self.post_message(SendCommand(InspectTopic(topic)))

    # -- toggles ------------------------------------------------------------------------

    def set_config(self, config: ProducerConfig, note: str = "") -> None:
        if config == self.config:
            return
        self.config = config
        self.toggle_note = note
        # move the other widgets before their Changed events arrive (those then change nothing)
        acks = self.query_one("#p-acks", Select)
        if acks.value != config.acks:
            acks.value = config.acks
        idem = self.query_one("#p-idem", Checkbox)
        if idem.value != config.idempotence:
            idem.value = config.idempotence
        self.query_one("#p-guarantee", Static).update(self._guarantee_text())
        if note:
            self.app.notify(note, title="producer", timeout=6)
        self.post_message(SendCommand(Configure(config)))

    @on(Select.Changed, "#p-acks")
    def _acks_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.set_config(*change(self.config, acks=event.value))

    @on(Checkbox.Changed, "#p-idem")
    def _idem_changed(self, event: Checkbox.Changed) -> None:
        self.set_config(*change(self.config, idempotence=event.value))

    @on(Select.Changed, "#p-compression")
    def _compression_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.set_config(*change(self.config, compression=event.value))

    @on(Input.Submitted, "#p-linger")
    @on(Input.Blurred, "#p-linger")
    def _linger_done(self, event: Input.Submitted | Input.Blurred) -> None:
        try:
            value = parse_linger(event.value)
        except ValueError as exc:
            self.query_one("#p-message", Static).update(Text(inert(str(exc), 200), "bold red"))
            return
        self.set_config(*change(self.config, linger_ms=value))

    # -- actions ------------------------------------------------------------------------

    @on(Button.Pressed, "#p-send")
    def action_send(self) -> None:
        if self.read_only:
            self.query_one("#p-message", Static).update(Text(READ_ONLY_TEXT, "bold red"))
            return
        result = self.validate()
        message = self.query_one("#p-message", Static)
        if isinstance(result, list):
            text = Text("not sent: ", "bold red")
            text.append("\n".join(inert(str(e), 200) for e in result), "red")
            message.update(text)
            return
        what = f"{result.count:,} messages" if result.count > 1 else "1 message"
        self.awaiting = None
        if result.count == 1:
            self.awaiting = self.view.reports[0].seq if self.view and self.view.reports else 0
        message.update(Text(f"sending {what} to {inert(result.topic, NAME_LIMIT)}…", "dim"))
        self.post_message(SendCommand(Produce(result)))

    @on(Button.Pressed, "#p-stop")
    def action_stop_burst(self) -> None:
        self.post_message(SendCommand(StopBurst()))

    @on(Button.Pressed, "#p-freezer")
    def _freezer(self) -> None:
        self.action_template("freezer")

    @on(Button.Pressed, "#p-jsontpl")
    def _json(self) -> None:
        self.action_template("json")

    @on(Button.Pressed, "#p-pretty")
    def action_pretty(self) -> None:
        area = self.query_one("#p-value", TextArea)
        try:
            area.text = pretty_json(area.text)
        except ValueError as exc:
            self.query_one("#p-message", Static).update(Text(f"value: {inert(str(exc), 200)}", "bold red"))
            return
        self.query_one("#p-json", Checkbox).value = True

    def action_template(self, kind: str) -> None:
        make = json_template if kind == "json" else freezer_template
        filled = make(self.rng, self.clock())
        self.query_one("#p-key", Input).value = filled.key
        self.query_one("#p-value", TextArea).text = filled.value
        self.query_one("#p-json", Checkbox).value = filled.json_mode
        topic = self.query_one("#p-topic", Input)
        if not topic.value and self.initial_topic:
            topic.value = self.initial_topic
        self.update_preview()
