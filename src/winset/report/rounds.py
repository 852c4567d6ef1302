"""Pictures and report sections for iterative models: trajectories and who moves whom."""

from __future__ import annotations

import html
from collections import Counter

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from winset.numbers import fmt
from winset.report.plots import axes, figure_to_svg
from winset.report.sections import Section
from winset.results import RunResult
from winset.scenario.schema import Scenario

__all__ = ["moves_table", "plot_trajectory", "rounds_sections"]

MAX_MOVE_ROWS = 60


def plot_trajectory(result: RunResult, issue: str, ax: Axes | None = None) -> Figure:
    """Every actor's position by round on one issue, with the median (the forecast line)."""
    if not result.rounds:
        raise ValueError(f"model {result.provenance.model!r} has no rounds")
    fig, ax = axes(ax, (7.5, 3.6))
    steps = [r.round for r in result.rounds]
    actors = [a for a in result.actors if a in result.rounds[0].issues[issue].positions]
    cmap = colormaps["tab20"]
    for i, actor in enumerate(actors):
        xs = [r.issues[issue].positions[actor] for r in result.rounds]
        # labels at the line ends, nudged up or down so actors sharing a position stay legible
        ax.plot(steps, xs, color=cmap(i % 20), lw=1.1, alpha=0.8, marker="o", ms=2.5)
        ax.annotate(
            actor, (steps[-1], xs[-1]), xytext=(4, (i % 3 - 1) * 4), textcoords="offset points",
            fontsize=6.5, color=cmap(i % 20), va="center",
        )  # fmt: skip
    medians = [r.issues[issue].median for r in result.rounds]
    ax.plot(steps, medians, color="black", lw=2.4, ls="--", label="median (forecast line)")
    ax.axhline(result.forecast[issue], color="#d62728", lw=1, ls=":", label="forecast")
    unit = result.units.get(issue, "")
    ax.set_xlabel("round", fontsize=9)
    ax.set_ylabel(issue + (f" ({unit})" if unit else ""), fontsize=9)
    ax.set_xticks(np.arange(0, steps[-1] + 1, max(1, len(steps) // 12)))
    prov = result.provenance
    ax.set_title(f"{prov.model} ({prov.variant}): positions by round on {issue}", fontsize=10)
    ax.set_xlim(-0.3, steps[-1] + max(1.0, 0.12 * steps[-1]))
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax.grid(color="#eeeeee")
    ax.set_axisbelow(True)
    fig.tight_layout()
    return fig


def moves_table(result: RunResult, issue: str) -> str:
    """HTML: how often each actor moved toward each other actor, and the moves round by round."""
    moves = [
        (r.round, m)
        for r in result.rounds
        for m in r.extras.get("moves", [])
        if m["issue"] == issue
    ]
    if not moves:
        return "<p>Nobody moved on this issue.</p>"
    pulls = Counter((m["toward"], m["actor"], m["kind"]) for _, m in moves)
    summary = "".join(
        f"<tr><td>{html.escape(toward)}</td><td>{html.escape(actor)}</td><td>{kind}</td>"
        f"<td>{count}</td></tr>"
        for (toward, actor, kind), count in sorted(pulls.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    rows = "".join(
        f"<tr><td>{k}</td><td>{html.escape(m['actor'])}</td><td>{fmt(m['from'])}</td>"
        f"<td>{fmt(m['to'])}</td><td>{html.escape(m['toward'])}</td><td>{m['kind']}</td></tr>"
        for k, m in moves[:MAX_MOVE_ROWS]
    )
    more = len(moves) - MAX_MOVE_ROWS
    note = f"<p class='muted'>… and {more} more moves (see the JSON).</p>" if more > 0 else ""
    return (
        "<h4>Who moves whom</h4><table><tr><th>moved by</th><th>actor moved</th><th>kind</th>"
        "<th>rounds</th></tr>" + summary + "</table>"
        "<h4>Moves by round</h4><table><tr><th>round</th><th>actor</th><th>from</th><th>to</th>"
        "<th>toward</th><th>kind</th></tr>" + rows + "</table>" + note
    )


def rounds_sections(scenario: Scenario, results: tuple[RunResult, ...]) -> list[Section]:
    """A section per iterative model: the trajectory on each issue and who moved whom."""
    sections = []
    for result in results:
        if not result.rounds:
            continue
        prov = result.provenance
        parts = [
            f"<p>{len(result.rounds) - 1} rounds of {html.escape(prov.model)} "
            f"({html.escape(prov.variant)}); round 0 is the input.</p>"
        ]
        for issue in scenario.issue_names():
            parts.append(figure_to_svg(plot_trajectory(result, issue)))
            parts.append(moves_table(result, issue))
        sections.append(Section(f"Rounds of {prov.model}", "\n".join(parts)))
    return sections
