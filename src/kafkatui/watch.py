"""`kafkatui watch`: the dashboard's worker and services with no screen.

One line per alert event on stdout (`--json`: JSON lines), notifications sent as in the
dashboard, everything else in the log file. SIGTERM or SIGINT ends it within a second: the worker
is a daemon thread that is asked to stop and not waited for past a short join.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from kafkatui.domain.events import Event
from kafkatui.domain.limits import Limits
from kafkatui.domain.notices import Notice, NotifyStatus
from kafkatui.domain.text import inert
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.groups import GroupsService
from kafkatui.kafka.worker import Worker
from kafkatui.notify.hub import NotifyHub
from kafkatui.settings import Settings


def notice_printer(out: TextIO, cluster: str, *, json_lines: bool) -> Callable[[Notice], None]:
    lock = threading.Lock()

    def show(notice: Notice) -> None:
        line = json.dumps(notice.to_json_dict(cluster)) if json_lines else notice.line()
        with lock:
            out.write(line + "\n")
            out.flush()

    return show


def run_watch(
    settings: Settings,
    limits: Limits,
    *,
    json_lines: bool = False,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Watch until SIGTERM/SIGINT (or `stop` is set); 0 on a clean end."""
    out = out or sys.stdout
    stop = stop or threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)

    def status(event: Event) -> None:
        # delivery trouble goes to stderr (the journal under systemd); stdout is for alert events
        if isinstance(event, NotifyStatus) and not event.ok:
            print(f"kafkatui watch: {inert(event.line(), 300)}", file=sys.stderr, flush=True)

    hub = NotifyHub(
        settings,
        limits,
        emit=status,
        on_notice=notice_printer(out, settings.bootstrap_servers, json_lines=json_lines),
    )

    def freezer(ctx: Context) -> Service:
        return FreezerFeed(ctx, limits=limits, limits_path=None)

    def groups(ctx: Context) -> Service:
        return GroupsService(ctx, first_refresh_after=1.0, limits=limits)

    worker = Worker(settings, hub.tap, extra_services=(freezer, groups))
    hub.start()
    worker.start()
    urls = len(settings.notify)
    print(
        f"kafkatui watch: {inert(settings.topic)} on {inert(settings.bootstrap_servers)}; "
        f"{urls} notification URL{'s' * (urls != 1)}; SIGTERM or Ctrl-C ends",
        file=sys.stderr,
        flush=True,
    )
    while not stop.wait(0.1):
        pass
    worker.stop(0.2)
    hub.stop(0.3)
    return 0
