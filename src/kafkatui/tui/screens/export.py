"""`E`: export a table the pane shows to a CSV or JSON-lines file.

The file is written on its own thread (never the UI's), streamed row by row to `NAME.partial`
and renamed to NAME only when every row is in: a cancelled or failed export leaves a file whose
name says it is partial. An existing file is never overwritten.

The message viewer offers one more choice: a range read from Kafka (FROM, TO, partitions). The
dialog checks the fields (`domain/range_export.parse_range`) and the name, sends `ExportRange`
and shows the worker's `RangeExportProgress` (the worker reads, a writer thread of the worker
writes: kafka/range_export.py); escape sends `CancelRangeExport`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from kafkatui.domain.export import PARTIAL_SUFFIX, ExportSource, Format, default_name, format_of, lines
from kafkatui.domain.message_viewer import StartMode
from kafkatui.domain.range_export import (
    CancelRangeExport,
    ExportRange,
    RangeExportProgress,
    RangeSpec,
    RangeState,
    parse_range,
)
from kafkatui.domain.text import NAME_LIMIT, inert
from kafkatui.domain.wording import count
from kafkatui.tui.guard import GuardedHandlers
from kafkatui.tui.messages import SendCommand

PROGRESS_EVERY = 2000  # rows between progress updates
FLUSH_BYTES = 1 << 20


class ExportJob:
    """One export on its own thread; `report(rows, done, error)` is called on that thread."""

    def __init__(
        self, source: ExportSource, path: Path, fmt: Format, report: Callable[[int, bool, str | None], None]
    ) -> None:
        self.source = source
        self.path = path
        self.partial = path.with_name(path.name + PARTIAL_SUFFIX)
        self.fmt = fmt
        self.report = report
        self.cancel = threading.Event()
        self.rows = 0
        self.thread = threading.Thread(target=self._run, name="kafkatui-export", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        error: str | None = None
        try:
            with open(self.partial, "x", encoding="utf-8", newline="") as out:
                header = self.fmt is Format.CSV
                for line in lines(self.fmt, self.source.columns, self.source.rows()):
                    if self.cancel.is_set():
                        break
                    out.write(line)
                    if header:
                        header = False
                        continue
                    self.rows += 1
                    if self.rows % PROGRESS_EVERY == 0:
                        self.report(self.rows, False, None)
            if not self.cancel.is_set():
                os.replace(self.partial, self.path)
        except OSError as exc:
            error = f"{exc.strerror or type(exc).__name__}"
        except Exception as exc:  # a row the formatter refused: the file stays partial, the app goes on
            error = f"{type(exc).__name__}: {exc}"
        self.report(self.rows, True, error)


@dataclass(frozen=True)
class RangeChoice:
    """The message viewer's topic, for "a range read from Kafka": its own partition (None: all)
    and the topic's partitions."""

    topic: str
    partition: int | None
    partitions: tuple[int, ...]


FROM_CHOICES = (("earliest", StartMode.BEGINNING.value), ("offset", StartMode.OFFSET.value),
                ("time", StartMode.TIMESTAMP.value))  # fmt: skip
TO_CHOICES = (("the end now", StartMode.END.value), ("offset", StartMode.OFFSET.value),
              ("time", StartMode.TIMESTAMP.value))  # fmt: skip
RANGE_HINTS = {
    StartMode.BEGINNING: "(the earliest record kept)",
    StartMode.END: "(the end when the export starts)",
    StartMode.OFFSET: "offset, e.g. 1200",
    StartMode.TIMESTAMP: "2026-11-21T08:00:00 (UTC), epoch ms, or 10m",
}
_jobs = itertools.count(1)


class ExportScreen(GuardedHandlers, ModalScreen[None]):
    """Pick the table (when the pane has several), name the file, enter writes it."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Cancel the export, or close")
    ]
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > VerticalScroll {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ExportScreen RadioSet { width: 100%; }
    ExportScreen #export-status { height: auto; }
    ExportScreen #export-range { height: auto; display: none; }
    ExportScreen.ranged #export-range { display: block; }
    ExportScreen #export-range Horizontal { height: 3; }
    ExportScreen #export-range Label { width: 11; padding: 1 0 0 0; }
    ExportScreen #export-range Select { width: 20; }
    ExportScreen #export-range Input { width: 1fr; }
    """

    def __init__(
        self,
        sources: list[ExportSource],
        clock: Callable[[], float] = time.time,
        folder: Path | None = None,
        ranged: RangeChoice | None = None,
    ) -> None:
        super().__init__()
        self.sources = sources
        self.clock = clock
        self.folder = folder if folder is not None else Path.cwd()
        self.ranged = ranged
        self.chosen = 0
        self.job: ExportJob | None = None
        self.range_job: ExportRange | None = None  # sent to the worker, not finished
        self.range_seen: RangeExportProgress | None = None
        self._named_by_user = False
        self._stamp = clock()
        self._host: App[object] | None = None

    def _labels(self) -> list[str]:
        labels = [source.label for source in self.sources]
        if self.ranged is not None:
            labels.append(f"A range of {inert(self.ranged.topic, NAME_LIMIT)} read from Kafka (from, to, partitions)")
        return labels

    @property
    def is_range(self) -> bool:
        return self.ranged is not None and self.chosen == len(self.sources)

    def compose(self) -> ComposeResult:
        with VerticalScroll():  # 80x24 with the range fields and a long status: it scrolls, never clips
            yield Static(Text("Export to a file: CSV (.csv) or JSON lines (.jsonl). Enter writes, escape closes."))
            labels = self._labels()
            if len(labels) > 1:
                with RadioSet(id="export-what"):
                    for i, label in enumerate(labels):
                        yield RadioButton(label, value=i == 0)
            else:
                yield Static(Text(labels[0], "bold"))
            if self.ranged is not None:
                with Vertical(id="export-range"):
                    with Horizontal():
                        yield Label("From")
                        yield Select(
                            FROM_CHOICES, value=StartMode.BEGINNING.value, allow_blank=False, id="range-from-mode"
                        )
                        yield Input("", placeholder=RANGE_HINTS[StartMode.BEGINNING], id="range-from")
                    with Horizontal():
                        yield Label("To")
                        yield Select(TO_CHOICES, value=StartMode.END.value, allow_blank=False, id="range-to-mode")
                        yield Input("", placeholder=RANGE_HINTS[StartMode.END], id="range-to")
                    with Horizontal():
                        yield Label("Partitions")
                        shown = "all" if self.ranged.partition is None else str(self.ranged.partition)
                        yield Input(shown, placeholder="all, 0 or 0,2", id="range-partitions")
            yield Input(self._default(), id="export-path")
            yield Static("", id="export-status")

    def _kind_subject(self) -> tuple[str, str]:
        if self.is_range:
            assert self.ranged is not None
            return "records", self.ranged.topic
        source = self.sources[self.chosen]
        return source.kind, source.subject

    def _default(self, fmt: Format = Format.CSV) -> str:
        kind, subject = self._kind_subject()
        return str(self.folder / default_name(kind, subject, self._stamp, fmt))

    def on_mount(self) -> None:
        self.set_class(self.is_range, "ranged")
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-what")
    def _what(self, event: RadioSet.Changed) -> None:
        self.chosen = event.index
        self.set_class(self.is_range, "ranged")
        if not self._named_by_user:
            path = self.query_one("#export-path", Input)
            path.value = self._default(format_of(path.value) or Format.CSV)
            self._named_by_user = False

    @on(Select.Changed, "#range-from-mode")
    @on(Select.Changed, "#range-to-mode")
    def _range_mode(self, event: Select.Changed) -> None:
        field = self.query_one("#range-from" if event.select.id == "range-from-mode" else "#range-to", Input)
        mode = StartMode(str(event.value))
        field.placeholder = RANGE_HINTS[mode]
        if mode in (StartMode.OFFSET, StartMode.TIMESTAMP):
            field.focus()

    @on(Input.Changed, "#export-path")
    def _typed(self, event: Input.Changed) -> None:
        self._named_by_user = event.value != self._default(format_of(event.value) or Format.CSV)

    @on(Input.Submitted, "#range-from")
    @on(Input.Submitted, "#range-to")
    @on(Input.Submitted, "#range-partitions")
    @on(Input.Submitted, "#export-path")
    def _go(self, event: Input.Submitted) -> None:
        if self.job is not None or self.range_job is not None:
            return
        spec: RangeSpec | None = None
        if self.is_range:
            try:
                spec = self._range()
            except ValueError as exc:
                self._status(Text(str(exc), "bold red"))
                return
        problem, path, fmt = self._check(self.query_one("#export-path", Input).value.strip())
        if problem is not None or path is None or fmt is None:
            self._status(Text(problem or "", "bold red"))
            return
        if spec is not None:
            self._start_range(spec, path, fmt)
            return
        self._host = self.app  # the thread reaches the app through this, even after the dialog is gone
        self.job = ExportJob(self.sources[self.chosen], path, fmt, self._from_thread)
        self._status(Text(f"Writing {path}… (escape cancels)"))
        self.job.start()

    def _range(self) -> RangeSpec:
        """The range fields as a RangeSpec; ValueError with the sentence to show."""
        assert self.ranged is not None

        def mode(widget_id: str) -> StartMode:
            return StartMode(str(self.query_one(widget_id, Select).value))

        return parse_range(
            mode("#range-from-mode"),
            self.query_one("#range-from", Input).value,
            mode("#range-to-mode"),
            self.query_one("#range-to", Input).value,
            self.query_one("#range-partitions", Input).value,
            self.ranged.partitions,
            self.clock(),
        )

    def _start_range(self, spec: RangeSpec, path: Path, fmt: Format) -> None:
        assert self.ranged is not None
        self._host = self.app
        self.range_job = ExportRange(next(_jobs), self.ranged.topic, spec, str(path), fmt)
        self.range_seen = None
        self.post_message(SendCommand(self.range_job))
        self._status(Text(f"Exporting {spec.describe()} to {path}: looking up the range… (escape cancels)"))

    def range_progress(self, event: RangeExportProgress) -> None:
        """The worker's word on the range export this dialog started (others are ignored)."""
        job = self.range_job
        if job is None or event.job != job.job:
            return
        self.range_seen = event
        if not event.state.finished:
            if self.is_attached:
                doing = "looking up the range" if event.state is RangeState.RESOLVING else event.progress_text()
                note = f" · {inert(event.message, 200)}" if event.message else ""
                self._status(Text(f"Writing {event.path}: {doing}…{note} (escape cancels)"))
            return
        self.range_job = None
        written = count(event.written, "record")
        if not self.is_attached:  # closed under it: the outcome in a toast
            if self._host is not None:
                where = event.path if event.state is RangeState.DONE else event.partial
                self._host.notify(f"Range export {event.state.value}: {written} in {where}.", title="export", timeout=8)
            return
        if event.state is RangeState.DONE:
            self.app.notify(f"Exported {written} to {event.path}.", title="export", timeout=8)
            self.dismiss(None)
            return
        why = "cancelled" if event.state is RangeState.CANCELLED else f"failed: {inert(event.message, 300)}"
        if Path(event.partial).exists():
            after = (
                f" after {written}: {event.partial} holds only those (its name ends in .partial)."
                " Enter tries again with another name."
            )
        else:
            after = ": nothing was written."
        self._status(Text(f"Export {why}{after}", "bold red"))

    def on_unmount(self) -> None:
        """Closed while a range export runs (a cluster switch stops the worker that reads it):
        the file stays partial; a toast says so once the switch has cleared the old ones."""
        job, host, seen = self.range_job, self._host, self.range_seen
        if job is None or host is None:
            return
        self.range_job = None
        written = count(seen.written, "record") if seen is not None else "no record"
        partial = job.path + PARTIAL_SUFFIX

        def say() -> None:
            with contextlib.suppress(Exception):
                host.notify(
                    f"Range export stopped (the dialog closed): {partial} keeps the {written} written.",
                    title="export",
                    severity="warning",
                    timeout=8,
                )

        with contextlib.suppress(Exception):
            host.set_timer(0.3, say)

    def _check(self, value: str) -> tuple[str | None, Path | None, Format | None]:
        if not value:
            return "Type a file name.", None, None
        fmt = format_of(value)
        if fmt is None:
            return "End the file name in .csv (CSV) or .jsonl (JSON lines).", None, None
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        if path.exists():
            return f"{inert(str(path), 200)} already exists: choose another name (nothing is overwritten).", None, None
        partial = path.with_name(path.name + PARTIAL_SUFFIX)
        if partial.exists():
            return f"{inert(str(partial), 200)} already exists: choose another name.", None, None
        if not path.parent.is_dir():
            return f"The folder {inert(str(path.parent), 200)} does not exist.", None, None
        return None, path, fmt

    def _from_thread(self, rows: int, done: bool, error: str | None) -> None:
        host = self._host
        if host is None:
            return
        with contextlib.suppress(Exception):  # the app is gone (quitting while writing): the file stays partial
            host.call_from_thread(self._progress, rows, done, error)

    def _progress(self, rows: int, done: bool, error: str | None) -> None:
        job = self.job
        if job is None:
            return
        if not self.is_attached:  # the dialog was closed under it (a cluster switch): say it in a toast
            if done:
                self.job = None
                state = "written" if error is None and not job.cancel.is_set() else f"stopped ({error or 'cancelled'})"
                where = job.path if state == "written" else job.partial
                if self._host is not None:
                    self._host.notify(f"Export {state}: {count(rows, 'row')} in {where}.", title="export", timeout=8)
            return
        expected = job.source.count
        of = f" of {expected:,}" if expected is not None else ""
        if not done:
            self._status(Text(f"Writing {job.path}: {rows:,}{of} rows… (escape cancels)"))
            return
        self.job = None
        if error is None and not job.cancel.is_set():
            self.app.notify(f"Exported {count(rows, 'row')} to {job.path}.", title="export", timeout=8)
            self.dismiss(None)
            return
        why = "cancelled" if error is None else f"failed: {error}"
        self._status(
            Text(
                f"Export {why} after {count(rows, 'row')}: {job.partial} holds only those "
                "(its name ends in .partial). Enter tries again with another name.",
                "bold red",
            )
        )

    def _status(self, text: Text) -> None:
        status = self.query_one("#export-status", Static)
        status.update(text)
        if text.plain:
            self.call_after_refresh(status.scroll_visible, animate=False)

    def action_cancel(self) -> None:
        if self.job is not None:
            self.job.cancel.set()  # the thread reports when it has stopped
            return
        if self.range_job is not None:
            self.post_message(SendCommand(CancelRangeExport(self.range_job.job)))  # the worker reports the end
            self._status(Text("Cancelling…"))
            return
        self.dismiss(None)


def open_export(
    widget: Widget,
    sources: list[ExportSource],
    clock: Callable[[], float],
    nothing: str,
    ranged: RangeChoice | None = None,
) -> None:
    """`E` on a pane or screen: the export dialog, or why there is nothing to export yet."""
    if not sources and ranged is None:
        widget.app.notify(nothing, title="export", severity="warning", timeout=5)
        return
    widget.app.push_screen(ExportScreen(sources, clock, ranged=ranged))
