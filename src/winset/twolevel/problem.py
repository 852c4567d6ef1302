"""Level II as arrays: each side's ratification paths, bodies and blocs on [0, 1] scales.

:func:`build` turns a scenario's ``ratification`` section into a :class:`TwoLevel` problem: the
reversion point, and for every path its bodies (blocs with seats, ideal points, salience weights
and the quota in seats) and the box of its legal domain. Red lines are boxes too, attached to the
paths they apply to. Everything is normalised to each issue's scale, like the models' inputs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.scenario.arrays import Scales
from winset.scenario.schema import SALIENCE_MAX, Actor, Bloc, Body, Limit, Scenario

__all__ = ["BodyArrays", "PathArrays", "RedLineArrays", "SideArrays", "TwoLevel", "build"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class BodyArrays:
    """A ratifying body: blocs (b) with seats, ideal points (b, m), weights (b, m) and a quota."""

    name: str
    kind: str
    bloc_names: tuple[str, ...]
    seats: NDArray[np.int64]
    ideal: FloatArray
    weight: FloatArray
    quota: int
    # where the values come from: each bloc's actor (or None), and which values are its own
    actors: tuple[str | None, ...] = ()
    own_position: NDArray[np.bool_] | None = None
    own_salience: NDArray[np.bool_] | None = None

    @property
    def total(self) -> int:
        """All seats of the body."""
        return int(self.seats.sum())


@dataclass(frozen=True, eq=False)
class PathArrays:
    """A ratification path of one side: its bodies and its legal domain [lo, hi] per issue."""

    side: str
    name: str
    open: bool
    bodies: tuple[BodyArrays, ...]
    lo: FloatArray
    hi: FloatArray


@dataclass(frozen=True, eq=False)
class RedLineArrays:
    """A side's red line: a box [lo, hi] on the paths named (None: every path)."""

    side: str
    name: str
    lo: FloatArray
    hi: FloatArray
    paths: tuple[str, ...] | None

    def applies(self, path_names: tuple[str, ...]) -> bool:
        """Whether the red line binds an agreement through these paths."""
        return self.paths is None or any(p in self.paths for p in path_names)


@dataclass(frozen=True, eq=False)
class SideArrays:
    """One side: its negotiator, its ratification paths and its red lines."""

    name: str
    negotiator: str
    paths: tuple[PathArrays, ...]
    red_lines: tuple[RedLineArrays, ...]


@dataclass(frozen=True, eq=False)
class TwoLevel:
    """A scenario's Level II on normalised scales."""

    issues: tuple[str, ...]
    scales: Scales
    reversion: FloatArray
    sides: tuple[SideArrays, ...]

    @property
    def dims(self) -> int:
        """The number of issues."""
        return len(self.issues)

    def named(self, x: FloatArray) -> dict[str, float]:
        """A point on [0, 1] scales in the issues' units, by issue name."""
        return self.scales.named(self.issues, x)

    def point(self, values: dict[str, float]) -> FloatArray:
        """A point in the issues' units (by issue name) on [0, 1] scales."""
        return np.array([self.scales.unit_value(k, values[n]) for k, n in enumerate(self.issues)])

    def pairs(self) -> list[tuple[PathArrays, ...]]:
        """Every combination of one path per side."""
        return [tuple(p) for p in itertools.product(*(side.paths for side in self.sides))]

    def box(self, pair: tuple[PathArrays, ...]) -> tuple[FloatArray, FloatArray]:
        """The box every agreement through ``pair`` must lie in: domains and red lines."""
        lo = np.zeros(self.dims)
        hi = np.ones(self.dims)
        names = tuple(p.name for p in pair)
        for path in pair:
            lo, hi = np.maximum(lo, path.lo), np.minimum(hi, path.hi)
        for side in self.sides:
            for line in side.red_lines:
                if line.applies(names):
                    lo, hi = np.maximum(lo, line.lo), np.minimum(hi, line.hi)
        return lo, hi

    def legislatures(self) -> Iterator[tuple[BodyArrays, FloatArray]]:
        """Every legislature of every path, with its blocs' ideal points in the issues' units."""
        for side in self.sides:
            for path in side.paths:
                for body in path.bodies:
                    if body.kind == "legislature":
                        yield body, self.scales.to_units(body.ideal)

    def red_lines_on(self, pair: tuple[PathArrays, ...]) -> list[RedLineArrays]:
        """The red lines that bind an agreement through ``pair``."""
        names = tuple(p.name for p in pair)
        return [line for side in self.sides for line in side.red_lines if line.applies(names)]


def _quota(body: Body, total: int) -> int:
    if isinstance(body.quota, int):
        return body.quota
    if body.quota == "majority":
        return total // 2 + 1
    if body.quota == "present-majority":
        return (body.present or total) // 2 + 1
    if body.quota == "two-thirds":
        return math.ceil(2 * total / 3)
    return total  # unanimity


def _ideal(
    who: Bloc | Body, actors: dict[str, Actor], scenario: Scenario
) -> tuple[FloatArray, FloatArray]:
    """Ideal point and salience weights on [0, 1], from the actor and the overrides."""
    actor = actors.get(who.actor or "")
    x = np.empty(len(scenario.issues))
    w = np.empty(len(scenario.issues))
    for k, issue in enumerate(scenario.issues):
        pos = who.position.get(issue.name) or (actor.position.get(issue.name) if actor else None)
        sal = who.salience.get(issue.name) or (actor.salience.get(issue.name) if actor else None)
        if pos is None or sal is None:  # the schema's checks make this unreachable
            raise InputError(Problem(scenario.name, who.name, f"no ideal point on {issue.name!r}"))
        x[k] = (pos.value - issue.low) / (issue.high - issue.low)
        w[k] = sal.value / SALIENCE_MAX
    return x, w


def _own(who: Bloc | Body, scenario: Scenario) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which of the ideal point's and salience's values are the bloc's own (not its actor's)."""
    names = scenario.issue_names()
    own_x = np.array([n in who.position or who.actor is None for n in names])
    own_w = np.array([n in who.salience or who.actor is None for n in names])
    return own_x, own_w


def _body(body: Body, actors: dict[str, Actor], scenario: Scenario) -> BodyArrays:
    if body.kind == "veto":
        x, w = _ideal(body, actors, scenario)
        own_x, own_w = _own(body, scenario)
        return BodyArrays(
            name=body.name,
            kind="veto",
            bloc_names=(body.name,),
            seats=np.array([1]),
            ideal=x[None, :],
            weight=w[None, :],
            quota=1,
            actors=(body.actor,),
            own_position=own_x[None, :],
            own_salience=own_w[None, :],
        )
    points = [_ideal(b, actors, scenario) for b in body.blocs]
    own = [_own(b, scenario) for b in body.blocs]
    seats = np.array([b.seats for b in body.blocs], dtype=np.int64)
    return BodyArrays(
        name=body.name,
        kind="legislature",
        bloc_names=tuple(b.name for b in body.blocs),
        seats=seats,
        ideal=np.array([p[0] for p in points]),
        weight=np.array([p[1] for p in points]),
        quota=_quota(body, int(seats.sum())),
        actors=tuple(b.actor for b in body.blocs),
        own_position=np.array([o[0] for o in own]),
        own_salience=np.array([o[1] for o in own]),
    )


def _box(limits: tuple[Limit, ...], scenario: Scenario) -> tuple[FloatArray, FloatArray]:
    lo = np.zeros(len(scenario.issues))
    hi = np.ones(len(scenario.issues))
    names = scenario.issue_names()
    for limit in limits:
        k = names.index(limit.issue)
        issue = scenario.issues[k]
        span = issue.high - issue.low
        if limit.min is not None:
            lo[k] = max(lo[k], (limit.min - issue.low) / span)
        if limit.max is not None:
            hi[k] = min(hi[k], (limit.max - issue.low) / span)
    return lo, hi


def build(scenario: Scenario) -> TwoLevel:
    """The scenario's Level II; :class:`InputError` if it has no ratification section."""
    rat = scenario.ratification
    if rat is None:
        raise InputError(
            Problem(
                scenario.name,
                "ratification",
                "the scenario has no ratification section (see docs/two-level.md)",
            )
        )
    actors = {a.name: a for a in scenario.actors}
    reversion = np.empty(len(scenario.issues))
    for k, issue in enumerate(scenario.issues):
        est = rat.reversion.get(issue.name) or issue.status_quo
        value = est.value if est is not None else issue.low
        reversion[k] = (value - issue.low) / (issue.high - issue.low)
    sides = []
    for side in rat.sides:
        paths = []
        for path in side.paths:
            lo, hi = _box(path.domain, scenario)
            bodies = tuple(_body(b, actors, scenario) for b in path.bodies)
            paths.append(PathArrays(side.name, path.name, path.open, bodies, lo, hi))
        lines = []
        for k, line in enumerate(side.red_lines):
            lo, hi = _box((line,), scenario)
            lines.append(
                RedLineArrays(side.name, line.name or f"red line {k + 1}", lo, hi, line.paths)
            )
        sides.append(SideArrays(side.name, side.negotiator, tuple(paths), tuple(lines)))
    return TwoLevel(
        issues=scenario.issue_names(),
        scales=Scales.of(scenario),
        reversion=reversion,
        sides=tuple(sides),
    )
