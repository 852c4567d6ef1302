"""The array form of a scenario: what every model sees.

A :class:`ScenarioArrays` holds plain NumPy arrays, actors x issues, converted once from a
validated :class:`~winset.scenario.schema.Scenario`:

* positions and status quo on [0, 1] per issue (0 = the scale's low end, 1 = its high end);
* saliences on [0, 1] (the file's 0-100 divided by 100);
* capabilities as given (every model is invariant to their common scale);
* ``present[i, k]`` is False where actor ``i`` takes no position on issue ``k``; such an
  entry has salience 0 and position 0.5 so that no array ever holds NaN;
* ``*_low`` / ``*_high`` bound each value's uncertainty range (equal to the value when the
  analyst gave none), for Monte Carlo.

Models return normalised values; :meth:`ScenarioArrays.to_units` maps them back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from winset.numbers import clean_units
from winset.scenario.schema import SALIENCE_MAX, Estimate, Scenario

__all__ = ["Scales", "ScenarioArrays", "input_hash", "to_arrays"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Scales:
    """The issues' scales: every conversion between units and [0, 1] goes through here.

    ``low`` and ``high`` (m,) are the ends of each issue's scale, in its units.
    """

    low: FloatArray
    high: FloatArray

    @classmethod
    def of(cls, scenario: Scenario) -> Scales:
        """The scales of a scenario's issues."""
        return cls(
            low=np.array([i.low for i in scenario.issues], dtype=float),
            high=np.array([i.high for i in scenario.issues], dtype=float),
        )

    def span(self, issue: int) -> float:
        """The width of issue ``issue``'s scale, in its units."""
        return float(self.high[issue] - self.low[issue])

    def _shaped(self, values: FloatArray, issue_axis: int) -> tuple[FloatArray, ...]:
        values = np.asarray(values, dtype=float)
        shape = [1] * values.ndim
        shape[issue_axis] = self.low.size
        lo = self.low.reshape(shape)
        return values, lo, self.high.reshape(shape) - lo

    def to_units(self, values: FloatArray, issue_axis: int = -1) -> FloatArray:
        """Map normalised values (any shape with an issues axis) to each issue's units."""
        values, lo, span = self._shaped(values, issue_axis)
        return lo + values * span

    def from_units(self, values: FloatArray, issue_axis: int = -1) -> FloatArray:
        """Map values in each issue's units onto [0, 1]."""
        values, lo, span = self._shaped(values, issue_axis)
        return (values - lo) / span

    def value_in_units(self, issue: int, value: float) -> float:
        """One normalised value of issue ``issue`` in its units, cleaned of round-trip noise."""
        span = self.span(issue)
        return clean_units(float(self.low[issue] + span * value), span)

    def unit_value(self, issue: int, value: float) -> float:
        """One value of issue ``issue`` in its units, on [0, 1]."""
        return (float(value) - float(self.low[issue])) / self.span(issue)

    def named(self, names: tuple[str, ...], values: FloatArray) -> dict[str, float]:
        """A normalised point (m,) in the issues' units, by issue name."""
        return {name: self.value_in_units(k, float(values[k])) for k, name in enumerate(names)}


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """Actors x issues arrays of a scenario (see the module docstring for conventions)."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    scale_low: FloatArray  # (m,)
    scale_high: FloatArray  # (m,)
    capability: FloatArray  # (n,)
    position: FloatArray  # (n, m) on [0, 1]
    salience: FloatArray  # (n, m) on [0, 1]
    present: BoolArray  # (n, m)
    status_quo: FloatArray  # (m,) on [0, 1]; 0 where there is none
    has_status_quo: BoolArray  # (m,)
    capability_low: FloatArray
    capability_high: FloatArray
    position_low: FloatArray
    position_high: FloatArray
    salience_low: FloatArray
    salience_high: FloatArray
    status_quo_low: FloatArray
    status_quo_high: FloatArray

    @property
    def n_actors(self) -> int:
        """n, the number of actors."""
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        """m, the number of issues."""
        return len(self.issues)

    @property
    def has_ranges(self) -> bool:
        """Whether any value has an uncertainty range."""
        pairs = [
            (self.capability_low, self.capability_high),
            (self.position_low, self.position_high),
            (self.salience_low, self.salience_high),
            (self.status_quo_low, self.status_quo_high),
        ]
        return any(bool(np.any(lo < hi)) for lo, hi in pairs)

    @property
    def scales(self) -> Scales:
        """The issues' scales (conversions between units and [0, 1])."""
        return Scales(self.scale_low, self.scale_high)

    def to_units(self, values: FloatArray, issue_axis: int = -1) -> FloatArray:
        """Map normalised values (any shape with an issues axis) back to each issue's units."""
        return self.scales.to_units(values, issue_axis)

    def from_units(self, values: FloatArray, issue_axis: int = -1) -> FloatArray:
        """Map values in each issue's units onto [0, 1]."""
        return self.scales.from_units(values, issue_axis)

    def span(self, issue: int) -> float:
        """The width of issue ``issue``'s scale, in its units."""
        return self.scales.span(issue)

    def value_in_units(self, issue: int, value: float) -> float:
        """One normalised value of issue ``issue`` in its units, cleaned of round-trip noise."""
        return self.scales.value_in_units(issue, value)


def _triple(est: Estimate) -> tuple[float, float, float]:
    return est.value, est.low, est.high


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """Convert a validated scenario into normalised arrays (done once per scenario)."""
    n, m = len(scenario.actors), len(scenario.issues)
    lo = np.array([issue.low for issue in scenario.issues], dtype=float)
    hi = np.array([issue.high for issue in scenario.issues], dtype=float)
    span = hi - lo

    cap = np.zeros((3, n))
    pos = np.full((3, n, m), 0.5)
    sal = np.zeros((3, n, m))
    present = np.zeros((n, m), dtype=bool)
    for i, actor in enumerate(scenario.actors):
        cap[:, i] = _triple(actor.capability)
        for k, issue in enumerate(scenario.issues):
            if issue.name not in actor.position:
                continue
            present[i, k] = True
            pos[:, i, k] = (np.array(_triple(actor.position[issue.name])) - lo[k]) / span[k]
            sal[:, i, k] = np.array(_triple(actor.salience[issue.name])) / SALIENCE_MAX

    sq = np.zeros((3, m))
    has_sq = np.zeros(m, dtype=bool)
    for k, issue in enumerate(scenario.issues):
        if issue.status_quo is not None:
            has_sq[k] = True
            sq[:, k] = (np.array(_triple(issue.status_quo)) - lo[k]) / span[k]

    def frozen(a: np.ndarray) -> np.ndarray:
        a = np.ascontiguousarray(a)
        a.setflags(write=False)
        return a

    return ScenarioArrays(
        actors=scenario.actor_names(),
        issues=scenario.issue_names(),
        scale_low=frozen(lo),
        scale_high=frozen(hi),
        capability=frozen(cap[0]),
        position=frozen(pos[0]),
        salience=frozen(sal[0]),
        present=frozen(present),
        status_quo=frozen(sq[0]),
        has_status_quo=frozen(has_sq),
        capability_low=frozen(cap[1]),
        capability_high=frozen(cap[2]),
        position_low=frozen(pos[1]),
        position_high=frozen(pos[2]),
        salience_low=frozen(sal[1]),
        salience_high=frozen(sal[2]),
        status_quo_low=frozen(sq[1]),
        status_quo_high=frozen(sq[2]),
    )


def input_hash(scenario: Scenario) -> str:
    """A stable SHA-256 of the scenario's content (the key of the run store)."""
    payload = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()
