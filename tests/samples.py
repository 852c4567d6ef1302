"""Small sample scenarios shared by several test modules."""

from __future__ import annotations

from typing import Any

# Three actors on one issue; five values carry uncertainty ranges.
RANGED: dict[str, Any] = {
    "format": "winset/1",
    "name": "ranged",
    "issues": [{"name": "lag", "scale": [0, 10]}],
    "actors": [
        {
            "name": "A",
            "capability": {"value": 10, "range": [5, 15]},
            "position": {"lag": {"value": 2, "range": [1, 4]}},
            "salience": {"lag": {"value": 80, "range": [60, 100]}},
        },
        {
            "name": "B",
            "capability": 5,
            "position": {"lag": 8},
            "salience": {"lag": {"value": 50, "range": [20, 70]}},
        },
        {
            "name": "C",
            "capability": 7,
            "position": {"lag": {"value": 5, "range": [4, 6]}},
            "salience": {"lag": 60},
        },
    ],
}


def report_html(scenario: Any, models: Any = None, seed: int | None = 0, **options: Any) -> str:
    """The HTML report of a scenario, as ``winset report`` builds it (no run store)."""
    from winset.report.html import build_report
    from winset.study import Study, report_data

    return build_report(report_data(Study(scenario), models, seed=seed), **options)
