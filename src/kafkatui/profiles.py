"""Named cluster profiles: `[clusters.NAME]` tables in a TOML file.

The file is `$XDG_CONFIG_HOME/kafkatui/config.toml` (default `~/.config/kafkatui/config.toml`),
or the one `--config-file` / `KAFKATUI_CONFIG_FILE` names. A profile's keys are the Settings
field names (the environment names in lower case without the prefix), so a new setting is a
profile key with no change here; `properties` names a client.properties file and the
`librdkafka` sub-table takes any librdkafka property. `${NAME}` in a value is the environment
variable NAME, so no secret has to sit in the file. Every problem is a one-line SettingsError
naming the file (and the line or key).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from kafkatui.files import read_text
from kafkatui.settings import SECRET_PROPERTIES, Settings, SettingsError

CONFIG_ENV = "KAFKATUI_CONFIG_FILE"
CLUSTER_ENV = "KAFKATUI_CLUSTER"
TOP_KEYS = ("default", "clusters")
FILE_KEYS = ("properties", "librdkafka")  # a profile's keys besides the Settings fields
NOT_IN_PROFILE = frozenset({"demo", "file_properties", "overrides"})
_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_URL_PASSWORD = re.compile(r"://[^/@\s]*:[^/@\s]*@")


@dataclass(frozen=True)
class Profile:
    """One `[clusters.NAME]` table, `${VAR}`s resolved."""

    name: str
    values: dict[str, Any]  # Settings field -> value
    properties: Path | None = None
    librdkafka: dict[str, str] = field(default_factory=dict)
    where: str = ""  # "config file PATH [clusters.NAME]", for messages
    config: Path = Path()  # the config file (relative file names are beside it)

    def secret_values(self) -> list[str]:
        values = [str(v) for k, v in self.values.items() if k in secret_fields() and v]
        values += [v for k, v in self.librdkafka.items() if k in SECRET_PROPERTIES and v]
        return values


@dataclass(frozen=True)
class ClusterConfig:
    """The config file's profiles (none when there is no file)."""

    path: Path
    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return list(self.profiles)

    def choose(self, name: str | None, given: str = "--cluster") -> Profile | None:
        """The profile named (by --cluster / KAFKATUI_CLUSTER), else the file's default, else none.
        `given` is how the name was given, for messages ("--cluster", "KAFKATUI_CLUSTER=")."""
        wanted = name or self.default
        if wanted is None:
            return None
        said = f"{given}{name}" if given.endswith("=") else f"{given} {name}"
        if not self.profiles and name:
            raise SettingsError(f"{said}: no cluster profiles (config file {self.path} has none)")
        if wanted not in self.profiles:
            where = f"config file {self.path}: default" if name is None else said
            known = ", ".join(self.profiles) or "none"
            raise SettingsError(f"{where}: no cluster profile {wanted!r} (profiles: {known})")
        return resolve(self.profiles[wanted])


def profile_keys() -> list[str]:
    """Every key a profile may hold."""
    return [name for name in Settings.model_fields if name not in NOT_IN_PROFILE] + list(FILE_KEYS)


def secret_fields() -> frozenset[str]:
    """Settings fields holding secrets (any SecretStr field, present or added later)."""
    return frozenset(name for name, info in Settings.model_fields.items() if SecretStr in _types(info.annotation))


def _path_fields() -> frozenset[str]:
    return frozenset(name for name, info in Settings.model_fields.items() if Path in _types(info.annotation))


def _types(annotation: object) -> set[object]:
    found = {annotation}
    for arg in typing.get_args(annotation):
        found |= _types(arg)
    return found


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(base) / "kafkatui" / "config.toml"


def config_path(explicit: Path | None) -> tuple[Path, bool]:
    """The config file to read, and whether the user named it (then it must exist)."""
    if explicit is not None:
        return explicit, True
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), True
    return default_path(), False


def load_config(explicit: Path | None = None) -> ClusterConfig:
    path, named = config_path(explicit)
    if not named and not path.is_file():
        return ClusterConfig(path)
    return read_config(path)


def read_config(path: Path) -> ClusterConfig:
    text = read_text(path, "config file", SettingsError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path}{_toml_error(str(exc))}") from None
    for key in data:
        if key not in TOP_KEYS:
            raise SettingsError(
                f"config file {path}{_line(text, None, key)}: unknown key {key!r} (expected default, [clusters.NAME])"
            )
    default = data.get("default")
    if default is not None and not isinstance(default, str):
        raise SettingsError(
            f"config file {path}{_line(text, None, 'default')}: default must be a profile name in quotes"
        )
    clusters = data.get("clusters", {})
    if not isinstance(clusters, dict):
        raise SettingsError(f"config file {path}: clusters must be tables, [clusters.NAME]")
    profiles: dict[str, Profile] = {}
    warnings: list[str] = []
    for name, table in clusters.items():
        if not isinstance(table, dict):
            raise SettingsError(f"config file {path}: clusters.{name} must be a table, [clusters.{name}]")
        profile, plain = _profile(path, text, name, table)
        profiles[name] = profile
        warnings += [_plain_secret_warning(path, name, key) for key in plain]
    config = ClusterConfig(path, default, profiles, tuple(w for w in warnings if w))
    if default is not None:
        try:
            config.choose(None)
        except SettingsError:
            known = ", ".join(profiles) or "none"
            at = _line(text, None, "default")
            raise SettingsError(
                f"config file {path}{at}: default: no cluster profile {default!r} (profiles: {known})"
            ) from None
    return config


def _profile(path: Path, text: str, name: str, table: Mapping[str, Any]) -> tuple[Profile, list[str]]:
    """The table checked (keys, shapes) but not resolved: a `${VAR}` is read when the profile is used."""
    where = f"config file {path} [clusters.{name}]"
    allowed = profile_keys()
    secrets = secret_fields()
    values: dict[str, Any] = {}
    plain: list[str] = []
    properties: Path | None = None
    librdkafka: dict[str, str] = {}
    for key, value in table.items():
        if key not in allowed:
            raise SettingsError(f"config file {path}{_line(text, name, key)}: [clusters.{name}] unknown key {key!r}")
        if key == "librdkafka":
            if not isinstance(value, dict):
                raise SettingsError(f"{where}: librdkafka must be a table, [clusters.{name}.librdkafka]")
            for prop, raw in value.items():
                if isinstance(raw, dict | list):
                    raise SettingsError(f"{where} librdkafka {prop}: expected a string, number or true/false")
                if prop in SECRET_PROPERTIES and isinstance(raw, str) and not _VARIABLE.search(raw):
                    plain.append(f"librdkafka {prop}")
                librdkafka[prop] = _scalar(raw)
            continue
        if key in secrets and isinstance(value, str) and not _VARIABLE.search(value):
            plain.append(key)
        elif isinstance(value, str) and _URL_PASSWORD.search(value) and not _VARIABLE.search(value):
            plain.append(key)  # https://user:password@host
        if key == "properties":
            if not isinstance(value, str):
                raise SettingsError(f"{where} properties: expected a file name in quotes")
            properties = Path(value)
            continue
        values[key] = tuple(value) if isinstance(value, list) else value
    return Profile(name, values, properties, librdkafka, where, path), plain


def resolve(profile: Profile) -> Profile:
    """The profile with every `${VAR}` read from the environment and files placed beside the
    config file; a variable that is not set is a SettingsError naming the key."""
    where = profile.where
    values: dict[str, Any] = {}
    for key, value in profile.values.items():
        value = _resolve(value, f"{where} {key}")
        if key in _path_fields() and isinstance(value, str):
            value = str(_relative(profile.config, value))
        values[key] = tuple(value) if isinstance(value, list | tuple) else value
    props = profile.properties
    if props is not None:
        props = _relative(profile.config, _resolve(str(props), f"{where} properties"))
    librdkafka = {k: _resolve(v, f"{where} librdkafka {k}") for k, v in profile.librdkafka.items()}
    return Profile(profile.name, values, props, librdkafka, where, profile.config)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _resolve(value: Any, where: str) -> Any:
    """`${NAME}` replaced by the environment variable NAME, in strings and lists of strings."""
    if isinstance(value, list | tuple):
        return [_resolve(v, where) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if not _NAME.fullmatch(name):
            raise SettingsError(f"{where}: ${{{name}}} is not a variable name")
        if name not in os.environ:
            raise SettingsError(f"{where}: ${{{name}}} is not set in the environment")
        return os.environ[name]

    return _VARIABLE.sub(one, value)


def _relative(config: Path, value: str) -> Path:
    """A file named in the config file: relative to the config file's folder."""
    if value.startswith("~"):
        return Path(value)
    candidate = Path(value)
    return candidate if candidate.is_absolute() else config.parent / candidate


def _plain_secret_warning(path: Path, name: str, key: str) -> str:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return ""
    if not mode & 0o077:
        return ""
    return (
        f"config file {path} holds a plain secret ([clusters.{name}] {key}) and others can read it "
        f"(mode {mode:04o}): chmod 600 {path}, or write the secret as ${{ENV_VAR}}"
    )


def _toml_error(message: str) -> str:
    """tomllib's message as ' line N: what' (its position moved to the front)."""
    found = re.fullmatch(r"(.*) \(at line (\d+), column \d+\)", message, re.DOTALL)
    if found:
        what = found.group(1)
        return f" line {found.group(2)}: {what[:1].lower()}{what[1:]}"
    found = re.fullmatch(r"(.*) \(at end of document\)", message, re.DOTALL)
    what = found.group(1) if found else message
    return f": {what[:1].lower()}{what[1:]} (at the end)" if found else f": {what}"


def _line(text: str, table: str | None, key: str) -> str:
    """' line N' where `key` is set (in [clusters.TABLE], or at the top), else ''."""
    inside = table is None
    header = re.compile(r"\s*\[\s*clusters\s*\.\s*(\"?)" + re.escape(table or "") + r"\1\s*\]")
    assignment = re.compile(r"\s*(\"?)" + re.escape(key) + r"\1\s*[=.]")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("["):
            if table is None:
                return ""  # top-level keys come before the first table
            inside = bool(header.match(line))
            continue
        if inside and assignment.match(line):
            return f" line {number}"
    return ""
