"""Counterfactual levers: force a path, change a value, remove an actor, drop a red line.

Each lever rewrites the scenario (it is validated again), so a counterfactual is an ordinary
scenario that every command can run. Removing an actor also undoes its influence: a target's
recorded position is read as (1 - s) x_own + s x_source for each link of strength s, so without
the source it is x_own = (x - s x_source) / (1 - s), kept on the scale.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from winset.errors import InputError, Problem
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
        return {
            "force_paths": list(self.force_paths),
            "set": [f"{n}.{f}{'.' + i if i else ''}={v:g}" for n, f, i, v in self.values],
            "remove": list(self.remove),
            "drop_red_lines": list(self.drop_red_lines),
        }


def parse_set(text: str) -> tuple[str, str, str | None, float]:
    """``NAME.position.ISSUE=VALUE``, ``NAME.salience.ISSUE=VALUE`` or ``NAME.capability=V``."""
    where = "--set"
    if "=" not in text:
        raise InputError(Problem("", where, f"{text!r}: expected NAME.FIELD.ISSUE=VALUE"))
    lhs, _, rhs = text.rpartition("=")
    try:
        value = float(rhs)
    except ValueError:
        raise InputError(Problem("", where, f"{text!r}: {rhs!r} is not a number")) from None
    for field in FIELDS:
        marker = f".{field}"
        if marker in lhs:
            name, _, rest = lhs.partition(marker)
            issue = rest[1:] if rest.startswith(".") else None
            if field != "capability" and not issue:
                raise InputError(Problem("", where, f"{text!r}: name the issue after .{field}"))
            if name:
                return name, field, issue, value
    raise InputError(
        Problem(
            "",
            where,
            f"{text!r}: expected NAME.position.ISSUE, NAME.salience.ISSUE or NAME.capability",
        )
    )


def _sides(data: dict[str, Any], source: str) -> list[dict[str, Any]]:
    rat = data.get("ratification")
    if not rat:
        raise InputError(
            Problem(source, "ratification", "the scenario has no ratification section")
        )
    sides: list[dict[str, Any]] = rat["sides"]
    return sides


def _force(data: dict[str, Any], name: str, source: str) -> None:
    for side in _sides(data, source):
        names = [p["name"] for p in side["paths"]]
        if name in names:
            for path in side["paths"]:
                path["open"] = path["name"] == name
            return
    raise InputError(Problem(source, "--path", f"unknown path {name!r}"))


def _set_value(
    data: dict[str, Any], change: tuple[str, str, str | None, float], source: str
) -> None:
    name, field, issue, value = change
    targets: list[dict[str, Any]] = [a for a in data["actors"] if a["name"] == name]
    for side in (data.get("ratification") or {}).get("sides", []):
        for path in side["paths"]:
            for body in path["bodies"]:
                if body.get("kind") == "veto" and body["name"] == name:
                    targets.append(body)
                targets.extend(b for b in body.get("blocs", []) if b["name"] == name)
    if not targets:
        raise InputError(Problem(source, "--set", f"no actor, bloc or veto player named {name!r}"))
    if issue is not None and issue not in [i["name"] for i in data["issues"]]:
        raise InputError(Problem(source, "--set", f"unknown issue {issue!r}"))
    for target in targets:
        if field == "capability":
            if "capability" not in target:
                raise InputError(Problem(source, "--set", f"{name!r} has no capability (a bloc)"))
            target["capability"] = {"value": value}
        else:
            assert issue is not None
            target.setdefault(field, {})[issue] = {"value": value}


def _remove(data: dict[str, Any], name: str, source: str) -> None:
    actors = {a["name"]: a for a in data["actors"]}
    if name not in actors:
        raise InputError(Problem(source, "--remove", f"unknown actor {name!r}"))
    for side in (data.get("ratification") or {}).get("sides", []):
        if side["negotiator"] == name:
            raise InputError(
                Problem(
                    source,
                    "--remove",
                    f"{name!r} negotiates for {side['name']}; it cannot be removed",
                )
            )
        for path in side["paths"]:
            for body in path["bodies"]:
                users = [body] if body.get("actor") == name else []
                users += [b for b in body.get("blocs", []) if b.get("actor") == name]
                if users:
                    raise InputError(
                        Problem(
                            source,
                            "--remove",
                            f"{name!r} votes in {body['name']!r} on path {path['name']!r}; "
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


def _drop_red_line(data: dict[str, Any], name: str, source: str) -> None:
    for side in _sides(data, source):
        lines = side.get("red_lines", [])
        for k, line in enumerate(lines):
            if name in (line.get("name"), f"red line {k + 1}"):
                del lines[k]
                return
    raise InputError(Problem(source, "--drop-red-line", f"unknown red line {name!r}"))


def apply_levers(scenario: Scenario, levers: Levers) -> Scenario:
    """A new scenario with the levers applied (validated like any scenario)."""
    if not levers:
        return scenario
    data = copy.deepcopy(scenario.model_dump(mode="json", exclude_none=True))
    source = scenario.name
    for name in levers.remove:
        _remove(data, name, source)
    for change in levers.values:
        _set_value(data, change, source)
    for name in levers.drop_red_lines:
        _drop_red_line(data, name, source)
    for name in levers.force_paths:
        _force(data, name, source)
    data["name"] = f"{scenario.name} (counterfactual)"
    return build_scenario(data, source)
