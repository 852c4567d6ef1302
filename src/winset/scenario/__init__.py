"""Scenarios: the schema, the readers and the array form models see."""

from winset.scenario.arrays import ScenarioArrays, input_hash, to_arrays
from winset.scenario.load import bundled_names, load_scenario, scenario_from_table
from winset.scenario.schema import Actor, Estimate, Influence, Issue, Scenario

__all__ = [
    "Actor",
    "Estimate",
    "Influence",
    "Issue",
    "Scenario",
    "ScenarioArrays",
    "bundled_names",
    "input_hash",
    "load_scenario",
    "scenario_from_table",
    "to_arrays",
]
