"""Every chart and report the workbench shows, in one adapter over :mod:`winset.report`.

The pages never call chart code themselves: they call these functions, which return a *chart
spec* (Plotly's ``{"data": [...], "layout": {...}}``, drawn in the browser by ``app.js`` from the
chart's ``data-spec`` attribute, so no inline script is ever needed) or the report's HTML. The
issue picture comes from :func:`winset.report.interactive.issue_figure_html`, the report from
:func:`winset.report.html.build_report`; the other charts are drawn here from the results'
numbers, which they only plot. Adopting new chart functions of the report is a change to this
file alone.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from winset.numbers import fmt
from winset.results import RunResult
from winset.scenario.schema import Scenario

__all__ = [
    "histogram_chart",
    "issue_chart",
    "report_html",
    "rounds_chart",
    "sobol_chart",
    "spec_json",
    "tornado_chart",
    "winset_chart",
]

Spec = dict[str, Any]
COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
_AXIS = {"gridcolor": "#e5e8ee", "zeroline": False, "automargin": True, "linecolor": "#b9c0cc"}
_BASE_LAYOUT: dict[str, Any] = {
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
    "xaxis": _AXIS,
    "yaxis": _AXIS,
    "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
    "font": {"size": 12},
}
# fields of a trace holding user text shown as labels (escaped: Plotly reads tags in them)
_TEXT_KEYS = ("x", "y", "text", "name", "customdata", "hovertext", "ticktext")


def _escape(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list | tuple):
        return [_escape(v) for v in value]
    return value


def _safe_traces(traces: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Traces whose text fields are escaped, so that a name is shown, never interpreted."""
    out = []
    for trace in traces:
        clean = dict(trace)
        for key in _TEXT_KEYS:
            if key in clean:
                clean[key] = _escape(clean[key])
        out.append(clean)
    return out


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = json.loads(json.dumps(_BASE_LAYOUT))
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _title(text: str) -> dict[str, Any]:
    return {"text": html.escape(text, quote=False), "font": {"size": 14}}


def spec_json(spec: Spec) -> str:
    """A chart spec as JSON with no ``<``, ``>`` or ``&`` (safe in any HTML context)."""
    text = json.dumps(spec, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ----------------------------------------------------------------------------- the issue picture


def _plotly_args(fragment: str) -> list[Any] | None:
    """The JSON arguments of the ``Plotly.newPlot(...)`` call in Plotly's HTML fragment."""
    start = fragment.find("Plotly.newPlot(")
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    pos = start + len("Plotly.newPlot(")
    args: list[Any] = []
    while len(args) < 4:
        match = re.compile(r"[\s,]*").match(fragment, pos)
        pos = match.end() if match else pos
        if pos >= len(fragment) or fragment[pos] == ")":
            break
        try:
            value, pos = decoder.raw_decode(fragment, pos)
        except json.JSONDecodeError:
            return None
        args.append(value)
    return args if len(args) >= 3 else None


def issue_chart(scenario: Scenario, issue: str, forecasts: Mapping[str, float]) -> Spec:
    """Actors on the issue's scale (sized by capability x salience) with the forecasts marked.

    Drawn by :func:`winset.report.interactive.issue_figure_html`, the report's interactive
    picture.
    """
    from winset.report.interactive import issue_figure_html

    fragment = issue_figure_html(scenario, issue, dict(forecasts), "issue")
    args = _plotly_args(fragment)
    if args is None:  # pragma: no cover - a change of Plotly's output: draw the plain picture
        return _plain_issue_chart(scenario, issue, forecasts)
    data, layout = args[1], args[2]
    return {"data": _safe_traces(data), "layout": layout}


def _plain_issue_chart(scenario: Scenario, issue: str, forecasts: Mapping[str, float]) -> Spec:
    actors = [a for a in scenario.actors if issue in a.position]
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [a.position[issue].value for a in actors],
            "y": [a.name for a in actors],
            "name": "actors",
        }
    ]
    for (label, value), colour in zip(forecasts.items(), COLOURS * 4, strict=False):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [value, value],
                "y": [actors[0].name, actors[-1].name],
                "name": f"{label}: {fmt(value)}",
                "line": {"color": colour},
            }
        )
    return {"data": _safe_traces(traces), "layout": _layout(title=_title(issue))}


# ----------------------------------------------------------------------------- rounds and draws


def rounds_chart(result: RunResult, issue: str) -> Spec:
    """An iterative model's rounds on one issue: every actor's position, the median and mean."""
    rounds = [r.round for r in result.rounds]
    traces: list[dict[str, Any]] = []
    actors = list(result.rounds[0].issues[issue].positions) if result.rounds else []
    for actor in actors:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": rounds,
                "y": [r.issues[issue].positions.get(actor) for r in result.rounds],
                "name": actor,
                "line": {"width": 1},
                "opacity": 0.55,
                "showlegend": False,
                "hovertemplate": f"{html.escape(actor)}: %{{y:,.4g}}<extra></extra>",
            }
        )
    for key, colour in (("median", "#d62728"), ("mean", "#1f77b4")):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": rounds,
                "y": [getattr(r.issues[issue], key) for r in result.rounds],
                "name": key,
                "line": {"width": 3, "color": colour},
            }
        )
    unit = result.units.get(issue, "")
    model = result.provenance.model
    layout = _layout(
        title=_title(f"{issue}: {model} round by round"),
        xaxis={"title": {"text": "round"}, "dtick": 1},
        yaxis={"title": {"text": html.escape(unit)}},
        height=360,
    )
    return {"data": _safe_traces(traces), "layout": layout}


def histogram_chart(result: RunResult, issue: str) -> Spec | None:
    """The distribution of one issue's forecast over the draws, with p10, p50 and p90 marked."""
    mc = result.extras.get("montecarlo") or {}
    hist = (mc.get("histogram") or {}).get(issue)
    dist = result.distribution.get(issue)
    if not hist or dist is None:
        return None
    edges, counts = hist["edges"], hist["counts"]
    mids = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:], strict=True)]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": mids,
            "y": counts,
            "width": widths,
            "name": "draws",
            "marker": {"color": "#4c72b0"},
            "hovertemplate": "%{x:,.4g}: %{y:,} draws<extra></extra>",
        }
    ]
    top = max(counts) if counts else 1
    for label, value, dash in (
        ("p10", dist.p10, "dot"),
        ("p50", dist.p50, "dash"),
        ("p90", dist.p90, "dot"),
    ):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [value, value],
                "y": [0, top],
                "name": f"{label} {fmt(value)}",
                "line": {"color": "#d62728", "dash": dash},
            }
        )
    unit = result.units.get(issue, "")
    layout = _layout(
        title=_title(f"{issue}: {dist.n:,} draws ({result.provenance.model})"),
        xaxis={"title": {"text": html.escape(unit)}},
        yaxis={"title": {"text": "draws"}},
        bargap=0.02,
        height=320,
    )
    return {"data": _safe_traces(traces), "layout": layout}


# ----------------------------------------------------------------------------- two-level


def winset_chart(scenario: Scenario, result: Any) -> Spec:
    """The plane of the first two issues: each path combination's agreement set and deal.

    The reversion point, the Level-I forecast, every combination's agreement set (its extent,
    from the result) and agreement, the outcome, and the voting blocs by seats. A one-issue
    scenario is drawn on a line.
    """
    issues = list(result.issues)
    two = len(issues) >= 2
    xi, yi = issues[0], issues[1] if two else None
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []

    def y_of(point: Mapping[str, float], fallback: float) -> float:
        return float(point[yi]) if yi is not None else fallback

    blocs: dict[str, tuple[float, float, int]] = {}
    if scenario.ratification is not None:
        actors = {a.name: a for a in scenario.actors}
        for side in scenario.ratification.sides:
            for path in side.paths:
                for body in path.bodies:
                    members = list(body.blocs) if body.blocs else [body]
                    for bloc in members:
                        pos = dict(bloc.position)
                        actor = actors.get(getattr(bloc, "actor", None) or "")
                        x = pos.get(xi) or (actor.position.get(xi) if actor else None)
                        y = None
                        if yi is not None:
                            y = pos.get(yi) or (actor.position.get(yi) if actor else None)
                        if x is None or (yi is not None and y is None):
                            continue
                        seats = int(getattr(bloc, "seats", 1) or 1)
                        blocs[bloc.name] = (x.value, y.value if y is not None else 0.0, seats)
    if blocs:
        top = max(s for _, _, s in blocs.values()) or 1
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [v[0] for v in blocs.values()],
                "y": [v[1] for v in blocs.values()],
                "text": list(blocs),
                "marker": {
                    "size": [6 + 24 * (v[2] / top) ** 0.5 for v in blocs.values()],
                    "color": "#999999",
                    "opacity": 0.6,
                },
                "name": "voters (size: seats)",
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    for k, p in enumerate(result.paths):
        colour = COLOURS[k % len(COLOURS)]
        label = f"{p.name}{'' if p.open else ' (closed)'}"
        if p.bounds is not None:
            x0, x1 = p.bounds[xi]
            y0, y1 = p.bounds[yi] if yi is not None else (-0.3 - 0.1 * k, -0.2 - 0.1 * k)
            shapes.append(
                {
                    "type": "rect",
                    "x0": x0,
                    "x1": x1,
                    "y0": y0,
                    "y1": y1,
                    "line": {"color": colour, "width": 2, "dash": "solid" if p.open else "dot"},
                    "fillcolor": colour,
                    "opacity": 0.18,
                }
            )
        if p.agreement is not None:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [p.agreement[xi]],
                    "y": [y_of(p.agreement, -0.25 - 0.1 * k)],
                    "marker": {"size": 12, "color": colour, "symbol": "diamond"},
                    "name": f"{label}: P(ratify) {p.p_ratify:.2f}",
                }
            )
        else:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [None],
                    "y": [None],
                    "marker": {"color": colour},
                    "name": f"{label}: nothing ratifiable",
                }
            )
    for label, point, symbol, colour in (
        ("reversion (no deal)", result.reversion, "x", "#000000"),
        ("Level-I forecast", result.level1, "star", "#ff7f0e"),
        ("outcome", result.outcome, "circle-open", "#d62728"),
    ):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [point[xi]],
                "y": [y_of(point, 0.0)],
                "marker": {"size": 14, "symbol": symbol, "color": colour, "line": {"width": 2}},
                "name": label,
            }
        )
    ix = scenario.issue(xi)
    layout = _layout(
        title=_title("Agreement sets by path (dotted: a path not taken)"),
        xaxis={
            "title": {"text": html.escape(ix.title + (f" ({ix.unit})" if ix.unit else ""))},
            "range": [ix.low - 0.03 * (ix.high - ix.low), ix.high + 0.03 * (ix.high - ix.low)],
        },
        shapes=shapes,
        height=460,
    )
    if yi is not None:
        iy = scenario.issue(yi)
        layout["yaxis"].update(
            title={"text": html.escape(iy.title + (f" ({iy.unit})" if iy.unit else ""))},
            range=[iy.low - 0.03 * (iy.high - iy.low), iy.high + 0.03 * (iy.high - iy.low)],
        )
    else:
        layout["yaxis"].update(visible=False, range=[-1, 1])
    return {"data": _safe_traces(traces), "layout": layout}


# ----------------------------------------------------------------------------- sensitivity


def tornado_chart(result: Any, issue: str, top: int = 10) -> Spec:
    """The inputs that move one issue's forecast most: each bar spans the forecasts it gives."""
    drivers = list(reversed(result.top(issue, top)))
    base = result.forecast[issue]
    labels = [f"{d.actor} · {d.input}" for d in drivers]
    lows = [min(d.forecast_low, d.forecast_high) for d in drivers]
    highs = [max(d.forecast_low, d.forecast_high) for d in drivers]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": [h - lo for lo, h in zip(lows, highs, strict=True)],
            "base": lows,
            "marker": {"color": "#4c72b0"},
            "name": "forecast over the input's range",
            "customdata": [[fmt(d.low), fmt(d.high), fmt(d.swing)] for d in drivers],
            "hovertemplate": "%{y}<br>input %{customdata[0]} to %{customdata[1]}"
            "<br>swing %{customdata[2]}<extra></extra>",
        }
    ]
    layout = _layout(
        title=_title(f"{issue}: what moves the forecast ({result.model})"),
        shapes=[
            {
                "type": "line",
                "x0": base,
                "x1": base,
                "y0": -0.5,
                "y1": len(drivers) - 0.5,
                "line": {"color": "#d62728", "dash": "dash"},
            }
        ],
        height=max(260, 34 * len(drivers) + 120),
        yaxis={"automargin": True},
        showlegend=False,
    )
    return {"data": _safe_traces(traces), "layout": layout}


def sobol_chart(result: Any, issue: str, top: int = 10) -> Spec | None:
    """First-order and total Sobol indices of one issue's forecast (with their intervals)."""
    indices = [s for s in result.sobol if s.issue == issue][:top]
    if not indices:
        return None
    indices.reverse()
    names = [s.name for s in indices]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [s.s1 for s in indices],
            "error_x": {"type": "data", "array": [s.s1_conf for s in indices]},
            "name": "first order",
            "marker": {"color": "#4c72b0"},
        },
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [s.st for s in indices],
            "error_x": {"type": "data", "array": [s.st_conf for s in indices]},
            "name": "total",
            "marker": {"color": "#dd8452"},
        },
    ]
    layout = _layout(
        title=_title(f"{issue}: Sobol indices ({result.sobol_samples} base samples)"),
        barmode="group",
        height=max(260, 40 * len(indices) + 120),
        yaxis={"automargin": True},
    )
    return {"data": _safe_traces(traces), "layout": layout}


# ----------------------------------------------------------------------------- the report


def report_html(data: Any, interactive: bool = False) -> str:
    """The self-contained HTML report of :func:`winset.study.report_data`'s output."""
    from winset.report.html import build_report

    return build_report(data, interactive=interactive)
