"""The notifier against a real HTTP receiver on loopback: retries, counts, a hanging endpoint, overflow, secrets."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from http_receiver import Receiver
from kafkatui.domain.alerts import AlertBatch, AlertEvent, AlertKind
from kafkatui.domain.notices import Message, NotifyStatus
from kafkatui.logs import setup_logging
from kafkatui.notify.hub import NotifyHub
from kafkatui.notify.sender import Sender
from kafkatui.settings import load_settings

CANARY = "CANARY-notify-pw-7f3a"


def _settings(*urls: str) -> object:
    return load_settings(
        {"notify": urls, "bootstrap_servers": "127.0.0.1:9", "notify_repeat": 3600.0}, env_file=Path("/nonexistent")
    )


def _wait(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_receiver_answering_500_then_200_gets_it_after_a_retry_and_it_is_counted() -> None:
    statuses: list[NotifyStatus] = []
    with Receiver([500, 200]) as receiver:
        sender = Sender([receiver.url()], [], statuses.append, backoff=0.05)
        sender.start()
        try:
            sender.submit(Message("kafkatui: 1 raised", "RAISED sensor s1 too warm", ()))
            _wait(lambda: sender.delivered == 1)
        finally:
            sender.stop()
        got = receiver.received()
    assert [r.status for r in got] == [500, 200]
    assert got[1].json()["title"] == "kafkatui: 1 raised"
    assert (sender.delivered, sender.failed, sender.retries) == (1, 0, 1)
    assert statuses[-1].ok and "after 2 attempts" in statuses[-1].line()
    assert any("retrying" in s.line() for s in statuses)


def test_a_receiver_that_always_fails_is_counted_as_failed_after_the_attempts() -> None:
    statuses: list[NotifyStatus] = []
    with Receiver([503]) as receiver:
        sender = Sender([receiver.url()], [], statuses.append, backoff=0.01, attempts=3)
        sender.start()
        try:
            sender.submit(Message("t", "b", ()))
            _wait(lambda: sender.failed == 1)
        finally:
            sender.stop()
        assert len(receiver.received()) == 3
    assert not statuses[-1].ok and "failed 3 times" in statuses[-1].line() and "1 failed" in statuses[-1].line()


def test_a_full_queue_drops_and_says_so() -> None:
    statuses: list[NotifyStatus] = []
    sender = Sender(["json://127.0.0.1:9/x"], [], statuses.append, queue_size=2)  # never started
    assert sender.submit(Message("a", "", ())) and sender.submit(Message("b", "", ()))
    assert not sender.submit(Message("c", "", ()))
    assert sender.dropped == 1 and "1 dropped (queue full)" in statuses[-1].line()


def test_a_hanging_receiver_never_blocks_the_tap_and_the_canary_password_is_nowhere(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with Receiver(hang=True) as receiver:
        url = receiver.url(password=CANARY)
        settings = _settings(url)
        log_file = tmp_path / "kafkatui.log"
        setup_logging(log_file, settings.secret_values())  # type: ignore[attr-defined]
        seen: list[object] = []
        hub = NotifyHub(settings, None, emit=seen.append, gather=0.05)  # type: ignore[arg-type]
        hub.start()
        try:
            started = time.monotonic()
            for i in range(200):  # the worker keeps emitting while the endpoint hangs
                hub.tap(AlertBatch((AlertEvent(AlertKind.TOO_WARM, f"s{i}", True, 9.0, 5.0, time.time()),)))
            assert time.monotonic() - started < 0.5  # a tap is a put_nowait, never a send
            _wait(lambda: len(receiver.received()) >= 1)
            assert len([e for e in seen if isinstance(e, AlertBatch)]) == 200  # everything went on to the UI
        finally:
            hub.stop(0.2)
        logging.getLogger("kafkatui").handlers[0].flush()
    text = log_file.read_text(encoding="utf-8") + capsys.readouterr().out + capsys.readouterr().err
    text += " ".join(str(e) for e in seen) + repr(settings) + str(settings.model_dump())  # type: ignore[attr-defined]
    assert CANARY not in text
    assert CANARY in url  # (the canary was really in the URL used)


def test_a_full_event_queue_in_the_hub_is_counted_and_shown() -> None:
    seen: list[object] = []
    hub = NotifyHub(_settings("json://127.0.0.1:9/x"), None, emit=seen.append)  # type: ignore[arg-type]
    batch = AlertBatch((AlertEvent(AlertKind.TOO_WARM, "s1", True, 9.0, 5.0, time.time()),))
    for _ in range(hub.events.maxsize + 1):  # the hub's thread is not started: nothing takes them
        hub.tap(batch)
    assert hub.overflow == 1
    statuses = [e for e in seen if isinstance(e, NotifyStatus)]
    assert statuses and "1 dropped (queue full)" in statuses[-1].line()
    assert len([e for e in seen if isinstance(e, AlertBatch)]) == hub.events.maxsize + 1  # the UI got all
