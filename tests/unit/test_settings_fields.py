"""The field mapping and unit settings: flags, environment, .env, and what the parser gets."""

from __future__ import annotations

from pathlib import Path

import pytest

import canned
from kafkatui import cli
from kafkatui.domain.readings import DEFAULT_RULES, ParseRules, Reading, parse
from kafkatui.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    canned.clear_settings_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_unset_means_the_built_in_field_lists() -> None:
    assert load_settings().parse_rules() == DEFAULT_RULES


def test_flags_reach_the_parse_rules() -> None:
    ns = cli.build_parser().parse_args(
        ["--value-field", "readings.celsius", "--sensor-field", "meta.id", "--time-field", "at", "--unit", "F"]
    )
    rules = cli.load(ns).parse_rules()
    assert rules == ParseRules.mapped("readings.celsius", "meta.id", "at", "F")
    raw = b'{"meta": {"id": "f7"}, "readings": {"celsius": 14}, "at": 1704067200}'
    assert parse(None, raw, 1.0, 0, 0, rules) == Reading("f7", -10.0, 1704067200.0, 0, 0, "14 °F")


def test_environment_and_dotenv_names(monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> None:
    monkeypatch.setenv("KAFKATUI_VALUE_FIELD", " temp_c ")
    (clean_env / ".env").write_text("KAFKATUI_SENSOR_FIELD=device\nKAFKATUI_UNIT=°f\n")
    s = load_settings()
    assert (s.value_field, s.sensor_field, s.time_field, s.unit) == ("temp_c", "device", None, "F")


def test_the_command_line_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKATUI_VALUE_FIELD", "a")
    assert load_settings({"value_field": "b"}).value_field == "b"


@pytest.mark.parametrize("unit", ["c", "C", "°C", "ºc", " k "])
def test_unit_spellings(unit: str) -> None:
    assert load_settings({"unit": unit}).unit == unit.strip().lstrip("°º").upper()


@pytest.mark.parametrize(
    ("cli_values", "message"),
    [
        ({"value_field": "a..b"}, "--value-field: 'a..b': part 2 is empty"),
        ({"time_field": ""}, "--time-field: the field path is empty"),
        ({"unit": "celsius"}, "--unit: must be 'C', 'F' or 'K'"),
    ],
)
def test_bad_values_are_one_line(cli_values: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(cli_values)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
