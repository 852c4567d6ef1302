"""winset: multi-party negotiation analysis.

Stakeholder bargaining models that forecast outcomes round by round, two-level ratification
(win-sets), counterfactuals, uncertainty and backtests. The public entry points::

    from winset import load_scenario, run
    result = run("eu-emissions-1994", "compromise")
    result.forecast          # {'lag': 7.38995...}
    result.to_frame()        # a tidy pandas DataFrame

The use cases with settings, the run store and what-ifs are in :mod:`winset.study`.
"""

from winset._version import __version__
from winset.errors import InputError, Problem
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
