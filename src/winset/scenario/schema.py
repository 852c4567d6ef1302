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
from typing import Annotated, Any, Literal, NoReturn, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from winset.limits import limit

__all__ = [
    "SALIENCE_MAX",
    "Actor",
    "Bloc",
    "Body",
    "Estimate",
    "Influence",
    "Issue",
    "Limit",
    "Path",
    "Ratification",
    "RedLine",
    "Scenario",
    "Side",
    "semantic_problems",
]

SALIENCE_MAX = 100.0
"""Saliences are written on 0-100 in scenario files (0-1 tables are converted on load)."""

MAX_CAPABILITY = 1e12
MIN_CAPABILITY = 1e-12
"""Capabilities lie in [1e-12, 1e12] (or are 0): only their ratios matter, and weights
beyond these bounds would overflow or vanish in the models' sums."""


K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A dict that cannot be changed: a validated scenario's mappings stay as they were read."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a validated scenario cannot be changed; build a new one")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return self


def _freeze(value: dict[Any, Any]) -> FrozenDict[Any, Any]:
    return FrozenDict(value)


class _Frozen(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True
    )


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
        """The low end of the range (the value if there is none)."""
        return self.range[0] if self.range is not None else self.value

    @property
    def high(self) -> float:
        """The high end of the range (the value if there is none)."""
        return self.range[1] if self.range is not None else self.value

    def source_ids(self) -> tuple[str, ...]:
        """The ids of the value's sources."""
        if self.source is None:
            return ()
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


Number = Annotated[Estimate, BeforeValidator(_bare_number_to_estimate)]
Values = Annotated[dict[str, Number], AfterValidator(_freeze)]
"""Per-issue values (positions, saliences): a mapping from issue name to a number."""


class Issue(_Frozen):
    """One policy dimension with its own scale and units.

    ``status_quo`` is the reversion point (what happens without agreement); ``outcome`` is the
    recorded real outcome, where known (shown in reports and used by backtests).
    """

    name: str = Field(min_length=1)
    label: str | None = None
    unit: str | None = None
    scale: tuple[float, float] = (0.0, 100.0)
    anchors: Annotated[dict[float, str], AfterValidator(_freeze)] = Field(default_factory=dict)
    status_quo: Number | None = None
    outcome: Number | None = None
    description: str | None = None

    @property
    def low(self) -> float:
        """The scale's low end."""
        return self.scale[0]

    @property
    def high(self) -> float:
        """The scale's high end."""
        return self.scale[1]

    @property
    def title(self) -> str:
        """The label, else the name."""
        return self.label or self.name


class Actor(_Frozen):
    """A stakeholder: capability, and per issue a position and a salience (0-100)."""

    name: str = Field(min_length=1)
    description: str | None = None
    side: str | None = None
    capability: Number
    position: Values = Field(default_factory=dict)
    salience: Values = Field(default_factory=dict)


class Influence(_Frozen):
    """A directed influence link: ``source`` pulls ``target`` with a strength in [0, 1]."""

    source: str
    target: str
    strength: Number
    issues: tuple[str, ...] | None = None
    note: str | None = None


class Bloc(_Frozen):
    """A voting bloc of a legislature (or a veto player): seats, ideal point, salience.

    ``actor`` takes the ideal point and saliences from a Level-I actor; ``position`` and
    ``salience`` given here override or complete them issue by issue.
    """

    name: str = Field(min_length=1)
    seats: int = Field(default=1, ge=0, strict=True)
    actor: str | None = None
    position: Values = Field(default_factory=dict)
    salience: Values = Field(default_factory=dict)
    source: str | tuple[str, ...] | None = None
    note: str | None = None


class Body(_Frozen):
    """A ratifying body: a legislature of blocs with a quota, or a single veto player.

    A veto player (``kind: veto``) is one bloc that must say yes: give ``actor`` or
    ``position`` and ``salience`` on the body itself.
    """

    name: str = Field(min_length=1)
    kind: Literal["legislature", "veto"] = "legislature"
    quota: (
        Literal["majority", "present-majority", "two-thirds", "unanimity"]
        | Annotated[int, Field(strict=True)]
    ) = "majority"
    present: int | None = Field(default=None, ge=1, strict=True)
    blocs: tuple[Bloc, ...] = ()
    actor: str | None = None
    position: Values = Field(default_factory=dict)
    salience: Values = Field(default_factory=dict)
    note: str | None = None


class Limit(_Frozen):
    """Bounds on one issue, in the issue's units: ``min <= x <= max`` (either may be absent)."""

    issue: str
    min: float | None = None
    max: float | None = None
    source: str | tuple[str, ...] | None = None
    note: str | None = None


class Path(_Frozen):
    """A way of ratifying a deal on one side: its bodies and the legal domain it can carry.

    ``open: false`` marks a path that exists but that the negotiators did not use (a lever can
    open it). ``domain`` lists the bounds of what the path can carry; no bound: anything.
    """

    name: str = Field(min_length=1)
    description: str | None = None
    bodies: tuple[Body, ...] = Field(min_length=1)
    domain: tuple[Limit, ...] = ()
    open: bool = True
    source: str | tuple[str, ...] | None = None
    note: str | None = None


class RedLine(Limit):
    """A constraint a side's negotiator imposes on itself, on the named paths (default: all)."""

    name: str | None = None
    paths: tuple[str, ...] | None = None


class Side(_Frozen):
    """One party of the Level-I talks: its negotiator, ratification paths and red lines."""

    name: str = Field(min_length=1)
    negotiator: str
    paths: tuple[Path, ...] = Field(min_length=1)
    red_lines: tuple[RedLine, ...] = ()
    note: str | None = None


class Ratification(_Frozen):
    """Level II (Putnam 1988): who must ratify a deal on each side, and how.

    ``reversion`` is what happens without agreement, per issue (default: each issue's status
    quo, else the low end of its scale).
    """

    version: Literal[1] = 1
    reversion: Values = Field(default_factory=dict)
    sides: tuple[Side, ...] = Field(min_length=1)
    note: str | None = None


class Scenario(_Frozen):
    """A validated, frozen negotiation scenario."""

    format: Literal["winset/1"] = "winset/1"
    name: str = Field(min_length=1)
    description: str | None = None
    sources: Annotated[dict[str, str], AfterValidator(_freeze)] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = Field(min_length=1)
    actors: tuple[Actor, ...] = Field(min_length=1)
    influence: tuple[Influence, ...] = ()
    ratification: Ratification | None = None

    def issue_names(self) -> tuple[str, ...]:
        """The issues' names, in order."""
        return tuple(issue.name for issue in self.issues)

    def actor_names(self) -> tuple[str, ...]:
        """The actors' names, in order."""
        return tuple(actor.name for actor in self.actors)

    def issue(self, name: str) -> Issue:
        """The issue called ``name`` (KeyError if there is none)."""
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise KeyError(name)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _unknown(what: str, name: str, known: Any) -> str:
    """``unknown actor 'iraqiya'; did you mean 'Iraqiya'?`` (or the list when it is short)."""
    import difflib

    names = [str(k) for k in known]
    lower = {n.lower(): n for n in names}
    close = [lower[name.lower()]] if name.lower() in lower else []
    close = close or difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} {name!r}; did you mean {close[0]!r}?"
    if 0 < len(names) <= 8:
        return f"unknown {what} {name!r} ({what}s: {', '.join(map(repr, names))})"
    return f"unknown {what} {name!r}"


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
            message = _unknown("source id", sid, sources) + " (ids are defined under sources)"
            out.append((f"{path}.source", message))
    return out


def semantic_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Checks that need the whole scenario. Returns ``(field path, message)`` pairs."""
    out: list[tuple[str, str]] = []
    for key, name in (("actors", "WINSET_MAX_ACTORS"), ("issues", "WINSET_MAX_ISSUES")):
        count = len(getattr(scenario, key))
        if count > limit(name):
            out.append(
                (key, f"{count:,} {key}; the limit is {limit(name):,} (set {name} to change it)")
            )
    if out:
        return out
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
        width = hi - lo
        if not (math.isfinite(width) and width >= 1e-9 * max(abs(lo), abs(hi), 1e-300)):
            out.append(
                (f"{p}.scale", f"[{_fmt(lo)}, {_fmt(hi)}] is too wide or too narrow to compute "
                 "with; use other units")
            )  # fmt: skip
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
        out += _check_estimate(f"{p}.capability", actor.capability, 0.0, MAX_CAPABILITY, sources)
        cap = actor.capability.value
        if 0 < cap < MIN_CAPABILITY:
            out.append((f"{p}.capability", f"{_fmt(cap)} is too small to compute with; use 0 or "
                        "another unit for every capability"))  # fmt: skip
        for key in ("position", "salience"):
            values: dict[str, Estimate] = getattr(actor, key)
            for issue_name, est in values.items():
                fp = f"{p}.{key}.{issue_name}"
                if issue_name not in issues:
                    out.append((fp, _unknown("issue", issue_name, issues)))
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

    for k, issue in enumerate(scenario.issues):
        if not any(issue.name in a.position for a in scenario.actors):
            out.append((f"issues[{k}]", f"no actor takes a position on {issue.name!r}"))
    for i, link in enumerate(scenario.influence):
        p = f"influence[{i}]"
        if link.source == link.target:
            out.append((f"{p}.target", f"{link.source!r} cannot influence itself"))
        for key in ("source", "target"):
            if getattr(link, key) not in names:
                out.append((f"{p}.{key}", _unknown("actor", getattr(link, key), names)))
        out += _check_estimate(f"{p}.strength", link.strength, 0.0, 1.0, sources)
        for issue_name in link.issues or ():
            if issue_name not in issues:
                out.append((f"{p}.issues", _unknown("issue", issue_name, issues)))
    if scenario.ratification is not None:
        out += _ratification_problems(scenario, issues)
    return out


def _check_limit(path: str, limit: Limit, issues: dict[str, Issue]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    issue = issues.get(limit.issue)
    if issue is None:
        return [(f"{path}.issue", _unknown("issue", limit.issue, issues))]
    if limit.min is None and limit.max is None:
        out.append((path, "give min, max or both"))
    for key in ("min", "max"):
        v = getattr(limit, key)
        if v is not None and not issue.low <= v <= issue.high:
            out.append((f"{path}.{key}", f"{_fmt(v)} is off the scale of {issue.name!r}"))
    if limit.min is not None and limit.max is not None and limit.min > limit.max:
        out.append((path, f"min {_fmt(limit.min)} is above max {_fmt(limit.max)}"))
    return out


def _check_ideal(
    path: str,
    actor: Actor | None,
    position: dict[str, Estimate],
    salience: dict[str, Estimate],
    issues: dict[str, Issue],
    sources: dict[str, str],
) -> list[tuple[str, str]]:
    """A bloc or veto player needs a position and a salience on every issue."""
    out: list[tuple[str, str]] = []
    for key, values, bound in (("position", position, None), ("salience", salience, SALIENCE_MAX)):
        for issue_name, est in values.items():
            issue = issues.get(issue_name)
            if issue is None:
                out.append((f"{path}.{key}.{issue_name}", _unknown("issue", issue_name, issues)))
                continue
            lo, hi = (0.0, bound) if bound is not None else (issue.low, issue.high)
            out += _check_estimate(f"{path}.{key}.{issue_name}", est, lo, hi, sources)
    for issue_name in issues:
        for key, values in (("position", position), ("salience", salience)):
            inherited = actor is not None and issue_name in getattr(actor, key)
            if issue_name not in values and not inherited:
                out.append(
                    (f"{path}.{key}.{issue_name}", "missing (no value here or from its actor)")
                )
    return out


def _ratification_problems(scenario: Scenario, issues: dict[str, Issue]) -> list[tuple[str, str]]:
    rat = scenario.ratification
    if rat is None:
        return []
    out: list[tuple[str, str]] = []
    actors = {a.name: a for a in scenario.actors}
    sources = scenario.sources
    for issue_name, est in rat.reversion.items():
        fp = f"ratification.reversion.{issue_name}"
        if issue_name not in issues:
            out.append((fp, _unknown("issue", issue_name, issues)))
        else:
            out += _check_estimate(
                fp, est, issues[issue_name].low, issues[issue_name].high, sources
            )
    path_names: set[str] = set()
    side_names: set[str] = set()
    for s_i, side in enumerate(rat.sides):
        sp = f"ratification.sides[{s_i}]"
        if side.name in side_names:
            out.append((f"{sp}.name", f"duplicate side name {side.name!r}"))
        side_names.add(side.name)
        if side.negotiator not in actors:
            out.append((f"{sp}.negotiator", _unknown("actor", side.negotiator, actors)))
        for p_i, path in enumerate(side.paths):
            pp = f"{sp}.paths[{p_i}]"
            if path.name in path_names:
                out.append((f"{pp}.name", f"duplicate path name {path.name!r}"))
            path_names.add(path.name)
            for l_i, bound in enumerate(path.domain):
                out += _check_limit(f"{pp}.domain[{l_i}]", bound, issues)
            for b_i, body in enumerate(path.bodies):
                out += _body_problems(f"{pp}.bodies[{b_i}]", body, actors, issues, sources)
    for s_i, side in enumerate(rat.sides):
        for r_i, line in enumerate(side.red_lines):
            rp = f"ratification.sides[{s_i}].red_lines[{r_i}]"
            out += _check_limit(rp, line, issues)
            for name in line.paths or ():
                if name not in path_names:
                    out.append((f"{rp}.paths", _unknown("path", name, path_names)))
    return out


def _body_problems(
    bp: str,
    body: Body,
    actors: dict[str, Actor],
    issues: dict[str, Issue],
    sources: dict[str, str],
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if body.kind == "veto":
        if body.blocs:
            out.append((f"{bp}.blocs", "a veto player has no blocs: give actor or position"))
        if body.actor is not None and body.actor not in actors:
            out.append((f"{bp}.actor", _unknown("actor", body.actor, actors)))
        out += _check_ideal(
            bp, actors.get(body.actor or ""), body.position, body.salience, issues, sources
        )
        return out
    if not body.blocs:
        out.append((f"{bp}.blocs", "a legislature needs at least one bloc"))
        return out
    if body.actor is not None or body.position or body.salience:
        out.append((bp, "actor, position and salience belong to its blocs (or use kind: veto)"))
    total = sum(b.seats for b in body.blocs)
    most = limit("WINSET_MAX_SEATS")
    if total > most:
        out.append(
            (f"{bp}.blocs", f"{total:,} seats in all; the limit is {most:,} (set "
             "WINSET_MAX_SEATS to change it)")
        )  # fmt: skip
        return out
    if total == 0:
        out.append((f"{bp}.blocs", "the blocs have no seats"))
    if isinstance(body.quota, int) and not 1 <= body.quota <= total:
        out.append((f"{bp}.quota", f"{body.quota} seats is not between 1 and {total}"))
    if body.present is not None and body.present > total:
        out.append((f"{bp}.present", f"{body.present} is more than the {total} seats"))
    names: set[str] = set()
    for k, bloc in enumerate(body.blocs):
        kp = f"{bp}.blocs[{k}]"
        if bloc.name in names:
            out.append((f"{kp}.name", f"duplicate bloc name {bloc.name!r}"))
        names.add(bloc.name)
        if bloc.actor is not None and bloc.actor not in actors:
            out.append((f"{kp}.actor", _unknown("actor", bloc.actor, actors)))
        out += _check_ideal(
            kp, actors.get(bloc.actor or ""), bloc.position, bloc.salience, issues, sources
        )
    return out
