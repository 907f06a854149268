"""Settings: command line > environment > .env > client.properties > defaults.

Every setting has a plain name (the seed's `.env` names such as `BOOTSTRAP_SERVERS`) and a
`KAFKATUI_`-prefixed one. Secrets are `SecretStr`; `Settings.secret_values()` lists them so every
output path can redact them. Errors are `SettingsError` with one line that names the setting and
never shows a secret value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from kafkatui.logs import default_log_path
from kafkatui.redact import redact

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"]


class SettingsError(Exception):
    """A bad setting: the message is one line, safe to print."""


def _names(field: str, *plain: str) -> AliasChoices:
    """Env/alias names for a field: KAFKATUI_<FIELD>, the plain names, and the field name."""
    return AliasChoices(f"KAFKATUI_{field.upper()}", *plain, field)


# librdkafka property -> Settings field (for client.properties and -X).
PROPERTY_FIELDS: dict[str, str] = {
    "bootstrap.servers": "bootstrap_servers",
    "security.protocol": "security_protocol",
    "sasl.mechanism": "sasl_mechanism",
    "sasl.mechanisms": "sasl_mechanism",
    "sasl.username": "sasl_username",
    "sasl.password": "sasl_password",
    "ssl.ca.location": "ssl_ca_location",
    "ssl.certificate.location": "ssl_certificate_location",
    "ssl.key.location": "ssl_key_location",
    "ssl.key.password": "ssl_key_password",
    "client.id": "client_id",
}

# librdkafka properties whose values are secrets wherever they come from.
SECRET_PROPERTIES = frozenset(
    {
        "sasl.password",
        "ssl.key.password",
        "ssl.keystore.password",
        "ssl.key.pem",
        "ssl_key",
        "sasl.oauthbearer.client.secret",
        "sasl.oauthbearer.config",
        "ssl.certificate.pem",
    }
)


def read_properties(path: Path) -> dict[str, str]:
    """Read a Confluent-style `client.properties`: `key=value`, `#` comments, blank lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"config file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {path}: cannot be read ({type(exc).__name__})") from None
    result: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SettingsError(f"config file {path} line {number}: expected key=value")
        result[key] = value.strip()
    return result


def parse_overrides(items: list[str]) -> dict[str, str]:
    """Parse kcat-style `-X key=value` items."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"-X {item.split('=')[0]!s}: expected -X key=value")
        result[key.strip()] = value.strip()
    return result


def split_properties(props: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Split librdkafka properties into (Settings fields, other librdkafka properties)."""
    fields: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key, value in props.items():
        if key in PROPERTY_FIELDS:
            fields[PROPERTY_FIELDS[key]] = value
        else:
            rest[key] = value
    return fields, rest


class _PropertiesSource(PydanticBaseSettingsSource):
    """The lowest-precedence source: a client.properties file."""

    def __init__(self, settings_cls: type[BaseSettings], props: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._fields, self._rest = split_properties(props)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._fields.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self._fields)
        if self._rest:
            data["file_properties"] = dict(self._rest)
        return data


class Settings(BaseSettings):
    """Everything kafkatui reads from its surroundings."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        case_sensitive=False,
        frozen=True,
        hide_input_in_errors=True,
    )

    bootstrap_servers: str = Field(
        "localhost:9092", validation_alias=_names("bootstrap_servers", "BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS")
    )
    security_protocol: SecurityProtocol | None = Field(
        None, validation_alias=_names("security_protocol", "SECURITY_PROTOCOL")
    )
    sasl_mechanism: SaslMechanism | None = Field(
        None, validation_alias=_names("sasl_mechanism", "SASL_MECHANISM", "SASL_MECHANISMS")
    )
    sasl_username: str | None = Field(None, validation_alias=_names("sasl_username", "SASL_USERNAME"))
    sasl_password: SecretStr | None = Field(None, validation_alias=_names("sasl_password", "SASL_PASSWORD"))
    ssl_enabled: bool = Field(False, validation_alias=_names("ssl_enabled", "MSK_SSL_ENABLED", "SSL_ENABLED"))
    ssl_ca_location: Path | None = Field(
        None, validation_alias=_names("ssl_ca_location", "SSL_CA_LOCATION", "MSK_SSL_CA_LOCATION")
    )
    ssl_certificate_location: Path | None = Field(
        None,
        validation_alias=_names(
            "ssl_certificate_location", "SSL_CERTIFICATE_LOCATION", "SSL_CERT_LOCATION", "MSK_SSL_CERT_LOCATION"
        ),
    )
    ssl_key_location: Path | None = Field(
        None, validation_alias=_names("ssl_key_location", "SSL_KEY_LOCATION", "MSK_SSL_KEY_LOCATION")
    )
    ssl_key_password: SecretStr | None = Field(None, validation_alias=_names("ssl_key_password", "SSL_KEY_PASSWORD"))
    client_id: str = Field("kafkatui", validation_alias=_names("client_id", "CLIENT_ID"))

    topic: str = Field("freezer-temperatura", validation_alias=_names("topic", "TOPIC_PRODUCER", "TOPIC"))
    temp_min: float = Field(-5.0, validation_alias=_names("temp_min", "TEMP_MIN"))
    temp_max: float = Field(5.0, validation_alias=_names("temp_max", "TEMP_MAX"))
    stale_after: float = Field(30.0, gt=0, validation_alias=_names("stale_after", "STALE_AFTER"))

    timeout: float = Field(10.0, gt=0, le=300, validation_alias=_names("timeout"))
    refresh_interval: float = Field(5.0, ge=0.5, le=3600, validation_alias=_names("refresh_interval"))
    read_only: bool = Field(False, validation_alias=_names("read_only"))
    groups: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_names("groups"))
    log_file: Path = Field(default_factory=default_log_path, validation_alias=_names("log_file"))
    demo: bool = False

    # librdkafka properties not mapped to a field: from the file, and from -X (highest precedence).
    file_properties: dict[str, str] = Field(default_factory=dict, repr=False, exclude=True)
    overrides: dict[str, str] = Field(default_factory=dict, repr=False, exclude=True)

    @field_validator("groups", mode="before")
    @classmethod
    def _split_groups(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(g.strip() for g in value.split(",") if g.strip())
        return value

    @field_validator("bootstrap_servers")
    @classmethod
    def _check_bootstrap(cls, value: str) -> str:
        servers = [s.strip() for s in value.split(",") if s.strip()]
        if not servers:
            raise ValueError("is empty; expected host:port[,host:port...]")
        for server in servers:
            host, sep, port = server.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"{server!r} is not host:port")
        return ",".join(servers)

    @field_validator("ssl_ca_location", "ssl_certificate_location", "ssl_key_location")
    @classmethod
    def _check_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        value = value.expanduser()
        if not value.is_file():
            raise ValueError(f"file {value} does not exist")
        if not os.access(value, os.R_OK):
            raise ValueError(f"file {value} is not readable")
        return value

    # -- derived --------------------------------------------------------------------------

    @property
    def effective_protocol(self) -> str:
        if self.security_protocol:
            return self.security_protocol
        if self.sasl_username:
            return "SASL_SSL"  # Confluent Cloud's combination, as in the seed
        if self.ssl_enabled or self.ssl_certificate_location or self.ssl_ca_location:
            return "SSL"
        return "PLAINTEXT"

    def librdkafka_config(self) -> dict[str, str]:
        """The client configuration (secrets revealed: pass it only to a Kafka client)."""
        conf: dict[str, str] = dict(self.file_properties)
        conf["bootstrap.servers"] = self.bootstrap_servers
        conf["client.id"] = self.client_id
        protocol = self.effective_protocol
        conf["security.protocol"] = protocol
        if protocol.startswith("SASL"):
            conf["sasl.mechanism"] = self.sasl_mechanism or "PLAIN"
        if self.sasl_username is not None:
            conf["sasl.username"] = self.sasl_username
        if self.sasl_password is not None:
            conf["sasl.password"] = self.sasl_password.get_secret_value()
        if self.ssl_ca_location:
            conf["ssl.ca.location"] = str(self.ssl_ca_location)
        if self.ssl_certificate_location:
            conf["ssl.certificate.location"] = str(self.ssl_certificate_location)
        if self.ssl_key_location:
            conf["ssl.key.location"] = str(self.ssl_key_location)
        if self.ssl_key_password is not None:
            conf["ssl.key.password"] = self.ssl_key_password.get_secret_value()
        conf.update(self.overrides)
        return conf

    def secret_values(self) -> list[str]:
        """Every secret value in these settings, for redaction."""
        values = [s.get_secret_value() for s in (self.sasl_password, self.ssl_key_password) if s]
        for props in (self.file_properties, self.overrides):
            values += [v for k, v in props.items() if k in SECRET_PROPERTIES]
        return [v for v in values if v]

    def describe(self) -> dict[str, str]:
        """A display-safe summary (no secret values)."""
        conf = self.librdkafka_config()
        return {k: ("********" if k in SECRET_PROPERTIES else v) for k, v in sorted(conf.items())}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        props = _CURRENT_PROPERTIES.get("props", {})
        return (init_settings, env_settings, dotenv_settings, _PropertiesSource(settings_cls, props))


# The properties file read for the Settings being built (a source needs it at class level).
_CURRENT_PROPERTIES: dict[str, dict[str, str]] = {}

_PREFERRED = {
    "bootstrap_servers": "BOOTSTRAP_SERVERS",
    "sasl_username": "SASL_USERNAME",
    "sasl_password": "SASL_PASSWORD",
    "security_protocol": "SECURITY_PROTOCOL",
    "sasl_mechanism": "SASL_MECHANISM",
    "client_id": "CLIENT_ID",
    "topic": "TOPIC_PRODUCER",
}


def _field_of(name: str) -> str:
    """The field behind an alias (pydantic reports the first alias choice)."""
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else []
        if name == field or name in choices:
            return field
    return name


def setting_label(field: str) -> str:
    """How a setting is named to the user: the variable they set, else its usual name."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    choices = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else []
    present = {k.upper() for k in os.environ}
    for choice in choices:
        if choice.upper() in present and choice.upper() != field.upper():
            return choice.upper()
    return _PREFERRED.get(field, f"KAFKATUI_{field.upper()}")


def _explain(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ())]
    field = _field_of(loc[0]) if loc else "settings"
    if field in {"file_properties", "overrides"} and len(loc) > 1:
        label = f"property {loc[1]}"
    else:
        label = f"setting {setting_label(field)}"
    message = str(err.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    return f"{label}: {message}"


def load_settings(
    cli: Mapping[str, Any] | None = None,
    *,
    config_file: Path | None = None,
    overrides: list[str] | None = None,
    env_file: Path | None = None,
) -> Settings:
    """Build Settings from every source; raise SettingsError with one safe line on a bad value."""
    config_file = config_file or (Path(os.environ["KAFKATUI_CONFIG"]) if os.environ.get("KAFKATUI_CONFIG") else None)
    props = read_properties(config_file) if config_file else {}
    x_fields, x_rest = split_properties(parse_overrides(overrides or []))
    init: dict[str, Any] = {k: v for k, v in (cli or {}).items() if v is not None}
    init.update(x_fields)
    if x_rest:
        init["overrides"] = x_rest
    _CURRENT_PROPERTIES["props"] = props
    secrets = [v for k, v in {**props, **parse_overrides(overrides or [])}.items() if k in SECRET_PROPERTIES]
    try:
        if env_file is not None:
            return Settings(_env_file=env_file, **init)  # type: ignore[call-arg]
        return Settings(**init)
    except ValidationError as exc:
        raise SettingsError(redact(_explain(exc), secrets)) from None
    except PydanticSettingsError as exc:  # a value the env source could not even decode
        field = str(exc).split('"')[1] if '"' in str(exc) else "settings"
        raise SettingsError(f"setting {setting_label(field)}: cannot be parsed") from None
    finally:
        _CURRENT_PROPERTIES.clear()
