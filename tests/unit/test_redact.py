"""Redaction of secrets in text and log records; the log file setup."""

from __future__ import annotations

import logging
from pathlib import Path

from kafkatui.logs import setup_logging
from kafkatui.redact import MASK, RedactingFilter, redact


def test_redacts_values_and_password_pairs() -> None:
    text = "login as u with hunter2; sasl.password=other-secret, password: 'quoted one'"
    out = redact(text, ["hunter2"])
    assert "hunter2" not in out and "other-secret" not in out and "quoted one" not in out
    assert out.count(MASK) == 3


def test_longer_secrets_first() -> None:
    assert redact("abcdef", ["abc", "abcdef"]) == MASK


def test_log_file_masks_messages_and_exceptions(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "k.log", ["CANARY-9"])
    assert path == tmp_path / "k.log"
    log = logging.getLogger("kafkatui.test")
    log.warning("connecting with %s", "CANARY-9")
    try:
        raise RuntimeError("bad CANARY-9 inside")
    except RuntimeError:
        log.exception("failed")
    logging.getLogger("kafkatui.librdkafka").error("sasl.password=CANARY-9")
    for handler in logging.getLogger("kafkatui").handlers:
        handler.flush()
    content = path.read_text()
    assert "CANARY-9" not in content and "RuntimeError" in content and MASK in content


def test_unwritable_log_path_discards_instead_of_printing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert setup_logging(blocker / "sub" / "k.log", []) is None
    logging.getLogger("kafkatui.test").error("goes nowhere")  # must not raise or print


def test_filter_keeps_record_usable() -> None:
    record = logging.LogRecord("kafkatui", logging.INFO, __file__, 1, "x %s", ("s3",), None)
    assert RedactingFilter(["s3"]).filter(record)
    assert record.getMessage() == f"x {MASK}"
