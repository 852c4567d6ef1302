"""Every chart and report the workbench shows, in one adapter over :mod:`winset.report`.

The pages never call chart code themselves: they call these functions, which return a *chart
spec* (Plotly's ``{"data": [...], "layout": {...}}``, drawn in the browser by ``app.js`` from the
chart's ``data-spec`` attribute, so no inline script is ever needed) or the report's HTML. Each
spec is the data and layout of the report's interactive figure from :mod:`winset.report.charts`,
so a chart looks the same in the workbench as in ``winset report --interactive``; the report
comes from :func:`winset.report.html.build_report`. Plotly is imported with the first chart, not
when the server starts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from winset.analysis.sensitivity import SensitivityResult
    from winset.results import RunResult
    from winset.scenario.schema import Scenario
    from winset.twolevel.analyse import TwoLevelResult

__all__ = [
    "histogram_chart",
    "issue_chart",
    "report_html",
    "rounds_chart",
    "sobol_chart",
    "spec_json",
    "spec_of",
    "tornado_chart",
    "winset_chart",
]

Spec = dict[str, Any]


def spec_of(figure: go.Figure) -> Spec:
    """A Plotly figure as a chart spec: its data and layout, in plain JSON types.

    The figure's text is already escaped for Plotly by :mod:`winset.report.interactive`, so
    nothing here escapes it again (``AT&T`` stays ``AT&amp;T``, which Plotly shows as ``AT&T``).
    """
    import plotly.io as pio

    full = json.loads(pio.to_json(figure, validate=False, engine="json"))
    return {"data": full.get("data", []), "layout": full.get("layout", {})}


def spec_json(spec: Spec) -> str:
    """A chart spec as JSON with no ``<``, ``>`` or ``&`` (safe in any HTML context)."""
    text = json.dumps(spec, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def issue_chart(scenario: Scenario, issue: str, forecasts: Mapping[str, float]) -> Spec:
    """Actors on the issue's scale (sized by capability x salience) with the forecasts marked.

    :func:`winset.report.charts.issue_figure`.
    """
    from winset.report.charts import issue_figure

    return spec_of(issue_figure(scenario, issue, forecasts))


def rounds_chart(result: RunResult, issue: str, scenario: Scenario | None = None) -> Spec:
    """An iterative model's rounds on one issue: every actor's position and the median.

    :func:`winset.report.charts.trajectory_figure`; with the ``scenario``, the largest
    actors on the issue (capability x salience) get the colours, as in the report.
    """
    from winset.report.charts import trajectory_figure
    from winset.report.palette import actor_weights

    weights = actor_weights(scenario, issue) if scenario is not None else None
    return spec_of(trajectory_figure(result, issue, weights))


def histogram_chart(result: RunResult, issue: str) -> Spec | None:
    """The draws' histogram on one issue with the 80% interval and the point forecast.

    :func:`winset.report.charts.distribution_figure`; None when the result has no draws
    on the issue.
    """
    from winset.report.charts import distribution_figure

    mc = result.extras.get("montecarlo") or {}
    if issue not in (mc.get("histogram") or {}) or issue not in result.distribution:
        return None
    return spec_of(distribution_figure(result, issue))


def winset_chart(scenario: Scenario, result: TwoLevelResult) -> Spec:
    """The win-sets of every path in the plane of the first two issues, and the outcome.

    :func:`winset.report.charts.twolevel_figure` (a one-issue scenario on a line).
    """
    from winset.report.charts import twolevel_figure

    return spec_of(twolevel_figure(scenario, result))


def tornado_chart(result: SensitivityResult, issue: str, top: int = 10) -> Spec:
    """The inputs that move one issue's forecast most: the forecast at each one's low and high.

    :func:`winset.report.charts.tornado_figure`.
    """
    from winset.report.charts import tornado_figure

    return spec_of(tornado_figure(result, issue, top))


def sobol_chart(result: SensitivityResult, issue: str, top: int = 10) -> Spec | None:
    """First-order and total Sobol indices of one issue's forecast (None without any).

    :func:`winset.report.charts.sobol_figure`.
    """
    from winset.report.charts import sobol_figure

    if not any(s.issue == issue for s in result.sobol):
        return None
    return spec_of(sobol_figure(result, issue, top))


def report_html(data: Any, interactive: bool = False) -> str:
    """The self-contained HTML report of :func:`winset.study.report_data`'s output."""
    from winset.report.html import build_report

    return build_report(data, interactive=interactive)
