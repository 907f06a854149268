"""librdkafka's connection failures as sentences, including the protocol mismatches it only logs.

librdkafka 2.16 reports a wrong password (``_AUTHENTICATION``) and a failed certificate check
(``_SSL``) through ``error_cb``. A PLAINTEXT client on a TLS listener is different: the broker
drops the connection during the first request, librdkafka logs ``Disconnected: connection closed
by peer ... (after 1ms in state APIVERSION_QUERY)`` at INFO level and ``error_cb`` only ever sees
``_ALL_BROKERS_DOWN``. :class:`HintingLogger` watches the log lines and turns those into an error
for ``error_cb`` whose text starts with :data:`MISMATCH`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from confluent_kafka import KafkaError

MISMATCH = "protocol mismatch"

# "[thrd:ssl://127.0.0.1:9093/bootstrap]: ssl://127.0.0.1:9093/bootstrap: SSL handshake failed..."
_BROKER = re.compile(r"^(?:\[thrd:[^\]]*\]: )?(?:(?P<proto>[a-z_]+)://)?(?P<broker>[^\s/]+)/(?P<id>\w+): ")
_AFTER = re.compile(r"\s*\(after (?P<ms>\d+)ms in state (?P<state>\w+)(?:, \d+ identical error\(s\) suppressed)?\)\s*$")
_OPENSSL_CODE = re.compile(r"error:[0-9A-Fa-f]{8}:[^:]*:[^:]*:")
_INSTALL_TIP = re.compile(r"\s*\((?:brew )?install [^)]*\)")
_SASL_FAILED = re.compile(
    r"^SASL authentication error: Authentication failed:?\s*(?:during authentication due to\s+)?", re.IGNORECASE
)

HINT_INTERVAL = 1.0  # the same hint reaches error_cb at most once a second (librdkafka retries ~20/s)
HINT_CONFIRM = 10.0  # a hint counts once seen twice within this many seconds (see HintingLogger)


def split_broker(text: str) -> tuple[str, str, str]:
    """``(client protocol, broker address, message)`` from a librdkafka broker error or log line.

    librdkafka names a broker ``proto://host:port/id`` and leaves the proto out for PLAINTEXT.
    """
    text = " ".join(text.split())
    m = _BROKER.match(text)
    if not m:
        return "", "", text
    return (m.group("proto") or "plaintext").upper(), m.group("broker"), text[m.end() :]


def tidy(text: str) -> str:
    """The message without the broker prefix, the state suffix and OpenSSL's error codes."""
    _, _, message = split_broker(text)
    message = _AFTER.sub("", message)
    message = _OPENSSL_CODE.sub("", message)
    return _INSTALL_TIP.sub("", message).strip()


def auth_reason(text: str) -> str:
    """Why SASL failed, in words: ``Invalid username or password`` rather than the whole log line."""
    protocol, broker, _ = split_broker(text)
    message = tidy(text)
    if message.rstrip().endswith("supported mechanisms:"):  # a listener without SASL
        other = "SSL" if protocol == "SASL_SSL" else "PLAINTEXT"
        return (
            f"{MISMATCH}: {broker or 'the broker'} does not do SASL on this listener; "
            f"security.protocol is {protocol or 'SASL'} (try {other})"
        )
    rest = _SASL_FAILED.sub("", message)
    return rest[:1].upper() + rest[1:] if rest else message


def tls_reason(text: str) -> str:
    """Why the TLS handshake failed, in words."""
    protocol, broker, _ = split_broker(text)
    message = tidy(text)
    if "plaintext broker listener" in message.lower():
        other = "SASL_PLAINTEXT" if protocol == "SASL_SSL" else "PLAINTEXT or SASL_PLAINTEXT"
        return (
            f"{MISMATCH}: {broker or 'the broker'} is not a TLS listener; "
            f"security.protocol is {protocol or 'SSL'} (try {other})"
        )
    return message


def log_hint(line: str) -> str | None:
    """A protocol-mismatch sentence from one librdkafka log line, or None.

    - Closed during the first request (ApiVersion) on a non-TLS client: a TLS listener.
    - Closed right after the handshake (under a second in state UP) on a non-SASL client: a SASL
      listener (the broker answers ApiVersion, then drops the first real request).
    """
    protocol, broker, message = split_broker(line)
    if not broker or not message.startswith("Disconnected"):
        return None
    if "security.protocol" in message:  # librdkafka's own hint (older versions)
        return f"{MISMATCH}: {broker}: {tidy(line)}"
    after = _AFTER.search(message)
    if after is None:
        return None
    state, ms = after.group("state"), int(after.group("ms"))
    if state == "APIVERSION_QUERY" and protocol in ("PLAINTEXT", "SASL_PLAINTEXT"):
        other = "SSL" if protocol == "PLAINTEXT" else "SASL_SSL"
        return (
            f"{MISMATCH}: {broker} closed the connection at the first request, as a TLS listener does; "
            f"security.protocol is {protocol} (try {other})"
        )
    if state == "UP" and ms < 1000 and protocol in ("PLAINTEXT", "SSL"):
        other = "SASL_PLAINTEXT" if protocol == "PLAINTEXT" else "SASL_SSL"
        return (
            f"{MISMATCH}: {broker} closed the connection at the first request after the handshake, "
            f"as a SASL listener does; security.protocol is {protocol} (try {other} with credentials)"
        )
    return None


class HintingLogger:
    """The ``logger`` for a librdkafka client: forwards every line to ``target`` and reports
    protocol mismatches to ``on_error`` as ``KafkaError(_TRANSPORT, "protocol mismatch: ...")``.

    librdkafka calls it on the thread that polls the client, like ``error_cb``. A hint is reported
    only when its line comes back within HINT_CONFIRM seconds: a real mismatch repeats at every
    reconnect, while a broker that is shutting down can close one connection in the same way once.
    """

    def __init__(
        self,
        target: logging.Logger,
        on_error: Callable[[KafkaError], Any],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self.on_error = on_error
        self.clock = clock
        self._last: tuple[str, float] | None = None
        self._first: tuple[str, float] | None = None  # a hint seen once, not yet confirmed

    def log(self, level: int, msg: str, *args: Any, **kwargs: Any) -> None:
        self.target.log(level, msg, *args, **kwargs)
        line = str(args[-1]) if args else str(msg)
        hint = log_hint(line)
        if hint is None:
            return
        now = self.clock()
        if self._first is None or self._first[0] != hint or now - self._first[1] > HINT_CONFIRM:
            self._first = (hint, now)
            return
        if self._last is not None and self._last[0] == hint and now - self._last[1] < HINT_INTERVAL:
            return
        self._last = (hint, now)
        self.on_error(KafkaError(KafkaError._TRANSPORT, hint))
