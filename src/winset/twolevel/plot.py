"""The two-issue plane of a two-level scenario: reversion, actors, blocs, win-sets, outcome."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from winset.report.plots import plt
from winset.scenario.schema import Scenario
from winset.twolevel.analyse import TwoLevelResult
from winset.twolevel.problem import PathArrays, TwoLevel, build
from winset.twolevel.winsets import _member_fn

__all__ = ["path_winset_mask", "plot_twolevel"]

GRID = 161
COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")


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
    member = _member_fn(list(path.bodies), lo, hi, problem.reversion)
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
    member = _member_fn(list(path.bodies), lo, hi, problem.reversion)
    inside: np.ndarray = pts[member(pts)]
    return inside


def plot_twolevel(scenario: Scenario, result: TwoLevelResult, ax: Axes | None = None) -> Figure:
    """Two issues: the reversion point, actors, blocs (by seats), each path's win-set, the
    agreement forecasts and the outcome. A one-issue scenario is drawn on a line."""
    problem = build(scenario)
    if problem.dims < 2:
        return _plot_line(scenario, problem, result, ax)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 6.0))
    else:
        fig = ax.figure  # type: ignore[assignment]
    span = problem.high - problem.low
    xs = np.linspace(0, 1, GRID)
    ys = np.linspace(0, 1, GRID)
    ux, uy = problem.low[0] + span[0] * xs, problem.low[1] + span[1] * ys
    handles: list[Any] = []
    k = 0
    for side in problem.sides:
        for path in side.paths:
            colour = COLOURS[k % len(COLOURS)]
            k += 1
            label = f"{side.name}: {path.name}" + ("" if path.open else " (closed)")
            ratifiers = path_winset_mask(problem, path, xs, ys, constrained=False)
            if ratifiers.any() and not ratifiers.all():
                # what the path's ratifiers alone would accept, before domain and red lines
                ax.contour(ux, uy, ratifiers.astype(float), levels=[0.5], colors=[colour],
                           linewidths=1.0, linestyles="dashed")  # fmt: skip
            seg = _segment_points(problem, path)
            if seg is not None:
                if seg.size:
                    u = problem.low[:2] + span[:2] * seg[:, :2]
                    ax.plot(u[:, 0], u[:, 1], color=colour, lw=7, alpha=0.45, solid_capstyle="butt")
                handles.append(plt.Line2D([], [], color=colour, lw=7, alpha=0.45, label=label))
                continue
            mask = path_winset_mask(problem, path, xs, ys)
            if mask.any():
                ax.contourf(ux, uy, mask.astype(float), levels=[0.5, 1.5], colors=[colour],
                            alpha=0.22)  # fmt: skip
                ax.contour(ux, uy, mask.astype(float), levels=[0.5], colors=[colour],
                           linewidths=1.0)  # fmt: skip
            handles.append(plt.Rectangle((0, 0), 1, 1, color=colour, alpha=0.3, label=label))
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
                u = problem.low + span * body.ideal
                ax.scatter(
                    u[:, 0], u[:, 1], s=np.maximum(body.seats, 1) * 2.0, facecolors="none",
                    edgecolors="#555555", linewidths=0.8,
                )  # fmt: skip
    q = problem.low + span * problem.reversion
    ax.plot(q[0], q[1], "kX", ms=10)
    handles.append(plt.Line2D([], [], color="k", marker="X", ls="", label="reversion point q"))
    lv = result.level1
    ax.plot(lv[names[0]], lv[names[1]], "D", color="#777777", ms=7)
    handles.append(plt.Line2D([], [], color="#777777", marker="D", ls="", label="Level-I forecast"))
    for p in result.paths:
        if p.agreement is not None:
            ax.plot(p.agreement[names[0]], p.agreement[names[1]], "*", color="#d62728", ms=13)
    handles.append(
        plt.Line2D([], [], color="#d62728", marker="*", ls="", ms=11, label="agreement per path")
    )
    out = result.outcome
    ax.plot(out[names[0]], out[names[1]], "o", ms=16, mfc="none", mec="black", mew=2)
    handles.append(
        plt.Line2D([], [], color="k", marker="o", mfc="none", ls="", ms=11, label="outcome")
    )
    ax.set_xlim(problem.low[0] - 0.03 * span[0], problem.high[0] + 0.03 * span[0])
    ax.set_ylim(problem.low[1] - 0.03 * span[1], problem.high[1] + 0.08 * span[1])
    handles.append(
        plt.Line2D([], [], color="#555555", ls="--", lw=1, label="ratifiers alone (dashed)")
    )
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
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 2.8))
    else:
        fig = ax.figure  # type: ignore[assignment]
    span = float(problem.high[0] - problem.low[0])
    xs = np.linspace(0, 1, 2001)
    row = 0
    labels = []
    for side in problem.sides:
        for path in side.paths:
            member = _member_fn(list(path.bodies), path.lo, path.hi, problem.reversion)
            inside = xs[member(xs[:, None])]
            if inside.size:
                ax.plot(problem.low[0] + span * inside, np.full(inside.size, row), "s",
                        color=COLOURS[row % len(COLOURS)], ms=2)  # fmt: skip
            labels.append(f"{side.name}: {path.name}")
            row += 1
    ax.axvline(problem.low[0] + span * problem.reversion[0], color="k", ls="--", label="q")
    name = problem.issues[0]
    ax.axvline(result.outcome[name], color="#d62728", lw=2, label="outcome")
    ax.set_yticks(range(row), labels, fontsize=8)
    ax.set_xlim(problem.low[0], problem.high[0])
    ax.set_xlabel(scenario.issues[0].title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
