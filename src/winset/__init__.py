"""winset: multi-party negotiation analysis.

Stakeholder bargaining models that forecast outcomes round by round, two-level ratification
(win-sets), counterfactuals, uncertainty and backtests. The public entry points::

    from winset import load_scenario, run
    result = run("eu-emissions-1994", "compromise")
    result.forecast          # {'lag': 7.38995...}
    result.to_frame()        # a tidy pandas DataFrame

The use cases with settings, the run store and what-ifs are in :mod:`winset.study`.
"""

from typing import TYPE_CHECKING, Any

from winset._version import __version__
from winset.errors import InputError, Problem

if TYPE_CHECKING:
    from winset.models.base import Model, ModelInfo, Parameter
    from winset.models.registry import get_model, model_infos, model_names, register_model
    from winset.models.runner import run
    from winset.results import Distribution, IssueRound, Provenance, Result, Round, RunResult
    from winset.scenario.arrays import ScenarioArrays, to_arrays
    from winset.scenario.load import bundled_names, load_scenario
    from winset.scenario.schema import Scenario
    from winset.store import RunStore

__all__ = [
    "Distribution",
    "InputError",
    "IssueRound",
    "Model",
    "ModelInfo",
    "Parameter",
    "Problem",
    "Provenance",
    "Result",
    "Round",
    "RunResult",
    "RunStore",
    "Scenario",
    "ScenarioArrays",
    "__version__",
    "bundled_names",
    "get_model",
    "load_scenario",
    "model_infos",
    "model_names",
    "register_model",
    "run",
    "to_arrays",
]


_LAZY = {
    "Model": "winset.models.base",
    "ModelInfo": "winset.models.base",
    "Parameter": "winset.models.base",
    "get_model": "winset.models.registry",
    "model_infos": "winset.models.registry",
    "model_names": "winset.models.registry",
    "register_model": "winset.models.registry",
    "run": "winset.models.runner",
    "Distribution": "winset.results",
    "IssueRound": "winset.results",
    "Provenance": "winset.results",
    "Result": "winset.results",
    "Round": "winset.results",
    "RunResult": "winset.results",
    "ScenarioArrays": "winset.scenario.arrays",
    "to_arrays": "winset.scenario.arrays",
    "bundled_names": "winset.scenario.load",
    "load_scenario": "winset.scenario.load",
    "Scenario": "winset.scenario.schema",
    "RunStore": "winset.store",
}


def __getattr__(name: str) -> Any:
    """The public names, imported when first used (so ``winset --help`` starts fast)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'winset' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted(set(globals()) | set(__all__))
