"""librdkafka failure texts -> sentences (kafka/diagnose.py), on lines captured from librdkafka 2.16."""

from __future__ import annotations

import logging

import pytest
from confluent_kafka import KafkaError

from kafkatui.domain.models import Link
from kafkatui.kafka import diagnose
from kafkatui.kafka.clients import classify

WRONG_PLAIN = (
    "sasl_plaintext://127.0.0.1:47821/bootstrap: SASL authentication error: Authentication failed: "
    "Invalid username or password (after 301ms in state AUTH_REQ)"
)
WRONG_SCRAM = (
    "sasl_ssl://127.0.0.1:47821/1: SASL authentication error: Authentication failed during authentication "
    "due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 317ms in state AUTH_REQ, "
    "2 identical error(s) suppressed)"
)
WRONG_CA = (
    "ssl://127.0.0.1:52087/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify "
    "failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured or "
    "root CA certificates are installed (install ca-certificates package) (after 19ms in state SSL_HANDSHAKE)"
)
SSL_ON_PLAIN = (
    "ssl://127.0.0.1:45755/bootstrap: SSL handshake failed: Disconnected: SSL connection closed by peer: "
    "connecting to a PLAINTEXT broker listener? (after 0ms in state SSL_HANDSHAKE)"
)
SASL_ON_PLAIN = (
    "sasl_plaintext://127.0.0.1:45755/bootstrap: SASL PLAIN mechanism handshake failed: Broker: Request not "
    "valid in current SASL state: broker's supported mechanisms:  (after 2ms in state AUTH_HANDSHAKE)"
)
UNSUPPORTED = (
    "sasl_ssl://b-1.example:9096/bootstrap: SASL SCRAM-SHA-256 mechanism handshake failed: Broker: Unsupported "
    "SASL mechanism: broker's supported mechanisms: PLAIN,SCRAM-SHA-512 (after 5ms in state AUTH_HANDSHAKE)"
)


def _log(body: str) -> str:
    broker = body.split(": ", 1)[0]
    return f"[thrd:{broker}]: {body}"


@pytest.mark.parametrize(
    ("code", "text", "link", "reason"),
    [
        (KafkaError._AUTHENTICATION, WRONG_PLAIN, Link.AUTH_FAILED, "Invalid username or password"),
        (
            KafkaError._AUTHENTICATION,
            WRONG_SCRAM,
            Link.AUTH_FAILED,
            "Invalid credentials with SASL mechanism SCRAM-SHA-512",
        ),
        (
            KafkaError._SSL,
            WRONG_CA,
            Link.TLS_FAILED,
            "SSL handshake failed: certificate verify failed: broker certificate could not be verified, "
            "verify that ssl.ca.location is correctly configured or root CA certificates are installed",
        ),
        (
            KafkaError._TRANSPORT,
            SSL_ON_PLAIN,
            Link.TLS_FAILED,
            "protocol mismatch: 127.0.0.1:45755 is not a TLS listener; security.protocol is SSL "
            "(try PLAINTEXT or SASL_PLAINTEXT)",
        ),
        (
            KafkaError._AUTHENTICATION,
            SASL_ON_PLAIN,
            Link.AUTH_FAILED,
            "protocol mismatch: 127.0.0.1:45755 does not do SASL on this listener; "
            "security.protocol is SASL_PLAINTEXT (try PLAINTEXT)",
        ),
        (
            KafkaError._AUTHENTICATION,
            UNSUPPORTED,
            Link.AUTH_FAILED,
            "SASL SCRAM-SHA-256 mechanism handshake failed: Broker: Unsupported SASL mechanism: "
            "broker's supported mechanisms: PLAIN,SCRAM-SHA-512",
        ),
    ],
)
def test_classify_words(code: int, text: str, link: Link, reason: str) -> None:
    state = classify(code, text, 1.0)
    assert (state.link, state.reason) == (link, reason)


def test_classify_keeps_other_failures_as_they_were() -> None:
    text = "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)"
    state = classify(KafkaError._TRANSPORT, text, 1.0)
    assert (state.link, state.reason) == (Link.UNREACHABLE, text)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "127.0.0.1:52087/bootstrap: Disconnected: connection closed by peer: receive 0 after POLLIN "
            "(after 1ms in state APIVERSION_QUERY)",
            "protocol mismatch: 127.0.0.1:52087 closed the connection at the first request, as a TLS listener "
            "does; security.protocol is PLAINTEXT (try SSL)",
        ),
        (
            "sasl_plaintext://127.0.0.1:5/bootstrap: Disconnected: connection closed by peer: receive 0 after "
            "POLLIN (after 3ms in state APIVERSION_QUERY)",
            "protocol mismatch: 127.0.0.1:5 closed the connection at the first request, as a TLS listener does; "
            "security.protocol is SASL_PLAINTEXT (try SASL_SSL)",
        ),
        (
            "127.0.0.1:47821/bootstrap: Disconnected: connection closed by peer: receive 0 after POLLIN "
            "(after 0ms in state UP)",
            "protocol mismatch: 127.0.0.1:47821 closed the connection at the first request after the handshake, "
            "as a SASL listener does; security.protocol is PLAINTEXT (try SASL_PLAINTEXT with credentials)",
        ),
        (
            "127.0.0.1:9092/1: Disconnected while requesting ApiVersion: might be caused by incorrect "
            "security.protocol configuration (connecting to a SSL listener?) or broker version is < 0.10 "
            "(see api.version.request) (after 5ms in state APIVERSION_QUERY)",
            "protocol mismatch: 127.0.0.1:9092: Disconnected while requesting ApiVersion: might be caused by "
            "incorrect security.protocol configuration (connecting to a SSL listener?) or broker version is "
            "< 0.10 (see api.version.request)",
        ),
        # a broker that dies after a while, a TLS client dropped in APIVERSION_QUERY, a SASL client
        # dropped in UP, and other lines: no hint
        ("127.0.0.1:9092/2: Disconnected (after 45012ms in state UP)", None),
        ("ssl://127.0.0.1:9093/1: Disconnected: closed (after 1ms in state APIVERSION_QUERY)", None),
        ("sasl_plaintext://127.0.0.1:9/1: Disconnected: closed (after 1ms in state UP)", None),
        (
            "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused "
            "(after 0ms in state CONNECT)",
            None,
        ),
        ("No `bootstrap.servers` configured: client will not be able to connect", None),
    ],
)
def test_log_hint(line: str, expected: str | None) -> None:
    assert diagnose.log_hint(_log(line)) == expected


def hinting() -> tuple[diagnose.HintingLogger, list[KafkaError], list[float]]:
    """A HintingLogger on a hand-driven clock, and the errors it reports."""
    errors: list[KafkaError] = []
    now = [100.0]
    logger = diagnose.HintingLogger(logging.getLogger("test.librdkafka"), errors.append, clock=lambda: now[0])
    return logger, errors, now


def closed_at_first_request(broker_id: str, ms: int) -> str:
    return _log(
        f"127.0.0.1:52087/{broker_id}: Disconnected: connection closed by peer: receive 0 after POLLIN "
        f"(after {ms}ms in state APIVERSION_QUERY)"
    )


def test_hinting_logger_forwards_every_line_and_reports_a_hint_once_a_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger, errors, now = hinting()
    line = closed_at_first_request("bootstrap", 1)
    with caplog.at_level(logging.INFO, logger="test.librdkafka"):
        for _ in range(20):  # librdkafka retries about 20 times a second
            logger.log(logging.INFO, "%s [%s] %s", "FAIL", "rdkafka#producer-1", line)
        now[0] += 1.5
        logger.log(logging.INFO, "%s [%s] %s", "FAIL", "rdkafka#producer-1", line)
        logger.log(logging.WARNING, "%s [%s] %s", "CONFWARN", "rdkafka#producer-1", "[thrd:app]: unrelated")
    assert len(caplog.records) == 22  # the log file still gets everything
    assert len(errors) == 2
    assert all(e.code() == KafkaError._TRANSPORT and e.str().startswith("protocol mismatch") for e in errors)
    state = classify(errors[0].code(), errors[0].str(), 1.0)
    assert state.link is Link.UNREACHABLE and state.reason == errors[0].str()


def test_a_single_close_at_the_first_request_is_not_a_mismatch() -> None:
    """A broker being killed can drop one connection during ApiVersion: no TLS hint for that."""
    logger, errors, now = hinting()
    closed = closed_at_first_request("1", 0)
    refused = _log("127.0.0.1:52087/1: Connect to ipv4#127.0.0.1:52087 failed: Connection refused")
    logger.log(logging.INFO, "%s [%s] %s", "FAIL", "rdkafka#producer-1", closed)
    for _ in range(30):
        now[0] += 0.5
        logger.log(logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#producer-1", refused)
    now[0] += 0.5
    logger.log(logging.INFO, "%s [%s] %s", "FAIL", "rdkafka#producer-1", closed)  # 15.5 s later: not a repeat
    assert errors == []
