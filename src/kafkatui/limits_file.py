"""The limits file on disk: read it (`domain.limits` parses it) and write one entry back.

Writing goes through tomlkit, which keeps the file's comments, order and layout; only the keys
changed are rewritten. The new text is parsed again before it replaces the file (written to a
temporary file next to it, then renamed), so a save never leaves a file kafkatui cannot read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from kafkatui.domain.alerts import Thresholds
from kafkatui.domain.limits import Limits, LimitsError, SensorLimits, parse_limits
from kafkatui.files import read_text


def load_limits(path: Path, base: SensorLimits) -> Limits:
    """The limits in `path` over `base`; LimitsError (one line) if it cannot be read or is bad."""
    text = read_text(path, "limits file", LimitsError)
    return parse_limits(text, str(path), base)


def _number(value: float) -> int | float:
    return int(value) if value == int(value) and abs(value) < 1e15 else value


def save_sensor_entry(path: Path, pattern: str | None, thresholds: Thresholds, base: SensorLimits) -> Limits:
    """Write min, max and hysteresis of one entry (`[sensors."pattern"]`, or `[defaults]` when
    None) into the file, keeping everything else; the limits the file now holds."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LimitsError(f"limits file {path}: cannot be read ({type(exc).__name__})") from None
    try:
        doc = tomlkit.parse(text)
    except Exception as exc:  # tomlkit's own parse errors
        raise LimitsError(f"limits file {path}: not valid TOML ({exc})") from None
    if pattern is None:
        table = doc.get("defaults")
        if not isinstance(table, Table):
            table = tomlkit.table()
            doc.add("defaults", table)
    else:
        sensors = doc.get("sensors")
        if not isinstance(sensors, Table):
            sensors = tomlkit.table(is_super_table=True)
            doc.add("sensors", sensors)
        table = sensors.get(pattern)
        if not isinstance(table, Table):
            table = tomlkit.table()
            sensors.add(pattern, table)
    table["min"] = _number(thresholds.tmin)
    table["max"] = _number(thresholds.tmax)
    table["hysteresis"] = _number(thresholds.hysteresis)
    new_text = tomlkit.dumps(doc)
    limits = parse_limits(new_text, str(path), base)  # never write what cannot be read back
    _replace(path, new_text)
    return limits


def _replace(path: Path, text: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise LimitsError(f"limits file {path}: cannot be written ({exc.strerror or type(exc).__name__})") from None


def settings_base(tmin: float, tmax: float, stale_after: float | None) -> SensorLimits:
    """The defaults the settings give (TEMP_MIN, TEMP_MAX, STALE_AFTER) under a limits file."""
    return SensorLimits(Thresholds(tmin, tmax), stale_after)


def limits_for(path: Path | None, base: SensorLimits) -> Limits:
    """The limits of the run: the file's when one is given, else the settings' for every sensor."""
    if path is None:
        return Limits(base)
    return load_limits(path, base)
