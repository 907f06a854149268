"""Settings: sources, precedence, validation, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

import canned
from kafkatui.settings import Settings, SettingsError, load_settings, read_properties

SEED_ENV = """\
BOOTSTRAP_SERVERS=pkc-12576z.us-west2.gcp.confluent.cloud:9092
SASL_USERNAME=YOUR_API_KEY  # Substitua pela sua API Key
SASL_PASSWORD=YOUR_API_SECRET  # Substitua pelo seu API Secret
CLIENT_ID=python-producer
TOPIC_PRODUCER=freezer-temperatura
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    canned.clear_settings_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults() -> None:
    s = load_settings()
    assert s.bootstrap_servers == "localhost:9092"
    assert s.topic == "freezer-temperatura"
    assert s.librdkafka_config()["security.protocol"] == "PLAINTEXT"
    assert s.secret_values() == []


def test_seed_dotenv_works_with_real_credentials(clean_env: Path) -> None:
    """The course's .env, its two placeholders replaced by a key and secret, as its comments ask."""
    real = SEED_ENV.replace("YOUR_API_KEY", "ABCDEFGHIJKLMNOP").replace("YOUR_API_SECRET", "s3cr3t-CANARY")
    (clean_env / ".env").write_text(real)
    s = load_settings()
    conf = s.librdkafka_config()
    assert conf["bootstrap.servers"] == "pkc-12576z.us-west2.gcp.confluent.cloud:9092"
    assert conf["sasl.username"] == "ABCDEFGHIJKLMNOP"  # the inline comment is not part of the value
    assert conf["sasl.password"] == "s3cr3t-CANARY"
    # a SASL user and no protocol: Confluent Cloud's SASL_SSL + PLAIN
    assert conf["security.protocol"] == "SASL_SSL"
    assert conf["sasl.mechanism"] == "PLAIN"
    assert conf["client.id"] == "python-producer"
    assert s.topic == "freezer-temperatura"


def test_prefixed_names_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKATUI_BOOTSTRAP_SERVERS", "k1:9092")
    monkeypatch.setenv("KAFKATUI_TOPIC", "other")
    monkeypatch.setenv("KAFKATUI_READ_ONLY", "true")
    monkeypatch.setenv("KAFKATUI_GROUPS", "a, b")
    s = load_settings()
    assert (s.bootstrap_servers, s.topic, s.read_only, s.groups) == ("k1:9092", "other", True, ("a", "b"))


def test_precedence_cli_env_dotenv_file_default(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    props = clean_env / "client.properties"
    props.write_text("bootstrap.servers=file:1\nclient.id=from-file\nlinger.ms=7\nacks=1\n")
    (clean_env / ".env").write_text("BOOTSTRAP_SERVERS=dotenv:1\nCLIENT_ID=from-dotenv\n")
    s = load_settings(config_file=props)
    assert s.bootstrap_servers == "dotenv:1"  # .env beats the file
    assert s.client_id == "from-dotenv"
    assert s.librdkafka_config()["linger.ms"] == "7"  # file-only property survives
    monkeypatch.setenv("BOOTSTRAP_SERVERS", "env:1")
    assert load_settings(config_file=props).bootstrap_servers == "env:1"  # env beats .env
    s = load_settings({"bootstrap_servers": "cli:1"}, config_file=props, overrides=["acks=all"])
    assert s.bootstrap_servers == "cli:1"  # command line beats env
    assert s.librdkafka_config()["acks"] == "all"  # -X beats the file
    s = load_settings(config_file=props, overrides=["bootstrap.servers=x:2"])
    assert s.bootstrap_servers == "x:2"  # -X is command line too


def test_properties_format(tmp_path: Path) -> None:
    f = tmp_path / "client.properties"
    f.write_text("# Confluent Cloud\n\nbootstrap.servers = a:1\nsasl.jaas.config=x=y=z\n! bang comment\n")
    assert read_properties(f) == {"bootstrap.servers": "a:1", "sasl.jaas.config": "x=y=z"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("bootstrap.servers\n", "line 1: expected key=value"),
        ("a=1\n=2\n", "line 2: expected key=value"),
    ],
)
def test_malformed_properties(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "client.properties"
    f.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(config_file=f)


def test_missing_properties_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such file"):
        load_settings(config_file=tmp_path / "nope.properties")


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("KAFKATUI_TIMEOUT", "abc", "setting KAFKATUI_TIMEOUT: expected a number"),
        ("KAFKATUI_TIMEOUT", "-1", "setting KAFKATUI_TIMEOUT: must be greater than 0"),
        ("BOOTSTRAP_SERVERS", "nohostport", "setting BOOTSTRAP_SERVERS: 'nohostport' is not host:port"),
        ("SECURITY_PROTOCOL", "TLS", "setting SECURITY_PROTOCOL: must be 'PLAINTEXT'"),
        ("MSK_SSL_CA_LOCATION", "/nonexistent/ca.pem", "file /nonexistent/ca.pem does not exist"),
        ("KAFKATUI_READ_ONLY", "maybe", "setting KAFKATUI_READ_ONLY: expected true or false"),
    ],
)
def test_bad_values_are_one_line(monkeypatch: pytest.MonkeyPatch, env: str, value: str, message: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    text = str(info.value)
    assert message in text
    assert "\n" not in text


def test_msk_style_tls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ca", "cert", "key"):
        (tmp_path / f"{name}.pem").write_text("x")
    monkeypatch.setenv("MSK_SSL_ENABLED", "true")
    monkeypatch.setenv("MSK_SSL_CA_LOCATION", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("MSK_SSL_CERT_LOCATION", str(tmp_path / "cert.pem"))
    monkeypatch.setenv("MSK_SSL_KEY_LOCATION", str(tmp_path / "key.pem"))
    conf = load_settings().librdkafka_config()
    assert conf["security.protocol"] == "SSL"
    assert conf["ssl.ca.location"] == str(tmp_path / "ca.pem")
    assert conf["ssl.certificate.location"] == str(tmp_path / "cert.pem")
    assert conf["ssl.key.location"] == str(tmp_path / "key.pem")


def test_secrets_are_secretstr_and_masked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    f = tmp_path / "c.properties"
    f.write_text("ssl.key.password=FILE-SECRET-1\n")
    monkeypatch.setenv("SASL_USERNAME", "u")
    monkeypatch.setenv("SASL_PASSWORD", "ENV-SECRET-2")
    s = load_settings(config_file=f, overrides=["sasl.oauthbearer.client.secret=X-SECRET-3"])
    shown = repr(s) + str(s) + str(s.describe()) + s.model_dump_json()
    for secret in ("FILE-SECRET-1", "ENV-SECRET-2", "X-SECRET-3"):
        assert secret not in shown
        assert secret in s.secret_values()
    assert isinstance(s, Settings)


def test_bad_value_never_echoes_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SASL_PASSWORD", "CANARY-PW")
    monkeypatch.setenv("KAFKATUI_TIMEOUT", "CANARY-PW")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "CANARY-PW" not in str(info.value)


def test_seed_dotenv_placeholders_are_refused(clean_env: Path) -> None:
    """Unchanged, the course's .env would send YOUR_API_KEY to the broker: refused, naming the variable."""
    (clean_env / ".env").write_text(SEED_ENV)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith("setting SASL_USERNAME in .env is a placeholder")


@pytest.mark.parametrize(
    "value",
    [
        "YOUR_API_KEY",
        "your_api_secret",
        "YOUR-API-KEY",
        "<API_KEY>",
        "<your secret>",
        "{{ api_secret }}",
        "${SASL_PASSWORD}",
        "CHANGEME",
        "xxxxxxxx",
        " YOUR_API_SECRET ",
    ],
)
def test_placeholders_recognised(value: str) -> None:
    from kafkatui.settings import is_placeholder

    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["ABCDEFGHIJKLMNOP", "me", "s3cr3t", "my-api-key-123", "yourself", "<a>b"])
def test_real_values_are_not_placeholders(value: str) -> None:
    from kafkatui.settings import is_placeholder

    assert not is_placeholder(value)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"SASL_USERNAME": "me", "SASL_PASSWORD": "pw", "SECURITY_PROTOCOL": "PLAINTEXT"},
            "SASL_USERNAME and SASL_PASSWORD are set, but the security protocol is PLAINTEXT",
        ),
        ({"SASL_USERNAME": "me", "SECURITY_PROTOCOL": "SSL"}, "SASL_USERNAME is set, but the security protocol is SSL"),
        ({"SASL_USERNAME": "me", "SASL_PASSWORD": "pw"}, None),  # SASL_SSL by default
        ({"SASL_USERNAME": "me", "SASL_PASSWORD": "pw", "SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, None),
        ({}, None),
    ],
)
def test_unused_credentials_warning(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None) -> None:
    from kafkatui.settings import unused_credentials_warning

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    warning = unused_credentials_warning(load_settings())
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning and "pw" not in warning
