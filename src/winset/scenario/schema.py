"""The scenario schema: what an analyst writes down, validated once at the boundary.

A scenario names its issues (each with its own scale), its actors (capability, and per issue a
position and a salience) and optionally the influence links between actors. Every number an
analyst enters may be a bare number or an *estimate* mapping that carries its source id, an
uncertainty range and whether it was reported or estimated::

    capability: {value: 85, range: [70, 95], source: S15, basis: estimated}

Type checks (unknown fields, wrong types, NaN and infinities) are done by pydantic; the checks
that need the whole scenario (positions on each issue's scale, saliences on 0-100, duplicate
names, unknown source ids) are done by :func:`semantic_problems`, so that every problem is
reported with the path of the field it concerns.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "SALIENCE_MAX",
    "Actor",
    "Estimate",
    "Influence",
    "Issue",
    "Scenario",
    "semantic_problems",
]

SALIENCE_MAX = 100.0
"""Saliences are written on 0-100 in scenario files (0-1 tables are converted on load)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _bare_number_to_estimate(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"value": value}
    return value


class Estimate(_Frozen):
    """A number with optional provenance and uncertainty."""

    value: float
    range: tuple[float, float] | None = None
    source: str | tuple[str, ...] | None = None
    basis: Literal["reported", "estimated"] | None = None
    note: str | None = None

    @property
    def low(self) -> float:
        return self.range[0] if self.range is not None else self.value

    @property
    def high(self) -> float:
        return self.range[1] if self.range is not None else self.value

    def source_ids(self) -> tuple[str, ...]:
        if self.source is None:
            return ()
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


Number = Annotated[Estimate, BeforeValidator(_bare_number_to_estimate)]


class Issue(_Frozen):
    """One policy dimension with its own scale and units.

    ``status_quo`` is the reversion point (what happens without agreement); ``outcome`` is the
    recorded real outcome, where known (shown in reports and used by backtests).
    """

    name: str = Field(min_length=1)
    label: str | None = None
    unit: str | None = None
    scale: tuple[float, float] = (0.0, 100.0)
    anchors: dict[float, str] = Field(default_factory=dict)
    status_quo: Number | None = None
    outcome: Number | None = None
    description: str | None = None

    @property
    def low(self) -> float:
        return self.scale[0]

    @property
    def high(self) -> float:
        return self.scale[1]

    @property
    def title(self) -> str:
        return self.label or self.name


class Actor(_Frozen):
    """A stakeholder: capability, and per issue a position and a salience (0-100)."""

    name: str = Field(min_length=1)
    description: str | None = None
    side: str | None = None
    group: str | None = None
    capability: Number
    position: dict[str, Number] = Field(default_factory=dict)
    salience: dict[str, Number] = Field(default_factory=dict)


class Influence(_Frozen):
    """A directed influence link: ``source`` pulls ``target`` with a strength in [0, 1]."""

    source: str
    target: str
    strength: Number
    issues: tuple[str, ...] | None = None
    note: str | None = None


class Scenario(_Frozen):
    """A validated, frozen negotiation scenario."""

    format: Literal["winset/1"] = "winset/1"
    name: str = Field(min_length=1)
    description: str | None = None
    sources: dict[str, str] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = Field(min_length=1)
    actors: tuple[Actor, ...] = Field(min_length=1)
    influence: tuple[Influence, ...] = ()

    def issue_names(self) -> tuple[str, ...]:
        return tuple(issue.name for issue in self.issues)

    def actor_names(self) -> tuple[str, ...]:
        return tuple(actor.name for actor in self.actors)

    def issue(self, name: str) -> Issue:
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise KeyError(name)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _check_estimate(
    path: str, est: Estimate, low: float, high: float, sources: dict[str, str]
) -> list[tuple[str, str]]:
    """Range checks for one estimate against the bounds [low, high]."""
    out: list[tuple[str, str]] = []
    values = [("", est.value)]
    if est.range is not None:
        lo, hi = est.range
        if lo > hi:
            out.append((f"{path}.range", f"low {_fmt(lo)} is above high {_fmt(hi)}"))
        elif not lo <= est.value <= hi:
            out.append(
                (f"{path}.range", f"value {_fmt(est.value)} is outside [{_fmt(lo)}, {_fmt(hi)}]")
            )
        values += [(".range", lo), (".range", hi)]
    for suffix, v in values:
        if v < low:
            out.append((path + suffix, f"{_fmt(v)} is below {_fmt(low)}"))
            break
        if v > high:
            out.append((path + suffix, f"{_fmt(v)} is above {_fmt(high)}"))
            break
    for sid in est.source_ids():
        if sid not in sources:
            out.append((f"{path}.source", f"unknown source id {sid!r} (not in sources)"))
    return out


def semantic_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Checks that need the whole scenario. Returns ``(field path, message)`` pairs."""
    out: list[tuple[str, str]] = []
    sources = scenario.sources
    issues: dict[str, Issue] = {}
    for i, issue in enumerate(scenario.issues):
        p = f"issues[{i}]"
        if issue.name in issues:
            out.append((f"{p}.name", f"duplicate issue name {issue.name!r}"))
        issues[issue.name] = issue
        lo, hi = issue.scale
        if not lo < hi:
            out.append((f"{p}.scale", f"low {_fmt(lo)} must be below high {_fmt(hi)}"))
            continue
        for point in issue.anchors:
            if not lo <= point <= hi:
                out.append((f"{p}.anchors", f"anchor {_fmt(point)} is off the scale"))
        for key in ("status_quo", "outcome"):
            est = getattr(issue, key)
            if est is not None:
                out += _check_estimate(f"{p}.{key}", est, lo, hi, sources)

    names: set[str] = set()
    for a, actor in enumerate(scenario.actors):
        p = f"actors[{a}]"
        if actor.name in names:
            out.append((f"{p}.name", f"duplicate actor name {actor.name!r}"))
        names.add(actor.name)
        out += _check_estimate(f"{p}.capability", actor.capability, 0.0, math.inf, sources)
        for key in ("position", "salience"):
            values: dict[str, Estimate] = getattr(actor, key)
            for issue_name, est in values.items():
                fp = f"{p}.{key}.{issue_name}"
                if issue_name not in issues:
                    out.append((fp, f"unknown issue {issue_name!r}"))
                    continue
                issue = issues[issue_name]
                if key == "position":
                    if issue.low < issue.high:
                        out += _check_estimate(fp, est, issue.low, issue.high, sources)
                else:
                    out += _check_estimate(fp, est, 0.0, SALIENCE_MAX, sources)
        for issue_name in actor.salience.keys() - actor.position.keys():
            if issue_name in issues:
                out.append((f"{p}.position.{issue_name}", "missing (a salience is given)"))
        for issue_name in actor.position.keys() - actor.salience.keys():
            if issue_name in issues:
                out.append((f"{p}.salience.{issue_name}", "missing (a position is given)"))
        if not actor.position:
            out.append((f"{p}.position", "the actor takes no position on any issue"))

    for i, link in enumerate(scenario.influence):
        p = f"influence[{i}]"
        for key in ("source", "target"):
            if getattr(link, key) not in names:
                out.append((f"{p}.{key}", f"unknown actor {getattr(link, key)!r}"))
        out += _check_estimate(f"{p}.strength", link.strength, 0.0, 1.0, sources)
        for issue_name in link.issues or ():
            if issue_name not in issues:
                out.append((f"{p}.issues", f"unknown issue {issue_name!r}"))
    return out
