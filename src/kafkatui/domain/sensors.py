"""A freezer sensor model for the simulator and the demo (pure: time and randomness injected).

Normal readings wander inside the seed's range (-5..5 °C, like `random.uniform(-5, 5)`) but as a
smooth random walk, so a chart looks like a real freezer. With anomalies on, three kinds of trouble
happen now and then: a door-open spike (fast rise, slow decay), a compressor failure (slow upward
drift), and a sensor going silent for longer than the stale threshold.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass


@dataclass(slots=True)
class _Sensor:
    name: str
    mean: float
    value: float
    spike_until: float = 0.0
    spike_peak: float = 0.0
    drift_until: float = 0.0
    drift_start: float = 0.0
    silent_until: float = 0.0


class SensorModel:
    """Produces one temperature per call for each sensor."""

    def __init__(
        self,
        sensors: int,
        rng: random.Random,
        *,
        anomalies: bool = True,
        start: float = 0.0,
        first_spike_after: float = 12.0,
    ) -> None:
        if sensors < 1:
            raise ValueError("need at least one sensor")
        self.rng = rng
        self.anomalies = anomalies
        self.sensors = [
            _Sensor(f"sensor{i}", mean, mean) for i, mean in enumerate(rng.uniform(-3.0, 1.0) for _ in range(sensors))
        ]
        if anomalies:
            # a newcomer should see an alert soon: one scheduled door opening
            s = self.sensors[min(1, sensors - 1)]
            s.spike_until = start + first_spike_after + 25.0
            s.spike_peak = 9.0
        self._spike_from = {s.name: s.spike_until - 25.0 for s in self.sensors}

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sensors]

    def read(self, name: str, now: float, dt: float = 1.0) -> float | None:
        """The sensor's next reading, or None while it is silent."""
        s = next(x for x in self.sensors if x.name == name)
        if self.anomalies:
            self._maybe_start_trouble(s, now, dt)
        if now < s.silent_until:
            return None
        # smooth random walk towards the sensor's mean
        s.value += (s.mean - s.value) * 0.1 * dt + self.rng.gauss(0.0, 0.35) * dt**0.5
        s.value = max(-4.9, min(4.9, s.value))
        extra = 0.0
        start = self._spike_from.get(s.name, 0.0)
        if start <= now < s.spike_until:
            # up in 5 s, then an exponential-ish decay to the end
            rise = min(1.0, (now - start) / 5.0)
            decay = max(0.0, (s.spike_until - now) / max(1.0, s.spike_until - start - 5.0))
            extra = s.spike_peak * min(rise, decay if now - start > 5.0 else 1.0)
        if s.drift_start <= now < s.drift_until:
            extra += 0.06 * (now - s.drift_start)
        return round(s.value + extra, 2)

    def _maybe_start_trouble(self, s: _Sensor, now: float, dt: float) -> None:
        busy = now < max(s.spike_until, s.drift_until, s.silent_until)
        if busy:
            return
        roll = self.rng.random()
        if roll < dt / 120.0:
            self._spike_from[s.name] = now
            s.spike_until = now + self.rng.uniform(20.0, 40.0)
            s.spike_peak = self.rng.uniform(7.0, 11.0)
        elif roll < dt / 120.0 + dt / 400.0:
            s.drift_start = now
            s.drift_until = now + self.rng.uniform(120.0, 240.0)
        elif roll < dt / 120.0 + dt / 400.0 + dt / 600.0:
            s.silent_until = now + self.rng.uniform(35.0, 60.0)


def encode(sensor: str, celsius: float, fmt: str, ts: float) -> bytes:
    """A reading as the seed sends it (`plain`: `-3.21`) or as a JSON object (`json`)."""
    if fmt == "json":
        return json.dumps({"sensor": sensor, "temperature": celsius, "ts": round(ts, 3)}).encode()
    return f"{celsius:.2f}".encode()
