"""Limits on what winset reads and computes, in one place, each settable.

Every limit has a default and an environment variable that changes it (a whole number). They
keep a careless or hostile input from hanging the machine or filling its memory: a file too big,
YAML that expands without end, a legislature of a trillion seats, a billion draws. Hitting one
gives one line that says which limit, its value and how to change it.

| limit | default | variable |
|---|---|---|
| size of an input file | 20 MB | ``WINSET_MAX_FILE_MB`` |
| YAML nesting depth | 50 | ``WINSET_MAX_YAML_DEPTH`` |
| YAML values after aliases are expanded | 5,000,000 | ``WINSET_MAX_YAML_VALUES`` |
| cells of a table (rows x columns) | 2,000,000 | ``WINSET_MAX_TABLE_CELLS`` |
| actors | 50,000 | ``WINSET_MAX_ACTORS`` |
| issues | 500 | ``WINSET_MAX_ISSUES`` |
| seats of one ratifying body | 100,000 | ``WINSET_MAX_SEATS`` |
| Monte Carlo draws | 100,000,000 | ``WINSET_MAX_DRAWS`` |
| memory one computation may plan for | 4 GB | ``WINSET_MAX_MEMORY_MB`` |
| Sobol base samples | 65,536 | ``WINSET_MAX_SAMPLES`` |
| bootstrap resamples | 100,000 | ``WINSET_MAX_RESAMPLES`` |
"""

from __future__ import annotations

import os

from winset.errors import InputError, Problem

__all__ = ["DEFAULTS", "check_memory_need", "limit", "memory_limit", "over_limit", "quote"]

DEFAULTS: dict[str, int] = {
    "WINSET_MAX_FILE_MB": 20,
    "WINSET_MAX_YAML_DEPTH": 50,
    "WINSET_MAX_YAML_VALUES": 5_000_000,
    "WINSET_MAX_TABLE_CELLS": 2_000_000,
    "WINSET_MAX_ACTORS": 50_000,
    "WINSET_MAX_ISSUES": 500,
    "WINSET_MAX_SEATS": 100_000,
    "WINSET_MAX_DRAWS": 100_000_000,
    "WINSET_MAX_MEMORY_MB": 4_096,
    "WINSET_MAX_SAMPLES": 65_536,
    "WINSET_MAX_RESAMPLES": 100_000,
}


def limit(name: str) -> int:
    """The limit ``name`` (one of :data:`DEFAULTS`): its environment variable, else the default.

    A variable that is not a positive whole number is refused with one line.
    """
    text = os.environ.get(name)
    if text is None:
        return DEFAULTS[name]
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(Problem(name, "", f"{quote(text)} is not a positive whole number"))
    return value


def over_limit(source: str, field: str, what: str, name: str) -> InputError:
    """The error for input over the limit ``name``: says what, the limit and how to raise it."""
    return InputError(
        Problem(source, field, f"{what}; the limit is {limit(name):,} (set {name} to change it)")
    )


def memory_limit() -> int:
    """The memory one computation may plan for, in bytes (``WINSET_MAX_MEMORY_MB``)."""
    return limit("WINSET_MAX_MEMORY_MB") * 1_000_000


def check_memory_need(need: float, field: str, what: str, instead: str) -> None:
    """InputError, before any work, when ``need`` bytes are more than :func:`memory_limit`.

    The line reads "``what`` about N GB; the limit is L GB (set WINSET_MAX_MEMORY_MB to change
    it, or ``instead``)": ``what`` ends with its verb (``"1,000 draws x 4 values need"``),
    ``instead`` says what else would do (``"use fewer draws"``).
    """
    most = memory_limit()
    if need > most:
        raise InputError(
            Problem(
                "",
                field,
                f"{what} about {need / 1e9:,.1f} GB; the limit is {most / 1e9:,.1f} GB "
                f"(set WINSET_MAX_MEMORY_MB to change it, or {instead})",
            )
        )


def quote(value: object, width: int = 80) -> str:
    """``repr(value)``, cut to about ``width`` characters (long values say how long they were).

    Never builds the whole representation of a huge value.
    """
    if isinstance(value, str):
        if len(value) <= width:
            return repr(value)
        return repr(value[: width - 20]) + f"… ({len(value):,} characters)"
    if isinstance(value, dict | list | tuple | set):
        kind = type(value).__name__
        return f"a {kind} of {len(value):,} item(s)"
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
