"""Hypothesis strategies for scenarios and model inputs (the one place they live)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from winset.models.base import Inputs
from winset.scenario.load import build_scenario
from winset.scenario.schema import Scenario

__all__ = ["inputs", "scenarios"]

_unit = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw: st.DrawFn, max_actors: int = 8, max_issues: int = 3) -> Scenario:
    """Valid scenarios: every actor present on every issue, positive total weight."""
    n = draw(st.integers(1, max_actors))
    m = draw(st.integers(1, max_issues))
    issues = []
    for k in range(m):
        low = draw(st.sampled_from([0.0, -50.0, 10.0]))
        width = draw(st.sampled_from([1.0, 10.0, 100.0, 20000.0]))
        issue = {"name": f"i{k}", "scale": [low, low + width]}
        if draw(st.booleans()):
            issue["status_quo"] = low + width * draw(_unit)
        issues.append(issue)
    actors = []
    for i in range(n):
        actors.append(
            {
                "name": f"a{i}",
                "capability": draw(st.floats(0.01, 100.0)),
                "position": {
                    f"i{k}": issues[k]["scale"][0]
                    + draw(_unit) * (issues[k]["scale"][1] - issues[k]["scale"][0])
                    for k in range(m)
                },
                "salience": {f"i{k}": draw(st.floats(1.0, 100.0)) for k in range(m)},
            }
        )
    return build_scenario({"name": "generated", "issues": issues, "actors": actors}, "generated")


@st.composite
def inputs(draw: st.DrawFn, max_actors: int = 8, max_issues: int = 2, max_batch: int = 3) -> Inputs:
    """Batched model inputs on [0, 1] with some absent actors and zero saliences."""
    b = draw(st.integers(1, max_batch))
    n = draw(st.integers(1, max_actors))
    m = draw(st.integers(1, max_issues))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    grid = draw(st.booleans())  # positions on a coarse grid make ties likely
    pos = rng.integers(0, 5, (b, n, m)) / 4.0 if grid else rng.random((b, n, m))
    sal = rng.random((b, n, m)) * (rng.random((b, n, m)) > 0.1)
    cap = rng.random((b, n)) + 0.01
    present = rng.random((n, m)) > 0.15
    present[0, :] = True
    sq = rng.random((b, m))
    has_sq = rng.random(m) > 0.5
    return Inputs(
        capability=cap,
        position=pos,
        salience=sal,
        present=present,
        status_quo=sq,
        has_status_quo=has_sq,
    )
