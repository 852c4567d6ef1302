"""Validating scenario data, and saying what is wrong the way a person would.

:func:`build_scenario` validates raw data with the pydantic schema and then the checks that need
the whole scenario (:func:`winset.scenario.schema.semantic_problems`). Every problem becomes one
line that names the file, the line (for YAML), and the field by the names in the file::

    iraq.yaml:214: actors['Iraqiya'].salience.troops: 140 is above 100

Pydantic's internal labels never reach the user; one mistake gives one line (no knock-on
"must not be empty" for a list whose only item is wrong); a misspelt field gets a close-match
hint ("did you mean 'salience'?"); an offending value is quoted to at most 80 characters.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from winset.errors import InputError, Problem
from winset.limits import quote
from winset.scenario.schema import Scenario, semantic_problems

__all__ = ["build_scenario", "named_path"]

Path = tuple[str | int, ...]

# lists whose items are named: the key that names them
_NAMED = {
    "issues": "name",
    "actors": "name",
    "sides": "name",
    "paths": "name",
    "bodies": "name",
    "blocs": "name",
    "red_lines": "name",
}


def _parts(path: str) -> Path:
    """``actors[3].salience.troops`` as ('actors', 3, 'salience', 'troops')."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return tuple(out)


def named_path(loc: Sequence[str | int], data: Any) -> str:
    """A field path with list items named: ``actors['Iraqiya'].salience.troops``."""
    text = ""
    node = data
    parent: str | int | None = None
    for part in loc:
        if isinstance(part, int):
            label: str = f"[{part}]"
            item = node[part] if isinstance(node, list | tuple) and part < len(node) else None
            key = _NAMED.get(str(parent), "")
            name = item.get(key) if isinstance(item, Mapping) and key else None
            if isinstance(name, str) and name.strip():
                label = f"[{quote(name)}]"
            text += label
            node = item
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
        parent = part
    return text


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The schema class that holds the field at ``loc`` (for close-match hints)."""
    model: type[BaseModel] | None = Scenario
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    stack = [annotation]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            stack.append(typing.get_args(tp)[0])
        elif origin in (tuple, list, dict, typing.Union, types.UnionType):
            stack.extend(a for a in typing.get_args(tp) if a is not Ellipsis)
    return None


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _message(err: Mapping[str, Any], loc: Sequence[str | int]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        model = _model_at(loc)
        fields = list(model.model_fields) if model is not None else []
        hint = _hint(str(loc[-1]), fields)
        known = f" (fields: {', '.join(fields)})" if fields and not hint else ""
        return f"unknown field{hint}{known}"
    if kind == "finite_number":
        return f"{quote(value)} is not a finite number"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        whole = "a whole " if kind.startswith("int") else "a "
        return f"{quote(value)} is not {whole}number"
    if kind in ("bool_type", "bool_parsing"):
        return f"{quote(value)} is not true or false"
    if kind == "string_type":
        return f"{quote(value)} is not text"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (or a number), got {quote(value)}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {quote(value)}"
    if kind == "too_short" and ctx.get("min_length") is not None:
        return "must not be empty"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "the allowed values"))
        return f"{quote(value)} is not one of {expected}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{quote(value)} is below {ctx.get('ge', ctx.get('gt'))}"
    return str(err.get("msg", kind))


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """The field path without pydantic's union tags (``quota.literal[...]``, ``quota.int``)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            "[" in part or part in ("int", "str", "float", "bool", "function-after", "tuple")
        ):
            continue
        out.append(part)
    # a bare number is converted to {value: ...}: report the field, not ".value"
    return tuple(out)


def _pydantic_problems(exc: ValidationError, data: Any) -> list[tuple[Path, str]]:
    by_path: dict[Path, list[tuple[Mapping[str, Any], str]]] = {}
    for err in exc.errors():
        loc = _clean_loc(err["loc"])
        if loc and loc[-1] == "value" and err["type"] != "missing":
            loc = loc[:-1]
        by_path.setdefault(loc, []).append((err, _message(err, loc)))
    out: list[tuple[Path, str]] = []
    for loc, errs in by_path.items():
        if all(e["type"] == "too_short" for e, _ in errs) and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in by_path
        ):
            continue  # a list whose items are wrong: the items say what
        kinds = {e["type"] for e, _ in errs}
        if "literal_error" in kinds and len(errs) > 1:
            literal = next(m for e, m in errs if e["type"] == "literal_error")
            numbers = any(k.startswith("int") for k in kinds)
            message = literal + (" or a number of seats" if numbers else "")
        else:
            message = "; ".join(dict.fromkeys(m for _, m in errs))
        out.append((loc, message))
    return out


def _problem(
    source: str, loc: Path, message: str, data: Any, lines: Mapping[Path, int] | None
) -> Problem:
    line = None
    if lines:
        for k in range(len(loc), -1, -1):
            if loc[:k] in lines:
                line = lines[loc[:k]]
                break
    return Problem(source, named_path(loc, data), message, line)


def build_scenario(data: Any, source: str, lines: Mapping[Path, int] | None = None) -> Scenario:
    """Validate raw scenario data; raise :class:`InputError` listing every problem.

    Parameters
    ----------
    data
        The scenario as plain data (what a YAML file or a table reader gives).
    source
        The file's name, for the messages.
    lines
        The line of each value by its path (YAML), for the messages.
    """
    if not isinstance(data, Mapping):
        raise InputError(Problem(source, "", "expected a mapping of scenario fields at top level"))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        found = _pydantic_problems(exc, data)
        raise InputError([_problem(source, loc, msg, data, lines) for loc, msg in found]) from None
    problems = [
        _problem(source, _parts(path), msg, data, lines)
        for path, msg in semantic_problems(scenario)
    ]
    if problems:
        raise InputError(problems)
    return scenario
