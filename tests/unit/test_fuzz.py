"""Hypothesis over everything a user (or a producer) can hand kafkatui: no traceback escapes.

- settings files (client.properties, .env) -> Settings, or SettingsError with one line that never
  shows a secret; librdkafka's own check of the result likewise;
- record keys and values -> Reading or Rejection, never an exception;
- form fields (limits, durations, topic names, offset reset, producer form) -> a value or
  ValueError (a list of FormError for the producer form);
- `kafkatui check` with fuzzed -X values, as a process -> exit 0, 1 or 2, one line, no traceback.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import canned
from kafkatui.domain import producer as producer_form
from kafkatui.domain.alerts import Thresholds, parse_thresholds
from kafkatui.domain.freezer import DURATION_MAX, parse_duration
from kafkatui.domain.groups import ResetSpec, parse_partitions, parse_reset
from kafkatui.domain.readings import Reading, Rejection, escape_raw, parse
from kafkatui.domain.topic_names import check_topic_name
from kafkatui.kafka.clients import validate
from kafkatui.settings import Settings, SettingsError, load_settings, read_properties

CANARY = "Zq9-CANARY-s3cret"

# Properties a real client.properties holds, plus a few librdkafka knows and some it does not.
KEYS = [
    "bootstrap.servers",
    "security.protocol",
    "sasl.mechanism",
    "sasl.mechanisms",
    "sasl.username",
    "sasl.password",
    "ssl.ca.location",
    "ssl.certificate.location",
    "ssl.key.location",
    "ssl.key.password",
    "client.id",
    "acks",
    "linger.ms",
    "enable.idempotence",
    "compression.type",
    "message.max.bytes",
    "session.timeout.ms",
    "partitioner",
    "no.such.property",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "true", "false", "all", "-1", "0", "1e9", "nan", "PLAIN", "SSL", "SASL_SSL", "localhost:9092"]
    ),
    st.integers(-(10**12), 10**12).map(str),
)
LINE = st.one_of(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(["=", " = ", "="]), VALUES).map("".join),
    st.sampled_from(["", "# comment", "! bang", "   ", "novalue", "=orphan", "key:value"]),
    st.text(max_size=30),
)
PROPERTIES_TEXT = st.lists(LINE, max_size=8).map("\n".join)

FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A clean environment (no kafkatui settings inherited) in an empty working directory."""
    canned.clear_settings_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _assert_safe(message: str) -> None:
    assert message and "\n" not in message and "\r" not in message, repr(message)
    assert CANARY not in message
    assert "Traceback" not in message


def _load(path: Path, **kwargs: object) -> Settings | None:
    """load_settings + librdkafka's check; None when refused with a SettingsError."""
    try:
        s = load_settings(config_file=path, **kwargs)  # type: ignore[arg-type]
        validate(s)
    except SettingsError as exc:
        _assert_safe(str(exc))
        return None
    return s


# -- settings files -------------------------------------------------------------------------


@FUZZ
@given(text=PROPERTIES_TEXT)
@example(text="ssl.ca.location=a\x00b")
@example(text="ssl.ca.location=~0")  # pathlib raises RuntimeError for an unknown user
@example(text="bootstrap.servers= , ,")
@example(text="security.protocol=sasl_ssl\nsasl.username=u")
def test_any_properties_text_gives_settings_or_one_safe_line(workdir: Path, text: str) -> None:
    path = workdir / "client.properties"
    path.write_text(f"sasl.password={CANARY}\n{text}\n", encoding="utf-8", errors="surrogatepass")
    s = _load(path)
    if s is not None:
        conf = s.librdkafka_config()
        assert conf["bootstrap.servers"] and conf["security.protocol"]
        shown = repr(s) + str(s) + str(s.describe()) + s.model_dump_json()
        assert CANARY not in shown


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_properties_bytes_give_settings_or_one_safe_line(workdir: Path, data: bytes) -> None:
    path = workdir / "client.properties"
    path.write_bytes(data)
    _load(path)


@FUZZ
@given(text=st.lists(st.one_of(LINE, st.text(max_size=30)), max_size=6).map("\n".join))
@example(text='A="unterminated\nB=2')
@example(text="export TEMP_MIN=10\nTEMP_MAX=5")
def test_any_dotenv_gives_settings_or_one_safe_line(workdir: Path, text: str) -> None:
    env = workdir / ".env"
    upper = "\n".join(  # the .env names the seed uses, fed the same fuzzed values
        line.replace("bootstrap.servers", "BOOTSTRAP_SERVERS").replace("sasl.password", "SASL_PASSWORD")
        for line in text.splitlines()
    )
    env.write_text(f"SASL_USERNAME=u\nSASL_PASSWORD={CANARY}\n{upper}\n", encoding="utf-8", errors="surrogatepass")
    try:
        s = load_settings(env_file=env)
    except SettingsError as exc:
        _assert_safe(str(exc))
        return
    assert isinstance(s, Settings)


@FUZZ
@given(items=st.lists(st.tuples(st.sampled_from(KEYS), VALUES).map(lambda kv: f"{kv[0]}={kv[1]}"), max_size=4))
@example(items=["ssl.ca.location=0\r0"])
def test_any_x_overrides_give_settings_or_one_safe_line(workdir: Path, items: list[str]) -> None:
    try:
        s = load_settings(overrides=[f"sasl.password={CANARY}", *items])
        validate(s)
    except SettingsError as exc:
        _assert_safe(str(exc))


def test_read_properties_keeps_every_pair(tmp_path: Path) -> None:
    """Nothing silently dropped: every key=value line comes back, the last one winning."""
    path = tmp_path / "c.properties"
    path.write_text("a=1\n# c\n b = 2 \nc=x=y\na=3\n")
    assert read_properties(path) == {"a": "3", "b": "2", "c": "x=y"}


# -- record payloads ------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["-3.21", "-3,21", "NaN", "inf", "1e999", "2026-11-21T07:27:00Z", "   "]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["temperature", "temp", "value", "sensor", "id", "ts", "time", "payload", "x"]),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=12,
)


def _check_parse(key: bytes | None, value: bytes | None) -> None:
    result = parse(key, value, 1_700_000_000.0, 3, 42)
    assert isinstance(result, Reading | Rejection)
    if isinstance(result, Reading):
        assert math.isfinite(result.celsius) and -100.0 <= result.celsius <= 150.0
        assert result.sensor and math.isfinite(result.ts)
        assert (result.partition, result.offset) == (3, 42)
    else:
        assert result.detail and "\n" not in result.detail
        assert (result.raw_key, result.raw_value) == (key, value)  # kept whole for the `x` view
        for raw in (key, value):
            shown = escape_raw(raw, 60)
            assert len(shown) <= 60 and shown.isprintable()


@settings(max_examples=400)
@given(key=st.one_of(st.none(), st.binary(max_size=16)), value=st.one_of(st.none(), st.binary(max_size=300)))
@example(key=b"sensor0", value=b"9" * 400)
@example(key=b"sensor0", value=b"[" * 5000)
@example(key=None, value=b"\xef\xbb\xbf-3.2")
def test_any_bytes_give_a_reading_or_a_rejection(key: bytes | None, value: bytes | None) -> None:
    _check_parse(key, value)


@settings(max_examples=400)
@given(doc=JSON_VALUES, key=st.one_of(st.none(), st.just(b"sensor1")))
def test_any_json_gives_a_reading_or_a_rejection(doc: object, key: bytes | None) -> None:
    text = json.dumps(doc, allow_nan=True)
    _check_parse(key, text.encode())
    _check_parse(key, text[: len(text) // 2].encode())  # cut short: invalid JSON


@settings(max_examples=300)
@given(text=st.text(max_size=40))
@example(text="-3,21")
@example(text="٣")  # an Arabic-Indic digit: float() takes it, a thermometer does not send it
def test_any_text_gives_a_reading_or_a_rejection(text: str) -> None:
    _check_parse(b"sensor0", text.encode("utf-8", "surrogatepass"))


# -- form fields ----------------------------------------------------------------------------

NUMBERISH = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**400), 10**400).map(str),
    st.sampled_from(["", " ", "-18,5", "1e308", "-1e308", "nan", "inf", "1_0", "٣"]),
)


@settings(max_examples=300)
@given(tmin=NUMBERISH, tmax=NUMBERISH, hysteresis=st.one_of(st.none(), NUMBERISH))
@example(tmin="0\n0", tmax="", hysteresis=None)  # a pasted newline must not reach the message
def test_any_limits_give_thresholds_or_value_error(tmin: str, tmax: str, hysteresis: str | None) -> None:
    try:
        limits = parse_thresholds(tmin, tmax, hysteresis)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(limits, Thresholds)
    assert math.isfinite(limits.tmin) and math.isfinite(limits.tmax) and limits.tmin < limits.tmax


@settings(max_examples=300)
@given(
    text=st.one_of(
        st.text(max_size=20), st.from_regex(r"\s*[0-9]{1,400}(\.[0-9]+)?\s*(s|sec|m|min|h|d)?\s*", fullmatch=True)
    )
)
def test_any_duration_gives_seconds_or_value_error(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert math.isfinite(seconds) and 0 < seconds <= DURATION_MAX


TOPICISH = st.one_of(
    st.text(max_size=260),
    st.from_regex(r"[A-Za-z0-9._-]{0,260}", fullmatch=True),
    st.sampled_from([".", "..", "a.b", "a_b", "x" * 249, "x" * 250]),
)


@settings(max_examples=300)
@given(name=TOPICISH, existing=st.lists(st.sampled_from(["a.b", "a_b", "freezer-temperatura"]), max_size=3))
def test_any_topic_name_is_judged_never_raises(name: str, existing: list[str]) -> None:
    check = check_topic_name(name, existing)
    if check.ok:
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,249}", name) and name not in (".", "..")
    else:
        assert check.error and "\n" not in check.error
    form = producer_form.check_topic_name(name)  # the producer form's own wording, same rules
    assert (form is None) == (check_topic_name(name).ok)


@settings(max_examples=300)
@given(
    target=st.one_of(st.sampled_from(["earliest", "latest", "datetime", "offset", "shift"]), st.text(max_size=8)),
    value=st.one_of(
        st.text(max_size=30),
        st.integers(-(10**20), 10**20).map(str),
        st.sampled_from(["10m", "2025-11-21T08:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]),
    ),
    partitions=st.one_of(st.text(max_size=20), st.sampled_from(["all", "t", "t:0,1", "t:", ":1", "t:-1 u:2"])),
)
def test_any_reset_form_gives_a_spec_or_value_error(target: str, value: str, partitions: str) -> None:
    try:
        spec = parse_reset(target, value, 1_764_000_000.0)
        parse_partitions(partitions)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(spec, ResetSpec)
    if spec.value is not None and spec.target.value == "datetime":
        assert spec.value >= 0  # a negative timestamp would mean "latest" or "earliest" to Kafka


@settings(max_examples=200)
@given(
    topic=TOPICISH,
    key=st.text(max_size=20),
    value=st.one_of(st.text(max_size=60), JSON_VALUES.map(json.dumps)),
    headers=st.one_of(st.text(max_size=30), st.sampled_from(["a=1; b=2", "=x", "novalue", "a=1\nb"])),
    partition=NUMBERISH,
    count=NUMBERISH,
    rate=NUMBERISH,
    json_mode=st.booleans(),
)
def test_any_producer_form_gives_a_request_or_errors(
    topic: str, key: str, value: str, headers: str, partition: str, count: str, rate: str, json_mode: bool
) -> None:
    form = producer_form.FormInput(topic, key, value, headers, partition, count, rate, json_mode)
    result = producer_form.parse_form(form)
    if isinstance(result, list):
        assert result and all(isinstance(e, producer_form.FormError) and e.message for e in result)
        return
    assert 1 <= result.count <= producer_form.COUNT_MAX
    facts = producer_form.TopicFacts(result.topic, 3, True, 1_000_000, "librdkafka")
    assert isinstance(producer_form.check_cluster(result, facts), list)


# -- the command line, as a process ---------------------------------------------------------

X_KEYS = [k for k in KEYS if k != "bootstrap.servers"]  # a fuzzed host would wait on DNS
ARG_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.tuples(st.sampled_from(X_KEYS), ARG_TEXT), min_size=1, max_size=3))
@example(items=[("ssl.key.password", CANARY), ("ssl.key.location", "/")])
@example(items=[("ssl.ca.location", "0\x1e0\x1b[2J")])  # control characters are escaped, not printed
def test_check_with_any_x_values_exits_0_1_2_without_a_traceback(items: list[tuple[str, str]]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("KAFKATUI_", "SASL_", "SSL_", "MSK_"))}
    with tempfile.TemporaryDirectory() as where:
        env["KAFKATUI_LOG_FILE"] = str(Path(where) / "kafkatui.log")
        args = ["-b", f"127.0.0.1:{_closed_port()}", "--timeout", "0.5", "-X", f"sasl.password={CANARY}"]
        for key, value in items:
            args += ["-X", f"{key}={value}"]
        r = subprocess.run(
            [sys.executable, "-m", "kafkatui", "check", *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            cwd=where,
            env=env,
        )
        logs = "".join(p.read_text(errors="replace") for p in Path(where).glob("kafkatui.log*"))
    assert r.returncode in (0, 1, 2), r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    # one line saying what failed (a settings warning, such as unused SASL credentials, is its own line)
    said = [line for line in r.stderr.strip().splitlines() if not line.startswith("kafkatui: warning:")]
    assert len(said) == 1, r.stderr
    assert CANARY not in r.stderr + r.stdout + logs
