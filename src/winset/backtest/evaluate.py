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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.backtest.deu import DeuData
from winset.backtest.models import FITTED, FIXED, fit, fixed_forecasts, predict

__all__ = ["BacktestResult", "ModelScore", "backtest", "linear_bound", "scores"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ModelScore:
    name: str
    description: str
    mae: float
    rmse: float
    mdae: float
    ci: dict[str, tuple[float, float]]
    how: str  # "fixed", "fitted on TRAIN", "leave-one-proposal-out"

    def to_dict(self) -> dict[str, Any]:
        return {
            "mae": self.mae,
            "rmse": self.rmse,
            "mdae": self.mdae,
            "ci95": {k: list(v) for k, v in self.ci.items()},
            "how": self.how,
            "description": self.description,
        }


@dataclass(frozen=True)
class BacktestResult:
    source: str
    n_issues: int
    n_proposals: int
    models: dict[str, ModelScore]
    best: str
    bound: float
    bootstrap: int
    seed: int
    forecasts: dict[str, FloatArray] = field(repr=False, default_factory=dict)
    outcome: FloatArray = field(repr=False, default_factory=lambda: np.empty(0))
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
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
        }


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
    boot_mdae = a[order][np.argmax(cum >= half, axis=1)]

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


def backtest(
    data: DeuData,
    train: DeuData | None = None,
    cv: bool = False,
    resamples: int = 2000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> BacktestResult:
    """Score every model on ``data``; fitted models on ``train`` or by cross-validation."""
    proposal, ids = data.proposals()
    base = fixed_forecasts(data, progress)
    y = data.outcome
    forecasts: dict[str, FloatArray] = dict(base)
    how = dict.fromkeys(base, "fixed")
    notes = []
    if train is not None:
        train_base = fixed_forecasts(train)
        for name in FITTED:
            params = fit(name, train_base, train.outcome)
            forecasts[name] = predict(name, params, base)
            how[name] = f"fitted on {train.source}"
    elif cv:
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
        mae, rmse, mdae, ci = scores(pred - y, proposal, resamples, seed)
        description = FIXED.get(name) or FITTED.get(name) or f"registry model {name!r}"
        models[name] = ModelScore(name, description, mae, rmse, mdae, ci, how[name])
    best = min(models, key=lambda k: (models[k].mae, k))
    return BacktestResult(
        source=data.source,
        n_issues=data.n,
        n_proposals=len(ids),
        models=models,
        best=best,
        bound=linear_bound(base, y),
        bootstrap=resamples,
        seed=seed,
        forecasts=forecasts,
        outcome=y,
        skipped=data.skipped,
        notes=tuple(notes),
    )
