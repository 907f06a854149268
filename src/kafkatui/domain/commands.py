"""Small command objects the UI puts on the worker's queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class Command:
    """Base of every command; panes define their own subclasses next to their domain code.

    A command that changes the cluster sets `WRITES = True`: in read-only mode the worker refuses
    it before any service sees it (the services check too: defence in depth).
    """

    __slots__ = ()
    WRITES: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Refresh(Command):
    """Fetch cluster metadata now instead of waiting for the next interval."""


@dataclass(frozen=True, slots=True)
class Stop(Command):
    """Close the clients and end the worker thread."""


@dataclass(frozen=True, slots=True)
class SetThresholds(Command):
    """New default freezer limits (already validated by the form)."""

    tmin: float
    tmax: float
    hysteresis: float = 0.5


@dataclass(frozen=True, slots=True)
class SetWindow(Command):
    """The freezer chart's sliding window, in seconds."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Rewind(Command):
    """Re-read the freezer topic from `seconds` ago (offsets-for-times)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Acknowledge(Command):
    """Mark the freezer alerts that are up as seen (one sensor's, or all when None): listed as
    acknowledged, no bell for them."""

    sensor: str | None = None


@dataclass(frozen=True, slots=True)
class Forget(Command):
    """Drop a freezer sensor that is gone for good (its series, alerts and row)."""

    sensor: str


@dataclass(frozen=True, slots=True)
class SetSensorLimits(Command):
    """New limits for one sensor (`sensor`) or the defaults (None): applied to the entry of the
    limits file that sets them, and written back to the file when there is one."""

    sensor: str | None
    tmin: float
    tmax: float
    hysteresis: float = 0.5
