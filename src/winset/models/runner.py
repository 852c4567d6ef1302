"""Running one model on one scenario: conversion, provenance, results in the issues' units.

This is the one place a model's normalised :class:`~winset.models.base.Solution` becomes a
:class:`~winset.results.RunResult`; :func:`run` is what ``winset.run`` calls, and
:func:`run_prepared` what every engine that has prepared its model calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from winset.errors import InputError, Problem
from winset.limits import check_memory_need
from winset.models.base import Inputs, Model, RoundArrays, Solution
from winset.models.registry import get_model
from winset.numbers import clean_units
from winset.results import IssueRound, Provenance, Round, RunResult
from winset.scenario.arrays import ScenarioArrays, input_hash, to_arrays
from winset.scenario.load import load_scenario
from winset.scenario.schema import Scenario
from winset.seeds import check_seed

__all__ = ["Prepared", "check_memory", "prepare", "result_from_solution", "run", "run_prepared"]


class Prepared:
    """A scenario, a model and its resolved parameters and variant: every check done, no work."""

    __slots__ = ("model", "params", "scenario", "variant")

    def __init__(
        self, scenario: Scenario, model: Model, params: dict[str, Any], variant: str
    ) -> None:
        self.scenario, self.model, self.params, self.variant = scenario, model, params, variant

    @property
    def random(self) -> bool:
        """Whether the model draws random numbers with these settings."""
        return self.model.uses_random(self.params, self.variant)

    def provenance(
        self, seed: int | None, kind: str = "run", *, keep_seed: bool = False, **settings: Any
    ) -> Provenance:
        """The provenance of this model on this scenario.

        The seed is kept only if the model uses one, or with ``keep_seed`` (draws of the inputs
        use it whatever the model).
        """
        return Provenance(
            kind=kind,
            scenario=self.scenario.name,
            input_hash=input_hash(self.scenario),
            model=self.model.info.name,
            variant=self.variant,
            parameters=dict(self.params),
            seed=seed if keep_seed or self.random else None,
            settings=settings,
        )


def prepare(
    scenario: Scenario | str,
    model: str | Model = "compromise",
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    rounds: int | None = None,
) -> Prepared:
    """Load the scenario and model and resolve the parameters (every check, no work).

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a bundled name or a file path.
    model
        A registry name or a model object.
    params
        Parameter values by name (strings are converted by the model's metadata).
    variant
        The model's variant (None: its default).
    rounds
        Shorthand for the ``rounds`` parameter of an iterative model.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    model_obj = get_model(model) if isinstance(model, str) else model
    if not isinstance(model_obj, Model):
        raise InputError(Problem("", "model", f"{model!r} is not a model"))
    params = dict(params or {})
    if rounds is not None:
        if not any(p.name == "rounds" for p in model_obj.info.parameters):
            raise InputError(
                Problem(
                    "", "rounds", f"model {model_obj.info.name!r} is not iterative; it takes none"
                )
            )
        params["rounds"] = rounds
    resolved, variant_name = model_obj.info.resolve(params, variant)
    return Prepared(scenario, model_obj, resolved, variant_name)


def _issue_round(arrays: ScenarioArrays, ra: RoundArrays, k: int, units: np.ndarray) -> IssueRound:
    span = arrays.span(k)
    return IssueRound(
        median=arrays.value_in_units(k, float(ra.median[0, k])),
        mean=arrays.value_in_units(k, float(ra.mean[0, k])),
        positions={
            actor: clean_units(float(units[i, k]), span)
            for i, actor in enumerate(arrays.actors)
            if arrays.present[i, k]
        },
    )


def result_from_solution(
    prepared: Prepared, arrays: ScenarioArrays, seed: int | None, solution: Solution
) -> RunResult:
    """Turn draw 0 of a model's :class:`Solution` into a :class:`RunResult` in units."""
    rounds = []
    for k_round, ra in enumerate(solution.rounds):
        units = arrays.to_units(ra.position[0])
        rounds.append(
            Round(
                round=k_round,
                issues={
                    name: _issue_round(arrays, ra, k, units) for k, name in enumerate(arrays.issues)
                },
                extras={**dict(ra.extras), **prepared.model.round_details(ra, arrays)},
            )
        )
    scenario = prepared.scenario
    return RunResult(
        scenario=scenario.name,
        issues=arrays.issues,
        units={issue.name: issue.unit or "" for issue in scenario.issues},
        actors=arrays.actors,
        forecast={
            name: arrays.value_in_units(k, float(solution.forecast[0, k]))
            for k, name in enumerate(arrays.issues)
        },
        provenance=prepared.provenance(seed),
        rounds=tuple(rounds),
        extras=dict(solution.extras),
    )


def check_memory(model: Model, batch: int, actors: int, issues: int) -> None:
    """InputError, before any work, when a solve would need more memory than the limit."""
    check_memory_need(
        model.memory(batch, actors, issues),
        "",
        f"this {model.info.name} run of {actors:,} actors x {issues:,} issue(s) needs",
        "use fewer actors",
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

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a bundled name or a file path.
    model
        A registry name or a model object (registered or not).
    params, variant, rounds
        The model's settings (see ``winset models``).
    seed
        Feeds ``np.random.default_rng`` for models that draw random numbers; recorded in the
        provenance only for such models.

    Examples
    --------
    >>> round(run("eu-emissions-1994", "compromise").forecast["lag"], 5)
    7.38996
    """
    return run_prepared(prepare(scenario, model, params, variant, rounds), seed)


def run_prepared(
    prepared: Prepared, seed: int | None = None, arrays: ScenarioArrays | None = None
) -> RunResult:
    """Run a prepared model on its scenario: :func:`run` without preparing again.

    Parameters
    ----------
    prepared
        The scenario, the model and its resolved settings (:func:`prepare`).
    seed
        As for :func:`run`.
    arrays
        The scenario's arrays when the caller has them (else converted here).
    """
    seed = check_seed(seed)
    arrays = to_arrays(prepared.scenario) if arrays is None else arrays
    check_memory(prepared.model, 1, arrays.n_actors, arrays.n_issues)
    rng = np.random.default_rng(seed)
    solution = prepared.model.solve(
        Inputs.from_arrays(arrays), prepared.params, prepared.variant, rng
    )
    return result_from_solution(prepared, arrays, seed, solution)
