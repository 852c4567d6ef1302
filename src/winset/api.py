"""The public entry points a notebook or the CLI calls: run a model on a scenario."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from winset._version import __version__
from winset.errors import InputError, Problem
from winset.models.base import Inputs, Model, RoundArrays, Solution
from winset.models.registry import get_model
from winset.numbers import clean_units
from winset.results import IssueRound, Provenance, Round, RunResult
from winset.scenario.arrays import ScenarioArrays, input_hash, to_arrays
from winset.scenario.load import load_scenario
from winset.scenario.schema import Scenario

if TYPE_CHECKING:
    from winset.store import RunStore

__all__ = ["prepare", "provenance_for", "result_from_solution", "run", "run_stored"]


def prepare(
    scenario: Scenario | str,
    model: str | Model = "compromise",
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    rounds: int | None = None,
) -> tuple[Scenario, Model, dict[str, Any], str]:
    """Load the scenario and model and resolve the parameters (every check, no work)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    model_obj = get_model(model) if isinstance(model, str) else model
    params = dict(params or {})
    if rounds is not None:
        if not any(p.name == "rounds" for p in model_obj.info.parameters):
            raise InputError(
                Problem(
                    "",
                    "--rounds",
                    f"model {model_obj.info.name!r} is not iterative; it takes no rounds",
                )
            )
        params["rounds"] = rounds
    resolved, variant_name = model_obj.info.resolve(params, variant)
    return scenario, model_obj, resolved, variant_name


def _issue_round(
    arrays: ScenarioArrays, ra: RoundArrays, k: int, pos_units: np.ndarray
) -> IssueRound:
    lo, hi = arrays.scale_low[k], arrays.scale_high[k]
    span = hi - lo
    positions = {
        actor: clean_units(pos_units[i, k], span)
        for i, actor in enumerate(arrays.actors)
        if arrays.present[i, k]
    }
    return IssueRound(
        median=clean_units(lo + span * ra.median[0, k], span),
        mean=clean_units(lo + span * ra.mean[0, k], span),
        positions=positions,
    )


def provenance_for(
    scenario: Scenario, model: Model, params: Mapping[str, Any], variant: str, seed: int | None
) -> Provenance:
    """The provenance record of running ``model`` on ``scenario`` with these settings."""
    return Provenance(
        package_version=__version__,
        model=model.info.name,
        variant=variant,
        parameters=dict(params),
        seed=seed if not model.info.deterministic else None,
        input_hash=input_hash(scenario),
        scenario=scenario.name,
    )


def result_from_solution(
    scenario: Scenario,
    arrays: ScenarioArrays,
    model: Model,
    params: dict[str, Any],
    variant: str,
    seed: int | None,
    solution: Solution,
) -> RunResult:
    """Turn draw 0 of a model's :class:`Solution` into a :class:`RunResult` in units."""
    forecast = arrays.to_units(solution.forecast[0])
    rounds = []
    for k_round, ra in enumerate(solution.rounds):
        pos_units = arrays.to_units(ra.position[0])
        rounds.append(
            Round(
                round=k_round,
                issues={
                    name: _issue_round(arrays, ra, k, pos_units)
                    for k, name in enumerate(arrays.issues)
                },
                extras={**dict(ra.extras), **model.round_details(ra, arrays)},
            )
        )
    return RunResult(
        scenario=scenario.name,
        issues=arrays.issues,
        units={issue.name: issue.unit or "" for issue in scenario.issues},
        actors=arrays.actors,
        forecast={
            name: clean_units(forecast[k], arrays.scale_high[k] - arrays.scale_low[k])
            for k, name in enumerate(arrays.issues)
        },
        provenance=provenance_for(scenario, model, params, variant, seed),
        rounds=tuple(rounds),
        extras=dict(solution.extras),
    )


def run(
    scenario: Scenario | str,
    model: str | Model = "compromise",
    *,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    seed: int | None = None,
) -> RunResult:
    """Run one model on one scenario and return its forecast in the issues' units.

    ``scenario`` is a :class:`Scenario`, a bundled name or a file path; ``model`` a registry
    name. ``seed`` feeds ``np.random.default_rng`` for models that draw random numbers.
    """
    scenario, model_obj, resolved, variant_name = prepare(scenario, model, params, variant, rounds)
    arrays = to_arrays(scenario)
    rng = np.random.default_rng(seed)
    solution = model_obj.solve(Inputs.from_arrays(arrays), resolved, variant_name, rng)
    return result_from_solution(scenario, arrays, model_obj, resolved, variant_name, seed, solution)


def run_stored(
    scenario: Scenario | str,
    model: str | Model = "compromise",
    *,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    seed: int | None = None,
    store: RunStore | None = None,
) -> tuple[RunResult, bool]:
    """Like :func:`run`, but reuse and save results in a run store.

    Returns the result and whether it came from the store. A deterministic model's result does
    not depend on the seed, so its key leaves the seed out.
    """
    scenario, model_obj, resolved, variant_name = prepare(scenario, model, params, variant, rounds)
    if store is None:
        return run(scenario, model_obj, params=resolved, variant=variant_name, seed=seed), False
    from winset.store import run_key

    key = run_key(provenance_for(scenario, model_obj, resolved, variant_name, seed))
    stored = store.get(key)
    if stored is not None:
        return RunResult.from_dict(stored.result), True
    result = run(scenario, model_obj, params=resolved, variant=variant_name, seed=seed)
    store.put(key, "run", result.provenance, result.to_dict())
    return result, False
