"""Result types: frozen dataclasses with provenance, ``to_frame()`` and ``to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Distribution", "IssueRound", "Provenance", "Round", "RunResult"]


# The Monte Carlo settings that, with the provenance, determine a run with draws.
MONTECARLO_SETTINGS = ("draws", "distribution", "chunk_size")


@dataclass(frozen=True)
class Provenance:
    """Where a result came from: enough to recompute it exactly."""

    package_version: str
    model: str
    variant: str
    parameters: dict[str, Any]
    seed: int | None
    input_hash: str
    scenario: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "package_version": self.package_version,
            "model": self.model,
            "variant": self.variant,
            "parameters": dict(self.parameters),
            "seed": self.seed,
            "input_hash": self.input_hash,
            "scenario": self.scenario,
        }


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
        out: dict[str, Any] = {
            "round": self.round,
            "issues": {
                name: {"median": r.median, "mean": r.mean, "positions": dict(r.positions)}
                for name, r in self.issues.items()
            },
        }
        out.update(self.extras)
        return out


@dataclass(frozen=True)
class Distribution:
    """Summary of Monte Carlo outcomes on one issue, in the issue's units."""

    mean: float
    p10: float
    p50: float
    p90: float
    n: int

    def to_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "p10": self.p10, "p50": self.p50, "p90": self.p90, "n": self.n}


@dataclass(frozen=True)
class RunResult:
    """The forecast of one model on one scenario, in each issue's own units."""

    scenario: str
    issues: tuple[str, ...]
    units: dict[str, str]
    actors: tuple[str, ...]
    forecast: dict[str, float]
    provenance: Provenance
    rounds: tuple[Round, ...] = ()
    distribution: dict[str, Distribution] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        """Short id of the run in the store (derived from provenance and draw settings)."""
        from winset.store import run_key

        mc = self.extras.get("montecarlo")
        if mc:
            settings = {k: mc[k] for k in MONTECARLO_SETTINGS}
            return run_key(self.provenance, "montecarlo", settings)[:12]
        return run_key(self.provenance)[:12]

    def to_frame(self) -> pd.DataFrame:
        """A tidy table: one row per (round, issue, actor) position plus the forecast rows.

        Columns: ``kind`` (forecast / position / median / mean), ``round`` (-1 for the final
        forecast), ``issue``, ``actor`` (empty for summaries), ``value``.
        """
        rows: list[dict[str, Any]] = []
        for name, value in self.forecast.items():
            rows.append(
                {"kind": "forecast", "round": -1, "issue": name, "actor": "", "value": value}
            )
        for r in self.rounds:
            for name, ir in r.issues.items():
                rows.append(
                    {
                        "kind": "median",
                        "round": r.round,
                        "issue": name,
                        "actor": "",
                        "value": ir.median,
                    }
                )
                rows.append(
                    {"kind": "mean", "round": r.round, "issue": name, "actor": "", "value": ir.mean}
                )
                for actor, x in ir.positions.items():
                    rows.append(
                        {
                            "kind": "position",
                            "round": r.round,
                            "issue": name,
                            "actor": actor,
                            "value": x,
                        }
                    )
        frame = pd.DataFrame(rows, columns=["kind", "round", "issue", "actor", "value"])
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

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
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Rebuild a result from :meth:`to_dict` output (used by the run store)."""
        prov = Provenance(**data["provenance"])
        rounds = []
        for r in data.get("rounds", []):
            extras = {k: v for k, v in r.items() if k not in ("round", "issues")}
            rounds.append(
                Round(
                    round=r["round"],
                    issues={
                        k: IssueRound(v["median"], v["mean"], dict(v["positions"]))
                        for k, v in r["issues"].items()
                    },
                    extras=extras,
                )
            )
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
            provenance=prov,
            rounds=tuple(rounds),
            distribution=dist,
            extras=dict(data.get("extras", {})),
        )
