"""What-ifs in the report: the baseline and the counterfactual side by side."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from winset.numbers import fmt, fmt_range, fmt_signed
from winset.report.palette import GREY, SERIES
from winset.report.plots import WIDTH, axes, chart_style
from winset.report.twolevel import point
from winset.results import RunResult
from winset.study import Comparison
from winset.twolevel.analyse import TwoLevelResult

__all__ = ["compared_runs", "plot_whatif", "shown_value", "whatif_fragment"]


def compared_runs(comparisons: Sequence[Comparison]) -> list[tuple[str, RunResult, RunResult]]:
    """(label, baseline, what-if) of each comparison of forecasts or draws, in order.

    The label is the model's name, with ``(mean of draws)`` for draws (see :func:`shown_value`).
    """
    out = []
    for c in comparisons:
        if isinstance(c.baseline, RunResult) and isinstance(c.counterfactual, RunResult):
            label = c.baseline.provenance.model
            if c.baseline.provenance.kind == "draws":
                label += " (mean of draws)"
            out.append((label, c.baseline, c.counterfactual))
    return out


def shown_value(r: RunResult, issue: str) -> float:
    """The value compared on ``issue``: the mean of the draws for draws, else the forecast."""
    if r.provenance.kind == "draws" and issue in r.distribution:
        return r.distribution[issue].mean
    return r.forecast[issue]


def plot_whatif(comparisons: Sequence[Comparison], issue: str, ax: Axes | None = None) -> Figure:
    """Per model, the baseline forecast (hollow) and the what-if's (filled), joined by an arrow."""
    rows = compared_runs(comparisons)
    with chart_style():
        fig, ax = axes(ax, (WIDTH, 0.42 * max(len(rows), 2) + 1.4))
        ys = np.arange(len(rows))[::-1]
        for k, (y, (_, base, other)) in enumerate(zip(ys, rows, strict=True)):
            a, b = shown_value(base, issue), shown_value(other, issue)
            c = SERIES[k % len(SERIES)]
            if a != b:
                ax.annotate("", xy=(b, y), xytext=(a, y),
                            arrowprops={"arrowstyle": "->", "color": c, "lw": 1.5})  # fmt: skip
            ax.plot([a], [y], "o", ms=9, mfc="white", mec=c, mew=2)
            ax.plot([b], [y], "o", ms=8, color=c)
            ax.annotate(
                f"{fmt(a)} → {fmt(b)}",
                (max(a, b), y),
                xytext=(10, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.set_yticks(ys, [label for label, _, _ in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        unit = rows[0][1].units.get(issue, "") if rows else ""
        ax.set_xlabel(issue + (f" ({unit})" if unit else ""))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo, hi + 0.15 * (hi - lo))
        ax.set_title(f"{issue}: baseline and what-if")
        ax.legend(
            handles=[
                Line2D([], [], marker="o", ls="", mfc="white", mec=GREY, mew=2, label="baseline"),
                Line2D([], [], marker="o", ls="", color=GREY, label="what-if"),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.3 if len(rows) < 4 else -0.15),
            ncol=2,
            frameon=False,
        )
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        return fig


def whatif_fragment(
    comparisons: Sequence[Comparison],
    issues: Sequence[str],
    figures: dict[str, str],
    spans: dict[str, float] | None = None,
) -> str:
    """HTML: the forecasts before and after, per issue, and the two-level verdicts."""
    if not comparisons:
        return ""
    title = html.escape(comparisons[0].title)
    parts = [f"<p>What if <b>{title}</b>? Every result below is of the what-if; here it is "
             "beside the baseline.</p>"]  # fmt: skip
    rows = []
    for issue in issues:
        for label, base, other in compared_runs(comparisons):
            a, b = shown_value(base, issue), shown_value(other, issue)
            spread = ""
            if base.provenance.kind == "draws" and issue in base.distribution:
                d0, d1 = base.distribution[issue], other.distribution[issue]
                spread = (
                    f"<td class=num>{fmt_range(d0.p10, d0.p90)}</td>"
                    f"<td class=num>{fmt_range(d1.p10, d1.p90)}</td>"
                )
            else:
                spread = "<td></td><td></td>"
            rows.append(
                f"<tr><td>{html.escape(issue)}</td><td>{html.escape(label)}</td>"
                f"<td class=num>{fmt(a)}</td><td class=num>{fmt(b)}</td>"
                f"<td class=num>{fmt_signed(b - a)}</td>{spread}</tr>"
            )
    parts.append(
        "<table><tr><th>issue</th><th>model</th><th>baseline</th><th>what-if</th>"
        "<th>change</th><th>baseline 80%</th><th>what-if 80%</th></tr>" + "".join(rows) + "</table>"
    )
    for issue in issues:
        if issue in figures:
            parts.append(f'<div class="figure">{figures[issue]}</div>')
    for c in comparisons:
        if isinstance(c.baseline, TwoLevelResult) and isinstance(c.counterfactual, TwoLevelResult):
            parts.append(_twolevel(c.baseline, c.counterfactual, spans or {}))
    return "\n".join(parts)


def _verdict(r: TwoLevelResult, spans: dict[str, float]) -> str:
    if r.agreement:
        return (
            f"agreement through {html.escape(r.path or '')}: {point(r.outcome, spans)} "
            f"(P(ratify) {r.p_ratify:.3f})"
        )
    return f"no agreement ({point(r.outcome, spans)})"


def _twolevel(base: TwoLevelResult, other: TwoLevelResult, spans: dict[str, float]) -> str:
    after = {p.name: p for p in other.paths}
    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td>"
        f"<td>{'yes' if p.ratifiable else 'no'} / "
        f"{'yes' if p.name in after and after[p.name].ratifiable else 'no'}</td>"
        f"<td class=num>{p.p_ratify:.3f}</td>"
        f"<td class=num>{after[p.name].p_ratify:.3f}</td></tr>"
        for p in base.paths
        if p.name in after
    )
    return (
        "<h3>Ratification</h3>"
        f"<p>Baseline: {_verdict(base, spans)}.<br>What-if: {_verdict(other, spans)}.</p>"
        "<table><tr><th>paths</th><th>ratifiable (baseline / what-if)</th>"
        "<th>P(ratify) baseline</th><th>P(ratify) what-if</th></tr>" + rows + "</table>"
    )
