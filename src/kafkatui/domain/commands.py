"""Small command objects the UI puts on the worker's queue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refresh:
    """Fetch cluster metadata now instead of waiting for the next interval."""


@dataclass(frozen=True, slots=True)
class Stop:
    """Close the clients and end the worker thread."""


Command = Refresh | Stop
