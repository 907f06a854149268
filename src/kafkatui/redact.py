"""Keep secret values out of every output: screen, log files, tracebacks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from kafkatui.domain.text import inert

MASK = "********"

# librdkafka and our own messages sometimes echo `sasl.password=...`-like pairs.
_PAIR = re.compile(
    r"(?i)((?:sasl\.password|ssl\.key\.password|ssl\.keystore\.password|password|secret)"
    r"\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;}]+)"
)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret (and `password=...` pairs) with a mask."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _PAIR.sub(lambda m: m.group(1) + MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets masked."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message += f" [{type(exc).__name__}: {inert(str(exc), 2000)}]"  # may quote a record
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message, self.secrets)
        record.args = None
        return True
