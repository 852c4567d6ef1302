"""Reading YAML safely, and knowing where every value came from.

:func:`load_yaml` parses YAML text with the safe loader (no tags that build Python objects;
libyaml's when it is installed) and returns the data with the line of every value, so a problem
can be reported as ``iraq.yaml:214: actors['Iraqiya'].salience.troops: 140 is above 100``.
Before anything is built, it refuses what a careless or hostile file could do to the machine:
nesting deeper than a limit, aliases that expand to more values than a limit ("billion laughs"),
and a key given twice in one mapping (both lines are named; YAML would silently keep the last).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from winset.errors import InputError, Problem
from winset.limits import limit, over_limit

__all__ = ["Lines", "Path", "load_yaml"]

Path = tuple[str | int, ...]
Lines = dict[Path, int]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _syntax_error(exc: yaml.YAMLError, source: str) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or "malformed"
    return InputError(Problem(source, "", f"not valid YAML{where}: {problem}"))


def _check_depth(text: str, source: str) -> int:
    """Refuse nesting deeper than the limit (by the event stream: no recursion); count aliases."""
    deepest = limit("WINSET_MAX_YAML_DEPTH")
    depth = 0
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > deepest:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise over_limit(
                    f"{source}:{line}", "", "nesting is too deep", "WINSET_MAX_YAML_DEPTH"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return aliases


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _expanded_size(root: yaml.Node, source: str) -> None:
    """Refuse a document whose values, with every alias expanded, exceed the limit.

    Sizes are counted per distinct node (an alias is the same node object), never expanded.
    """
    most = limit("WINSET_MAX_YAML_VALUES")
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        kids = list(_children(node))
        if not done:
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(k), 0) for k in kids)
        if size > most:
            raise over_limit(
                source, "", "the YAML expands to too many values (aliases?)",
                "WINSET_MAX_YAML_VALUES",
            )  # fmt: skip
        sizes[id(node)] = size


def _lines(root: yaml.Node, source: str) -> Lines:
    """The line of every value by its path; refuses a key given twice in one mapping."""
    out: Lines = {(): root.start_mark.line + 1}
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # an alias: its lines are those of its anchor
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                line = key.start_mark.line + 1
                if name in first:
                    raise InputError(
                        Problem(
                            source,
                            ".".join(str(p) for p in (*path, name)),
                            f"given twice, at lines {first[name]} and {line}; keep one",
                            line=line,
                        )
                    )
                first[name] = line
                out[(*path, name)] = line
                stack.append((value, (*path, name)))
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                out[(*path, k)] = item.start_mark.line + 1
                stack.append((item, (*path, k)))
    return out


def load_yaml(text: str, source: str) -> tuple[Any, Lines]:
    """Parse YAML text safely; return the data and the line of every value.

    Raises
    ------
    InputError
        For invalid YAML, tags, nesting or alias expansion over the limits, and duplicate keys.
    """
    try:
        aliases = _check_depth(text, source)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            if aliases:
                _expanded_size(node, source)
            lines = _lines(node, source)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source) from None
    except RecursionError:
        raise over_limit(
            source, "", "nesting is deeper than allowed", "WINSET_MAX_YAML_DEPTH"
        ) from None
    return data, lines
