"""Settings: command line > environment > cluster profile > .env > client.properties > defaults.

Every setting has a plain name (the seed's `.env` names such as `BOOTSTRAP_SERVERS`) and a
`KAFKATUI_`-prefixed one. Secrets are `SecretStr`; `Settings.secret_values()` lists them so every
output path can redact them. Errors are `SettingsError` with one line that names the setting and
never shows a secret value.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from kafkatui.domain.alerts import Thresholds
from kafkatui.domain.fields import compile_path
from kafkatui.domain.readings import ParseRules
from kafkatui.domain.topic_names import check_topic_name
from kafkatui.files import read_text
from kafkatui.logs import default_log_path
from kafkatui.redact import redact

if TYPE_CHECKING:
    from kafkatui.profiles import Profile

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"]
Unit = Literal["C", "F", "K"]


class SettingsError(Exception):
    """A bad setting: the message is one line, safe to print.

    A value quoted in the message may hold control characters (a path with a newline, an ESC
    sequence): they are shown escaped, so the message stays one line and the terminal is safe.
    """

    def __init__(self, message: str) -> None:
        super().__init__("".join(c if c.isprintable() else repr(c)[1:-1] for c in message))


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
    # Schema Registry lines, as the Confluent Cloud console writes them: kafkatui's own settings,
    # never passed to librdkafka (which would refuse them as unknown properties).
    "schema.registry.url": "schema_registry_url",
    "basic.auth.credentials.source": "schema_registry_auth_source",
    "basic.auth.user.info": "schema_registry_user_info",
    "schema.registry.basic.auth.credentials.source": "schema_registry_auth_source",
    "schema.registry.basic.auth.user.info": "schema_registry_user_info",
    "schema.registry.ssl.ca.location": "schema_registry_ssl_ca_location",
    "schema.registry.ssl.certificate.location": "schema_registry_ssl_certificate_location",
    "schema.registry.ssl.key.location": "schema_registry_ssl_key_location",
    "schema.registry.ssl.key.password": "schema_registry_ssl_key_password",
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
        "basic.auth.user.info",
        "schema.registry.basic.auth.user.info",
        "schema.registry.ssl.key.password",
    }
)

RegistryAuthSource = Literal["USER_INFO", "URL", "SASL_INHERIT"]


# Placeholder credentials as course notes and consoles print them: YOUR_API_KEY, YOUR-API-SECRET,
# <API_KEY>, {{ api_secret }}, ${SASL_PASSWORD} (an unexpanded variable), CHANGEME.
_PLACEHOLDER = re.compile(
    r"(your[_\-\s].*|<[^<>]*>|\{\{.*\}\}|\$\{[^{}]*\}|change[_\-]?me|api[_\-]?(key|secret)|x{3,})",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """True for a credential that is a template's placeholder rather than a real value."""
    return bool(_PLACEHOLDER.fullmatch(value.strip()))


def unused_credentials_warning(settings: Settings) -> str | None:
    """One line when SASL credentials are set but the protocol sends none (PLAINTEXT or SSL)."""
    password = settings.sasl_password.get_secret_value() if settings.sasl_password is not None else ""
    set_ = [
        name for name, value in (("SASL_USERNAME", settings.sasl_username or ""), ("SASL_PASSWORD", password)) if value
    ]
    if not set_:
        return None  # nothing given, or only empty values
    protocol = settings.effective_protocol
    if protocol.startswith("SASL"):
        return None
    given = " and ".join(set_)
    one = " and " not in given
    return (
        f"{given} {'is' if one else 'are'} set, but the security protocol is {protocol}, which sends no SASL "
        f"credentials: {'it is' if one else 'they are'} unused (SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT uses "
        f"{'it' if one else 'them'})"
    )


def read_properties(path: Path) -> dict[str, str]:
    """Read a Confluent-style `client.properties`: `key=value`, `#` comments, blank lines."""
    text = read_text(path, "config file", SettingsError)
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
        if not key.strip():  # never echo the item: what follows '=' may be a password
            raise SettingsError("-X: the property name is missing; expected -X key=value")
        if not sep:
            raise SettingsError(f"-X {key.strip()}: expected -X key=value")
        result[key.strip()] = value.strip()
    return result


def read_dotenv(path: Path) -> dict[str, str | None]:
    """The names (and values) a `.env` file sets, parsed as pydantic-settings will parse it.

    A line python-dotenv cannot parse would otherwise be skipped with a warning on stderr;
    here it is a SettingsError naming the line, like a malformed client.properties line.
    """
    if not path.is_file():
        return {}
    text = read_text(path, "file", SettingsError)
    from dotenv.parser import parse_stream

    names: dict[str, str | None] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise SettingsError(f"file {path} line {binding.original.line}: expected NAME=value")
        if binding.key:
            names[binding.key] = binding.value
    return names


def _expand(path: Path) -> Path:
    """`~` and `~user` expanded; a ValueError (not pathlib's RuntimeError) for an unknown user."""
    try:
        return path.expanduser()
    except RuntimeError:
        user = str(path).split("/", 1)[0]
        raise ValueError(f"{path}: cannot expand {user} (no such user)") from None


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


class _ProfileSource(PydanticBaseSettingsSource):
    """A cluster profile from the config file: below the environment, above .env."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = dict(values)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        # under the name the environment sources use (the first alias), so their order decides
        return {_first_alias(name): value for name, value in self._values.items()}


def _first_alias(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    return str(alias.choices[0]) if isinstance(alias, AliasChoices) else field


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

    # Schema Registry (Confluent's API): decoding Avro / JSON Schema / Protobuf records.
    schema_registry_url: str | None = Field(None, validation_alias=_names("schema_registry_url", "SCHEMA_REGISTRY_URL"))
    schema_registry_username: str | None = Field(
        None, validation_alias=_names("schema_registry_username", "SCHEMA_REGISTRY_USERNAME")
    )
    schema_registry_password: SecretStr | None = Field(
        None, validation_alias=_names("schema_registry_password", "SCHEMA_REGISTRY_PASSWORD")
    )
    schema_registry_auth_source: RegistryAuthSource | None = Field(
        None,
        validation_alias=_names("schema_registry_auth_source", "SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE"),
    )
    schema_registry_user_info: SecretStr | None = Field(
        None, validation_alias=_names("schema_registry_user_info", "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
    )
    schema_registry_ssl_ca_location: Path | None = Field(
        None, validation_alias=_names("schema_registry_ssl_ca_location", "SCHEMA_REGISTRY_SSL_CA_LOCATION")
    )
    schema_registry_ssl_certificate_location: Path | None = Field(
        None,
        validation_alias=_names("schema_registry_ssl_certificate_location", "SCHEMA_REGISTRY_SSL_CERTIFICATE_LOCATION"),
    )
    schema_registry_ssl_key_location: Path | None = Field(
        None, validation_alias=_names("schema_registry_ssl_key_location", "SCHEMA_REGISTRY_SSL_KEY_LOCATION")
    )
    schema_registry_ssl_key_password: SecretStr | None = Field(
        None, validation_alias=_names("schema_registry_ssl_key_password", "SCHEMA_REGISTRY_SSL_KEY_PASSWORD")
    )

    topic: str = Field("freezer-temperatura", validation_alias=_names("topic", "TOPIC_PRODUCER", "TOPIC"))
    temp_min: float = Field(-5.0, allow_inf_nan=False, validation_alias=_names("temp_min", "TEMP_MIN"))
    temp_max: float = Field(5.0, allow_inf_nan=False, validation_alias=_names("temp_max", "TEMP_MAX"))
    stale_after: float = Field(30.0, gt=0, allow_inf_nan=False, validation_alias=_names("stale_after", "STALE_AFTER"))

    # where a record's temperature, sensor and time are (paths like readings.celsius, samples.0.v;
    # unset: the built-in field lists) and the unit of a bare number
    value_field: str | None = Field(None, validation_alias=_names("value_field"))
    sensor_field: str | None = Field(None, validation_alias=_names("sensor_field"))
    time_field: str | None = Field(None, validation_alias=_names("time_field"))
    unit: Unit = Field("C", validation_alias=_names("unit"))

    timeout: float = Field(10.0, gt=0, le=300, allow_inf_nan=False, validation_alias=_names("timeout"))
    refresh_interval: float = Field(
        5.0, ge=0.5, le=3600, allow_inf_nan=False, validation_alias=_names("refresh_interval")
    )
    read_only: bool = Field(False, validation_alias=_names("read_only"))
    toasts: bool = Field(True, validation_alias=_names("toasts"))  # alert toasts (one per burst)
    groups: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_names("groups"))
    log_file: Path = Field(default_factory=default_log_path, validation_alias=_names("log_file"))
    demo: bool = False
    # alerts that reach people: notification URLs (apprise syntax; secrets), repeat, limits file
    notify: Annotated[tuple[SecretStr, ...], NoDecode] = Field((), validation_alias=_names("notify"))
    notify_repeat: float = Field(3600.0, gt=0, allow_inf_nan=False, validation_alias=_names("notify_repeat"))
    limits: Path | None = Field(None, validation_alias=_names("limits"))

    # librdkafka properties not mapped to a field: from the file, and from -X (highest precedence).
    file_properties: dict[str, str] = Field(default_factory=dict, repr=False, exclude=True)
    overrides: dict[str, str] = Field(default_factory=dict, repr=False, exclude=True)

    @field_validator("groups", mode="before")
    @classmethod
    def _split_groups(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(g.strip() for g in value.split(",") if g.strip())
        return value

    @field_validator("notify", mode="before")
    @classmethod
    def _split_notify(cls, value: object) -> object:
        if isinstance(value, str):
            value = [u for u in value.split(",")]
        if isinstance(value, list | tuple):
            urls = [(u.get_secret_value() if isinstance(u, SecretStr) else str(u)).strip() for u in value]
            for number, url in enumerate(urls, start=1):
                scheme, sep, rest = url.partition("://")
                if not sep or not scheme or not rest or not scheme.replace("+", "").isalnum():
                    # the URL itself is never quoted: it may hold a token or a password
                    raise ValueError(
                        f"URL {number} is not a notification URL like json://host/path or ntfy://topic"
                        " (not shown: it may hold a password)"
                    )
            return tuple(SecretStr(u) for u in urls if u)
        return value

    @field_validator("notify_repeat", mode="before")
    @classmethod
    def _repeat_duration(cls, value: object) -> object:
        if isinstance(value, str) and value.strip() and not value.strip().replace(".", "", 1).isdigit():
            from kafkatui.domain.freezer import parse_duration

            return parse_duration(value)
        return value

    @field_validator("limits")
    @classmethod
    def _expand_limits(cls, value: Path | None) -> Path | None:
        return None if value is None else _expand(value)

    @field_validator("value_field", "sensor_field", "time_field")
    @classmethod
    def _check_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return compile_path(value).text  # a bad path: ValueError with its sentence

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_letter(cls, value: object) -> object:
        if isinstance(value, str):  # c, °C, ºF, k: the letter, upper-case
            return value.strip().lstrip("°º").strip().upper()
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

    @field_validator("schema_registry_url")
    @classmethod
    def _check_registry_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        urls = [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
        for url in urls:
            parsed = urlsplit(url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValueError(f"{_url_without_userinfo(url)!r} is not an http:// or https:// URL")
        return ",".join(urls)

    @field_validator("schema_registry_user_info")
    @classmethod
    def _check_user_info(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and ":" not in value.get_secret_value():
            raise ValueError("expected key:secret (the registry's API key and secret, joined by a colon)")
        return value

    @field_validator(
        "ssl_ca_location",
        "ssl_certificate_location",
        "ssl_key_location",
        "schema_registry_ssl_ca_location",
        "schema_registry_ssl_certificate_location",
        "schema_registry_ssl_key_location",
    )
    @classmethod
    def _check_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        value = _expand(value)
        if value.is_dir():
            if info.field_name in ("ssl_ca_location", "schema_registry_ssl_ca_location"):  # a directory of CA files
                return value
            raise ValueError(f"{value} is a directory, not a file")
        if not value.is_file():
            raise ValueError(f"file {value} does not exist")
        if not os.access(value, os.R_OK):
            raise ValueError(f"file {value} is not readable")
        return value

    @field_validator("log_file")
    @classmethod
    def _expand_log_file(cls, value: Path) -> Path:
        return _expand(value)

    @field_validator("topic")
    @classmethod
    def _check_topic(cls, value: str) -> str:
        problem = check_topic_name(value.strip()).error
        if problem:
            raise ValueError(problem)
        return value.strip()

    @field_validator("temp_max")
    @classmethod
    def _check_range(cls, value: float, info: ValidationInfo) -> float:
        tmin = info.data.get("temp_min")
        if tmin is None:  # temp_min itself was bad; that error is reported
            return value
        try:
            Thresholds(tmin, value)
        except ValueError:
            gap = Thresholds(0.0, 1.0).hysteresis
            raise ValueError(f"must be more than {gap:g} °C (the hysteresis) above the minimum, {tmin:g} °C") from None
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

    def parse_rules(self) -> ParseRules:
        """How the Freezer pane reads a record: the field mapping and the unit of a bare number."""
        return ParseRules.mapped(self.value_field, self.sensor_field, self.time_field, self.unit)

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

    def registry_credentials(self) -> tuple[str, str] | None:
        """The registry's (user, password): SCHEMA_REGISTRY_USERNAME/PASSWORD, else what
        basic.auth.credentials.source names (USER_INFO: basic.auth.user.info; SASL_INHERIT: the
        SASL credentials; URL: the URL's own user info, left in the URL)."""
        if self.schema_registry_username is not None or self.schema_registry_password is not None:
            password = self.schema_registry_password.get_secret_value() if self.schema_registry_password else ""
            return self.schema_registry_username or "", password
        source = self.schema_registry_auth_source
        if source == "SASL_INHERIT":
            password = self.sasl_password.get_secret_value() if self.sasl_password else ""
            return (self.sasl_username or "", password) if self.sasl_username else None
        if source in (None, "USER_INFO") and self.schema_registry_user_info is not None:
            user, _, password = self.schema_registry_user_info.get_secret_value().partition(":")
            return user, password
        return None

    def registry_config(self) -> dict[str, Any] | None:
        """The SchemaRegistryClient configuration (secrets revealed: pass it only to the registry
        client), or None when no registry is set. Nothing here goes to librdkafka."""
        if not self.schema_registry_url:
            return None
        url = self.schema_registry_url
        if self.schema_registry_auth_source not in (None, "URL"):
            url = ",".join(_url_without_userinfo(u) for u in url.split(","))
        conf: dict[str, Any] = {"url": url}
        creds = self.registry_credentials()
        if creds is not None:
            conf["url"] = ",".join(_url_without_userinfo(u) for u in url.split(","))
            conf["basic.auth.user.info"] = f"{creds[0]}:{creds[1]}"
        for key, path in (
            ("ssl.ca.location", self.schema_registry_ssl_ca_location),
            ("ssl.certificate.location", self.schema_registry_ssl_certificate_location),
            ("ssl.key.location", self.schema_registry_ssl_key_location),
        ):
            if path is not None:
                conf[key] = str(path)
        if self.schema_registry_ssl_key_password is not None:
            conf["ssl.key.password"] = self.schema_registry_ssl_key_password.get_secret_value()
        return conf

    @property
    def registry_display(self) -> str:
        """The registry's URL(s) as shown to the user: no user info."""
        url = self.schema_registry_url or ""
        return ",".join(_url_without_userinfo(u) for u in url.split(",")) if url else "not set"

    def secret_values(self) -> list[str]:
        """Every secret value in these settings, for redaction."""
        values = [s.get_secret_value() for s in (self.sasl_password, self.ssl_key_password) if s]
        values += _registry_secrets(self)
        for props in (self.file_properties, self.overrides):
            values += [v for k, v in props.items() if k in SECRET_PROPERTIES]
        for url in self.notify:
            values += notify_secret_parts(url.get_secret_value())
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
        profile = _CURRENT_PROPERTIES.get("profile", {})
        return (
            init_settings,
            env_settings,
            _ProfileSource(settings_cls, profile),
            dotenv_settings,
            _PropertiesSource(settings_cls, props),
        )


def notify_secret_parts(url: str) -> list[str]:
    """What to mask of a notification URL: all of it, its password and user, and its tokens (the
    path segments and query values of webhook URLs such as slack://TokenA/TokenB/TokenC)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = [url]
    try:
        split = urlsplit(url)
        password = split.password
        if password:
            parts += [password, unquote(password)]
            if split.username:
                parts.append(f"{split.username}:{password}")
        for segment in split.path.split("/"):
            if len(segment) >= 12:  # a token; short words (a topic, "hooks") stay readable
                parts += [segment, unquote(segment)]
        parts += [v for _, v in parse_qsl(split.query) if len(v) >= 8]
        host = split.hostname or ""
        if (
            split.scheme not in ("json", "jsons", "xml", "xmls", "form", "forms")
            and len(host) >= 12
            and "." not in host
        ):
            parts.append(host)  # a token in the host place (e.g. tgram://bottoken/)
    except ValueError:
        pass
    return [p for p in parts if p]


# The properties file and profile read for the Settings being built (a source needs them at class level).
_CURRENT_PROPERTIES: dict[str, dict[str, Any]] = {}

_PREFERRED = {
    "bootstrap_servers": "BOOTSTRAP_SERVERS",
    "sasl_username": "SASL_USERNAME",
    "sasl_password": "SASL_PASSWORD",
    "security_protocol": "SECURITY_PROTOCOL",
    "sasl_mechanism": "SASL_MECHANISM",
    "client_id": "CLIENT_ID",
    "topic": "TOPIC_PRODUCER",
    "temp_min": "TEMP_MIN",
    "temp_max": "TEMP_MAX",
    "stale_after": "STALE_AFTER",
}

# The command-line flag behind a field (cli.py's connection options).
FLAGS = {
    "bootstrap_servers": "--bootstrap-servers",
    "security_protocol": "--security-protocol",
    "sasl_mechanism": "--sasl-mechanism",
    "sasl_username": "--sasl-username",
    "timeout": "--timeout",
    "topic": "--topic",
    "read_only": "--read-only",
    "toasts": "--no-toasts",
    "groups": "--group",
    "log_file": "--log-file",
    "notify": "--notify",
    "notify_repeat": "--notify-repeat",
    "limits": "--limits",
    "value_field": "--value-field",
    "sensor_field": "--sensor-field",
    "time_field": "--time-field",
    "unit": "--unit",
}

_SECRET_FIELDS = (
    "sasl_password",
    "ssl_key_password",
    "schema_registry_password",
    "schema_registry_user_info",
    "schema_registry_ssl_key_password",
    "notify",
)


def _url_without_userinfo(url: str) -> str:
    """`https://key:secret@host/path` -> `https://host/path` (a URL's user info is a credential)."""
    try:
        parsed = urlsplit(url.strip())
    except ValueError:
        return "<not a URL>"
    if "@" not in parsed.netloc:
        return url.strip()
    return urlunsplit(parsed._replace(netloc=parsed.netloc.rpartition("@")[2]))


def _url_secrets(url: str) -> list[str]:
    out: list[str] = []
    for one in url.split(","):
        netloc = urlsplit(one.strip()).netloc if "://" in one else ""
        info = netloc.rpartition("@")[0] if "@" in netloc else ""
        if info:
            out += [info, info.partition(":")[2], unquote(info.partition(":")[2])]
    return [v for v in out if v]


def _registry_secrets(settings: Settings) -> list[str]:
    """The registry's secrets: its password, the user info (and its secret half), URL user info."""
    values = [
        s.get_secret_value()
        for s in (
            settings.schema_registry_password,
            settings.schema_registry_user_info,
            settings.schema_registry_ssl_key_password,
        )
        if s
    ]
    if settings.schema_registry_user_info is not None:
        values.append(settings.schema_registry_user_info.get_secret_value().partition(":")[2])
    values += _url_secrets(settings.schema_registry_url or "")
    return [v for v in values if v]


def _field_of(name: str) -> str:
    """The field behind an alias (pydantic reports the first alias choice)."""
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else []
        if name == field or name in choices:
            return field
    return name


def _choices(field: str) -> list[str]:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    return [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else []


def _present(field: str, names: Mapping[str, object]) -> str | None:
    """The first of the field's names set in `names` (pydantic's own order), upper-cased."""
    upper = {k.upper() for k in names}
    for choice in _choices(field):
        if choice.upper() in upper:
            return choice.upper()
    return None


def setting_label(field: str) -> str:
    """How a setting is named to the user: the variable they set, else its usual name."""
    return _present(field, os.environ) or _PREFERRED.get(field, f"KAFKATUI_{field.upper()}")


class _Origins:
    """Where each field's value came from, so an error names what the user actually typed."""

    def __init__(
        self,
        cli: Mapping[str, Any],
        x_props: Mapping[str, str],
        dotenv: Mapping[str, str | None],
        env_path: Path,
        file_props: Mapping[str, str],
        config_file: Path | None,
        profile: Mapping[str, str] | None = None,
        profile_where: str = "",
    ) -> None:
        self.cli, self.x_props, self.dotenv = cli, x_props, dotenv
        self.env_path, self.file_props, self.config_file = env_path, file_props, config_file
        self.profile, self.profile_where = profile or {}, profile_where

    def label(self, field: str) -> str:
        """Highest precedence first, as pydantic-settings resolves them (-X beats a flag)."""
        if field in self.x_props:
            return f"-X {self.x_props[field]}"
        if field in self.cli:
            return FLAGS.get(field, f"--{field.replace('_', '-')}")
        if name := _present(field, os.environ):
            return f"setting {name}"
        if field in self.profile:
            return f"{self.profile_where} {self.profile[field]}"
        if name := _present(field, self.dotenv):
            return f"setting {name} in {self.env_path}"
        if field in self.file_props:
            return f"config file {self.config_file}: {self.file_props[field]}"
        return f"setting {setting_label(field)}"


def _wording(err: Mapping[str, Any]) -> str:
    """pydantic's message as a short sentence (the input itself is never shown)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "expected a number"
    if kind in ("bool_parsing", "bool_type"):
        return "expected true or false"
    if kind == "finite_number":
        return "expected a finite number"
    if kind == "greater_than":
        return f"must be greater than {_num(ctx.get('gt'))}"
    if kind == "greater_than_equal":
        return f"must be at least {_num(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"must be at most {_num(ctx.get('le'))}"
    if kind == "less_than":
        return f"must be less than {_num(ctx.get('lt'))}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}"
    message = str(err.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _explain(exc: ValidationError, origins: _Origins | None = None) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ())]
    field = _field_of(loc[0]) if loc else "settings"
    if field in {"file_properties", "overrides"} and len(loc) > 1:
        label = f"property {loc[1]}"
    elif origins is not None:
        label = origins.label(field)
    else:
        label = f"setting {setting_label(field)}"
    return f"{label}: {_wording(err)}"


def _env_secrets(dotenv: Mapping[str, str | None]) -> list[str]:
    """Secret values set in the environment or the .env file (to mask in messages)."""
    values: list[str] = []
    for field in _SECRET_FIELDS:
        names = {c.upper() for c in _choices(field)}
        values += [v for k, v in os.environ.items() if k.upper() in names and v]
        values += [v for k, v in dotenv.items() if k.upper() in names and v]
    values += [v.partition(":")[2] for v in values if ":" in v]  # the secret half of key:secret
    for name, value in [*os.environ.items(), *dotenv.items()]:
        if value and name.upper() in {c.upper() for c in _choices("schema_registry_url")}:
            values += _url_secrets(value)
    for value in list(values):
        for url in value.split(","):
            values += notify_secret_parts(url.strip())
    return values


def _refuse_placeholders(settings: Settings, origins: _Origins) -> None:
    """The course's `YOUR_API_KEY` / `YOUR_API_SECRET` (and kin) are not credentials: refuse them
    before they reach a broker. The message names where the value came from, never the value."""
    for field, value, what in (
        ("sasl_username", settings.sasl_username, "API key (user name)"),
        ("sasl_password", settings.sasl_password.get_secret_value() if settings.sasl_password else None, "API secret"),
    ):
        if value is not None and is_placeholder(value):
            raise SettingsError(
                f"{origins.label(field)} is a placeholder from the course notes, not a real credential; "
                f"put your {what} there"
            )
    info = settings.schema_registry_user_info
    if info is not None and any(is_placeholder(part) for part in info.get_secret_value().split(":", 1)):
        raise SettingsError(
            f"{origins.label('schema_registry_user_info')} is a placeholder from the console's template, not a real "
            "credential; put your Schema Registry API key and secret there (key:secret)"
        )


def load_settings(
    cli: Mapping[str, Any] | None = None,
    *,
    config_file: Path | None = None,
    overrides: list[str] | None = None,
    env_file: Path | None = None,
    profile: Profile | None = None,
) -> Settings:
    """Build Settings from every source; raise SettingsError with one safe line on a bad value."""
    config_file = config_file or (Path(os.environ["KAFKATUI_CONFIG"]) if os.environ.get("KAFKATUI_CONFIG") else None)
    props = read_properties(config_file) if config_file else {}
    profile_values, profile_labels, profile_secrets = _profile_values(profile)
    if "file_properties" in profile_values:  # the profile's librdkafka properties, below --config's
        props = {**profile_values.pop("file_properties"), **props}
    x_items = parse_overrides(overrides or [])
    x_fields, x_rest = split_properties(x_items)
    env_path = env_file if env_file is not None else Path(".env")
    dotenv = read_dotenv(env_path)
    init: dict[str, Any] = {k: v for k, v in (cli or {}).items() if v is not None}
    cli_fields = dict(init)
    init.update(x_fields)
    if x_rest:
        init["overrides"] = x_rest
    origins = _Origins(
        cli_fields,
        {PROPERTY_FIELDS[k]: k for k in x_items if k in PROPERTY_FIELDS},
        dotenv,
        env_path,
        {PROPERTY_FIELDS[k]: k for k in props if k in PROPERTY_FIELDS},
        config_file,
        profile_labels,
        profile.where if profile is not None else "",
    )
    _CURRENT_PROPERTIES["props"] = props
    _CURRENT_PROPERTIES["profile"] = profile_values
    secrets = [v for k, v in {**props, **x_items}.items() if k in SECRET_PROPERTIES] + profile_secrets
    secrets += [v.partition(":")[2] for k, v in {**props, **x_items}.items() if k in SECRET_PROPERTIES and ":" in v]
    secrets += _url_secrets(props.get("schema.registry.url", "") + "," + x_items.get("schema.registry.url", ""))
    secrets += _url_secrets(str(profile_values.get("schema_registry_url") or ""))  # a profile's URL credentials
    secrets += [v.partition(":")[2] for v in profile_secrets if ":" in v]  # user info: its secret half
    secrets += _env_secrets(dotenv)
    try:
        settings = Settings(_env_file=env_file, **init) if env_file is not None else Settings(**init)  # type: ignore[call-arg]
        _refuse_placeholders(settings, origins)
        return settings
    except ValidationError as exc:
        raise SettingsError(redact(_explain(exc, origins), secrets)) from None
    except PydanticSettingsError as exc:  # a value the env source could not even decode
        field = str(exc).split('"')[1] if '"' in str(exc) else "settings"
        raise SettingsError(f"{origins.label(_field_of(field))}: cannot be parsed") from None
    finally:
        _CURRENT_PROPERTIES.clear()


def _profile_values(profile: Profile | None) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """A profile as Settings values (its properties file, then its librdkafka table, then its
    keys), the key each field came from, and its secret values."""
    if profile is None:
        return {}, {}, []
    props = read_properties(profile.properties) if profile.properties is not None else {}
    props.update(profile.librdkafka)
    fields, rest = split_properties(props)
    labels = {PROPERTY_FIELDS[k]: f"librdkafka {k}" for k in props if k in PROPERTY_FIELDS}
    values: dict[str, Any] = dict(fields)
    values.update(profile.values)
    labels.update({k: k for k in profile.values})
    if rest:
        values["file_properties"] = rest
    secrets = profile.secret_values() + [v for k, v in props.items() if k in SECRET_PROPERTIES and v]
    return values, labels, secrets


def profile_overridden(profile: Profile, cli: Mapping[str, Any]) -> list[str]:
    """The profile's keys that the command line or the environment overrides, said as
    'BOOTSTRAP_SERVERS (environment) wins over bootstrap_servers' lines, for the user who
    switched and wonders why nothing changed."""
    said: list[str] = []
    for field in profile.values:
        if field in cli:
            said.append(f"{FLAGS.get(field, '--' + field.replace('_', '-'))} wins over {field}")
        elif name := _present(field, os.environ):
            said.append(f"{name} from the environment wins over {field}")
    return said
