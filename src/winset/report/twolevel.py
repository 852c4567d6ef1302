"""The report's two-level pictures and tables: win-sets in the plane, every path, what it takes.

The picture draws, for each ratification path, the agreements its ratifiers would accept
(dashed) and, within its legal domain and the red lines that bind it, its win-set (filled). An
empty win-set is drawn as such, with the reason: no majority prefers any agreement to the
reversion point, or the domain or a red line lies outside what the ratifiers would accept.

Boundaries are exact up to the drawing: a bloc prefers a point to the reversion point q when its
salience-weighted distance to it is smaller, so its preferred set is an ellipse through q, and a
body's win-set is where the bloc at which the seats reach the quota still prefers the point.
The picture contours that continuous margin (it is positive exactly inside the win-set, as
:func:`winset.twolevel.winsets.body_member` decides), so the curves are smooth, not the steps of
a grid of yes/no answers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter
from numpy.typing import NDArray

from winset.numbers import fmt
from winset.report.labels import place_labels
from winset.report.palette import GREY, PATH_COLOURS, RED, SERIES
from winset.report.plots import WIDTH, axes, chart_style
from winset.scenario.schema import Scenario
from winset.twolevel.analyse import PathResult, TwoLevelResult
from winset.twolevel.draws import TwoLevelDraws
from winset.twolevel.problem import BodyArrays, PathArrays, RedLineArrays, TwoLevel, build
from winset.twolevel.search import Strategy

__all__ = [
    "PathPicture",
    "empty_reasons",
    "path_pictures",
    "plot_twolevel",
    "plot_twolevel_draws",
    "point",
    "spans_of",
    "twolevel_fragment",
]

GRID = 321
FloatArray = NDArray[np.float64]


def point(values: dict[str, float] | None, spans: dict[str, float] | None = None) -> str:
    """``troops 5,000, immunity 30`` (escaped for HTML); an em dash for none.

    With the issues' scale widths (``spans``), values are rounded to a hundred-thousandth of
    the scale, so a solver's 2e-05 troops on a 0-20,000 scale reads 0.
    """
    if values is None:
        return "—"
    spans = spans or {}

    def clean(k: str, v: float) -> float:
        span = spans.get(k)
        if not span or span <= 0:
            return v
        digits = max(0, 5 - int(np.floor(np.log10(span))))
        return float(round(v, digits)) + 0.0

    return ", ".join(f"{html.escape(k)} {fmt(clean(k, v))}" for k, v in values.items())


def spans_of(scenario: Scenario) -> dict[str, float]:
    """Issue name -> the width of its scale."""
    return {i.name: i.high - i.low for i in scenario.issues}


# ----------------------------------------------------------------------------- geometry


def _margin(body: BodyArrays, pts: FloatArray, q: FloatArray) -> FloatArray:
    """(P,): the body's pivotal margin: > 0 exactly where its quota of seats prefers the point.

    Each bloc's margin is d(x, q) - d(x, a) (salience-weighted distances); sorted from the most
    to the least keen, the margin of the bloc at which the seats reach the quota.
    """
    w = body.weight
    da = np.sqrt(np.einsum("bpm,bm->bp", (pts[None, :, :] - body.ideal[:, None, :]) ** 2, w))
    dq = np.sqrt(np.einsum("bm,bm->b", (q[None, :] - body.ideal) ** 2, w))
    margin = dq[:, None] - da
    margin[~np.any(w > 0, axis=1)] = -1.0  # a bloc that cares about nothing never votes yes
    if body.seats.sum() < body.quota:
        return np.full(pts.shape[0], -1.0)
    order = np.argsort(-margin, axis=0, kind="stable")
    ranked = np.take_along_axis(margin, order, axis=0)
    cum = np.cumsum(body.seats[order], axis=0)
    pivot = np.argmax(cum >= body.quota, axis=0)
    out: FloatArray = ranked[pivot, np.arange(pts.shape[0])]
    return out


def _box_margin(pts: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """(P,): > 0 inside the box on the first two issues, as far as the nearest side."""
    inner = np.minimum(pts[:, :2] - lo[:2], hi[:2] - pts[:, :2])
    out: FloatArray = inner.min(axis=1)
    return out


@dataclass(frozen=True, eq=False)
class PathPicture:
    """What the picture shows of one path: its fields on the grid, and in words why it is empty.

    ``ratifiers`` is positive where every body of the path would ratify (before its domain and
    red lines); ``winset`` where the path can carry an agreement; ``segment`` holds the points
    of a win-set pinned to a line (a domain of zero width on an issue).
    """

    side: str
    name: str
    open: bool
    ratifiers: FloatArray
    winset: FloatArray
    segment: FloatArray | None
    lines: tuple[RedLineArrays, ...]
    reason: str
    reach: str

    @property
    def label(self) -> str:
        """``Iraq: parliament`` (and ``(closed)``)."""
        return f"{self.side}: {self.name}" + ("" if self.open else " (closed)")

    @property
    def empty(self) -> bool:
        """Whether the path can carry no agreement."""
        if self.segment is not None:
            return self.segment.shape[0] == 0
        return not bool(np.any(self.winset > 0))


def _bodies_words(path: PathArrays) -> str:
    return " and ".join(b.name for b in path.bodies)


def _limit_words(problem: TwoLevel, lo: FloatArray, hi: FloatArray) -> str:
    parts = []
    for k, name in enumerate(problem.issues):
        low = problem.scales.low[k] + problem.scales.span(k) * lo[k]
        high = problem.scales.low[k] + problem.scales.span(k) * hi[k]
        if lo[k] > 0 and hi[k] < 1:
            parts.append(f"{name} {fmt(low)}–{fmt(high)}" if low != high else f"{name} {fmt(low)}")
        elif lo[k] > 0:
            parts.append(f"{name} ≥ {fmt(low)}")
        elif hi[k] < 1:
            parts.append(f"{name} ≤ {fmt(high)}")
    return ", ".join(parts)


def path_pictures(problem: TwoLevel, grid: int = GRID) -> tuple[FloatArray, list[PathPicture]]:
    """The grid (points on [0, 1] of the first two issues, others at q) and each path's fields.

    Parameters
    ----------
    problem
        The scenario's Level II (:func:`winset.twolevel.problem.build`).
    grid
        Points per issue.
    """
    xs = np.linspace(0.0, 1.0, grid)
    gx, gy = np.meshgrid(xs, xs, indexing="xy")
    pts = np.tile(problem.reversion, (gx.size, 1))
    pts[:, 0], pts[:, 1] = gx.ravel(), gy.ravel()
    q = problem.reversion
    out = []
    for side in problem.sides:
        for path in side.paths:
            ratifiers = np.full(pts.shape[0], np.inf)
            for body in path.bodies:
                ratifiers = np.minimum(ratifiers, _margin(body, pts, q))
            lines = tuple(
                line
                for s in problem.sides
                for line in s.red_lines
                if line.paths is not None and path.name in line.paths
            )
            lo, hi = path.lo.copy(), path.hi.copy()
            for line in lines:
                lo, hi = np.maximum(lo, line.lo), np.minimum(hi, line.hi)
            winset = np.minimum(ratifiers, _box_margin(pts, lo, hi))
            segment = None
            if np.any(hi[:2] <= lo[:2]) and np.all(hi[:2] >= lo[:2]):
                t = np.linspace(0.0, 1.0, 801)[:, None]
                seg = np.tile(q, (t.size, 1))
                seg[:, :2] = lo[:2] + (hi[:2] - lo[:2]) * t
                keep = np.full(t.size, True)
                for body in path.bodies:
                    keep &= _margin(body, seg, q) > 0
                segment = seg[keep]
            reason, reach = _why_empty(problem, path, lines, pts, ratifiers, lo, hi)
            out.append(
                PathPicture(
                    side.name,
                    path.name,
                    path.open,
                    ratifiers.reshape(gx.shape),
                    winset.reshape(gx.shape),
                    segment,
                    lines,
                    reason,
                    reach,
                )
            )
    return pts, out


def _round(value: float) -> str:
    """Three significant digits: the grid's resolution."""
    return fmt(float(f"{value:.3g}"))


def _why_empty(
    problem: TwoLevel,
    path: PathArrays,
    lines: tuple[RedLineArrays, ...],
    pts: FloatArray,
    ratifiers: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[str, str]:
    """Why the path's win-set is empty ("" when it is not), and how far its ratifiers reach."""
    inside = ratifiers > 0
    reach = ""
    if inside.any():
        top = pts[inside].max(axis=0)
        bottom = pts[inside].min(axis=0)
        reach = "about " + ", ".join(
            f"{name} {_round(problem.scales.low[k] + problem.scales.span(k) * bottom[k])}–"
            f"{_round(problem.scales.low[k] + problem.scales.span(k) * top[k])}"
            for k, name in enumerate(problem.issues[:2])
        )
    if np.any(hi < lo):
        return "its domain and red lines leave no room at all", reach
    if not inside.any():
        who = _bodies_words(path)
        if all(b.kind == "veto" for b in path.bodies):
            return f"{who} prefers no agreement to the reversion point", reach
        return f"no majority of {who} prefers any agreement to the reversion point", reach
    box = _box_margin(pts, path.lo, path.hi) > 0 if np.all(path.hi[:2] > path.lo[:2]) else None
    if box is not None and not np.any(inside & box):
        limits = _limit_words(problem, path.lo, path.hi)
        return f"its legal domain ({limits}) lies outside what {_bodies_words(path)} would "\
            "ratify", reach  # fmt: skip
    for line in lines:
        zone = _box_margin(pts, np.maximum(path.lo, line.lo), np.minimum(path.hi, line.hi))
        if not np.any(inside & (zone >= 0)):
            limits = _limit_words(problem, line.lo, line.hi)
            return (
                f"{line.side}'s red line '{line.name}' ({limits}) lies outside what "
                f"{_bodies_words(path)} would ratify ({reach})",
                reach,
            )
    return "", reach


# ----------------------------------------------------------------------------- pictures


def plot_twolevel(
    scenario: Scenario,
    result: TwoLevelResult,
    ax: Axes | None = None,
    pictures: list[PathPicture] | None = None,
) -> Figure:
    """Win-sets in the plane of the first two issues, every path, the agreements, the outcome.

    Each path is drawn: what its ratifiers alone would accept (dashed), its win-set within its
    domain and red lines (filled), or, when it is empty, the reason beside the picture. Blocs
    are circles sized by seats and named; a one-issue scenario is drawn on a line.

    Parameters
    ----------
    scenario
        The scenario with a ratification section.
    result
        Its two-level analysis.
    ax
        Draw the plane on this axes instead of a new figure (the explanations then go in its
        legend).
    pictures
        The paths' fields from :func:`path_pictures` (computed when not given).
    """
    problem = build(scenario)
    with chart_style():
        if problem.dims < 2:
            return _plot_line(scenario, problem, result, ax)
        return _plot_plane(scenario, problem, result, ax, pictures)


def _units(problem: TwoLevel, pts: FloatArray) -> FloatArray:
    low = problem.scales.low[:2]
    span = problem.scales.high[:2] - low
    out: FloatArray = low + span * pts[..., :2]
    return out


def _plot_plane(
    scenario: Scenario,
    problem: TwoLevel,
    result: TwoLevelResult,
    ax: Axes | None,
    pictures: list[PathPicture] | None,
) -> Figure:
    if ax is None:
        fig = Figure(figsize=(WIDTH, 7.2))
        ax = fig.add_axes((0.07, 0.09, 0.53, 0.84))
        legend_box: tuple[float, float] | None = (0.63, 0.93)
    else:
        fig = ax.figure  # type: ignore[assignment]
        legend_box = None
    low = problem.scales.low
    span = problem.scales.high - low
    if pictures is None:
        pictures = path_pictures(problem)[1]
    ux = low[0] + span[0] * np.linspace(0, 1, GRID)
    uy = low[1] + span[1] * np.linspace(0, 1, GRID)
    handles: list[Any] = []
    notes: list[str] = []
    for k, pic in enumerate(pictures):
        c = PATH_COLOURS[k % len(PATH_COLOURS)]
        hatch = None if pic.open else "//"
        if np.any(pic.ratifiers > 0) and not np.all(pic.ratifiers > 0):
            # dashes offset per path, so paths whose ratifiers coincide still show each colour
            dashes = (4.0 * (k % 3), (4.0, 8.0))
            ax.contour(ux, uy, pic.ratifiers, levels=[0.0], colors=[c], linewidths=1.4,
                       linestyles=[dashes])  # fmt: skip
        if pic.segment is not None:
            if pic.segment.size:
                u = _units(problem, pic.segment)
                ax.plot(u[:, 0], u[:, 1], color=c, lw=7, alpha=0.5, solid_capstyle="butt")
            label = pic.label + (" — empty" if pic.empty else "")
            handles.append(Line2D([], [], color=c, lw=7, alpha=0.5, label=label))
        else:
            if not pic.empty:
                ax.contourf(ux, uy, pic.winset, levels=[0.0, np.inf], colors=[c], alpha=0.2,
                            hatches=[hatch])  # fmt: skip
                ax.contour(ux, uy, pic.winset, levels=[0.0], colors=[c], linewidths=1.6)
            label = pic.label + (" — empty" if pic.empty else "")
            handles.append(Patch(facecolor=c, alpha=0.3, hatch=hatch, label=label))
        if pic.empty:
            notes.append(f"{pic.label}: empty — {pic.reason}.")
    # red lines: the zone each allows, outlined in red
    drawn: set[tuple[str, str]] = set()
    for pic in pictures:
        for line in pic.lines:
            if (line.side, line.name) in drawn:
                continue
            drawn.add((line.side, line.name))
            a = low[:2] + span[:2] * line.lo[:2]
            b = low[:2] + span[:2] * line.hi[:2]
            ax.add_patch(Rectangle(tuple(a), *(b - a), fill=False, edgecolor=RED, lw=2.4,
                                   ls="-", zorder=4, clip_on=False))  # fmt: skip
            on = ", ".join(line.paths or ())
            handles.append(
                Line2D([], [], color=RED, lw=2.4,
                       label=f"{line.side} red line '{line.name}' (on {on})")
            )  # fmt: skip
    # who is where: actors and blocs, one label per place
    names = problem.issues
    places: dict[tuple[float, float], dict[str, Any]] = {}
    for actor in scenario.actors:
        if names[0] in actor.position and names[1] in actor.position:
            xy = (actor.position[names[0]].value, actor.position[names[1]].value)
            w = actor.capability.value * max(s.value for s in actor.salience.values())
            place = places.setdefault(xy, {"actors": [], "blocs": [], "weight": 0.0})
            place["actors"].append(actor.name)
            place["weight"] = max(place["weight"], w)
    for body, u in problem.legislatures():
        for (x, y), bloc, seats in zip(u[:, :2], body.bloc_names, body.seats, strict=True):
            xy = (float(x), float(y))
            place = places.setdefault(xy, {"actors": [], "blocs": [], "weight": 0.0})
            place["blocs"].append((bloc, int(seats)))
            place["weight"] = max(place["weight"], float(seats))
        ax.scatter(u[:, 0], u[:, 1], s=np.maximum(body.seats, 1) * 4.0, zorder=3,
                   facecolors="none", edgecolors="#555555", linewidths=0.9)  # fmt: skip
    handles.append(
        Line2D([], [], marker="o", mfc="none", mec="#555555", ls="", ms=9,
               label="bloc (circle area: seats)")
    )  # fmt: skip
    for xy in places:
        ax.plot(*xy, "o", color="#333333", ms=3.5, zorder=5)
    marks: list[tuple[tuple[float, float], str, float]] = []
    q = _units(problem, problem.reversion)
    ax.plot(q[0], q[1], "X", color="black", ms=11, zorder=6)
    marks.append(((float(q[0]), float(q[1])), "q: no agreement", 7.0))
    lv = result.level1
    ax.plot(lv[names[0]], lv[names[1]], "D", color=GREY, ms=8, zorder=6)
    marks.append(((lv[names[0]], lv[names[1]]), f"Level I ({result.provenance.model})", 6.0))
    for p in result.paths:
        if p.agreement is not None:
            xy = (p.agreement[names[0]], p.agreement[names[1]])
            ax.plot(*xy, "*", color=RED, ms=15, zorder=7)
            marks.append((xy, f"agreement via {p.name}", 8.0))
    out = result.outcome
    ax.plot(out[names[0]], out[names[1]], "o", ms=20, mfc="none", mec="black", mew=2, zorder=7)
    marks.append(((out[names[0]], out[names[1]]), "outcome", 11.0))
    handles += [
        Line2D([], [], color="black", marker="X", ls="", ms=9, label="reversion point q"),
        Line2D([], [], color=GREY, marker="D", ls="", ms=7, label="Level-I forecast"),
        Line2D([], [], color=RED, marker="*", ls="", ms=12, label="agreement per path"),
        Line2D([], [], color="k", marker="o", mfc="none", ls="", ms=12, mew=2, label="outcome"),
        Line2D([], [], color="#555555", ls="--", lw=1.2, label="ratifiers alone (dashed)"),
    ]
    ax.set_xlim(low[0] - 0.03 * span[0], low[0] + 1.03 * span[0])
    ax.set_ylim(low[1] - 0.04 * span[1], low[1] + 1.06 * span[1])
    issues = {i.name: i for i in scenario.issues}
    ax.set_xlabel(issues[names[0]].title)
    ax.set_ylabel(issues[names[1]].title)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
    verdict = f"agreement via {result.path}" if result.agreement else "no agreement"
    ax.set_title(f"Win-sets and the outcome: {verdict}")
    ax.grid(color="#eeeeee")
    ax.set_axisbelow(True)
    # labels last, on the final layout: the marks first, then places by weight
    labels = [(xy, text, r) for xy, text, r in marks]
    for xy, place in sorted(places.items(), key=lambda kv: (-kv[1]["weight"], kv[0])):
        labels.append((xy, _place_text(place), 4.0))
    missed = place_labels(
        ax,
        [xy for xy, _, _ in labels],
        [text for _, text, _ in labels],
        fontsize=7.5,
        marker_px=[r * fig.dpi / 72 for _, _, r in labels],
    )
    if missed:
        notes.append("Not labelled for lack of room: " + "; ".join(labels[i][1] for i in missed))
    if legend_box is not None:
        legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=legend_box,
                            frameon=False, fontsize=8.5)  # fmt: skip
        if notes:
            fig.text(legend_box[0] + 0.005, 0.09, "\n\n".join(_wrap(n, 62) for n in notes),
                     fontsize=8.5, va="bottom", ha="left", color="#222222")  # fmt: skip
        del legend
    else:
        ax.legend(handles=handles, fontsize=7, loc="upper right", framealpha=0.85)
    return fig


def _place_text(place: dict[str, Any]) -> str:
    actors: list[str] = place["actors"]
    blocs: list[tuple[str, int]] = place["blocs"]
    own = [f"{b} ({s} seats)" for b, s in blocs if b in actors]
    rest = [(b, s) for b, s in blocs if b not in actors]
    names = [a if a not in dict(blocs) else own[[b for b, _ in blocs if b in actors].index(a)]
             for a in actors]  # fmt: skip
    if len(rest) > 2:
        seats = sum(s for _, s in rest)
        names.append(f"{rest[0][0]} and {len(rest) - 1} more blocs ({seats} seats)")
    else:
        names += [f"{b} ({s})" for b, s in rest]
    text = ", ".join(names)
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


def _wrap(text: str, width: int) -> str:
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "\n".join(lines)


def _plot_line(
    scenario: Scenario, problem: TwoLevel, result: TwoLevelResult, ax: Axes | None
) -> Figure:
    new = ax is None
    fig, ax = axes(ax, (WIDTH, 1.0 + 0.45 * sum(len(s.paths) for s in problem.sides)))
    if new:
        fig.subplots_adjust(left=0.22, right=0.97, bottom=0.3)
    low = float(problem.scales.low[0])
    span = problem.scales.span(0)
    xs = np.linspace(0, 1, 2001)
    q = problem.reversion
    row = 0
    labels = []
    for side in problem.sides:
        for path in side.paths:
            pts = np.tile(q, (xs.size, 1))
            pts[:, 0] = xs
            ok = (xs >= path.lo[0] - 1e-12) & (xs <= path.hi[0] + 1e-12)
            for body in path.bodies:
                ok &= _margin(body, pts, q) > 0
            # contiguous runs as bars
            edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(int), [0]])))
            for a, b in zip(edges[::2], edges[1::2], strict=True):
                ax.plot([low + span * xs[a], low + span * xs[b - 1]], [row, row],
                        color=PATH_COLOURS[row % len(PATH_COLOURS)], lw=8,
                        solid_capstyle="butt")  # fmt: skip
            empty = "" if ok.any() else " (empty)"
            labels.append(f"{side.name}: {path.name}{'' if path.open else ' (closed)'}{empty}")
            row += 1
    ax.axvline(low + span * q[0], color="k", ls="--", label="reversion point q")
    name = problem.issues[0]
    ax.axvline(result.outcome[name], color=RED, lw=2, label="outcome")
    ax.set_yticks(range(row), labels)
    ax.set_ylim(-0.6, row - 0.4)
    ax.set_xlim(low, low + span)
    ax.set_xlabel(scenario.issues[0].title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=2, frameon=False)
    return fig


def plot_twolevel_draws(drawn: TwoLevelDraws, ax: Axes | None = None) -> Figure:
    """P(ratifiable) and P(the deal goes through it) per path combination, over the draws."""
    with chart_style():
        names = list(drawn.p_ratifiable)
        new = ax is None
        fig, ax = axes(ax, (WIDTH, 0.55 * len(names) + 1.3))
        if new:
            fig.subplots_adjust(left=0.25, right=0.95, bottom=0.35 if len(names) < 3 else 0.2)
        ys = np.arange(len(names))[::-1]
        ax.barh(ys + 0.18, [drawn.p_ratifiable[n] for n in names], height=0.34,
                color=SERIES[0], label="P(ratifiable)")  # fmt: skip
        ax.barh(ys - 0.18, [drawn.p_chosen[n] for n in names], height=0.34,
                color=SERIES[1], label="P(the deal goes through it)")  # fmt: skip
        for y, n in zip(ys, names, strict=True):
            for dy, v in ((0.18, drawn.p_ratifiable[n]), (-0.18, drawn.p_chosen[n])):
                ax.text(v + 0.01, y + dy, f"{v:.2f}", va="center", fontsize=8)
        ax.set_yticks(ys, names)
        ax.set_xlim(0, 1.1)
        ax.set_xlabel("share of draws")
        ax.set_title(
            f"P(agreement) {drawn.p_agreement:.2f} over {drawn.draws:,} draws "
            f"({drawn.distribution}, seed {drawn.seed})"
        )
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(names) < 3 else -0.12),
                  ncol=2, frameon=False)  # fmt: skip
        return fig


# ----------------------------------------------------------------------------- HTML


def _pivots(p: PathResult) -> str:
    return html.escape(", ".join(f"{s['bloc']} ({float(s['swing']):.2f})" for s in p.pivotal[:4]))


def empty_reasons(scenario: Scenario, pictures: list[PathPicture] | None = None) -> dict[str, str]:
    """Path name -> why its win-set is empty (only the empty ones)."""
    if pictures is None:
        pictures = path_pictures(build(scenario))[1]
    return {p.name: p.reason for p in pictures if p.empty and p.reason}


def twolevel_fragment(
    scenario: Scenario,
    result: TwoLevelResult,
    strategies: tuple[Strategy, ...],
    figure: str,
    drawn: TwoLevelDraws | None = None,
    draws_figure: str = "",
) -> str:
    """HTML: the verdict, the picture, the paths table, the draws and what it would take."""
    spans = spans_of(scenario)

    def pt(values: dict[str, float] | None) -> str:
        return point(values, spans)

    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{'yes' if p.open else 'no'}</td>"
        f"<td>{'yes' if p.ratifiable else 'no'}</td><td>{pt(p.agreement)}</td>"
        f"<td class=num>{p.p_ratify:.3f}</td>"
        + (
            f"<td class=num>{drawn.p_ratifiable.get(p.name, float('nan')):.3f}</td>"
            if drawn is not None
            else ""
        )
        + f"<td>{html.escape('; '.join(p.red_lines) or '—')}</td><td>{_pivots(p)}</td></tr>"
        for p in result.paths
    )
    verdict = (
        f"agreement through <b>{html.escape(result.path or '')}</b>: {pt(result.outcome)}"
        f" (P(ratify) {result.p_ratify:.3f})"
        if result.agreement
        else f"<b>no agreement</b>: the reversion point holds ({pt(result.outcome)})"
    )
    model = html.escape(result.provenance.model)
    draws_head = "<th>P(ratifiable) over draws</th>" if drawn is not None else ""
    parts = [
        f"<p>Level I (the {model} model) forecasts {pt(result.level1)}. Constrained to what "
        f"each ratification path can carry: {verdict}.</p>",
        f'<div class="figure wide">{figure}</div>',
        "<table><tr><th>paths</th><th>open</th><th>ratifiable</th><th>agreement</th>"
        f"<th>P(ratify)</th>{draws_head}<th>red lines</th><th>pivotal blocs (swing)</th></tr>"
        + rows
        + "</table>",
    ]
    if drawn is not None:
        parts.append(
            f"<h3>Over {drawn.draws:,} draws of the uncertain inputs</h3>"
            f"<p>P(agreement) {drawn.p_agreement:.3f} ({html.escape(drawn.distribution)} draws, "
            f"seed {drawn.seed}).</p>"
            f'<div class="figure">{draws_figure}</div>'
        )
    for strategy in strategies:
        moves = "".join(
            f"<tr><td>{html.escape(m.bloc)}</td><td class=num>{m.seats}</td>"
            f"<td>{pt(m.start)}</td><td>{pt(m.end)}</td>"
            f"<td class=num>{m.distance:.3f}</td></tr>"
            for m in strategy.moves
        )
        parts.append(
            f"<h3>What would it have taken for {html.escape(strategy.path)}?</h3>"
            f"<p>{html.escape(strategy.note)}"
            + (f"; cheapest agreement {pt(strategy.agreement)}" if strategy.agreement else "")
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
    return "\n".join(parts)
