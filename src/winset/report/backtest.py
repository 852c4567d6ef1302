"""The backtest report page: the scores table and forecast-vs-outcome plots per model."""

from __future__ import annotations

import html
import math

from matplotlib.figure import Figure

from winset._version import __version__
from winset.backtest.evaluate import BacktestResult
from winset.numbers import fmt
from winset.report.palette import ACTOR, GREY
from winset.report.plots import figure_to_svg

__all__ = ["backtest_html", "plot_forecasts"]


def plot_forecasts(result: BacktestResult, columns: int = 4) -> Figure:
    """One panel per model: forecast against recorded outcome, with the diagonal."""
    names = sorted(result.models, key=lambda k: (result.models[k].mae, k))
    rows = math.ceil(len(names) / columns)
    fig = Figure(figsize=(2.6 * columns, 2.6 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    y = result.outcome
    for ax, name in zip(axes.ravel(), names, strict=False):
        pred = result.forecasts[name]
        ax.plot([0, 100], [0, 100], color=GREY, lw=0.8)
        ax.scatter(y, pred, s=7, alpha=0.5, color=ACTOR, edgecolors="none")
        ax.set_title(f"{name}: MAE {fmt(result.models[name].mae, 3)}", fontsize=8)
        ax.set_xlim(-3, 103)
        ax.set_ylim(-3, 103)
        ax.tick_params(labelsize=6)
    for ax in axes.ravel()[len(names) :]:
        ax.axis("off")
    fig.supxlabel("recorded outcome", fontsize=8)
    fig.supylabel("forecast", fontsize=8)
    fig.tight_layout()
    return fig


def backtest_html(result: BacktestResult) -> str:
    """A self-contained HTML page."""
    names = sorted(result.models, key=lambda k: (result.models[k].mae, k))
    rows = []
    for name in names:
        m = result.models[name]
        ci = m.ci
        rows.append(
            f"<tr{' class=best' if name == result.best else ''}><td>{html.escape(name)}</td>"
            + "".join(
                f"<td>{fmt(v, 3)} <span class=muted>[{fmt(ci[k][0], 3)}, {fmt(ci[k][1], 3)}]"
                "</span></td>"
                for k, v in (("mae", m.mae), ("rmse", m.rmse), ("mdae", m.mdae))
            )
            + f"<td>{html.escape(m.how)}</td>"
            f"<td>{html.escape(m.description)}</td></tr>"
        )
    notes = "".join(f"<p class=muted>{html.escape(n)}</p>" for n in result.notes)
    title = f"winset backtest: {html.escape(result.source)}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;font-size:13px}}td,th{{border-bottom:1px solid #ddd;padding:4px 8px;
text-align:left}}.muted{{color:#777}}tr.best td{{font-weight:bold}}</style></head><body>
<h1>Backtest on {html.escape(result.source)}</h1>
<p>{result.n_issues} issues from {result.n_proposals} proposals; errors on the 0-100 scale, with
95% intervals from {result.bootstrap:,} bootstrap resamples of proposals (seed {result.seed}).
Best: <b>{html.escape(result.best)}</b>. The best linear combination of every fixed forecast,
fitted in sample on these very outcomes, reaches an MAE of {fmt(result.bound, 3)}: no combination of
them can do better out of sample.</p>{notes}
<table><tr><th>model</th><th>MAE</th><th>RMSE</th><th>median abs. error</th><th>scored</th>
<th>model</th></tr>{"".join(rows)}</table>
<h2>Forecast against outcome</h2>
{figure_to_svg(plot_forecasts(result))}
<p class=muted>winset {__version__}</p>
</body></html>
"""
