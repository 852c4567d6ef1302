"""Errors that carry user-facing problems.

Every rejection of user input ends up as an :class:`InputError` holding one or more
:class:`Problem` records. The CLI prints one line per problem and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["InputError", "Interrupted", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where (``source``, ``line`` and ``field``) and what.

    Printed as ``source:line: field: message`` (the parts that are known).
    """

    source: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        where = f"{where}: " if where else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class InputError(ValueError):
    """Raised when user input (a file, an option, a name) cannot be used."""

    def __init__(self, problems: Iterable[Problem] | Problem | str, source: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(source, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Interrupted(RuntimeError):
    """A run stopped before every chunk was done (its finished chunks are checkpointed)."""

    def __init__(self, done: int, total: int, saved: bool, reason: str) -> None:
        self.done, self.total, self.saved, self.reason = done, total, saved, reason
        resume = (
            "run the same command again to resume" if saved else "nothing was saved (no run store)"
        )
        super().__init__(f"{reason}: {done} of {total} chunks finished; {resume}")
