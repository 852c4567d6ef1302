"""Scenario drafts for the editor: the data as typed, the last changes, the library's verdict.

A draft holds the scenario as the plain mapping a YAML file would hold (what
``Scenario.model_dump`` gives), changed one field at a time, with a history for undo. Every
change is checked by :func:`winset.scenario.load.build_scenario`, so the editor shows the
library's own messages, each with its field path (``actors[3].salience.troops``). Text that is
not a number is kept as typed, so the library names it.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from winset.errors import InputError, Problem
from winset.scenario.load import build_scenario
from winset.scenario.schema import Scenario

__all__ = [
    "CELL_PARTS",
    "Draft",
    "Drafts",
    "blank_scenario",
    "cell_key",
    "field_label",
    "plain",
]

CELL_PARTS = ("value", "low", "high", "source")
HISTORY = 50
_INDEX = re.compile(r"^(actors|issues)\[(\d+)\](?:\.(.*))?$")


def blank_scenario() -> dict[str, Any]:
    """A small valid template: one issue on 0-100, two actors."""
    return {
        "format": "winset/1",
        "name": "new-scenario",
        "description": "A new scenario",
        "issues": [{"name": "issue", "unit": "points", "scale": [0, 100]}],
        "actors": [
            {
                "name": "Actor A",
                "capability": {"value": 50},
                "position": {"issue": {"value": 20}},
                "salience": {"issue": {"value": 60}},
            },
            {
                "name": "Actor B",
                "capability": {"value": 50},
                "position": {"issue": {"value": 80}},
                "salience": {"issue": {"value": 60}},
            },
        ],
    }


def _number(text: str) -> float | str:
    """A number if the text is one (thousands separators allowed), else the text as typed."""
    cleaned = text.strip().replace(",", "").replace("\u2009", "").replace("_", "")
    try:
        value = float(cleaned)
    except ValueError:
        return text.strip()
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def plain(value: Any) -> Any:
    """A number as typed: ``85.0`` shows as ``85``; anything else as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def cell_key(path: str) -> str:
    """The editor cell a problem's field path belongs to (``actors[3].salience.troops``).

    Suffixes ``.range``, ``.source`` and ``.value`` belong to their value's cell.
    """
    for suffix in (".range", ".source", ".value", ".basis", ".note"):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def field_label(path: str, data: dict[str, Any]) -> str:
    """A field path in words, with the actor's or issue's name: ``Iraqiya · salience · troops``."""
    match = _INDEX.match(path)
    if not match:
        return path or "scenario"
    kind, index, rest = match.group(1), int(match.group(2)), match.group(3) or ""
    items = data.get(kind) or []
    name = ""
    if index < len(items) and isinstance(items[index], dict):
        name = str(items[index].get("name", ""))
    head = f"{'actor' if kind == 'actors' else 'issue'} {name!r}" if name else path
    return " · ".join([head, *[p for p in rest.split(".") if p]])


@dataclass
class Draft:
    """A scenario being edited: its data, the changes before, and the library's problems."""

    id: str
    data: dict[str, Any]
    origin: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ checking

    def check(self) -> Scenario | None:
        """Validate with the library; keeps the problems; the scenario when valid."""
        try:
            scenario = build_scenario(copy.deepcopy(self.data), "")
        except InputError as exc:
            self.problems = list(exc.problems)
            return None
        self.problems = []
        return scenario

    def cell_of(self, path: str) -> str:
        """The editor cell of a problem's field path.

        The library names list items (``actors['Iraqiya'].salience.troops``); the editor's
        cells are numbered (``actors[10].salience.troops``).
        """
        match = re.match(r"^(actors|issues)\[(.*?)\](?=\.|$)", path)
        if match and not match.group(2).isdigit():
            from winset.limits import quote

            kind, label = match.group(1), match.group(2)
            for k, item in enumerate(self.data.get(kind) or []):
                if isinstance(item, dict) and quote(str(item.get("name", ""))) == label:
                    path = f"{kind}[{k}]" + path[match.end() :]
                    break
        return cell_key(path)

    def problem_map(self) -> dict[str, list[str]]:
        """Messages by editor cell."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(self.cell_of(p.field), []).append(p.message)
        return out

    def _push(self) -> None:
        self.history.append(copy.deepcopy(self.data))
        del self.history[:-HISTORY]

    def undo(self) -> bool:
        """Go back one change; whether there was one."""
        if not self.history:
            return False
        self.data = self.history.pop()
        return True

    # ------------------------------------------------------------------ one cell

    def set_cell(self, path: str, part: str, text: str) -> None:
        """Change one part (value, low, high, source) of the value at ``path``.

        ``path`` is ``actors[i].capability``, ``actors[i].position.ISSUE``,
        ``actors[i].salience.ISSUE``, or a plain text field: ``actors[i].name``,
        ``actors[i].side``, ``issues[k].name``, ``.label``, ``.unit``, ``.low``, ``.high``,
        ``.anchors``, ``name``, ``description``.
        """
        self._push()
        self._set(path, part, text)
        if self.history and self.history[-1] == self.data:
            self.history.pop()  # nothing changed (the same value sent again): no undo step

    def _set(self, path: str, part: str, text: str) -> None:
        match = _INDEX.match(path)
        if match is None:
            if path in ("name", "description"):
                self.data[path] = text
            return
        kind, index, rest = match.group(1), int(match.group(2)), match.group(3) or ""
        items = self.data.get(kind) or []
        if index >= len(items):
            return
        item = items[index]
        if kind == "issues":
            self._set_issue(index, item, rest, text)
            return
        if rest in ("name",):
            self._rename_actor(item, text.strip())
            return
        if rest in ("side", "description"):
            if text.strip():
                item[rest] = text.strip()
            else:
                item.pop(rest, None)
            return
        if rest == "capability":
            item["capability"] = self._estimate(item.get("capability"), part, text)
            return
        key, _, issue = rest.partition(".")
        if key in ("position", "salience") and issue:
            values = item.setdefault(key, {})
            current = values.get(issue)
            if part == "value" and not text.strip() and not _has_extra(current):
                values.pop(issue, None)
                return
            values[issue] = self._estimate(current, part, text)

    @staticmethod
    def _estimate(current: Any, part: str, text: str) -> dict[str, Any]:
        est: dict[str, Any] = dict(current) if isinstance(current, dict) else {}
        if not isinstance(current, dict) and current is not None:
            est["value"] = current
        if part == "value":
            est["value"] = _number(text) if text.strip() else ""
        elif part in ("low", "high"):
            rng = list(est.get("range") or ["", ""])
            rng[0 if part == "low" else 1] = _number(text) if text.strip() else ""
            if all(v == "" for v in rng):
                est.pop("range", None)
            else:
                est["range"] = rng
        elif part == "source":
            ids = [s.strip() for s in text.split(",") if s.strip()]
            if not ids:
                est.pop("source", None)
            else:
                est["source"] = ids[0] if len(ids) == 1 else ids
        return est

    def _set_issue(self, index: int, item: dict[str, Any], rest: str, text: str) -> None:
        if rest == "name":
            self._rename_issue(item, text.strip())
        elif rest in ("label", "unit", "description"):
            if text.strip():
                item[rest] = text.strip()
            else:
                item.pop(rest, None)
        elif rest in ("low", "high"):
            scale = list(item.get("scale") or [0, 100])
            scale[0 if rest == "low" else 1] = _number(text)
            item["scale"] = scale
        elif rest == "anchors":
            anchors: dict[Any, str] = {}
            for line in re.split(r"[;\n]", text):
                point, sep, label = line.partition("=")
                if sep and point.strip():
                    anchors[_number(point)] = label.strip()
            if anchors:
                item["anchors"] = anchors
            else:
                item.pop("anchors", None)
        elif rest in ("status_quo", "outcome"):
            if text.strip():
                item[rest] = self._estimate(item.get(rest), "value", text)
            else:
                item.pop(rest, None)

    # ------------------------------------------------------------------ renames

    def _rename_actor(self, actor: dict[str, Any], new: str) -> None:
        old = actor.get("name", "")
        actor["name"] = new
        if not old or old == new:
            return
        for link in self.data.get("influence") or []:
            for key in ("source", "target"):
                if link.get(key) == old:
                    link[key] = new
        for side in (self.data.get("ratification") or {}).get("sides", []):
            if side.get("negotiator") == old:
                side["negotiator"] = new
            for path in side.get("paths", []):
                for body in path.get("bodies", []):
                    if body.get("actor") == old:
                        body["actor"] = new
                    for bloc in body.get("blocs", []):
                        if bloc.get("actor") == old:
                            bloc["actor"] = new

    def _rename_issue(self, issue: dict[str, Any], new: str) -> None:
        old = issue.get("name", "")
        issue["name"] = new
        if not old or old == new:
            return

        def rekey(values: Any) -> None:
            if isinstance(values, dict) and old in values:
                values[new] = values.pop(old)

        for actor in self.data.get("actors") or []:
            rekey(actor.get("position"))
            rekey(actor.get("salience"))
        for link in self.data.get("influence") or []:
            if link.get("issues"):
                link["issues"] = [new if i == old else i for i in link["issues"]]
        rat = self.data.get("ratification") or {}
        rekey(rat.get("reversion"))
        for side in rat.get("sides", []):
            for line in side.get("red_lines", []):
                if line.get("issue") == old:
                    line["issue"] = new
            for path in side.get("paths", []):
                for limit in path.get("domain", []):
                    if limit.get("issue") == old:
                        limit["issue"] = new
                for body in path.get("bodies", []):
                    rekey(body.get("position"))
                    rekey(body.get("salience"))
                    for bloc in body.get("blocs", []):
                        rekey(bloc.get("position"))
                        rekey(bloc.get("salience"))

    # ------------------------------------------------------------------ structure

    def add_actor(self) -> None:
        """A new actor, in the middle of every scale, salience 50."""
        self._push()
        names = {a.get("name") for a in self.data.get("actors", [])}
        k = len(names) + 1
        while f"Actor {k}" in names:
            k += 1
        position, salience = {}, {}
        for issue in self.data.get("issues", []):
            lo, hi = (issue.get("scale") or [0, 100])[:2]
            try:
                mid = (float(lo) + float(hi)) / 2
            except (TypeError, ValueError):
                mid = 0.0
            position[issue.get("name", "")] = {"value": mid}
            salience[issue.get("name", "")] = {"value": 50}
        self.data.setdefault("actors", []).append(
            {
                "name": f"Actor {k}",
                "capability": {"value": 50},
                "position": position,
                "salience": salience,
            }
        )

    def remove_actor(self, index: int) -> None:
        """Remove an actor (its influence links go with it)."""
        actors = self.data.get("actors", [])
        if not 0 <= index < len(actors):
            return
        self._push()
        name = actors.pop(index).get("name")
        self.data["influence"] = [
            link
            for link in self.data.get("influence") or []
            if name not in (link.get("source"), link.get("target"))
        ]
        if not self.data["influence"]:
            self.data.pop("influence")

    def add_issue(self) -> None:
        """A new issue on 0-100; every actor gets position 50, salience 50."""
        self._push()
        names = {i.get("name") for i in self.data.get("issues", [])}
        k = len(names) + 1
        while f"issue{k}" in names:
            k += 1
        name = f"issue{k}"
        self.data.setdefault("issues", []).append({"name": name, "scale": [0, 100]})
        for actor in self.data.get("actors", []):
            actor.setdefault("position", {})[name] = {"value": 50}
            actor.setdefault("salience", {})[name] = {"value": 50}

    def remove_issue(self, index: int) -> None:
        """Remove an issue and every value on it."""
        issues = self.data.get("issues", [])
        if not 0 <= index < len(issues):
            return
        self._push()
        name = issues.pop(index).get("name")
        for actor in self.data.get("actors", []):
            for key in ("position", "salience"):
                if isinstance(actor.get(key), dict):
                    actor[key].pop(name, None)


class Drafts:
    """The drafts of this server (kept in memory, the oldest dropped beyond ``keep``)."""

    def __init__(self, keep: int = 200) -> None:
        self.keep = keep
        self._drafts: OrderedDict[str, Draft] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, data: dict[str, Any], origin: str = "") -> Draft:
        """A draft of ``data`` (a scenario mapping)."""
        draft = Draft(secrets.token_hex(8), copy.deepcopy(data), origin)
        draft.check()
        with self._lock:
            self._drafts[draft.id] = draft
            while len(self._drafts) > self.keep:
                self._drafts.popitem(last=False)
        return draft

    def get(self, draft_id: str) -> Draft | None:
        """The draft with this id (and it becomes the newest)."""
        with self._lock:
            draft = self._drafts.get(draft_id)
            if draft is not None:
                self._drafts.move_to_end(draft_id)
            return draft


def _has_extra(est: Any) -> bool:
    return isinstance(est, dict) and any(k in est for k in ("range", "source"))
