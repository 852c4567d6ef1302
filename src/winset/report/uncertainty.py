"""Pictures and tables for uncertainty: outcome histograms, tornado charts, Sobol indices."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from winset.analysis.sensitivity import SensitivityResult
from winset.numbers import fmt, fmt_range
from winset.report.palette import ACTOR, SERIES
from winset.report.plots import WIDTH, axes, chart_style
from winset.results import RunResult

__all__ = [
    "TOP",
    "drivers_table",
    "flat_value",
    "plot_distribution",
    "plot_distributions",
    "plot_sobol",
    "plot_tornado",
    "sobol_table",
]

TOP = 10


def flat_value(result: RunResult, issue: str) -> float | None:
    """The one value every draw gave on ``issue``, or None when the draws differ."""
    mc = result.extras.get("montecarlo")
    if not mc or issue not in mc["histogram"]:
        return None
    counts = mc["histogram"][issue]["counts"]
    if sum(1 for c in counts if c > 0) != 1:
        return None
    d = result.distribution[issue]
    return d.p50 if d.p10 == d.p90 else None


def plot_distribution(result: RunResult, issue: str, ax: Axes | None = None) -> Figure:
    """Histogram of a Monte Carlo run's outcomes on one issue, with p10/p50/p90 and the forecast.

    When every draw gave the same value the picture says so ("all 1,000 draws gave 0") instead
    of drawing a histogram of zero width.
    """
    mc = result.extras.get("montecarlo")
    if not mc or issue not in mc["histogram"]:
        raise ValueError(f"the result has no Monte Carlo draws for {issue!r}")
    with chart_style():
        fig, ax = axes(ax, (WIDTH / 2, 2.9))
        unit = result.units.get(issue, "")
        ax.set_xlabel(issue + (f" ({unit})" if unit else ""))
        ax.set_title(f"{result.provenance.model}: {mc['draws']:,} draws ({mc['distribution']})")
        flat = flat_value(result, issue)
        if flat is not None:
            ax.bar([0], [mc["draws"]], width=0.6, color=ACTOR, alpha=0.6)
            ax.set_xticks([0], [fmt(flat)])
            ax.set_xlim(-1.5, 1.5)
            ax.text(0.5, 0.5, f"all {mc['draws']:,} draws gave {fmt(flat)}",
                    transform=ax.transAxes, ha="center", va="center", fontsize=10,
                    bbox={"facecolor": "white", "edgecolor": "#cccccc"})  # fmt: skip
            ax.set_ylabel("draws")
            return fig
        hist = mc["histogram"][issue]
        edges = np.asarray(hist["edges"])
        ax.stairs(hist["counts"], edges, fill=True, color=ACTOR, alpha=0.6)
        d = result.distribution[issue]
        ax.axvspan(d.p10, d.p90, color=ACTOR, alpha=0.08, label=f"80%: {fmt_range(d.p10, d.p90)}")
        ax.axvline(d.p50, color="#333333", lw=1.2, label=f"median {fmt(d.p50)}")
        ax.axvline(
            result.forecast[issue],
            color=SERIES[1],
            lw=1.6,
            ls="--",
            label=f"point forecast {fmt(result.forecast[issue])}",
        )
        ax.set_ylabel("draws")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3)
        return fig


def plot_distributions(results: Sequence[RunResult], issue: str) -> Figure:
    """Every model's draws on one issue, one row each on a shared scale (small multiples).

    A row whose draws all gave one value says so ("all 1,000 draws gave 0").
    """
    rows = [r for r in results if issue in r.distribution]
    if not rows:
        raise ValueError(f"no Monte Carlo draws for {issue!r}")
    with chart_style():
        fig = Figure(figsize=(WIDTH, 1.05 * len(rows) + 0.9))
        grid = fig.subplots(len(rows), 1, sharex=True, squeeze=False)[:, 0]
        fig.subplots_adjust(left=0.12, right=0.97, hspace=0.35, bottom=0.9 / fig.get_figheight(),
                            top=1 - 0.45 / fig.get_figheight())  # fmt: skip
        for ax, r in zip(grid, rows, strict=True):
            mc = r.extras["montecarlo"]
            d = r.distribution[issue]
            flat = flat_value(r, issue)
            ax.set_ylabel(r.provenance.model, rotation=0, ha="right", va="center")
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            if flat is not None:
                ax.axvline(flat, color=ACTOR, lw=3)
                ax.text(0.99, 0.5, f"all {mc['draws']:,} draws gave {fmt(flat)}",
                        transform=ax.transAxes, ha="right", va="center", fontsize=8.5)  # fmt: skip
                continue
            hist = mc["histogram"][issue]
            ax.stairs(hist["counts"], np.asarray(hist["edges"]), fill=True, color=ACTOR, alpha=0.6)
            ax.axvspan(d.p10, d.p90, color=ACTOR, alpha=0.1)
            ax.axvline(d.p50, color="#333333", lw=1.2)
            ax.axvline(r.forecast[issue], color=SERIES[1], lw=1.4, ls="--")
            ax.text(0.99, 0.95, f"median {fmt(d.p50)}; 80%: {fmt_range(d.p10, d.p90)}",
                    transform=ax.transAxes, ha="right", va="top", fontsize=8)  # fmt: skip
        unit = rows[0].units.get(issue, "")
        grid[-1].set_xlabel(
            issue + (f" ({unit})" if unit else "") + " — band: 80% of draws; line: median; "
            "dashed: point forecast"
        )
        grid[-1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        mc = rows[0].extras["montecarlo"]
        grid[0].set_title(
            f"{issue}: the forecasts over {mc['draws']:,} draws ({mc['distribution']})"
        )
        return fig


def plot_tornado(
    sens: SensitivityResult, issue: str, ax: Axes | None = None, top: int = TOP
) -> Figure:
    """Tornado chart: the forecast at each top driver's low and high value, around the forecast."""
    drivers = sens.top(issue, top)
    with chart_style():
        fig, ax = axes(ax, (WIDTH / 2, 0.34 * max(len(drivers), 3) + 1.5))
        base = sens.forecast[issue]
        ys = np.arange(len(drivers))[::-1]
        for y, d in zip(ys, drivers, strict=True):
            ax.barh(y, d.forecast_low - base, left=base, color=SERIES[0], height=0.6)
            ax.barh(y, d.forecast_high - base, left=base, color=SERIES[1], height=0.6)
        ax.set_yticks(ys, [f"{d.actor} · {d.input}" for d in drivers])
        ax.axvline(base, color="black", lw=1)
        ax.set_xlabel(f"{issue} forecast (blue: input at its low; vermillion: at its high)")
        ax.set_title(f"{sens.model}: what moves the {issue} forecast most")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        return fig


def plot_sobol(
    sens: SensitivityResult, issue: str, ax: Axes | None = None, top: int = TOP
) -> Figure:
    """Sobol indices of the top uncertain values: first order and total, with 95% intervals."""
    indices = [s for s in sens.sobol if s.issue == issue][:top]
    if not indices:
        raise ValueError(f"the result has no Sobol indices for {issue!r}")
    with chart_style():
        fig, ax = axes(ax, (WIDTH / 2, 0.34 * max(len(indices), 3) + 1.6))
        ys = np.arange(len(indices))[::-1]
        ax.barh(ys + 0.18, [s.st for s in indices], height=0.34, color=SERIES[1],
                xerr=[s.st_conf for s in indices], label="total (with interactions)")  # fmt: skip
        ax.barh(ys - 0.18, [s.s1 for s in indices], height=0.34, color=SERIES[0],
                xerr=[s.s1_conf for s in indices], label="first order (alone)")  # fmt: skip
        ax.set_yticks(ys, [s.name for s in indices])
        ax.set_xlabel("share of the forecast's variance")
        ax.set_title(f"Sobol indices for {issue} ({sens.sobol_samples:,} base samples)")
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        return fig


def drivers_table(sens: SensitivityResult, issue: str) -> str:
    """HTML: the top drivers of one issue's forecast."""
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(d.actor)}</td><td>{html.escape(d.input)}</td>"
        f"<td class=num>{fmt(d.value)}</td>"
        f"<td class=num>{fmt_range(d.low, d.high)}</td>"
        f"<td class=num>{fmt_range(d.forecast_low, d.forecast_high)}</td>"
        f"<td class=num>{fmt(d.swing)}</td><td class=num>{fmt(d.elasticity, 3)}</td>"
        "</tr>"
        for d in sens.top(issue, TOP)
    )
    return (
        "<table><tr><th>actor</th><th>input</th><th>value</th><th>moved over</th>"
        "<th>forecast</th><th>swing</th><th>elasticity</th></tr>" + rows + "</table>"
    )


def sobol_table(sens: SensitivityResult, issue: str) -> str:
    """HTML: the Sobol indices of one issue's forecast, largest total first."""
    rows = "".join(
        f"<tr><td>{html.escape(s.name)}</td><td class=num>{s.s1:.3f} ± {s.s1_conf:.3f}</td>"
        f"<td class=num>{s.st:.3f} ± {s.st_conf:.3f}</td></tr>"
        for s in sens.sobol
        if s.issue == issue
    )
    return (
        "<table><tr><th>uncertain value</th><th>first order</th><th>total</th></tr>"
        + rows
        + "</table>"
    )
