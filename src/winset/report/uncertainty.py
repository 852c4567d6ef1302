"""Pictures and report sections for uncertainty: outcome histograms and tornado charts."""

from __future__ import annotations

import html

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from winset.analysis.sensitivity import SensitivityResult
from winset.report.html import Section
from winset.report.plots import figure_to_svg, plt
from winset.results import RunResult
from winset.scenario.schema import Scenario

__all__ = ["plot_distribution", "plot_tornado", "uncertainty_sections"]

REPORT_DRAWS = 2000
REPORT_SEED = 0
TOP = 10


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=size)
        return fig, ax
    return ax.figure, ax  # type: ignore[return-value]


def plot_distribution(result: RunResult, issue: str, ax: Axes | None = None) -> Figure:
    """Histogram of a Monte Carlo run's outcomes on one issue, with p10/p50/p90 and the forecast."""
    mc = result.extras.get("montecarlo")
    if not mc or issue not in mc["histogram"]:
        raise ValueError(f"the result has no Monte Carlo draws for {issue!r}")
    fig, ax = _axes(ax, (7.0, 2.8))
    hist = mc["histogram"][issue]
    edges = np.asarray(hist["edges"])
    ax.stairs(hist["counts"], edges, fill=True, color="#4c72b0", alpha=0.6)
    d = result.distribution[issue]
    for value, label, style in ((d.p10, "p10", ":"), (d.p50, "p50", "-"), (d.p90, "p90", ":")):
        ax.axvline(value, color="#333333", ls=style, lw=1.2, label=f"{label} {value:,.4g}")
    ax.axvline(
        result.forecast[issue],
        color="#d62728",
        lw=1.6,
        label=f"point forecast {result.forecast[issue]:,.4g}",
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
    fig, ax = _axes(ax, (7.5, 0.35 * max(len(drivers), 3) + 1.2))
    base = sens.forecast[issue]
    ys = np.arange(len(drivers))[::-1]
    for y, d in zip(ys, drivers, strict=True):
        ax.barh(y, d.forecast_low - base, left=base, color="#1f77b4", height=0.6)
        ax.barh(y, d.forecast_high - base, left=base, color="#d62728", height=0.6)
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
        f"<td>{html.escape(d.actor)}</td><td>{d.input}</td><td>{d.value:,.4g}</td>"
        f"<td>{d.low:,.4g}–{d.high:,.4g}</td>"
        f"<td>{d.forecast_low:,.4g}–{d.forecast_high:,.4g}</td>"
        f"<td>{d.swing:,.4g}</td><td>{d.elasticity:.3f}</td>"
        "</tr>"
        for d in sens.top(issue, TOP)
    )
    return (
        "<table><tr><th>actor</th><th>input</th><th>value</th><th>moved over</th>"
        "<th>forecast</th><th>swing</th><th>elasticity</th></tr>" + rows + "</table>"
    )


def uncertainty_sections(
    scenario: Scenario, results: list[RunResult], seed: int | None
) -> list[Section]:
    """Report sections: the top drivers of the first model, and draws when there are ranges."""
    from winset.analysis.montecarlo import monte_carlo
    from winset.analysis.sensitivity import sensitivity
    from winset.scenario.arrays import to_arrays

    if not results:
        return []
    seed = REPORT_SEED if seed is None else seed
    first = results[0].provenance
    sens = sensitivity(
        scenario, first.model, params=first.parameters, variant=first.variant, sobol=False
    )
    parts = [
        "<p>Each input moved one at a time over its uncertainty range (or 10% of its scale), "
        f"everything else fixed; model: {html.escape(first.model)}.</p>"
    ]
    for issue in scenario.issue_names():
        parts.append(figure_to_svg(plot_tornado(sens, issue)))
        parts.append(_drivers_table(sens, issue))
    sections = [Section("What moves the forecast", "\n".join(parts))]
    if not to_arrays(scenario).has_ranges:
        return sections
    parts = [
        f"<p>{REPORT_DRAWS:,} draws of every value with an uncertainty range (uniform), "
        f"seed {seed}.</p>"
    ]
    for r in results:
        prov = r.provenance
        drawn, _ = monte_carlo(
            scenario,
            prov.model,
            draws=REPORT_DRAWS,
            params=prov.parameters,
            variant=prov.variant,
            seed=seed,
        )
        for issue in scenario.issue_names():
            parts.append(figure_to_svg(plot_distribution(drawn, issue)))
    sections.append(Section("Uncertainty of the forecasts", "\n".join(parts)))
    return sections
