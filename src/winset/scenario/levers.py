"""Counterfactual levers: change a value, remove an actor, force a path, drop a red line.

Each lever rewrites the scenario (it is validated again), so a counterfactual is an ordinary
scenario that every command can run: ``--set`` and ``--remove`` work for any scenario (Level I),
``--path`` and ``--drop-red-line`` for scenarios with a ratification section. Names of actors,
blocs, issues, paths and red lines are matched without regard to case; an unknown name is
refused with the list of valid ones. Removing an actor also undoes its influence: a target's
recorded position is read as (1 - s) x_own + s x_source for each link of strength s, so without
the source it is x_own = (x - s x_source) / (1 - s), kept on the scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from winset.errors import InputError, Problem
from winset.limits import quote
from winset.numbers import fmt
from winset.scenario.load import build_scenario
from winset.scenario.schema import Scenario

__all__ = ["Levers", "apply_levers", "parse_set"]

FIELDS = ("position", "salience", "capability")


@dataclass(frozen=True)
class Levers:
    """The changes of a counterfactual. ``values`` holds (name, field, issue, value)."""

    force_paths: tuple[str, ...] = ()
    values: tuple[tuple[str, str, str | None, float], ...] = ()
    remove: tuple[str, ...] = ()
    drop_red_lines: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.force_paths or self.values or self.remove or self.drop_red_lines)

    def describe(self) -> dict[str, Any]:
        """The levers as lists of the options that set them (for the provenance)."""
        return {
            "force_paths": list(self.force_paths),
            "set": [f"{n}.{f}{'.' + i if i else ''}={v:g}" for n, f, i, v in self.values],
            "remove": list(self.remove),
            "drop_red_lines": list(self.drop_red_lines),
        }

    def title(self) -> str:
        """The levers in words, e.g. ``Iraqiya's salience on immunity 20; Iran removed``."""
        parts = [f"path {p} forced open" for p in self.force_paths]
        for name, field, issue, value in self.values:
            on = f" on {issue}" if issue else ""
            parts.append(f"{name}'s {field}{on} {fmt(value)}")
        parts += [f"{name} removed" for name in self.remove]
        parts += [f"red line {quote(name)} dropped" for name in self.drop_red_lines]
        return "; ".join(parts)


def parse_set(text: str) -> tuple[str, str, str | None, float]:
    """``NAME.position.ISSUE=VALUE``, ``NAME.salience.ISSUE=VALUE`` or ``NAME.capability=V``."""
    where = "set"
    if "=" not in text:
        raise InputError(Problem("", where, f"{quote(text)}: expected NAME.FIELD.ISSUE=VALUE"))
    lhs, _, rhs = text.rpartition("=")
    try:
        value = float(rhs)
    except ValueError:
        raise InputError(
            Problem("", where, f"{quote(text)}: {quote(rhs)} is not a number")
        ) from None
    for field in FIELDS:
        marker = f".{field}"
        if marker in lhs:
            name, _, rest = lhs.partition(marker)
            issue = rest[1:] if rest.startswith(".") else None
            if field != "capability" and not issue:
                raise InputError(
                    Problem("", where, f"{quote(text)}: name the issue after .{field}")
                )
            if name:
                return name, field, issue, value
    raise InputError(
        Problem(
            "",
            where,
            f"{quote(text)}: expected NAME.position.ISSUE, NAME.salience.ISSUE or NAME.capability",
        )
    )


def _match(name: str, known: Iterable[str], field: str, what: str) -> str:
    """The known name equal to ``name`` (ignoring case), else InputError listing the names."""
    known = list(dict.fromkeys(known))
    for candidate in known:
        if candidate == name:
            return candidate
    for candidate in known:
        if candidate.lower() == name.strip().lower():
            return candidate
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        raise InputError(
            Problem("", field, f"unknown {what} {quote(name)}; did you mean {close[0]!r}?")
        )
    listed = ", ".join(repr(k) for k in known) or "none"
    raise InputError(Problem("", field, f"unknown {what} {quote(name)} (the {what}s: {listed})"))


def _sides(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    rat = data.get("ratification")
    if not rat:
        raise InputError(
            Problem(
                "",
                field,
                f"the scenario {data['name']!r} has no ratification section, so it has no "
                "paths or red lines",
            )
        )
    sides: list[dict[str, Any]] = rat["sides"]
    return sides


def _force(data: dict[str, Any], name: str) -> None:
    sides = _sides(data, "path")
    name = _match(name, (p["name"] for s in sides for p in s["paths"]), "path", "path")
    for side in sides:
        if name in [p["name"] for p in side["paths"]]:
            for path in side["paths"]:
                path["open"] = path["name"] == name


def _voters(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every bloc and veto player of the ratification section."""
    out: list[dict[str, Any]] = []
    for side in (data.get("ratification") or {}).get("sides", []):
        for path in side["paths"]:
            for body in path["bodies"]:
                if body.get("kind") == "veto":
                    out.append(body)
                out.extend(body.get("blocs", []))
    return out


def _set_value(data: dict[str, Any], change: tuple[str, str, str | None, float]) -> None:
    name, field, issue, value = change
    voters = _voters(data)
    known = [a["name"] for a in data["actors"]] + [v["name"] for v in voters]
    name = _match(name, known, "set", "actor or bloc")
    targets = [a for a in data["actors"] if a["name"] == name]
    targets += [v for v in voters if v["name"] == name]
    if issue is not None:
        issue = _match(issue, (i["name"] for i in data["issues"]), "set", "issue")
    for target in targets:
        if field == "capability":
            if "capability" not in target:
                raise InputError(Problem("", "set", f"{quote(name)} has no capability (a bloc)"))
            target["capability"] = {"value": value}
        elif issue is not None:
            target.setdefault(field, {})[issue] = {"value": value}


def _remove(data: dict[str, Any], name: str) -> None:
    actors = {a["name"]: a for a in data["actors"]}
    name = _match(name, actors, "remove", "actor")
    if len(actors) == 1:
        raise InputError(
            Problem("", "remove", f"{quote(name)} is the only actor; nobody would be left")
        )
    for side in (data.get("ratification") or {}).get("sides", []):
        if side["negotiator"] == name:
            raise InputError(
                Problem(
                    "",
                    "remove",
                    f"{quote(name)} negotiates for {side['name']}; it cannot be removed",
                )
            )
        for path in side["paths"]:
            for body in path["bodies"]:
                users = [body] if body.get("actor") == name else []
                users += [b for b in body.get("blocs", []) if b.get("actor") == name]
                if users:
                    raise InputError(
                        Problem(
                            "",
                            "remove",
                            f"{quote(name)} votes in {body['name']!r} on path {path['name']!r}; "
                            "change its position with --set instead",
                        )
                    )
    issues = {i["name"]: i for i in data["issues"]}
    src = actors[name]
    for link in data.get("influence", []):
        if link["source"] != name or link["target"] not in actors:
            continue
        s = link["strength"]["value"]
        target = actors[link["target"]]
        for issue_name, pos in target["position"].items():
            if link.get("issues") and issue_name not in link["issues"]:
                continue
            if issue_name not in src["position"] or s >= 1.0:
                continue
            lo, hi = issues[issue_name]["scale"]
            own = (pos["value"] - s * src["position"][issue_name]["value"]) / (1.0 - s)
            target["position"][issue_name] = {"value": min(hi, max(lo, own))}
    data["actors"] = [a for a in data["actors"] if a["name"] != name]
    data["influence"] = [
        link for link in data.get("influence", []) if name not in (link["source"], link["target"])
    ]


def _drop_red_line(data: dict[str, Any], name: str) -> None:
    sides = _sides(data, "drop_red_line")
    names = {
        line.get("name") or f"red line {k + 1}": (side, k)
        for side in sides
        for k, line in enumerate(side.get("red_lines", []))
    }
    side, k = names[_match(name, names, "drop_red_line", "red line")]
    del side["red_lines"][k]


def apply_levers(scenario: Scenario, levers: Levers) -> Scenario:
    """A new scenario with the levers applied (validated like any scenario).

    The new scenario is named after the old one and the levers in words.
    """
    if not levers:
        return scenario
    data = scenario.model_dump(mode="json", exclude_none=True)  # new plain dicts and lists
    for name in levers.remove:
        _remove(data, name)
    for change in levers.values:
        _set_value(data, change)
    for name in levers.drop_red_lines:
        _drop_red_line(data, name)
    for name in levers.force_paths:
        _force(data, name)
    data["name"] = f"{scenario.name} ({levers.title()})"
    try:
        return build_scenario(data, "what-if")
    except InputError as exc:
        # a lever put a value off its scale, say: name the lever, not the scenario's field
        raise InputError(
            [Problem("", "set", f"{levers.title()}: {p.field}: {p.message}") for p in exc.problems]
        ) from None
