"""The models compared on DEU data: forecasts for every issue at once, on 0-100.

Every model of the registry is scored, as it is (equal capabilities, the reference point as the
status quo); ``compromise-votes`` and ``median-votes`` run the registry's compromise and median
with Council votes as capabilities. A model that links issues (``separable`` False in its
metadata: trades, several dimensions) sees each proposal's issues together, one proposal at a
time; the others see every issue at once. Three DEU baselines are not models of the registry
because they read what only DEU rows have: ``procedural`` (procedure, voting rule, date),
``commission`` and ``reference``. Fixed models use only the issue's positions, saliences,
procedure, voting rule, date and reference point. Fitted models (``FITTED``) combine fixed
forecasts with a few parameters fitted on a training set by least absolute deviations; the
evaluated issues' outcomes are never used.

Council voting weights (votes per member state in the Council under qualified majority):

* before 1 May 2004, the EU-15 weights of Article 205(2) EC (Treaty of Amsterdam): Germany,
  France, Italy, the UK 10; Spain 8; Belgium, Greece, the Netherlands, Portugal 5; Austria,
  Sweden 4; Denmark, Ireland, Finland 3; Luxembourg 2 (87 in all; a qualified majority is 62);
* 1 May to 31 October 2004, the transitional weights of Article 26 of the 2003 Act of Accession,
  the same for the old members plus Poland 8; the Czech Republic, Hungary 5; Estonia, Latvia,
  Lithuania, Slovenia, Slovakia 3; Cyprus, Malta 2 (124; qualified majority 88);
* from 1 November 2004, the weights of the Treaty of Nice (Protocol on enlargement, as amended by
  the Act of Accession): Germany, France, Italy, the UK 29; Spain, Poland 27; the Netherlands 13;
  Belgium, the Czech Republic, Greece, Hungary, Portugal 12; Austria, Sweden 10; Denmark,
  Ireland, Lithuania, Slovakia, Finland 7; Cyprus, Estonia, Latvia, Luxembourg, Slovenia 4;
  Malta 3 (321; qualified majority 232).

The Parliament and the Commission (the project's choice, documented in docs/backtest.md): under
co-decision the Parliament is a co-legislator and weighs as much as the whole Council; under
consultation it gives an opinion and weighs as much as an average member state. The Commission,
which drafts the proposal but does not vote, weighs as much as an average member state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from winset.backtest.deu import ACTORS, DeuData
from winset.models.registry import get_model, model_names
from winset.twolevel.problem import BodyArrays
from winset.twolevel.winsets import body_interval

__all__ = [
    "BASELINES",
    "FITTED",
    "council_weights",
    "describe",
    "fit",
    "fixed_forecasts",
    "predict",
    "registry_forecast",
]

FloatArray = NDArray[np.float64]

EU15 = {"de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
        "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2}  # fmt: skip
TRANSITIONAL = {**EU15, "pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3, "si": 3, "sk": 3,
                "cy": 2, "mt": 2}  # fmt: skip
NICE = {"de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "nl": 13, "be": 12, "cz": 12,
        "el": 12, "hu": 12, "pt": 12, "at": 10, "se": 10, "dk": 7, "ie": 7, "lt": 7, "sk": 7,
        "fi": 7, "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3}  # fmt: skip
QMV_SHARE = {"EU15": 62 / 87, "TRANSITIONAL": 88 / 124, "NICE": 232 / 321}
ENLARGEMENT = dt.date(2004, 5, 1)
NICE_START = dt.date(2004, 11, 1)


def regime(day: dt.date) -> str:
    """Which Council weights were in force on ``day``: EU15, TRANSITIONAL or NICE."""
    if day < ENLARGEMENT:
        return "EU15"
    return "TRANSITIONAL" if day < NICE_START else "NICE"


def council_weights(data: DeuData) -> FloatArray:
    """Votes of each actor on each issue (N, A).

    Council weights in force at introduction; the EP and the Commission by procedure (see the
    module docstring).
    """
    tables = {"EU15": EU15, "TRANSITIONAL": TRANSITIONAL, "NICE": NICE}
    out = np.zeros((data.n, len(ACTORS)))
    for i, (day, proc) in enumerate(zip(data.introduced, data.procedure, strict=True)):
        table = tables[regime(day)]
        votes = np.array([table.get(a, 0) for a in ACTORS], dtype=float)
        total = votes.sum()
        average = total / len(table)
        votes[ACTORS.index("ep")] = total if proc == "COD" else average
        votes[ACTORS.index("com")] = average
        out[i] = votes
    return out


def registry_forecast(data: DeuData, name: str, votes: FloatArray | None = None) -> FloatArray:
    """A registry model's forecast of every issue (N,), on 0-100.

    ``votes`` (N, A) weigh the actors: for the compromise and the median, whose forecasts
    depend on capability x salience only, they are folded into the saliences issue by issue
    (capabilities cannot differ between issues of one batch). A model that links issues
    (``separable`` False) is run on each proposal's issues together.
    """
    model = get_model(name)
    params, variant = model.info.resolve({}, None)
    rng = np.random.default_rng(0)
    if model.info.separable:
        sol = model.solve(data.inputs(weights=votes), params, variant, rng)
        return 100.0 * sol.forecast[0]
    out = np.empty(data.n)
    proposal, ids = data.proposals()
    for p in range(len(ids)):
        rows = np.flatnonzero(proposal == p)
        part = data.subset(rows)
        sol = model.solve(part.inputs(), params, variant, rng)
        out[rows] = 100.0 * sol.forecast[0]
    return out


def _actor(data: DeuData, name: str, fallback: FloatArray) -> FloatArray:
    k = ACTORS.index(name)
    return np.where(data.present[:, k], data.position[:, k], fallback)


def _procedural(data: DeuData, votes: FloatArray, fallback: FloatArray) -> FloatArray:
    """The procedural model's forecast of every issue (N,).

    The Commission proposes the point nearest its ideal that the Council (a qualified majority
    of the votes present, or unanimity) and, under co-decision, the Parliament prefer to the
    reference point; without a reference point, ``fallback``.
    """
    out = fallback.copy()
    states = np.array([a not in ("com", "ep") for a in ACTORS])
    com, ep = ACTORS.index("com"), ACTORS.index("ep")
    for i in range(data.n):
        q = data.reference[i]
        if np.isnan(q):
            continue
        lo, hi = 0.0, 100.0
        voters = states & data.present[i]
        if voters.any():
            w = votes[i, voters]
            share = 1.0 if data.voting[i] == "UNA" else QMV_SHARE[regime(data.introduced[i])]
            # seats in hundredths of a vote keep the quota exact enough
            seats = np.round(w * 100).astype(np.int64)
            council = BodyArrays("Council", "legislature", (), seats,
                                 data.position[i, voters][:, None] / 100.0,
                                 np.ones((int(voters.sum()), 1)),
                                 int(np.ceil(share * seats.sum() - 1e-9)))  # fmt: skip
            interval = body_interval(council, q / 100.0)
            if interval is None:
                out[i] = q
                continue
            lo, hi = max(lo, 100 * interval[0]), min(hi, 100 * interval[1])
        if data.procedure[i] == "COD" and data.present[i, ep]:
            x = data.position[i, ep]
            lo, hi = max(lo, min(q, 2 * x - q)), min(hi, max(q, 2 * x - q))
        if lo > hi:
            out[i] = q
            continue
        ideal = data.position[i, com] if data.present[i, com] else fallback[i]
        out[i] = min(max(ideal, lo), hi)
    return out


BASELINES: dict[str, str] = {
    "compromise-votes": "capability (Council votes; EP and Commission by procedure) x salience "
    "weighted mean",
    "median-votes": "votes x salience weighted median",
    "procedural": "the Commission's nearest point that a qualified majority (or unanimity) of the "
    "Council and, under co-decision, the Parliament prefer to the reference point",
    "commission": "the Commission's position",
    "reference": "the reference point (no change)",
}
FITTED: dict[str, str] = {
    "shrink-reference": "the compromise moved a fitted share toward the reference point",
    "shrink-commission": "the compromise moved a fitted share toward the Commission",
    "blend": "least-absolute-deviation blend of compromise, median, procedural, Commission and "
    "reference point (weights fitted, summing to one)",
}


def describe(name: str) -> str:
    """What a scored model is, in a few words."""
    if name in BASELINES:
        return BASELINES[name]
    if name in FITTED:
        return FITTED[name]
    info = get_model(name).info
    return f"{info.title} (registry), equal capabilities"


def fixed_forecasts(
    data: DeuData,
    progress: Callable[[str], None] | None = None,
    models: tuple[str, ...] = (),
) -> dict[str, FloatArray]:
    """Every fixed forecast for every issue (N,): the registry's models, then the baselines.

    ``models`` limits the registry's models scored (default: all; the compromise is always
    scored, since the baselines fall back on it).
    """
    votes = council_weights(data)
    out: dict[str, FloatArray] = {}
    chosen = models or model_names()
    for name in dict.fromkeys(("compromise", *chosen)):
        if progress is not None:
            progress(name)
        out[name] = registry_forecast(data, name)
    comp = out["compromise"]
    out["compromise-votes"] = registry_forecast(data, "compromise", votes)
    out["median-votes"] = registry_forecast(data, "median", votes)
    out["procedural"] = _procedural(data, votes, comp)
    out["commission"] = _actor(data, "com", comp)
    out["reference"] = np.where(np.isnan(data.reference), comp, data.reference)
    return out


def _lad_simplex(features: FloatArray, y: FloatArray, iterations: int = 300) -> FloatArray:
    """Weights on the simplex minimising mean |features @ w - y| (exponentiated subgradient)."""
    k = features.shape[1]
    w = np.full(k, 1.0 / k)
    best, best_loss = w, np.inf
    step = 0.5
    for t in range(iterations):
        r = features @ w - y
        loss = float(np.mean(np.abs(r)))
        if loss < best_loss:
            best, best_loss = w, loss
        grad = features.T @ np.sign(r) / len(y)
        w = w * np.exp(-step / np.sqrt(t + 1) * grad / (np.abs(grad).max() + 1e-12))
        w = w / w.sum()
    return best


BLEND = ("compromise", "median", "procedural", "commission", "reference")


def fit(name: str, base: dict[str, FloatArray], y: FloatArray) -> FloatArray:
    """Parameters of a fitted model from training forecasts ``base`` and outcomes ``y``."""
    if name in ("shrink-reference", "shrink-commission"):
        toward = base["reference" if name == "shrink-reference" else "commission"]
        grid = np.linspace(0.0, 1.0, 101)
        pred = base["compromise"][None, :] + grid[:, None] * (toward - base["compromise"])[None, :]
        return np.array([grid[np.argmin(np.abs(pred - y[None, :]).mean(axis=1))]])
    if name == "blend":
        return _lad_simplex(np.stack([base[b] for b in BLEND], axis=1), y)
    raise KeyError(name)


def predict(name: str, params: FloatArray, base: dict[str, FloatArray]) -> FloatArray:
    """A fitted model's forecasts from its parameters and the fixed forecasts ``base``."""
    if name in ("shrink-reference", "shrink-commission"):
        toward = base["reference" if name == "shrink-reference" else "commission"]
        return base["compromise"] + params[0] * (toward - base["compromise"])
    if name == "blend":
        return np.stack([base[b] for b in BLEND], axis=1) @ params
    raise KeyError(name)
