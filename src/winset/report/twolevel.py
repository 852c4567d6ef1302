"""The report's two-level section: the plane of win-sets, the paths table, what it would take."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from winset.numbers import fmt
from winset.report.palette import colour
from winset.report.plots import axes, figure_to_svg
from winset.report.sections import Section
from winset.scenario.schema import Scenario
from winset.twolevel.analyse import TwoLevelResult
from winset.twolevel.problem import PathArrays, TwoLevel, build
from winset.twolevel.search import Strategy
from winset.twolevel.winsets import member_fn

__all__ = ["path_winset_mask", "plot_twolevel", "twolevel_sections"]

GRID = 161


def path_winset_mask(
    problem: TwoLevel,
    path: PathArrays,
    xs: np.ndarray,
    ys: np.ndarray,
    constrained: bool = True,
) -> np.ndarray:
    """Which points of the (first two issues') grid the path alone ratifies (other issues at q).

    The path's bodies, its domain, and the red lines that name it; ``constrained=False``: the
    bodies alone (what its ratifiers would accept).
    """
    full = (np.zeros(problem.dims), np.ones(problem.dims))
    lo, hi = (path.lo.copy(), path.hi.copy()) if constrained else full
    for side in problem.sides if constrained else ():
        for line in side.red_lines:
            if line.paths is not None and path.name in line.paths:
                lo, hi = np.maximum(lo, line.lo), np.minimum(hi, line.hi)
    member = member_fn(list(path.bodies), lo, hi, problem.reversion)
    gx, gy = np.meshgrid(xs, ys, indexing="xy")
    pts = np.tile(problem.reversion, (gx.size, 1))
    pts[:, 0], pts[:, 1] = gx.ravel(), gy.ravel()
    return member(pts).reshape(gx.shape)


def _segment_points(problem: TwoLevel, path: PathArrays) -> np.ndarray | None:
    """A path whose domain pins an issue to one value has a win-set of zero area: its points."""
    lo, hi = path.lo, path.hi
    if np.all(hi[:2] > lo[:2]):
        return None
    t = np.linspace(0, 1, 801)[:, None]
    pts = np.tile(problem.reversion, (t.size, 1))
    pts[:, :2] = lo[:2] + (hi[:2] - lo[:2]) * t
    member = member_fn(list(path.bodies), lo, hi, problem.reversion)
    inside: np.ndarray = pts[member(pts)]
    return inside


def plot_twolevel(scenario: Scenario, result: TwoLevelResult, ax: Axes | None = None) -> Figure:
    """The plane of the first two issues, with win-sets and the outcome.

    The reversion point, actors, blocs (by seats), each path's win-set, the agreement forecasts
    and the outcome. A one-issue scenario is drawn on a line.
    """
    problem = build(scenario)
    if problem.dims < 2:
        return _plot_line(scenario, problem, result, ax)
    fig, ax = axes(ax, (7.5, 6.0))
    low = problem.scales.low
    span = problem.scales.high - low
    xs = np.linspace(0, 1, GRID)
    ys = np.linspace(0, 1, GRID)
    ux, uy = low[0] + span[0] * xs, low[1] + span[1] * ys
    handles: list[Any] = []
    k = 0
    for side in problem.sides:
        for path in side.paths:
            path_colour = colour(k)
            k += 1
            label = f"{side.name}: {path.name}" + ("" if path.open else " (closed)")
            ratifiers = path_winset_mask(problem, path, xs, ys, constrained=False)
            if ratifiers.any() and not ratifiers.all():
                # what the path's ratifiers alone would accept, before domain and red lines
                ax.contour(ux, uy, ratifiers.astype(float), levels=[0.5], colors=[path_colour],
                           linewidths=1.0, linestyles="dashed")  # fmt: skip
            seg = _segment_points(problem, path)
            if seg is not None:
                if seg.size:
                    u = low[:2] + span[:2] * seg[:, :2]
                    ax.plot(
                        u[:, 0], u[:, 1], color=path_colour, lw=7, alpha=0.45, solid_capstyle="butt"
                    )
                handles.append(Line2D([], [], color=path_colour, lw=7, alpha=0.45, label=label))
                continue
            mask = path_winset_mask(problem, path, xs, ys)
            if mask.any():
                ax.contourf(ux, uy, mask.astype(float), levels=[0.5, 1.5], colors=[path_colour],
                            alpha=0.22)  # fmt: skip
                ax.contour(ux, uy, mask.astype(float), levels=[0.5], colors=[path_colour],
                           linewidths=1.0)  # fmt: skip
            handles.append(Rectangle((0, 0), 1, 1, color=path_colour, alpha=0.3, label=label))
    names = problem.issues
    for actor in scenario.actors:
        if names[0] in actor.position and names[1] in actor.position:
            x, y = actor.position[names[0]].value, actor.position[names[1]].value
            ax.plot(x, y, "o", color="#333333", ms=4)
            ax.annotate(actor.name, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=6.5)
    for side in problem.sides:
        for path in side.paths:
            for body in path.bodies:
                if body.kind != "legislature":
                    continue
                u = low + span * body.ideal
                ax.scatter(
                    u[:, 0], u[:, 1], s=np.maximum(body.seats, 1) * 2.0, facecolors="none",
                    edgecolors="#555555", linewidths=0.8,
                )  # fmt: skip
    q = low + span * problem.reversion
    ax.plot(q[0], q[1], "kX", ms=10)
    handles.append(Line2D([], [], color="k", marker="X", ls="", label="reversion point q"))
    lv = result.level1
    ax.plot(lv[names[0]], lv[names[1]], "D", color="#777777", ms=7)
    handles.append(Line2D([], [], color="#777777", marker="D", ls="", label="Level-I forecast"))
    for p in result.paths:
        if p.agreement is not None:
            ax.plot(p.agreement[names[0]], p.agreement[names[1]], "*", color="#d62728", ms=13)
    handles.append(
        Line2D([], [], color="#d62728", marker="*", ls="", ms=11, label="agreement per path")
    )
    out = result.outcome
    ax.plot(out[names[0]], out[names[1]], "o", ms=16, mfc="none", mec="black", mew=2)
    handles.append(Line2D([], [], color="k", marker="o", mfc="none", ls="", ms=11, label="outcome"))
    ax.set_xlim(low[0] - 0.03 * span[0], low[0] + 1.03 * span[0])
    ax.set_ylim(low[1] - 0.03 * span[1], low[1] + 1.08 * span[1])
    handles.append(Line2D([], [], color="#555555", ls="--", lw=1, label="ratifiers alone (dashed)"))
    issues = {i.name: i for i in scenario.issues}
    ax.set_xlabel(issues[names[0]].title, fontsize=9)
    ax.set_ylabel(issues[names[1]].title, fontsize=9)
    verdict = f"agreement via {result.path}" if result.agreement else "no agreement"
    ax.set_title(f"{scenario.name}: win-sets and outcome ({verdict})", fontsize=10)
    ax.legend(handles=handles, fontsize=7, loc="upper right", framealpha=0.85)
    ax.grid(color="#eeeeee")
    ax.set_axisbelow(True)
    fig.tight_layout()
    return fig


def _plot_line(
    scenario: Scenario, problem: TwoLevel, result: TwoLevelResult, ax: Axes | None
) -> Figure:
    fig, ax = axes(ax, (7.5, 2.8))
    low = float(problem.scales.low[0])
    span = problem.scales.span(0)
    xs = np.linspace(0, 1, 2001)
    row = 0
    labels = []
    for side in problem.sides:
        for path in side.paths:
            member = member_fn(list(path.bodies), path.lo, path.hi, problem.reversion)
            inside = xs[member(xs[:, None])]
            if inside.size:
                ax.plot(low + span * inside, np.full(inside.size, row), "s",
                        color=colour(row), ms=2)  # fmt: skip
            labels.append(f"{side.name}: {path.name}")
            row += 1
    ax.axvline(low + span * problem.reversion[0], color="k", ls="--", label="q")
    name = problem.issues[0]
    ax.axvline(result.outcome[name], color="#d62728", lw=2, label="outcome")
    ax.set_yticks(range(row), labels, fontsize=8)
    ax.set_xlim(low, low + span)
    ax.set_xlabel(scenario.issues[0].title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _point(values: dict[str, float] | None) -> str:
    if values is None:
        return "—"
    return ", ".join(f"{html.escape(k)} {fmt(v)}" for k, v in values.items())


def _pivots(pivotal: tuple[dict[str, Any], ...]) -> str:
    return html.escape(", ".join(f"{s['bloc']} ({float(s['swing']):.2f})" for s in pivotal[:4]))


def twolevel_sections(
    scenario: Scenario, result: TwoLevelResult | None, strategies: tuple[Strategy, ...]
) -> list[Section]:
    """The ratification section: the plane of win-sets, every path, the outcome, the searches."""
    if result is None:
        return []
    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{'yes' if p.open else 'no'}</td>"
        f"<td>{'yes' if p.ratifiable else 'no'}</td><td>{_point(p.agreement)}</td>"
        f"<td>{p.p_ratify:.3f}</td><td>{html.escape('; '.join(p.red_lines) or '—')}</td>"
        f"<td>{_pivots(p.pivotal)}</td></tr>"
        for p in result.paths
    )
    verdict = (
        f"agreement through <b>{html.escape(result.path or '')}</b>: {_point(result.outcome)}"
        f" (P(ratify) {result.p_ratify:.3f})"
        if result.agreement
        else f"<b>no agreement</b>: the reversion point holds ({_point(result.outcome)})"
    )
    model = html.escape(result.provenance.model)
    parts = [
        f"<p>Level I (the {model} model) forecasts "
        f"{_point(result.level1)}. Constrained to what each ratification path can carry: "
        f"{verdict}.</p>",
        figure_to_svg(plot_twolevel(scenario, result)),
        "<table><tr><th>path</th><th>open</th><th>ratifiable</th><th>agreement</th>"
        "<th>P(ratify)</th><th>red lines</th><th>pivotal (swing)</th></tr>" + rows + "</table>",
    ]
    for strategy in strategies:
        moves = "".join(
            f"<tr><td>{html.escape(m.bloc)}</td><td>{m.seats}</td>"
            f"<td>{_point(m.start)}</td><td>{_point(m.end)}</td>"
            f"<td>{m.distance:.3f}</td></tr>"
            for m in strategy.moves
        )
        parts.append(
            f"<h4>What would it have taken for {html.escape(strategy.path)}?</h4>"
            f"<p>{html.escape(strategy.note)}"
            + (f"; cheapest agreement {_point(strategy.agreement)}" if strategy.agreement else "")
            + (
                ". With nobody moving: open " + html.escape(" or ".join(strategy.open_paths))
                if strategy.open_paths
                else ""
            )
            + ".</p>"
            + (
                "<table><tr><th>bloc</th><th>seats</th><th>from</th><th>to</th>"
                "<th>distance</th></tr>" + moves + "</table>"
                if moves
                else ""
            )
        )
    return [Section("Ratification: the two-level game", "\n".join(parts))]
