"""Schema Registry settings: names, the console's client.properties lines, precedence, secrets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import canned
from kafkatui import cli
from kafkatui.kafka.clients import validate
from kafkatui.settings import SettingsError, load_settings

CANARY = "sr-CANARY-secret-4242"

# client.properties as the Confluent Cloud console writes it (Kafka part and registry part)
CONSOLE = f"""\
# Required connection configs for Kafka producer, consumer, and admin
bootstrap.servers=127.0.0.1:9
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.username=KAFKAKEY
sasl.password=kafka-CANARY-pw

# Best practice for higher availability in librdkafka clients prior to 1.7
session.timeout.ms=45000

client.id=ccloud-python-client-7a3f

# Required connection configs for Confluent Cloud Schema Registry
schema.registry.url=https://127.0.0.1:9
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=SRKEY:{CANARY}
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    canned.clear_settings_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_console_properties_are_accepted_and_kept_from_librdkafka(tmp_path: Path) -> None:
    path = tmp_path / "client.properties"
    path.write_text(CONSOLE)
    s = load_settings(config_file=path)
    validate(s)  # librdkafka accepts the rest: the registry lines never reach it
    conf = s.librdkafka_config()
    assert not any("schema.registry" in k or k.startswith("basic.auth") for k in conf)
    assert conf["session.timeout.ms"] == "45000"
    assert s.schema_registry_url == "https://127.0.0.1:9"
    reg = s.registry_config()
    assert reg == {"url": "https://127.0.0.1:9", "basic.auth.user.info": f"SRKEY:{CANARY}"}
    assert CANARY in s.secret_values()
    assert all(CANARY not in v for v in s.describe().values())
    assert CANARY not in repr(s) and CANARY not in str(s.model_dump())


def test_env_names_and_prefixed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081/apis/ccompat/v7/")
    monkeypatch.setenv("SCHEMA_REGISTRY_USERNAME", "user")
    monkeypatch.setenv("KAFKATUI_SCHEMA_REGISTRY_PASSWORD", CANARY)
    s = load_settings()
    assert s.registry_config() == {
        "url": "http://127.0.0.1:8081/apis/ccompat/v7",
        "basic.auth.user.info": f"user:{CANARY}",
    }
    assert CANARY in s.secret_values()


def test_environment_beats_the_properties_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "client.properties"
    path.write_text(CONSOLE)
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081")
    monkeypatch.setenv("SCHEMA_REGISTRY_USERNAME", "other")
    monkeypatch.setenv("SCHEMA_REGISTRY_PASSWORD", "pw-CANARY")
    s = load_settings(config_file=path)
    assert s.registry_config() == {"url": "http://127.0.0.1:8081", "basic.auth.user.info": "other:pw-CANARY"}


def test_sasl_inherit_uses_the_kafka_credentials(tmp_path: Path) -> None:
    path = tmp_path / "client.properties"
    path.write_text(CONSOLE.replace("USER_INFO", "SASL_INHERIT"))
    conf = load_settings(config_file=path).registry_config()
    assert conf is not None and conf["basic.auth.user.info"] == "KAFKAKEY:kafka-CANARY-pw"


def test_url_credentials_are_secrets_and_never_displayed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", f"https://key:{CANARY}@127.0.0.1:8081")
    monkeypatch.setenv("SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE", "URL")
    s = load_settings()
    assert CANARY in s.secret_values()
    assert CANARY not in s.registry_display
    assert s.registry_config() == {"url": f"https://key:{CANARY}@127.0.0.1:8081"}


def test_registry_tls_settings(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    path = tmp_path / "client.properties"
    path.write_text(
        f"schema.registry.url=https://127.0.0.1:9\nschema.registry.ssl.ca.location={ca}\n"
        "schema.registry.ssl.key.password=key-CANARY\n"
    )
    s = load_settings(config_file=path)
    conf = s.registry_config()
    assert conf is not None and conf["ssl.ca.location"] == str(ca) and conf["ssl.key.password"] == "key-CANARY"
    assert "key-CANARY" in s.secret_values()
    assert not any("ssl.ca" in k and "schema" in k for k in s.librdkafka_config())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "schema.registry.url=ftp://127.0.0.1:9\n",
            "config file {path}: schema.registry.url: 'ftp://127.0.0.1:9' is not an http:// or https:// URL",
        ),
        (
            f"schema.registry.url=http://127.0.0.1:9\nbasic.auth.user.info={CANARY}\n",
            "config file {path}: basic.auth.user.info: expected key:secret (the registry's API key and secret, "
            "joined by a colon)",
        ),
        (
            "schema.registry.url=http://127.0.0.1:9\nbasic.auth.credentials.source=MAGIC\n",
            "config file {path}: basic.auth.credentials.source: must be 'USER_INFO', 'URL' or 'SASL_INHERIT'",
        ),
        (
            "schema.registry.url=http://127.0.0.1:9\nbasic.auth.user.info={{ SR_API_KEY }}:{{ SR_API_SECRET }}\n",
            "config file {path}: basic.auth.user.info is a placeholder from the console's template, not a real "
            "credential; put your Schema Registry API key and secret there (key:secret)",
        ),
    ],
)
def test_bad_registry_settings_are_one_line_without_the_secret(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "client.properties"
    path.write_text(content)
    with pytest.raises(SettingsError) as err:
        load_settings(config_file=path)
    assert str(err.value) == message.format(path=path)
    assert CANARY not in str(err.value)


def test_check_with_the_console_file_never_shows_the_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "client.properties"
    path.write_text(CONSOLE.replace("SASL_SSL", "PLAINTEXT").replace("sasl.", "# sasl."))
    log = tmp_path / "kafkatui.log"
    caplog.set_level(logging.DEBUG)
    code = cli.main(["check", "-F", str(path), "--timeout", "2", "--log-file", str(log)])
    out = capsys.readouterr()
    assert code == 1  # nothing listens on port 9
    everything = out.out + out.err + log.read_text() + caplog.text
    assert CANARY not in everything
