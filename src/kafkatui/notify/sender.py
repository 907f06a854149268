"""Sending notifications with apprise, on a thread of its own (never the worker's or the UI's).

Messages wait in a bounded queue; when it is full a message is dropped *and counted* (the status
says so, the log says so). Each URL is tried with backoff (0.5 s, 1 s, 2 s, ... at most
`MAX_BACKOFF`) up to `ATTEMPTS` times; deliveries, failures and retries are counted and every
change is reported as a `NotifyStatus`. apprise's own log lines go to our log file through our
filters, so a URL (a secret) is masked there too, and nothing reaches the terminal.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

import apprise

from kafkatui.domain.notices import Message, NotifyStatus
from kafkatui.domain.readings import utc_iso
from kafkatui.redact import redact

log = logging.getLogger("kafkatui.notify")

QUEUE_SIZE = 64  # messages waiting to be sent (a message already gathers a burst)
ATTEMPTS = 5  # per URL and message
BACKOFF = 0.5  # seconds before the first retry; doubles each time
MAX_BACKOFF = 30.0
SEND_TIMEOUT = 10.0  # seconds one attempt may take (apprise's connect/read timeouts are shorter)


def quiet_apprise() -> None:
    """apprise logs under "apprise": into our log file (secrets masked), never the terminal."""
    ours = logging.getLogger("kafkatui")
    theirs = logging.getLogger("apprise")
    theirs.propagate = False
    for handler in list(theirs.handlers):
        theirs.removeHandler(handler)
    for handler in ours.handlers:
        theirs.addHandler(handler)
    if not theirs.handlers:
        theirs.addHandler(logging.NullHandler())
    theirs.setLevel(logging.WARNING)


def unknown_urls(urls: Sequence[str]) -> list[tuple[int, str]]:
    """(number, scheme) of each URL apprise cannot use (the URL itself is a secret)."""
    quiet_apprise()
    bad = []
    for number, url in enumerate(urls, start=1):
        if apprise.Apprise.instantiate(url) is None:
            bad.append((number, url.partition("://")[0][:20]))
    return bad


class Sender:
    """One thread sending queued messages to its URLs, with retries and counts. The hub runs one
    per URL, so an endpoint that hangs delays no other."""

    def __init__(
        self,
        urls: Sequence[str],
        secrets: Sequence[str],
        on_status: Callable[[NotifyStatus], None],
        *,
        clock: Callable[[], float] = time.time,
        queue_size: int = QUEUE_SIZE,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF,
        first_number: int = 1,
    ) -> None:
        quiet_apprise()
        self.targets: list[apprise.Apprise] = []
        for url in urls:
            target = apprise.Apprise()
            target.add(url)
            self.targets.append(target)
        self.first_number = first_number  # how its URLs are numbered in messages (URL 1, URL 2, ...)
        self.secrets = list(secrets)
        self.on_status = on_status
        self.clock = clock
        self.attempts = attempts
        self.backoff = backoff
        self.queue: queue.Queue[Message] = queue.Queue(maxsize=queue_size)
        self.delivered = 0
        self.failed = 0
        self.retries = 0
        self.dropped = 0
        self.last = "nothing sent yet"
        self.ok = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notify-sender", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def stop(self, timeout: float = 0.5) -> None:
        """Stop soon (a send in flight is abandoned: the thread is a daemon)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def submit(self, message: Message) -> bool:
        """Queue a message; False (counted, logged, reported) when the queue is full."""
        try:
            self.queue.put_nowait(message)
            return True
        except queue.Full:
            self.dropped += 1
            self.ok = False
            self.last = f"queue full at {utc_iso(self.clock())[11:19]} UTC: a message was dropped"
            log.warning(
                "notification queue full (%d waiting): message dropped, %d so far", self.queue.qsize(), self.dropped
            )
            self._report()
            return False

    def status(self) -> NotifyStatus:
        return NotifyStatus(self.clock(), self.delivered, self.failed, self.retries, self.dropped, self.last, self.ok)

    # -- the sender thread --------------------------------------------------------------

    def _report(self) -> None:
        try:
            self.on_status(self.status())
        except Exception:
            log.debug("status report failed", exc_info=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                message = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            for number, target in enumerate(self.targets, start=self.first_number):
                if self._stop.is_set():
                    return
                self._deliver(number, target, message)

    def _deliver(self, number: int, target: apprise.Apprise, message: Message) -> None:
        where = f"URL {number}"
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            if self._send_once(target, message):
                self.delivered += 1
                self.ok = True
                tried = f" after {attempt} attempts" if attempt > 1 else ""
                self.last = f"last delivered {utc_iso(self.clock())[11:19]} UTC{tried}"
                log.info("notification delivered to %s%s: %s", where, tried, message.title)
                self._report()
                return
            if attempt < self.attempts:
                self.retries += 1
                self.ok = False
                self.last = f"{where} failed (attempt {attempt} of {self.attempts}), retrying in {delay:g} s"
                log.warning(
                    "notification to %s failed (attempt %d of %d); retrying in %g s",
                    where,
                    attempt,
                    self.attempts,
                    delay,
                )
                self._report()
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, MAX_BACKOFF)
        self.failed += 1
        self.ok = False
        self.last = f"{where} failed {self.attempts} times at {utc_iso(self.clock())[11:19]} UTC; message not delivered"
        log.error("notification to %s not delivered after %d attempts: %s", where, self.attempts, message.title)
        self._report()

    def _send_once(self, target: apprise.Apprise, message: Message) -> bool:
        try:
            return bool(target.notify(body=message.body, title=message.title, timeout=SEND_TIMEOUT))
        except Exception as exc:  # apprise or a plugin raising: a failed attempt, never the end
            log.warning("notification attempt raised %s", redact(f"{type(exc).__name__}: {exc}", self.secrets))
            return False
