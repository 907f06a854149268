"""After a cluster switch the log goes to the new profile's `log_file`, masking every profile's
secrets seen so far; a file that cannot be opened leaves the log where it was."""

from __future__ import annotations

import logging
from pathlib import Path

from kafkatui.logs import ROOT, LogFollower, setup_logging


def test_the_log_follows_the_switch_and_masks_both_profiles_secrets(tmp_path: Path) -> None:
    first, second = tmp_path / "one.log", tmp_path / "three.log"
    logs = LogFollower(setup_logging(first, ["pw-ONE-canary"]), ["pw-ONE-canary"])
    log = logging.getLogger(f"{ROOT}.test")
    log.warning("before the switch %s", "pw-ONE-canary")
    assert logs.switch(second, ["pw-THREE-canary"]) == second
    log.warning("after it %s and a late line of the old worker %s", "pw-THREE-canary", "pw-ONE-canary")
    unwritable = tmp_path / "a-file" / "x.log"
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert logs.switch(unwritable, []) == second  # stays where it was
    log.warning("still here")
    for handler in logging.getLogger(ROOT).handlers:
        handler.flush()
    one, three = first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")
    assert "before the switch" in one and "after it" not in one
    assert "after it" in three and "still here" in three
    assert "canary" not in one + three
