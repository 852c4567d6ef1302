"""Scoring models against recorded outcomes: errors, bootstrap intervals, cross-validation.

* Errors per model: mean absolute error (MAE), root mean squared error (RMSE) and median
  absolute error (MdAE), on the 0-100 scale.
* 95% intervals by the bootstrap over **proposals**: issues of one proposal are decided together,
  so a resample draws whole proposals with replacement (percentile intervals; seeded).
* Fitted models are fitted on a training table (``--fit``), or by leave-one-proposal-out
  cross-validation (``--cv``): each proposal's issues are forecast by the model fitted on all the
  other proposals. Without either, fitted models are not scored.
* For reference, the **linear bound**: the smallest MAE that any linear combination of every
  fixed forecast (with an intercept) reaches *in sample*, fitted on the evaluated outcomes
  themselves. No combination of these forecasts can do better out of sample.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from winset.backtest.deu import DeuData
from winset.backtest.models import FITTED, describe, fit, fixed_forecasts, predict
from winset.errors import InputError, Problem
from winset.limits import limit, over_limit
from winset.models.registry import model_name, model_names
from winset.results import Provenance, Result, frame
from winset.seeds import check_seed, resolve_seed

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BacktestResult",
    "BacktestSettings",
    "ModelScore",
    "backtest",
    "backtest_provenance",
    "linear_bound",
    "scores",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class BacktestSettings:
    """How to score: cross-validation (or fitting on a training file), the bootstrap, the seed."""

    cv: bool = False
    resamples: int = 2000
    seed: int | None = None
    models: tuple[str, ...] = ()

    def checked(self, has_train: bool) -> BacktestSettings:
        """A validated copy with the seed resolved."""
        if has_train and self.cv:
            raise InputError(Problem("", "cv", "use --fit TRAIN.csv or --cv, not both"))
        r, most = self.resamples, limit("WINSET_MAX_RESAMPLES")
        if isinstance(r, bool) or not isinstance(r, int) or r < 1:
            raise InputError(Problem("", "resamples", f"must be between 1 and {most:,}, not {r!r}"))
        if r > most:
            raise over_limit("", "resamples", f"{r:,} resamples", "WINSET_MAX_RESAMPLES")
        check_seed(self.seed)
        chosen = tuple(model_name(name) for name in self.models)
        return replace(self, seed=resolve_seed(self.seed), models=chosen)


@dataclass(frozen=True)
class ModelScore:
    """One model's errors on the evaluated issues, with 95% bootstrap intervals."""

    name: str
    description: str
    mae: float
    rmse: float
    mdae: float
    ci: dict[str, tuple[float, float]]
    how: str  # "fixed", "fitted on TRAIN", "leave-one-proposal-out"

    def to_dict(self) -> dict[str, Any]:
        """The score as in ``winset backtest --json``."""
        return {
            "mae": self.mae,
            "rmse": self.rmse,
            "mdae": self.mdae,
            "ci95": {k: list(v) for k, v in self.ci.items()},
            "how": self.how,
            "description": self.description,
        }


@dataclass(frozen=True)
class BacktestResult(Result):
    """Every model's scores on a DEU table, the best model, and each issue's forecasts."""

    kind: ClassVar[str] = "backtest"

    provenance: Provenance
    n_issues: int
    n_proposals: int
    models: dict[str, ModelScore]
    best: str
    bound: float
    forecasts: dict[str, FloatArray] = field(repr=False, default_factory=dict)
    outcome: FloatArray = field(repr=False, default_factory=lambda: np.empty(0))
    issues: tuple[str, ...] = ()
    proposals: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The evaluated file's name."""
        return self.provenance.scenario

    @property
    def bootstrap(self) -> int:
        """Bootstrap resamples of proposals."""
        return int(self.provenance.settings["resamples"])

    @property
    def seed(self) -> int:
        """The seed of the bootstrap."""
        return int(self.provenance.seed or 0)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``winset backtest --json`` (with every issue's forecasts)."""
        return {
            "source": self.source,
            "n_issues": self.n_issues,
            "n_proposals": self.n_proposals,
            "models": {k: v.to_dict() for k, v in self.models.items()},
            "best": self.best,
            "linear_bound_in_sample": self.bound,
            "bootstrap": {"resamples": self.bootstrap, "unit": "proposal", "seed": self.seed},
            "skipped_issues": list(self.skipped),
            "notes": list(self.notes),
            "issues": [
                {
                    "issue": issue,
                    "proposal": self.proposals[i],
                    "outcome": float(self.outcome[i]),
                    "forecasts": {k: _round(float(v[i])) for k, v in self.forecasts.items()},
                }
                for i, issue in enumerate(self.issues)
            ],
            "provenance": self.provenance.to_dict(),
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BacktestResult:
        """Rebuild from :meth:`to_dict` output."""
        rows = data.get("issues", [])
        models = {
            name: ModelScore(
                name,
                m["description"],
                m["mae"],
                m["rmse"],
                m["mdae"],
                {k: (v[0], v[1]) for k, v in m["ci95"].items()},
                m["how"],
            )
            for name, m in data["models"].items()
        }
        return cls(
            provenance=Provenance.from_dict(data["provenance"], cls.kind),
            n_issues=int(data["n_issues"]),
            n_proposals=int(data["n_proposals"]),
            models=models,
            best=data["best"],
            bound=float(data["linear_bound_in_sample"]),
            forecasts={
                name: np.array([r["forecasts"][name] for r in rows], dtype=float) for name in models
            },
            outcome=np.array([r["outcome"] for r in rows], dtype=float),
            issues=tuple(r["issue"] for r in rows),
            proposals=tuple(r["proposal"] for r in rows),
            skipped=tuple(data.get("skipped_issues", ())),
            notes=tuple(data.get("notes", ())),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per model: MAE, RMSE, MdAE and their intervals, how it was scored."""
        rows = [
            {
                "model": name,
                "mae": m.mae,
                "mae_low": m.ci["mae"][0],
                "mae_high": m.ci["mae"][1],
                "rmse": m.rmse,
                "mdae": m.mdae,
                "how": m.how,
                "best": name == self.best,
            }
            for name, m in self.models.items()
        ]
        columns = ["model", "mae", "mae_low", "mae_high", "rmse", "mdae", "how", "best"]
        return frame(rows, columns, self.provenance)


def _round(x: float) -> float:
    return float(np.round(x, 4))


def scores(
    errors: FloatArray, proposal: NDArray[np.intp], resamples: int, seed: int
) -> tuple[float, float, float, dict[str, tuple[float, float]]]:
    """MAE, RMSE, MdAE of ``errors`` and their 95% bootstrap intervals over proposals."""
    a = np.abs(errors)
    mae, rmse, mdae = float(a.mean()), float(np.sqrt(np.mean(a**2))), float(np.median(a))
    n_prop = int(proposal.max()) + 1
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_prop, (resamples, n_prop))
    counts = np.zeros((resamples, n_prop))
    np.add.at(counts, (np.repeat(np.arange(resamples), n_prop), picks.ravel()), 1.0)
    sums = np.bincount(proposal, a, n_prop)
    sq = np.bincount(proposal, a**2, n_prop)
    sizes = np.bincount(proposal, minlength=n_prop).astype(float)
    total = counts @ sizes
    boot_mae = counts @ sums / total
    boot_rmse = np.sqrt(counts @ sq / total)
    order = np.argsort(a, kind="stable")
    weights = counts[:, proposal[order]]
    cum = np.cumsum(weights, axis=1)
    half = cum[:, -1:] / 2.0
    # the median as np.median takes it: with an even count, the mean of the two middle values
    # (resampled errors come in whole copies, so the count is a whole number)
    low = a[order][np.argmax(cum >= half, axis=1)]
    high = a[order][np.argmax(cum > half, axis=1)]
    boot_mdae = (low + high) / 2.0

    def ci(v: FloatArray) -> tuple[float, float]:
        lo, hi = np.quantile(v, [0.025, 0.975])
        return _round(float(lo)), _round(float(hi))

    return (
        _round(mae),
        _round(rmse),
        _round(mdae),
        {"mae": ci(boot_mae), "rmse": ci(boot_rmse), "mdae": ci(boot_mdae)},
    )


def _lad(x: FloatArray, y: FloatArray, iterations: int = 200) -> FloatArray:
    """Least absolute deviations by iteratively reweighted least squares."""
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    for _ in range(iterations):
        w = 1.0 / np.maximum(np.abs(y - x @ beta), 1e-3)
        xw = x * w[:, None]
        beta = np.linalg.solve(x.T @ xw + 1e-8 * np.eye(x.shape[1]), xw.T @ y)
    return np.asarray(beta, dtype=float)


def linear_bound(base: dict[str, FloatArray], y: FloatArray) -> float:
    """In-sample MAE of the best linear combination (LAD, intercept) of the forecasts."""
    x = np.column_stack([np.ones(y.size), *base.values()])
    return _round(float(np.mean(np.abs(np.clip(x @ _lad(x, y), 0.0, 100.0) - y))))


def backtest_provenance(
    data: DeuData, train: DeuData | None, settings: BacktestSettings
) -> Provenance:
    """The provenance of a backtest (``settings`` checked): the files' hashes and names."""
    digest = hashlib.sha256((data.digest + (train.digest if train else "")).encode())
    return Provenance(
        kind="backtest",
        scenario=Path(data.source).name,
        input_hash=digest.hexdigest(),
        seed=settings.seed,
        settings={
            "cv": settings.cv,
            "resamples": settings.resamples,
            "fit": None if train is None else Path(train.source).name,
            "models": list(settings.models or model_names()),
        },
    )


def backtest(
    data: DeuData,
    train: DeuData | None = None,
    settings: BacktestSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> BacktestResult:
    """Score every model on ``data``; fitted models on ``train`` or by cross-validation."""
    settings = (settings or BacktestSettings()).checked(train is not None)
    seed = int(settings.seed or 0)
    proposal, ids = data.proposals()
    base = fixed_forecasts(data, progress, settings.models)
    y = data.outcome
    forecasts: dict[str, FloatArray] = dict(base)
    how = dict.fromkeys(base, "fixed")
    notes = []
    if train is not None:
        train_base = fixed_forecasts(train, models=settings.models)
        for name in FITTED:
            params = fit(name, train_base, train.outcome)
            forecasts[name] = predict(name, params, base)
            how[name] = f"fitted on {Path(train.source).name}"
    elif settings.cv:
        for name in FITTED:
            pred = np.empty(data.n)
            for p in range(len(ids)):
                held = proposal == p
                params = fit(name, {k: v[~held] for k, v in base.items()}, y[~held])
                pred[held] = predict(name, params, {k: v[held] for k, v in base.items()})
            forecasts[name] = pred
            how[name] = "leave-one-proposal-out"
    else:
        notes.append(f"fitted models ({', '.join(FITTED)}) need --fit TRAIN.csv or --cv")
    models = {}
    for name, pred in forecasts.items():
        mae, rmse, mdae, ci = scores(pred - y, proposal, settings.resamples, seed)
        models[name] = ModelScore(name, describe(name), mae, rmse, mdae, ci, how[name])
    best = min(models, key=lambda k: (models[k].mae, k))
    return BacktestResult(
        provenance=backtest_provenance(data, train, settings),
        n_issues=data.n,
        n_proposals=len(ids),
        models=models,
        best=best,
        bound=linear_bound(base, y),
        forecasts=forecasts,
        outcome=y,
        issues=data.issue,
        proposals=data.proposal,
        skipped=data.skipped,
        notes=tuple(notes),
    )
