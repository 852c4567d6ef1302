"""The services layer: the use cases the command line, the report and the web workbench call.

Each service takes a :class:`Study` (a scenario, a Level-I model and its settings, and any
counterfactual levers) and a settings dataclass, and returns a :class:`Done`: the result (with
its provenance) and whether it came from the run store. With a store, every result is looked up
by its key first and saved when it is computed; long computations checkpoint their chunks there,
so an interrupted run resumes.

>>> from winset.study import Study, forecast
>>> done = forecast(Study("eu-emissions-1994", "median"))
>>> done.result.forecast, done.cached
({'lag': 7.0}, False)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from winset.draws.engine import DrawSettings
from winset.errors import InputError, Problem
from winset.models.base import Model
from winset.models.runner import Prepared, prepare, run_prepared
from winset.results import Provenance, Result, RunResult
from winset.scenario.levers import Levers, apply_levers
from winset.scenario.load import load_scenario
from winset.scenario.schema import Scenario
from winset.seeds import check_seed, resolve_seed
from winset.store import RunStore, StoredRun

# The engines are imported by the services that use them, so a command loads only its own.
if TYPE_CHECKING:
    import pandas as pd

    from winset.analysis.sensitivity import SensitivityResult, SensitivitySettings
    from winset.backtest.evaluate import BacktestResult, BacktestSettings
    from winset.twolevel.analyse import TwoLevelResult, TwoLevelSettings
    from winset.twolevel.draws import TwoLevelDraws
    from winset.twolevel.search import Strategy

__all__ = [
    "RESULT_TYPES",
    "Comparison",
    "Done",
    "ReportData",
    "Study",
    "backtest",
    "draws",
    "forecast",
    "load_result",
    "report_data",
    "result_type",
    "search",
    "sensitivity",
    "twolevel",
    "twolevel_draws",
    "whatif",
]

R = TypeVar("R", bound=Result)
Progress = Callable[[int, int], None]
Notice = Callable[[str], None]


@dataclass(frozen=True)
class Done(Generic[R]):
    """A service's answer: the result, and whether it came from the run store."""

    result: R
    cached: bool = False


@dataclass(frozen=True)
class Study:
    """What to study: a scenario, the Level-I model with its settings, and counterfactual levers.

    ``scenario`` is a :class:`Scenario`, a bundled name or a file path; ``model`` a registry
    name or a model object (registered or not).
    """

    scenario: Scenario | str
    model: str | Model = "compromise"
    variant: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    rounds: int | None = None
    levers: Levers = field(default_factory=Levers)

    def prepared(self, counterfactual: bool = True) -> Prepared:
        """The scenario, the model and its resolved parameters: every check, no work.

        The levers are applied unless ``counterfactual`` is False.
        """
        scenario = self.scenario
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if counterfactual and self.levers:
            scenario = apply_levers(scenario, self.levers)
        return prepare(scenario, self.model, self.params, self.variant, self.rounds)

    def baseline(self) -> Study:
        """The same study without levers."""
        return replace(self, levers=Levers())


def _cached(
    store: RunStore | None, provenance: Provenance, kind: type[R], compute: Callable[[], R]
) -> Done[R]:
    """The stored result with this provenance, else compute it and save it."""
    if store is not None:
        stored = store.get(provenance.key())
        if stored is not None:
            return Done(kind.from_dict(stored.result), True)  # type: ignore[arg-type]
    result = compute()
    if store is not None:
        store.put(result)
    return Done(result, False)


def forecast(
    study: Study, *, seed: int | None = None, store: RunStore | None = None
) -> Done[RunResult]:
    """One model's forecast (``seed`` is used only by stochastic models; drawn if not given)."""
    prepared = study.prepared()
    seed = resolve_seed(seed) if prepared.random else check_seed(seed)
    return _cached(
        store, prepared.provenance(seed), RunResult, lambda: run_prepared(prepared, seed)
    )


def draws(
    study: Study,
    settings: DrawSettings,
    *,
    store: RunStore | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> Done[RunResult]:
    """Monte Carlo draws of every uncertain input through one model."""
    from winset.analysis.montecarlo import draws_provenance, forecast_draws

    prepared = study.prepared()
    checked = settings.checked()
    return _cached(
        store,
        draws_provenance(prepared, checked),
        RunResult,
        lambda: forecast_draws(
            prepared, checked, checkpoints=store, progress=progress, notice=notice
        ),
    )


def sensitivity(
    study: Study,
    settings: SensitivitySettings,
    *,
    store: RunStore | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> Done[SensitivityResult]:
    """One-at-a-time drivers and Sobol indices of every issue's forecast."""
    from winset.analysis.sensitivity import SensitivityResult, sensitivity_provenance
    from winset.analysis.sensitivity import sensitivity as run_sensitivity

    prepared = study.prepared()
    checked, provenance = sensitivity_provenance(prepared, settings)
    return _cached(
        store,
        provenance,
        SensitivityResult,
        lambda: run_sensitivity(
            prepared,
            checked,
            checkpoints=store,
            progress=progress,
            notice=notice,
            provenance=provenance,
        ),
    )


def twolevel(
    study: Study,
    settings: TwoLevelSettings | None = None,
    *,
    seed: int | None = None,
    store: RunStore | None = None,
) -> Done[TwoLevelResult]:
    """Every ratification path, the agreement each can carry, and the outcome.

    ``seed`` is used only by a stochastic Level-I model (drawn if not given).
    """
    from winset.twolevel.analyse import (
        TwoLevelResult,
        TwoLevelSettings,
        analyse,
        twolevel_provenance,
    )

    prepared = study.prepared()
    checked = (settings or TwoLevelSettings()).checked()
    seed = resolve_seed(seed) if prepared.random else check_seed(seed)
    return _cached(
        store,
        twolevel_provenance(prepared, checked, seed),
        TwoLevelResult,
        lambda: analyse(prepared, solution=checked.solution, noise=checked.noise, seed=seed),
    )


def twolevel_draws(
    study: Study,
    settings: TwoLevelSettings,
    draw_settings: DrawSettings,
    *,
    store: RunStore | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> Done[TwoLevelDraws]:
    """The probability of agreement per path over draws of the uncertain inputs."""
    from winset.twolevel.draws import (
        MAX_TWOLEVEL_DRAWS,
        TwoLevelDraws,
        twolevel_draws_provenance,
    )
    from winset.twolevel.draws import twolevel_draws as run_twolevel_draws

    prepared = study.prepared()
    checked = settings.checked()
    drawn = draw_settings.checked(max_draws=MAX_TWOLEVEL_DRAWS)
    return _cached(
        store,
        twolevel_draws_provenance(prepared, checked, drawn),
        TwoLevelDraws,
        lambda: run_twolevel_draws(
            prepared, checked, drawn, checkpoints=store, progress=progress, notice=notice
        ),
    )


def search(
    study: Study, path: str, lever: str = "position", *, store: RunStore | None = None
) -> Done[Strategy]:
    """Find what it would have taken for ``path`` to ratify an agreement."""
    from winset.twolevel.search import Strategy, search_provenance
    from winset.twolevel.search import search as run_search

    scenario = study.prepared().scenario
    return _cached(
        store,
        search_provenance(scenario, path, lever),
        Strategy,
        lambda: run_search(scenario, path, lever=lever),
    )


def backtest(
    eval_file: str | Path,
    fit_file: str | Path | None = None,
    settings: BacktestSettings | None = None,
    *,
    store: RunStore | None = None,
    progress: Callable[[str], None] | None = None,
) -> Done[BacktestResult]:
    """Every model's errors on the recorded outcomes of a DEU-format table."""
    from winset.backtest.deu import read_deu
    from winset.backtest.evaluate import BacktestResult, BacktestSettings, backtest_provenance
    from winset.backtest.evaluate import backtest as run_backtest

    data = read_deu(eval_file)
    train = read_deu(fit_file) if fit_file is not None else None
    checked = (settings or BacktestSettings()).checked(train is not None)
    return _cached(
        store,
        backtest_provenance(data, train, checked),
        BacktestResult,
        lambda: run_backtest(data, train, checked, progress),
    )


# ----------------------------------------------------------------------------- what-ifs


def _differences(base: Result, other: Result) -> dict[str, Any]:
    """What the levers changed, in the issues' units (counterfactual minus baseline)."""
    if base.kind == other.kind == "twolevel":
        b, o = cast(Any, base), cast(Any, other)
        return {
            "agreement": [b.agreement, o.agreement],
            "path": [b.path, o.path],
            "outcome": {k: o.outcome[k] - b.outcome[k] for k in b.outcome},
            "p_ratify": o.p_ratify - b.p_ratify,
        }
    if isinstance(base, RunResult) and isinstance(other, RunResult):
        out: dict[str, Any] = {
            "forecast": {k: other.forecast[k] - base.forecast[k] for k in base.forecast}
        }
        if base.distribution and other.distribution:
            out["mean"] = {
                k: other.distribution[k].mean - base.distribution[k].mean for k in base.distribution
            }
        return out
    raise TypeError(f"no comparison of {type(base).__name__} with {type(other).__name__}")


@dataclass(frozen=True)
class Comparison(Result):
    """A baseline and a counterfactual of the same kind, side by side, and their differences."""

    kind: ClassVar[str] = "whatif"

    provenance: Provenance
    baseline: Result
    counterfactual: Result
    title: str

    @property
    def differences(self) -> dict[str, Any]:
        """Counterfactual minus baseline."""
        return _differences(self.baseline, self.counterfactual)

    def to_dict(self) -> dict[str, Any]:
        """The counterfactual's document with ``baseline`` and ``differences`` beside it."""
        out = dict(self.counterfactual.to_dict())
        out["baseline"] = self.baseline.to_dict()
        out["differences"] = self.differences
        out["what_if"] = self.title
        out["counterfactual_provenance"] = out["provenance"]
        out["provenance"] = self.provenance.to_dict()
        out["run_id"] = self.run_id
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comparison:
        """Rebuild from :meth:`to_dict` output."""
        provenance = Provenance.from_dict(data["provenance"], cls.kind)
        kind = result_type(provenance.settings["of"])
        extra = ("baseline", "differences", "what_if", "counterfactual_provenance")
        other = {k: v for k, v in data.items() if k not in extra}
        other["provenance"] = data["counterfactual_provenance"]
        return cls(
            provenance=provenance,
            baseline=kind.from_dict(data["baseline"]),
            counterfactual=kind.from_dict(other),
            title=str(data.get("what_if", "")),
        )

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The side-by-side comparison, then each result's own tables."""
        import pandas as pd

        out: dict[str, pd.DataFrame] = {}
        base, other = self.baseline, self.counterfactual
        if isinstance(base, RunResult) and isinstance(other, RunResult):
            out["comparison"] = pd.DataFrame(
                [
                    {
                        "issue": issue,
                        "baseline": value,
                        "what-if": other.forecast[issue],
                        "difference": other.forecast[issue] - value,
                        "unit": base.units.get(issue, ""),
                    }
                    for issue, value in base.forecast.items()
                ]
            )
        else:
            out["comparison"] = self.to_frame()
        for case, result in (("baseline", base), ("what-if", other)):
            for name, table in result.sheets().items():
                out[f"{case} {name}"] = table
        return out

    def to_frame(self) -> pd.DataFrame:
        """The two results' tables stacked, with a ``case`` column (baseline, what-if)."""
        import pandas as pd

        parts = []
        for case, result in (("baseline", self.baseline), ("what-if", self.counterfactual)):
            part = result.to_frame()
            part.insert(0, "case", case)
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        out.attrs["provenance"] = self.provenance.to_dict()
        return out


def whatif(
    study: Study,
    compute: Callable[[Study], Done[R]],
    *,
    store: RunStore | None = None,
) -> Done[Comparison]:
    """The baseline and the counterfactual of ``study`` (its levers), side by side.

    ``compute`` is a service with its settings bound, e.g. ``lambda s: forecast(s, store=s)``.
    """
    if not study.levers:
        raise InputError(Problem("", "set", "a what-if needs at least one lever"))
    base = compute(study.baseline())
    other = compute(study)
    prov = replace(
        base.result.provenance,
        kind=Comparison.kind,
        scenario=other.result.provenance.scenario,
        settings={
            **base.result.provenance.settings,
            "of": base.result.provenance.kind,
            "levers": study.levers.describe(),
            "counterfactual_input_hash": other.result.provenance.input_hash,
        },
    )
    comparison = Comparison(prov, base.result, other.result, study.levers.title())
    if store is not None and store.get(prov.key()) is None:
        store.put(comparison)
    return Done(comparison, base.cached and other.cached)


# ----------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportData:
    """Everything the HTML report renders, computed by the services.

    The report computes nothing of its own. With levers (a what-if), ``scenario`` and the
    results are the counterfactual's, ``baseline_scenario`` is the scenario without the levers
    and ``whatif`` holds the baseline and the counterfactual side by side: every model's
    forecast, then the first model's draws and the two-level analysis when there are any.

    Attributes
    ----------
    scenario
        The scenario the results are of (the counterfactual in a what-if).
    runs
        Every model's forecast, the first model first.
    sensitivity
        The first model's drivers, with Sobol indices when they were asked for.
    draws
        Monte Carlo draws of the first model, or of every model (only when the scenario has
        ranges).
    twolevel, twolevel_draws, searches
        The ratification analysis, P(agreement) per path over draws, and what it would have
        taken for each open path that cannot ratify (scenarios with a ratification section).
    seed
        The seed every random computation used.
    whatif, baseline_scenario, levers
        The what-if comparisons, the scenario without the levers, and the levers in words.
    """

    scenario: Scenario
    runs: tuple[RunResult, ...]
    sensitivity: SensitivityResult | None = None
    draws: tuple[RunResult, ...] = ()
    twolevel: TwoLevelResult | None = None
    searches: tuple[Strategy, ...] = ()
    seed: int | None = None
    twolevel_draws: TwoLevelDraws | None = None
    whatif: tuple[Comparison, ...] = ()
    baseline_scenario: Scenario | None = None
    levers: str = ""


REPORT_DRAWS = 1000
REPORT_TWOLEVEL_DRAWS = 256
REPORT_SOBOL_SAMPLES = 256


def report_data(
    study: Study,
    models: Sequence[str | Model] | None = None,
    *,
    seed: int | None = None,
    store: RunStore | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    sobol: bool = False,
    all_draws: bool = False,
) -> ReportData:
    """Compute what the report shows.

    Every model's forecast, the first model's drivers (and Sobol indices), draws when the
    scenario has ranges, the two-level analysis with its draws and searches; with levers, the
    baseline beside the counterfactual.

    Parameters
    ----------
    study
        The scenario, and any levers (a what-if); its model settings are not used: every model
        in ``models`` runs with its defaults.
    models
        Models to include (default: every registered model); the first one forecasts Level I
        and is the one whose drivers are shown.
    seed
        The seed of every random computation (drawn if not given).
    store
        The run store: results found there are not computed again.
    progress
        ``progress(step, done, total)`` is called before each step.
    sobol
        Also estimate Sobol indices of the uncertain inputs (needs SALib, the ``sensitivity``
        extra; only for scenarios with uncertainty ranges).
    all_draws
        Draw every model, not only the first (the one the bottom line quotes): slower, as some
        models take milliseconds per draw.
    """
    from winset.analysis.sensitivity import SensitivitySettings
    from winset.models.registry import model_names
    from winset.scenario.arrays import to_arrays
    from winset.seeds import resolve_seed
    from winset.twolevel.analyse import TwoLevelSettings
    from winset.twolevel.problem import build
    from winset.twolevel.search import pair_for

    # the scenario is read once; every service below works on the object
    base = study.scenario if isinstance(study.scenario, Scenario) else load_scenario(study.scenario)
    study = replace(study, scenario=base)
    scenario = study.prepared().scenario
    chosen = list(models) if models else list(model_names())
    studies = [replace(study, model=m, variant=None, params={}, rounds=None) for m in chosen]
    for s in studies:
        s.prepared(counterfactual=False)  # every name checked before any work
    ranged = to_arrays(scenario).has_ranges
    seed = resolve_seed(seed)
    compare = bool(study.levers)
    two = scenario.ratification is not None
    drawn_studies = (studies if all_draws else studies[:1]) if ranged else []
    steps = len(studies) + len(drawn_studies) + 1 + (2 if two else 0) + int(two and ranged)
    count = 0

    def step(label: str) -> None:
        nonlocal count
        if progress is not None:
            progress(label, count, steps)
        count += 1

    comparisons: list[Comparison] = []

    def both(s: Study, compute: Callable[[Study], Done[R]]) -> R:
        """The counterfactual's result; with levers, the comparison is kept too."""
        if not compare:
            return compute(s).result
        done = whatif(s, compute, store=store)
        comparisons.append(done.result)
        return done.result.counterfactual  # type: ignore[return-value]

    runs: list[RunResult] = []
    for s in studies:
        name = s.prepared(counterfactual=False).model.info.name
        step(f"forecast: {name}")
        runs.append(both(s, lambda x: forecast(x, seed=seed, store=store)))
    step("what moves the forecast")
    sens_settings = SensitivitySettings(
        sobol=sobol and ranged, samples=REPORT_SOBOL_SAMPLES, seed=seed
    )
    sens = sensitivity(studies[0], sens_settings, store=store).result
    drawn: list[RunResult] = []
    if drawn_studies:
        settings = DrawSettings(REPORT_DRAWS, seed=seed)
        for k, s in enumerate(drawn_studies):
            name = s.prepared(counterfactual=False).model.info.name
            step(f"draws: {name}")
            if k == 0:
                drawn.append(both(s, lambda x: draws(x, settings, store=store)))
            else:
                drawn.append(draws(s, settings, store=store).result)
    level2 = None
    level2_draws = None
    searches: list[Strategy] = []
    if two:
        step("ratification")
        level2 = both(studies[0], lambda x: twolevel(x, seed=seed, store=store))
        if ranged:
            step("ratification over draws")
            tl_settings = DrawSettings(REPORT_TWOLEVEL_DRAWS, seed=seed)
            level2_draws = twolevel_draws(
                studies[0], TwoLevelSettings(), tl_settings, store=store
            ).result
        step("what it would have taken")
        problem = build(scenario)
        for p in level2.paths:
            if not (p.open and not p.ratifiable):
                continue
            # search the path that, with the other sides' open paths, makes this combination
            for name in reversed(list(p.paths.values())):
                if tuple(x.name for x in pair_for(problem, name)) == tuple(p.paths.values()):
                    searches.append(search(studies[0], name, store=store).result)
                    break
    if progress is not None:
        progress("done", steps, steps)
    return ReportData(
        scenario=scenario,
        runs=tuple(runs),
        sensitivity=sens,
        draws=tuple(drawn),
        twolevel=level2,
        searches=tuple(searches),
        seed=seed,
        twolevel_draws=level2_draws,
        whatif=tuple(comparisons),
        baseline_scenario=base if compare else None,
        levers=study.levers.title() if compare else "",
    )


# ----------------------------------------------------------------------------- stored results


RESULT_TYPES: dict[str, str] = {
    "run": "winset.results:RunResult",
    "draws": "winset.results:RunResult",
    "montecarlo": "winset.results:RunResult",  # stores written by winset 0.1
    "twolevel": "winset.twolevel.analyse:TwoLevelResult",
    "twolevel-draws": "winset.twolevel.draws:TwoLevelDraws",
    "search": "winset.twolevel.search:Strategy",
    "sensitivity": "winset.analysis.sensitivity:SensitivityResult",
    "backtest": "winset.backtest.evaluate:BacktestResult",
    "whatif": "winset.study:Comparison",
}
"""Every kind of result, and where its class lives (imported when a result is loaded)."""


def result_type(kind: str) -> type[Result]:
    """The result class of a kind (see :data:`RESULT_TYPES`)."""
    target = RESULT_TYPES.get(kind)
    if target is None:
        raise InputError(Problem("", "ID", f"results of kind {kind!r} are not known"))
    module, _, name = target.partition(":")
    cls: type[Result] = getattr(import_module(module), name)
    return cls


def load_result(stored: StoredRun) -> Result:
    """The result object of a stored run, whatever its kind."""
    return result_type(stored.kind).from_dict(stored.result)
