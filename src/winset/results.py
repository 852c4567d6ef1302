"""One result protocol for every kind of result winset produces.

Every result (a forecast, a Monte Carlo distribution, a two-level analysis, a strategy search, a
sensitivity analysis, a backtest, a what-if comparison) is a frozen dataclass that carries a
:class:`Provenance` and offers three views:

* ``to_dict()``: the JSON document the command line prints with ``--json`` (and the run store
  keeps); ``from_dict()`` rebuilds the result from it;
* ``to_frame()``: a tidy pandas DataFrame (pandas is imported only when it is called);
* ``run_id``: the result's key in the run store, a hash of everything that determines it.

This module holds the protocol and the Level-I forecast types; the engines define their own
result types on the same protocol (see :mod:`winset.twolevel.analyse`,
:mod:`winset.analysis.sensitivity`, :mod:`winset.backtest.evaluate`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from winset._version import __version__

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Distribution",
    "IssueRound",
    "Provenance",
    "Result",
    "Round",
    "RunResult",
    "frame",
]


@dataclass(frozen=True)
class Provenance:
    """Where a result came from: enough to compute it again exactly.

    Attributes
    ----------
    kind
        What the result is: ``run``, ``draws``, ``twolevel``, ``twolevel-draws``, ``search``,
        ``sensitivity``, ``backtest`` or ``whatif``.
    scenario
        The scenario's name (a backtest: the evaluated file's name).
    input_hash
        SHA-256 of the scenario's content (a backtest: of the files read).
    model, variant, parameters
        The model that forecast Level I, with its resolved parameters ("" when no model ran).
    seed
        The seed actually used, or None when the computation used no random numbers.
    settings
        Every other setting that determines the result (draws, levers, solution, ...).
    package_version
        The winset version that computed it.
    """

    kind: str
    scenario: str
    input_hash: str
    model: str = ""
    variant: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    package_version: str = __version__

    def key(self) -> str:
        """The run store key: a SHA-256 of everything that determines the result."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The provenance as a JSON-ready mapping."""
        return {
            "kind": self.kind,
            "package_version": self.package_version,
            "model": self.model,
            "variant": self.variant,
            "parameters": dict(self.parameters),
            "seed": self.seed,
            "input_hash": self.input_hash,
            "scenario": self.scenario,
            "settings": dict(self.settings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], kind: str = "run") -> Provenance:
        """Rebuild a provenance; records written before ``kind`` existed get ``kind``."""
        return cls(
            kind=str(data.get("kind", kind)),
            scenario=str(data.get("scenario", "")),
            input_hash=str(data.get("input_hash", "")),
            model=str(data.get("model", "")),
            variant=str(data.get("variant", "")),
            parameters=dict(data.get("parameters") or {}),
            seed=data.get("seed"),
            settings=dict(data.get("settings") or {}),
            package_version=str(data.get("package_version", "")),
        )


class Result:
    """The protocol every result type follows (a mixin for frozen dataclasses).

    Subclasses set ``kind`` and define ``provenance``, ``to_dict``, ``from_dict`` and
    ``to_frame``.
    """

    kind: ClassVar[str] = ""
    provenance: Provenance

    @property
    def run_id(self) -> str:
        """The result's full key in the run store (64 hexadecimal characters)."""
        return self.provenance.key()

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every subclass defines it
        """The JSON document of the result."""
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:  # pragma: no cover
        """Rebuild a result from :meth:`to_dict` output."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover
        """A tidy table of the result."""
        raise NotImplementedError

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The result as named tables (an Excel export's sheets): the result and provenance."""
        return {"result": self.to_frame(), "provenance": provenance_frame(self)}


def provenance_frame(result: Result) -> pd.DataFrame:
    """The run id and provenance as a two-column table (field, value)."""
    import json

    import pandas as pd

    rows = [("run_id", result.run_id)] + [
        (k, v if isinstance(v, str | int | float) or v is None else json.dumps(v))
        for k, v in result.provenance.to_dict().items()
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


def frame(rows: list[dict[str, Any]], columns: list[str], provenance: Provenance) -> pd.DataFrame:
    """A DataFrame of ``rows`` with ``columns`` and the provenance in ``attrs``."""
    import pandas as pd

    out = pd.DataFrame(rows, columns=columns)
    out.attrs["provenance"] = provenance.to_dict()
    return out


@dataclass(frozen=True)
class IssueRound:
    """One issue in one round: the median, the weighted mean and every actor's position."""

    median: float
    mean: float
    positions: dict[str, float]


@dataclass(frozen=True)
class Round:
    """One round of an iterative model (round 0 is the input)."""

    round: int
    issues: dict[str, IssueRound]
    extras: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The round as in ``winset run --json``: round, issues, then the model's records."""
        out: dict[str, Any] = {
            "round": self.round,
            "issues": {
                name: {"median": r.median, "mean": r.mean, "positions": dict(r.positions)}
                for name, r in self.issues.items()
            },
        }
        out.update(self.extras)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Round:
        """Rebuild a round from :meth:`to_dict` output."""
        return cls(
            round=int(data["round"]),
            issues={
                k: IssueRound(v["median"], v["mean"], dict(v["positions"]))
                for k, v in data["issues"].items()
            },
            extras={k: v for k, v in data.items() if k not in ("round", "issues")},
        )


@dataclass(frozen=True)
class Distribution:
    """Summary of Monte Carlo outcomes on one issue, in the issue's units."""

    mean: float
    p10: float
    p50: float
    p90: float
    n: int

    def to_dict(self) -> dict[str, float]:
        """Mean, p10, p50, p90 and the number of draws."""
        return {"mean": self.mean, "p10": self.p10, "p50": self.p50, "p90": self.p90, "n": self.n}


@dataclass(frozen=True)
class RunResult(Result):
    """The forecast of one model on one scenario, in each issue's own units.

    A Monte Carlo run (provenance kind ``draws``) adds ``distribution`` per issue and a
    ``montecarlo`` entry in ``extras`` (the settings and a histogram per issue).
    """

    kind: ClassVar[str] = "run"

    scenario: str
    issues: tuple[str, ...]
    units: dict[str, str]
    actors: tuple[str, ...]
    forecast: dict[str, float]
    provenance: Provenance
    rounds: tuple[Round, ...] = ()
    distribution: dict[str, Distribution] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A tidy table: one row per (round, issue, actor) position plus the forecast rows.

        Columns: ``kind`` (forecast / median / mean / position, and mean / p10 / p50 / p90 of
        the draws), ``round`` (-1 for the final forecast), ``issue``, ``actor`` (empty for
        summaries), ``value``.
        """
        rows: list[dict[str, Any]] = []

        def add(kind: str, rnd: int, issue: str, actor: str, value: float) -> None:
            rows.append(
                {"kind": kind, "round": rnd, "issue": issue, "actor": actor, "value": value}
            )

        for name, value in self.forecast.items():
            add("forecast", -1, name, "", value)
        for name, d in self.distribution.items():
            for stat in ("mean", "p10", "p50", "p90"):
                add(f"draws {stat}", -1, name, "", getattr(d, stat))
        for r in self.rounds:
            for name, ir in r.issues.items():
                add("median", r.round, name, "", ir.median)
                add("mean", r.round, name, "", ir.mean)
                for actor, x in ir.positions.items():
                    add("position", r.round, name, actor, x)
        return frame(rows, ["kind", "round", "issue", "actor", "value"], self.provenance)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Tables of the forecast (with the draws' summary), the rounds and the moves."""
        import pandas as pd

        forecast = []
        for issue, value in self.forecast.items():
            row: dict[str, Any] = {
                "issue": issue,
                "forecast": value,
                "unit": self.units.get(issue, ""),
            }
            if issue in self.distribution:
                d = self.distribution[issue]
                row.update({"mean": d.mean, "p10": d.p10, "p50": d.p50, "p90": d.p90, "n": d.n})
            forecast.append(row)
        out = {"forecast": pd.DataFrame(forecast)}
        if self.rounds:
            rounds = [
                {"round": r.round, "issue": name, "actor": actor, "position": x}
                for r in self.rounds
                for name, ir in r.issues.items()
                for actor, x in ir.positions.items()
            ]
            out["rounds"] = pd.DataFrame(rounds)
            summary = [
                {"round": r.round, "issue": name, "median": ir.median, "mean": ir.mean}
                for r in self.rounds
                for name, ir in r.issues.items()
            ]
            out["medians"] = pd.DataFrame(summary)
            moves = [
                {"round": r.round, **m} for r in self.rounds for m in r.extras.get("moves", [])
            ]
            if moves:
                out["moves"] = pd.DataFrame(moves)
        out["provenance"] = provenance_frame(self)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md's ``winset run --json`` contract."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "model": self.provenance.model,
            "forecast": dict(self.forecast),
            "units": dict(self.units),
            "actors": list(self.actors),
        }
        if self.rounds:
            out["rounds"] = [r.to_dict() for r in self.rounds]
        if self.distribution:
            out["distribution"] = {k: d.to_dict() for k, d in self.distribution.items()}
        if self.extras:
            out["extras"] = self.extras
        out["provenance"] = self.provenance.to_dict()
        out["run_id"] = self.run_id
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Rebuild a result from :meth:`to_dict` output (also records of older versions)."""
        extras = dict(data.get("extras", {}))
        kind = "draws" if "montecarlo" in extras else "run"
        dist = {
            k: Distribution(v["mean"], v["p10"], v["p50"], v["p90"], int(v.get("n", 0)))
            for k, v in data.get("distribution", {}).items()
        }
        forecast = dict(data["forecast"])
        return cls(
            scenario=data["scenario"],
            issues=tuple(forecast),
            units=dict(data.get("units", {})),
            actors=tuple(data.get("actors", ())),
            forecast=forecast,
            provenance=Provenance.from_dict(data["provenance"], kind),
            rounds=tuple(Round.from_dict(r) for r in data.get("rounds", [])),
            distribution=dist,
            extras=extras,
        )
