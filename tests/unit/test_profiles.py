"""Cluster profiles: the config file's [clusters.NAME] tables, their precedence, `${VAR}` secrets,
and `kafkatui clusters` (listing; the check against real brokers is in tests/integration)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import canned
from kafkatui import cli
from kafkatui.profiles import load_config, profile_keys, secret_fields
from kafkatui.settings import Settings, SettingsError

CONFIG = """\
default = "local"

[clusters.local]
bootstrap_servers = "127.0.0.1:19092"
topic = "sensor_data"
temp_min = -18.0
groups = ["freezer-alarm-service", "audit"]

[clusters.cloud]
bootstrap_servers = "127.0.0.1:29092"
security_protocol = "SASL_SSL"
sasl_mechanism = "PLAIN"
sasl_username = "${CLOUD_KEY}"
sasl_password = "${CLOUD_SECRET}"
read_only = true
properties = "cloud.properties"

[clusters.cloud.librdkafka]
"socket.timeout.ms" = 7000
"enable.ssl.certificate.verification" = false
"""


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    canned.clear_settings_env(monkeypatch)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("KAFKATUI_LOG_FILE", str(tmp_path / "kafkatui.log"))
    monkeypatch.delenv("CLOUD_KEY", raising=False)
    monkeypatch.delenv("CLOUD_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "xdg" / "kafkatui"
    folder.mkdir(parents=True)
    path = folder / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    path.chmod(0o600)
    (folder / "cloud.properties").write_text("client.id=from-properties\nacks=all\n", encoding="utf-8")
    return path


def _load(*argv: str) -> Settings:
    ns = cli.build_parser().parse_args([*argv, "check"])
    return cli.load(ns)


def test_the_default_profile_is_read_from_the_xdg_config_folder(home: Path) -> None:
    settings = _load()
    assert settings.bootstrap_servers == "127.0.0.1:19092"
    assert settings.topic == "sensor_data"
    assert settings.temp_min == -18.0
    assert settings.groups == ("freezer-alarm-service", "audit")
    assert not settings.read_only


def test_cluster_flag_and_env_choose_a_profile_and_its_secrets_come_from_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUD_KEY", "key-1")
    monkeypatch.setenv("CLOUD_SECRET", "secret-CANARY")
    settings = _load("--cluster", "cloud")
    assert settings.bootstrap_servers == "127.0.0.1:29092"
    assert settings.read_only
    assert settings.sasl_username == "key-1"
    assert settings.sasl_password is not None and settings.sasl_password.get_secret_value() == "secret-CANARY"
    conf = settings.librdkafka_config()
    # the profile's properties file (beside the config file) and its librdkafka table both reach the client
    assert conf["client.id"] == "from-properties" and conf["acks"] == "all"
    assert conf["socket.timeout.ms"] == "7000" and conf["enable.ssl.certificate.verification"] == "false"
    assert "secret-CANARY" in settings.secret_values()
    assert "secret-CANARY" not in repr(settings) and "secret-CANARY" not in str(settings.describe())
    monkeypatch.setenv("KAFKATUI_CLUSTER", "cloud")
    assert _load().bootstrap_servers == "127.0.0.1:29092"


def test_command_line_and_environment_win_over_the_profile_and_the_profile_over_dotenv(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("BOOTSTRAP_SERVERS=127.0.0.1:1\nTOPIC_PRODUCER=from-dotenv\nTEMP_MAX=9\n")
    settings = _load()
    assert settings.bootstrap_servers == "127.0.0.1:19092"  # the profile beats .env
    assert settings.topic == "sensor_data"
    assert settings.temp_max == 9.0  # what the profile does not set still comes from .env
    monkeypatch.setenv("TOPIC_PRODUCER", "from-env")
    assert _load().topic == "from-env"  # the environment beats the profile
    assert _load("-b", "127.0.0.1:3").bootstrap_servers == "127.0.0.1:3"  # the command line too
    assert _load("--topic", "from-flag").topic == "from-flag"


def test_no_config_file_is_no_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    canned.clear_settings_env(monkeypatch)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.profiles == {} and config.choose(None) is None
    assert _load().bootstrap_servers == "localhost:9092"


def test_a_plain_secret_in_a_file_others_can_read_is_named_in_a_warning(home: Path) -> None:
    text = home.read_text().replace('"${CLOUD_SECRET}"', '"plain-CANARY"')
    home.write_text(text)
    assert load_config().warnings == ()  # 0600: nobody else can read it
    home.chmod(0o644)
    (warning,) = load_config().warnings
    assert str(home) in warning and "[clusters.cloud] sasl_password" in warning and "0644" in warning
    assert "CANARY" not in warning


def test_a_secret_written_as_a_variable_is_no_warning_at_any_mode(home: Path) -> None:
    home.chmod(0o644)
    assert load_config().warnings == ()


def test_every_settings_field_is_a_profile_key_and_every_secret_field_is_known() -> None:
    """New settings (a registry URL, notify URLs) become profile keys with no change to profiles.py."""
    keys = set(profile_keys())
    assert set(Settings.model_fields) - {"demo", "file_properties", "overrides"} <= keys
    assert {"sasl_password", "ssl_key_password"} <= secret_fields()


def test_clusters_lists_profiles_with_secrets_masked(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLOUD_KEY", "key-1")
    monkeypatch.setenv("CLOUD_SECRET", "secret-CANARY")
    assert cli.main(["clusters"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "BOOTSTRAP", "PROTOCOL", "READ-ONLY"]
    assert lines[1].split() == ["local*", "127.0.0.1:19092", "PLAINTEXT", "no"]
    assert lines[2].split() == ["cloud", "127.0.0.1:29092", "SASL_SSL", "yes"]
    assert "CANARY" not in out + err


def test_clusters_shows_a_profile_it_cannot_build_on_its_own_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["clusters"]) == 0  # CLOUD_SECRET is not set: only that profile says so
    out, _ = capsys.readouterr()
    cloud = next(line for line in out.splitlines() if line.startswith("cloud"))
    assert "${CLOUD_KEY} is not set in the environment" in cloud
    assert any(line.startswith("local*") for line in out.splitlines())


def test_a_relative_tls_file_is_read_beside_the_config_file(home: Path) -> None:
    (home.parent / "ca.pem").write_text("x")
    home.write_text('[clusters.tls]\nssl_ca_location = "ca.pem"\n')
    settings = _load("--cluster", "tls")
    assert settings.ssl_ca_location == home.parent / "ca.pem"


def test_an_unset_variable_in_another_profile_does_not_block_this_one(home: Path) -> None:
    assert _load("--cluster", "local").bootstrap_servers == "127.0.0.1:19092"
    with pytest.raises(SettingsError, match=r"\$\{CLOUD_KEY\} is not set"):
        _load("--cluster", "cloud")


def test_the_file_can_be_named_on_the_command_line_or_in_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[clusters.x]\nbootstrap_servers = "127.0.0.1:5"\n')
    assert _load("--config-file", str(other), "--cluster", "x").bootstrap_servers == "127.0.0.1:5"
    monkeypatch.setenv("KAFKATUI_CONFIG_FILE", str(other))
    monkeypatch.setenv("KAFKATUI_CLUSTER", "x")
    assert _load().bootstrap_servers == "127.0.0.1:5"
    assert os.environ["XDG_CONFIG_HOME"].startswith(str(tmp_path))


def test_a_switch_says_which_profile_keys_the_command_line_or_environment_override(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kafkatui.settings import profile_overridden

    monkeypatch.setenv("BOOTSTRAP_SERVERS", "127.0.0.1:1")
    profile = load_config().choose("local")
    assert profile is not None
    assert profile_overridden(profile, {"topic": "x"}) == [
        "BOOTSTRAP_SERVERS from the environment wins over bootstrap_servers",
        "--topic wins over topic",
    ]
    assert profile_overridden(profile, {}) == ["BOOTSTRAP_SERVERS from the environment wins over bootstrap_servers"]


def test_registry_settings_are_profile_keys_and_their_secrets_are_masked(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Schema Registry settings came later: a profile takes them with no change to profiles.py."""
    monkeypatch.setenv("REG_PW", "reg-CANARY-pw")
    home.write_text(
        '[clusters.avro]\nbootstrap_servers = "127.0.0.1:19092"\n'
        'schema_registry_url = "http://127.0.0.1:18081"\n'
        'schema_registry_username = "reader"\nschema_registry_password = "${REG_PW}"\n'
        '[clusters.leaky]\nschema_registry_url = "http://u:plain-CANARY@127.0.0.1:18081"\n'
    )
    settings = _load("--cluster", "avro")
    assert settings.schema_registry_url == "http://127.0.0.1:18081"
    assert settings.schema_registry_password is not None
    assert "reg-CANARY-pw" in settings.secret_values()
    assert {"schema_registry_password", "schema_registry_user_info"} <= secret_fields()
    home.chmod(0o644)
    (warning,) = load_config().warnings  # the password in the leaky URL, not the ${REG_PW} one
    assert "[clusters.leaky] schema_registry_url" in warning and "CANARY" not in warning
    assert cli.main(["clusters"]) == 0
    out, err = capsys.readouterr()
    assert "CANARY" not in out + err


def test_a_profile_whose_limits_file_is_bad_is_listed_unusable_with_the_reason(home: Path) -> None:
    bad = home.parent / "bad-limits.toml"
    bad.write_text("[defaults]\nmin = 'cold'\n", encoding="utf-8")
    home.write_text(CONFIG + f'\n[clusters.broken]\nbootstrap_servers = "127.0.0.1:39092"\nlimits = "{bad}"\n')
    ns = cli.build_parser().parse_args([])
    choices = {c.name: c for c in cli._AppProfiles(ns, None).choices}
    assert choices["local"].usable
    assert not choices["broken"].usable
    assert "bad-limits.toml" in choices["broken"].bootstrap and "min" in choices["broken"].bootstrap
