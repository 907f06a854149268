"""`kafkatui watch` and the notification settings at the command line: bad settings exit 2, secrets stay hidden."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest

from kafkatui import cli
from kafkatui.domain.notices import Notice
from kafkatui.settings import load_settings
from kafkatui.watch import notice_printer

CANARY = "CANARY-watch-pw-55e1"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["watch", "--limits", "missing.toml"], "kafkatui: error: limits file missing.toml: no such file"),
        (["watch", "--notify", f"nope://me:{CANARY}@127.0.0.1/x"], "--notify URL 1 (nope://…): not a notification"),
        (["watch", "--notify-repeat", "0"], "--notify-repeat: must be greater than 0"),
        (["--notify", f"{CANARY}"], "--notify: URL 1 is not a notification URL"),
    ],
)
def test_a_bad_setting_exits_2_with_one_line_and_no_secret(
    args: list[str], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "k.log"))
    assert cli.main(args) == 2
    out = capsys.readouterr()
    assert expected in out.err and out.err.count("\n") == 1
    log = tmp_path / "k.log"
    assert CANARY not in out.err + out.out + (log.read_text(encoding="utf-8") if log.exists() else "")


def test_notify_urls_are_secrets_with_their_passwords_and_tokens(tmp_path: Path) -> None:
    urls = (f"json://me:{CANARY}@127.0.0.1:9/hook", "slack://T0ABCDEFGHIJK/B0ABCDEFGHIJ/XYZtokenABCDEFGHIJKLMN")
    settings = load_settings({"notify": urls}, env_file=tmp_path / "none")
    secrets = settings.secret_values()
    assert CANARY in secrets and urls[0] in secrets and "XYZtokenABCDEFGHIJKLMN" in secrets
    assert CANARY not in repr(settings) and "XYZtoken" not in str(settings.model_dump())


def test_watch_prints_one_line_or_one_json_line_per_notice() -> None:
    notice = Notice("sensor", "chiller-3", "too warm", True, "9.1 °C", "max 8 °C", 1_764_000_000.0, 1_764_000_000.0)
    for json_lines, expected in ((False, "RAISED sensor chiller-3 too warm"), (True, '"event": "raised"')):
        out = io.StringIO()
        notice_printer(out, "127.0.0.1:9092", json_lines=json_lines)(notice)
        assert out.getvalue().count("\n") == 1 and expected in out.getvalue()


def test_watch_ends_when_told_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loop that SIGTERM ends: `stop` set, it returns 0 at once (the worker is not waited for)."""
    from kafkatui.domain.alerts import Thresholds
    from kafkatui.domain.limits import Limits, SensorLimits
    from kafkatui.logs import setup_logging
    from kafkatui.watch import run_watch

    settings = load_settings({"bootstrap_servers": "127.0.0.1:9", "timeout": 1.0}, env_file=tmp_path / "none")
    setup_logging(tmp_path / "k.log", [])  # librdkafka's refused connections go to the file
    stop = threading.Event()
    result: list[int] = []
    before = {t for t in threading.enumerate() if t.name == "kafka-worker"}  # another test's, if any
    thread = threading.Thread(
        target=lambda: result.append(
            run_watch(settings, Limits(SensorLimits(Thresholds(-5, 5), 30.0)), out=io.StringIO(), stop=stop)
        )
    )
    thread.start()
    stop.set()
    thread.join(10)
    assert result == [0]
    # the worker was asked to stop and not waited for; it ends on its own soon after
    deadline = time.monotonic() + 15
    while any(t.name == "kafka-worker" and t.is_alive() and t not in before for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the worker thread did not end"
        time.sleep(0.05)


def test_notify_repeat_takes_a_duration_or_seconds(tmp_path: Path) -> None:
    for given, seconds in (("30m", 1800.0), ("2h", 7200.0), ("90", 90.0), (45.0, 45.0)):
        assert load_settings({"notify_repeat": given}, env_file=tmp_path / "none").notify_repeat == seconds
    assert load_settings({}, env_file=tmp_path / "none").notify_repeat == 3600.0
