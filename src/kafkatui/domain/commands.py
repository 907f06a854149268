"""Small command objects the UI puts on the worker's queue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refresh:
    """Fetch cluster metadata now instead of waiting for the next interval."""


@dataclass(frozen=True, slots=True)
class Stop:
    """Close the clients and end the worker thread."""




@dataclass(frozen=True, slots=True)
class SetThresholds:
    """New default freezer limits (already validated by the form)."""

    tmin: float
    tmax: float
    hysteresis: float = 0.5


@dataclass(frozen=True, slots=True)
class SetWindow:
    """The freezer chart's sliding window, in seconds."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Rewind:
    """Re-read the freezer topic from `seconds` ago (offsets-for-times)."""

    seconds: float


Command = Refresh | Stop | SetThresholds | SetWindow | Rewind
