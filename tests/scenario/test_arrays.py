"""The array form of a scenario."""

from __future__ import annotations

import numpy as np

from winset.scenario.arrays import to_arrays
from winset.scenario.load import load_scenario


def test_units_round_trip() -> None:
    arrays = to_arrays(load_scenario("eu-emissions-1994"))
    x = np.array([[0.0, 0.25, 1.0]]).T  # (3 values, 1 issue)
    np.testing.assert_allclose(arrays.to_units(x), [[0.0], [2.5], [10.0]])
    np.testing.assert_allclose(arrays.from_units(arrays.to_units(x)), x)


def test_absent_actor_has_zero_salience_and_no_nan() -> None:
    from winset.scenario.load import build_scenario

    scenario = build_scenario(
        {
            "name": "t",
            "issues": [{"name": "a"}, {"name": "b", "scale": [10, 20], "status_quo": 15}],
            "actors": [
                {"name": "x", "capability": 1, "position": {"a": 30}, "salience": {"a": 50}},
                {
                    "name": "y",
                    "capability": {"value": 2, "range": [1, 3]},
                    "position": {"a": 70, "b": 12},
                    "salience": {"a": 100, "b": 40},
                },
            ],
        },
        "t",
    )
    arrays = to_arrays(scenario)
    assert arrays.present.tolist() == [[True, False], [True, True]]
    assert arrays.salience.tolist() == [[0.5, 0.0], [1.0, 0.4]]
    np.testing.assert_allclose(arrays.position, [[0.3, 0.5], [0.7, 0.2]])
    assert arrays.status_quo.tolist() == [0.0, 0.5] and arrays.has_status_quo.tolist() == [
        False,
        True,
    ]
    assert arrays.capability_low.tolist() == [1, 1] and arrays.capability_high.tolist() == [1, 3]
    assert arrays.has_ranges
    assert not np.isnan(arrays.position).any()
