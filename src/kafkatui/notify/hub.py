"""Between the worker and the people: worker events in, notices and notifications out.

`tap` wraps the worker's emit function: every event goes on to the UI (or nowhere, for `watch`)
unchanged, and the few that matter to notifications (`AlertBatch`, `GroupsView`,
`ConnectionState`) are also put on a bounded queue — a `put_nowait`, so the worker never waits.
The hub's own thread turns them into notices (`NoticeTracker`), gathers bursts and reminders
(`Outbox`) and hands messages to the `Sender`, whose thread does the sending. Overflow of the
event queue is counted and logged, never silent.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from kafkatui.domain.alerts import AlertBatch
from kafkatui.domain.events import Event
from kafkatui.domain.groups import GroupsView
from kafkatui.domain.limits import Limits
from kafkatui.domain.models import ConnectionState
from kafkatui.domain.notices import GATHER, Notice, NoticeTracker, NotifyStatus, Outbox
from kafkatui.notify.sender import BACKOFF, Sender
from kafkatui.redact import redact
from kafkatui.settings import Settings

log = logging.getLogger("kafkatui.notify")

EVENT_QUEUE = 1000  # events waiting for the hub (a few a second in practice)


class NotifyHub:
    def __init__(
        self,
        settings: Settings,
        limits: Limits | None,
        emit: Callable[[Event], None],
        *,
        on_notice: Callable[[Notice], None] | None = None,
        clock: Callable[[], float] = time.time,
        gather: float = GATHER,
        backoff: float | None = None,
    ) -> None:
        self.cluster = settings.bootstrap_servers
        self.limits = limits
        self.secrets = settings.secret_values()
        self._emit = emit
        self.on_notice = on_notice
        self.clock = clock
        self.events: queue.Queue[object] = queue.Queue(maxsize=EVENT_QUEUE)
        self.overflow = 0
        self.tracker = NoticeTracker()
        self.outbox = Outbox(self.cluster, repeat=settings.notify_repeat, gather=gather)
        urls = [u.get_secret_value() for u in settings.notify]
        self.senders = [
            Sender([url], self.secrets, self._status, clock=clock, backoff=backoff or BACKOFF, first_number=n)
            for n, url in enumerate(urls, start=1)
        ]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notify-hub", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()
        for sender in self.senders:
            sender.start()
        if self.senders:
            self._status(self.senders[0].status())

    def stop(self, timeout: float = 0.5) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout / 2)
        for sender in self.senders:
            sender.stop(timeout / (2 * len(self.senders)))

    def tap(self, event: Event) -> None:
        """The worker's emit: pass the event on, keep what notifications need (never blocks)."""
        self._emit(event)
        if isinstance(event, AlertBatch | GroupsView | ConnectionState):
            try:
                self.events.put_nowait(event)
            except queue.Full:
                self.overflow += 1
                if self.overflow == 1 or self.overflow % 100 == 0:
                    log.warning("notification events queue full: %d events not looked at", self.overflow)
                    if self.senders:
                        self._status(self.senders[0].status())

    # -- the hub thread -----------------------------------------------------------------

    def _status(self, latest: NotifyStatus) -> None:
        """One status for all URLs: the counts summed, the last event of the one that reported."""
        senders = self.senders
        status = NotifyStatus(
            latest.ts,
            sum(s.delivered for s in senders),
            sum(s.failed for s in senders),
            sum(s.retries for s in senders),
            sum(s.dropped for s in senders) + self.overflow,  # events or messages: both said
            latest.last,
            latest.ok,
        )
        log.info("%s", status.line())
        try:
            self._emit(status)
        except Exception:
            log.debug("emit failed", exc_info=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            now = self.clock()
            wait = min(0.2, self.outbox.wait(now))
            try:
                event = self.events.get(timeout=max(wait, 0.01))
            except queue.Empty:
                event = None
            try:
                if event is not None:
                    self._take(event)
                message = self.outbox.due(self.clock())
                if message is not None:
                    for sender in self.senders:
                        sender.submit(message)
            except Exception as exc:  # a bug here must not end notifications silently
                log.error("notifications: %s", redact(f"{type(exc).__name__}: {exc}", self.secrets))
                time.sleep(0.1)

    def _take(self, event: object) -> None:
        now = self.clock()
        if isinstance(event, AlertBatch):
            notices = self.tracker.alerts(event.events)
        elif isinstance(event, GroupsView):
            notices = self.tracker.groups(event, self.limits)
        elif isinstance(event, ConnectionState):
            notices = self.tracker.connection(event, self.cluster, now)
        else:
            return
        if not notices:
            return
        for notice in notices:
            log.info("alert: %s", notice.line())
            if self.on_notice is not None:
                self.on_notice(notice)
        self.outbox.add(notices, now)
