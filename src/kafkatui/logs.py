"""Log files: everything (librdkafka included) goes to a rotating file, never to the terminal.

The file is read in a terminal (`tail -f`, `less -R`): every argument of a log call — a broker's
error string, a topic, a host, librdkafka's own line — goes through `inert` (InertFilter), so a
record or a broker cannot write escape sequences or forge lines into it. Format strings are ours.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kafkatui.domain.text import inert, inert_lines
from kafkatui.redact import RedactingFilter

ROOT = "kafkatui"
LIBRDKAFKA = "kafkatui.librdkafka"  # where every librdkafka client logs (kafka/clients.py)
# loggers whose lines repeat while a broker is down: librdkafka's own, and its error_cb's (metadata)
REPEATING = (LIBRDKAFKA, "kafkatui.metadata")
REPEAT_SECONDS = 30.0


class RepeatFilter(logging.Filter):
    """Drop a line logged less than REPEAT_SECONDS ago; when it is logged again it says how many were dropped.

    While a broker is down librdkafka logs the refused connection from every client several times
    a second, and its error_cb repeats it (620 + ~600 lines in a 30-second outage of the soak),
    which buries everything else.
    """

    # what changes between otherwise identical lines: the thread name and the time in a state
    _VARYING = re.compile(r"\[thrd:[^\]]*\]: |\s*\(after \d+ms in state \w+[^)]*\)")

    def __init__(self, seconds: float = REPEAT_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self.seen: dict[str, tuple[float, int]] = {}  # line -> (when last logged, dropped since)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        key = self._VARYING.sub("", message)
        now = self.clock()
        last, dropped = self.seen.get(key, (None, 0))
        if last is not None and now - last < self.seconds:
            self.seen[key] = (last, dropped + 1)
            return False
        if len(self.seen) > 512:
            self.seen.clear()
        self.seen[key] = (now, 0)
        if dropped:
            record.msg, record.args = f"{message} ({dropped} repeated lines not logged)", None
        return True


LOG_ARG_LIMIT = 2000  # characters of one argument of a log line


class InertFilter(logging.Filter):
    """Each argument of a record as one inert line (`extra={"multiline": True}`: line breaks kept,
    for a traceback); non-string arguments (numbers) pass as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.args:
            return True
        escape = inert_lines if getattr(record, "multiline", False) else inert

        def one(arg: object) -> object:
            if arg is None or isinstance(arg, int | float):  # numbers keep their %d / %g
                return arg
            return escape(arg if isinstance(arg, str) else str(arg), LOG_ARG_LIMIT)

        if isinstance(record.args, dict):
            record.args = {k: one(v) for k, v in record.args.items()}
        else:
            record.args = tuple(one(a) for a in record.args)
        return True


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
    file_handler.addFilter(InertFilter())  # first: the redacting filter joins the arguments in
    file_handler.addFilter(RedactingFilter(secrets))
    logger.addHandler(file_handler)
    for name in REPEATING:
        repeating = logging.getLogger(name)
        for old in [f for f in repeating.filters if isinstance(f, RepeatFilter)]:
            repeating.removeFilter(old)
        repeating.addFilter(RepeatFilter())
    return path


class LogFollower:
    """The log file follows the cluster in use: after a switch, the new profile's `log_file`, and
    the secrets masked are every profile's seen this session (the old worker may still log a line
    as it stops). A file that cannot be opened leaves the log where it was."""

    def __init__(self, path: Path | None, secrets: Iterable[str]) -> None:
        self.path = path
        self.secrets = set(secrets)

    def switch(self, path: Path, secrets: Iterable[str]) -> Path | None:
        self.secrets.update(secrets)
        opened = setup_logging(path, self.secrets)
        if opened is None and self.path is not None:
            opened = setup_logging(self.path, self.secrets)
            if opened is not None:
                logging.getLogger(ROOT).warning("log file %s cannot be opened: logging stays here", str(path))
        self.path = opened
        return opened
