"""`E`: export a table the pane shows to a CSV or JSON-lines file.

The file is written on its own thread (never the UI's), streamed row by row to `NAME.partial`
and renamed to NAME only when every row is in: a cancelled or failed export leaves a file whose
name says it is partial. An existing file is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, RadioButton, RadioSet, Static

from kafkatui.domain.export import PARTIAL_SUFFIX, ExportSource, Format, default_name, format_of, lines
from kafkatui.domain.text import inert
from kafkatui.domain.wording import count
from kafkatui.tui.guard import GuardedHandlers

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


class ExportScreen(GuardedHandlers, ModalScreen[None]):
    """Pick the table (when the pane has several), name the file, enter writes it."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Cancel the export, or close")
    ]
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ExportScreen RadioSet { width: 100%; }
    ExportScreen #export-status { height: auto; }
    """

    def __init__(
        self,
        sources: list[ExportSource],
        clock: Callable[[], float] = time.time,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.sources = sources
        self.clock = clock
        self.folder = folder if folder is not None else Path.cwd()
        self.chosen = 0
        self.job: ExportJob | None = None
        self._named_by_user = False
        self._stamp = clock()
        self._host: App[object] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Export to a file: CSV (.csv) or JSON lines (.jsonl). Enter writes, escape closes."))
            if len(self.sources) > 1:
                with RadioSet(id="export-what"):
                    for i, source in enumerate(self.sources):
                        yield RadioButton(source.label, value=i == 0)
            else:
                yield Static(Text(self.sources[0].label, "bold"))
            yield Input(self._default(), id="export-path")
            yield Static("", id="export-status")

    def _default(self) -> str:
        source = self.sources[self.chosen]
        return str(self.folder / default_name(source.kind, source.subject, self._stamp, Format.CSV))

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-what")
    def _what(self, event: RadioSet.Changed) -> None:
        self.chosen = event.index
        if not self._named_by_user:
            path = self.query_one("#export-path", Input)
            fmt = format_of(path.value) or Format.CSV
            source = self.sources[self.chosen]
            path.value = str(self.folder / default_name(source.kind, source.subject, self._stamp, fmt))
            self._named_by_user = False

    @on(Input.Changed, "#export-path")
    def _typed(self, event: Input.Changed) -> None:
        self._named_by_user = event.value != self._default()

    @on(Input.Submitted, "#export-path")
    def _go(self, event: Input.Submitted) -> None:
        if self.job is not None:
            return
        problem, path, fmt = self._check(event.value.strip())
        if problem is not None or path is None or fmt is None:
            self._status(Text(problem or "", "bold red"))
            return
        self._host = self.app  # the thread reaches the app through this, even after the dialog is gone
        self.job = ExportJob(self.sources[self.chosen], path, fmt, self._from_thread)
        self._status(Text(f"Writing {path}… (escape cancels)"))
        self.job.start()

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
        self.query_one("#export-status", Static).update(text)

    def action_cancel(self) -> None:
        if self.job is not None:
            self.job.cancel.set()  # the thread reports when it has stopped
            return
        self.dismiss(None)


def open_export(widget: Widget, sources: list[ExportSource], clock: Callable[[], float], nothing: str) -> None:
    """`E` on a pane or screen: the export dialog, or why there is nothing to export yet."""
    if not sources:
        widget.app.notify(nothing, title="export", severity="warning", timeout=5)
        return
    widget.app.push_screen(ExportScreen(sources, clock))
