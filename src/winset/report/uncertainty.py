"""Pictures and report sections for uncertainty: outcome histograms and tornado charts."""

from __future__ import annotations

import html

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from winset.analysis.sensitivity import SensitivityResult
from winset.numbers import fmt, fmt_range
from winset.report.palette import ACTOR, SERIES
from winset.report.plots import axes, figure_to_svg
from winset.report.sections import Section
from winset.results import RunResult
from winset.scenario.schema import Scenario

__all__ = ["plot_distribution", "plot_tornado", "uncertainty_sections"]

TOP = 10


def plot_distribution(result: RunResult, issue: str, ax: Axes | None = None) -> Figure:
    """Histogram of a Monte Carlo run's outcomes on one issue, with p10/p50/p90 and the forecast."""
    mc = result.extras.get("montecarlo")
    if not mc or issue not in mc["histogram"]:
        raise ValueError(f"the result has no Monte Carlo draws for {issue!r}")
    fig, ax = axes(ax, (7.0, 2.8))
    hist = mc["histogram"][issue]
    edges = np.asarray(hist["edges"])
    ax.stairs(hist["counts"], edges, fill=True, color=ACTOR, alpha=0.6)
    d = result.distribution[issue]
    for value, label, style in ((d.p10, "p10", ":"), (d.p50, "p50", "-"), (d.p90, "p90", ":")):
        ax.axvline(value, color="#333333", ls=style, lw=1.2, label=f"{label} {fmt(value)}")
    ax.axvline(
        result.forecast[issue],
        color=SERIES[1],
        lw=1.6,
        label=f"point forecast {fmt(result.forecast[issue])}",
    )
    unit = result.units.get(issue, "")
    ax.set_xlabel(issue + (f" ({unit})" if unit else ""), fontsize=9)
    ax.set_ylabel("draws", fontsize=9)
    ax.set_title(
        f"{result.provenance.model}: {mc['draws']:,} draws ({mc['distribution']})", fontsize=10
    )
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


def plot_tornado(
    sens: SensitivityResult, issue: str, ax: Axes | None = None, top: int = TOP
) -> Figure:
    """Tornado chart: the forecast at each top driver's low and high value, around the forecast."""
    drivers = sens.top(issue, top)
    fig, ax = axes(ax, (7.5, 0.35 * max(len(drivers), 3) + 1.2))
    base = sens.forecast[issue]
    ys = np.arange(len(drivers))[::-1]
    for y, d in zip(ys, drivers, strict=True):
        ax.barh(y, d.forecast_low - base, left=base, color=SERIES[0], height=0.6)
        ax.barh(y, d.forecast_high - base, left=base, color=SERIES[1], height=0.6)
    ax.set_yticks(ys, [f"{d.actor} {d.input}" for d in drivers], fontsize=8)
    ax.axvline(base, color="black", lw=1)
    ax.set_xlabel(f"{issue} forecast (blue: input low, red: input high)", fontsize=9)
    ax.set_title(f"{sens.model}: what moves the {issue} forecast most", fontsize=10)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    fig.tight_layout()
    return fig


def _drivers_table(sens: SensitivityResult, issue: str) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(d.actor)}</td><td>{d.input}</td><td>{fmt(d.value)}</td>"
        f"<td>{fmt_range(d.low, d.high)}</td>"
        f"<td>{fmt_range(d.forecast_low, d.forecast_high)}</td>"
        f"<td>{fmt(d.swing)}</td><td>{d.elasticity:.3f}</td>"
        "</tr>"
        for d in sens.top(issue, TOP)
    )
    return (
        "<table><tr><th>actor</th><th>input</th><th>value</th><th>moved over</th>"
        "<th>forecast</th><th>swing</th><th>elasticity</th></tr>" + rows + "</table>"
    )


def uncertainty_sections(
    scenario: Scenario,
    sens: SensitivityResult | None,
    drawn: tuple[RunResult, ...],
    seed: int | None,
) -> list[Section]:
    """Report sections: the top drivers, and the draws of every model when there are ranges."""
    sections = []
    if sens is not None:
        parts = [
            "<p>Each input moved one at a time over its uncertainty range (or 10% of its scale), "
            f"everything else fixed; model: {html.escape(sens.model)}.</p>"
        ]
        for issue in scenario.issue_names():
            parts.append(figure_to_svg(plot_tornado(sens, issue)))
            parts.append(_drivers_table(sens, issue))
        sections.append(Section("What moves the forecast", "\n".join(parts)))
    if drawn:
        first = drawn[0].extras["montecarlo"]
        parts = [
            f"<p>{first['draws']:,} draws of every value with an uncertainty range "
            f"({html.escape(str(first['distribution']))}), seed {seed}.</p>"
        ]
        for r in drawn:
            for issue in scenario.issue_names():
                parts.append(figure_to_svg(plot_distribution(r, issue)))
        sections.append(Section("Uncertainty of the forecasts", "\n".join(parts)))
    return sections
