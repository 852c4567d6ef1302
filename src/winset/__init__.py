"""winset: multi-party negotiation analysis.

Stakeholder bargaining models that forecast outcomes round by round, two-level ratification
(win-sets), counterfactuals, uncertainty and backtests. The public entry points::

    from winset import load_scenario, run
    result = run("eu-emissions-1994", "compromise")
    result.forecast          # {'lag': 7.38995...}
    result.to_frame()        # a tidy pandas DataFrame
"""

from winset._version import __version__
from winset.api import run, run_stored
from winset.errors import InputError, Problem
from winset.models.registry import get_model, model_infos, model_names
from winset.results import Distribution, IssueRound, Provenance, Round, RunResult
from winset.scenario.arrays import ScenarioArrays, to_arrays
from winset.scenario.load import bundled_names, load_scenario
from winset.scenario.schema import Scenario
from winset.store import RunStore

__all__ = [
    "Distribution",
    "InputError",
    "IssueRound",
    "Problem",
    "Provenance",
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
    "run",
    "run_stored",
    "to_arrays",
]
