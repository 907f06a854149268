"""Log files: everything (librdkafka included) goes to a rotating file, never to the terminal."""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Iterable
from pathlib import Path

from kafkatui.redact import RedactingFilter

ROOT = "kafkatui"


def default_log_path() -> Path:
    """Where the log file goes unless KAFKATUI_LOG_FILE says otherwise."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "kafkatui" / "kafkatui.log"


def setup_logging(path: Path, secrets: Iterable[str], level: int = logging.INFO) -> Path | None:
    """Send the `kafkatui` logger tree to a rotating file with secrets masked.

    Returns the path, or None when the file cannot be opened (logging is then discarded rather
    than written to the terminal).
    """
    logger = logging.getLogger(ROOT)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.propagate = False
    logger.setLevel(level)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler.addFilter(RedactingFilter(secrets))
    logger.addHandler(file_handler)
    return path
