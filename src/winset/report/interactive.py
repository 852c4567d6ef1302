"""Interactive pictures (Plotly) of every chart in the report: hover for the values.

Each ``*_figure`` function takes the same results as its static twin in
:mod:`winset.report.charts` and returns a ``plotly.graph_objects.Figure``; :func:`figure_html`
turns one into an HTML fragment. The fragments draw as soon as Plotly is on the page: a page
that loads Plotly itself (``<script src=...>`` or :func:`plotly_script`) gets them drawn at once,
and the report loads it once, compressed, with :func:`plotly_loader`, so the file still works
offline.

Text from the scenario (names, sources) is escaped before Plotly sees it (Plotly reads a few
HTML tags in labels) and the figure's JSON is escaped for a ``<script>`` element, so names
such as ``</script><script>...`` stay text. Needs the ``interactive`` extra
(``pip install 'winset[interactive]'``).
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from winset.errors import InputError, Problem
from winset.numbers import fmt, fmt_range
from winset.report.palette import (
    ACTOR,
    GREY,
    LIGHT_GREY,
    PATH_COLOURS,
    RED,
    SERIES,
    trajectory_colours,
)
from winset.scenario.schema import Estimate, Scenario

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from winset.analysis.sensitivity import SensitivityResult
    from winset.results import RunResult
    from winset.study import Comparison
    from winset.twolevel.analyse import TwoLevelResult
    from winset.twolevel.draws import TwoLevelDraws

__all__ = [
    "distribution_figure",
    "distributions_figure",
    "figure_html",
    "issue_figure",
    "issue_figure_html",
    "plotly_loader",
    "plotly_script",
    "require_plotly",
    "sobol_figure",
    "tornado_figure",
    "trajectory_figure",
    "twolevel_draws_figure",
    "twolevel_figure",
    "whatif_figure",
]

_MARKERS = ("circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "x", "star")
_CONFIG = {"displaylogo": False, "responsive": True}
_FONT = {"family": "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif", "size": 12}


def require_plotly() -> None:
    """InputError unless Plotly (the ``interactive`` extra) is installed."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        raise InputError(
            Problem(
                "",
                "interactive",
                "needs the interactive extra: pip install 'winset[interactive]'",
            )
        ) from None


def plotly_script() -> str:
    """The Plotly JavaScript library as one inline ``<script>`` element (uncompressed)."""
    require_plotly()
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>{_DRAIN}'


_DRAIN = (
    "<script>(function(){var q=window.winsetCharts||[];"
    "window.winsetCharts={push:function(f){f();}};q.forEach(function(f){f();});})();</script>"
)


@functools.lru_cache(maxsize=1)
def _packed_library() -> str:
    from plotly.offline import get_plotlyjs

    packed = gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")


def plotly_loader() -> str:
    """Plotly, gzip-compressed in the page, unpacked by the browser; then every chart draws.

    About 2 MB instead of 4.8 MB. Browsers without ``DecompressionStream`` (before 2023) show a
    note instead of the charts.
    """
    require_plotly()
    return (
        '<script type="application/octet-stream" id="winset-plotly">'
        + _packed_library()
        + "</script>\n<script>(function(){"
        "var el=document.getElementById('winset-plotly');"
        "function fail(){document.querySelectorAll('.chart').forEach(function(d){"
        "d.textContent='This browser cannot unpack the interactive charts: "
        "write the report without --interactive.';});}"
        "if(!window.DecompressionStream){window.addEventListener('DOMContentLoaded',fail);"
        "return;}"
        "var raw=atob(el.textContent);var bytes=new Uint8Array(raw.length);"
        "for(var i=0;i<raw.length;i++){bytes[i]=raw.charCodeAt(i);}"
        "new Response(new Blob([bytes]).stream().pipeThrough("
        "new DecompressionStream('gzip'))).text().then(function(code){"
        "var s=document.createElement('script');s.text=code;document.head.appendChild(s);"
        "var q=window.winsetCharts||[];window.winsetCharts={push:function(f){f();}};"
        "var go=function(){q.forEach(function(f){f();});};"
        "if(document.readyState==='loading'){"
        "window.addEventListener('DOMContentLoaded',go);}else{go();}"
        "}).catch(fail);})();</script>"
    )


def _safe_json(data: Any) -> str:
    """JSON that cannot end or open an element inside ``<script>``."""
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(data, cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":"))
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(a, b)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def figure_html(fig: go.Figure, div_id: str) -> str:
    """One figure as an HTML fragment: a ``<div>`` and the script that draws it.

    It draws at once when Plotly is on the page, else when :func:`plotly_loader` has loaded
    it. ``div_id`` must be unique on the page (letters, digits, ``-`` and ``_``).
    """
    if not div_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"div id {div_id!r} must be letters, digits, '-' and '_'")
    spec = fig.to_plotly_json()
    height = int(spec.get("layout", {}).get("height") or 450)
    call = (
        f"Plotly.newPlot({_safe_json(div_id)},{_safe_json(spec.get('data', []))},"
        f"{_safe_json(spec.get('layout', {}))},{_safe_json(_CONFIG)});"
    )
    return (
        f'<div id="{div_id}" class="chart" style="height:{height}px"></div>'
        "<script>(function(){var draw=function(){" + call + "};"
        "if(window.Plotly){draw();}else{(window.winsetCharts=window.winsetCharts||[]).push(draw);}"
        "})();</script>"
    )


def _e(text: object) -> str:
    """User text for a Plotly label: Plotly reads some HTML tags, so escape it.

    Only ``&``, ``<`` and ``>``: they are all a tag or an entity needs, and Plotly turns their
    entities back into the characters. Quotes stay as they are (Plotly would show ``&quot;``
    as written: it knows no such entity).
    """
    return html.escape(str(text), quote=False)


def _text(e: Estimate) -> str:
    text = fmt(e.value)
    if e.range is not None:
        text += f" [{fmt_range(e.range[0], e.range[1])}]"
    if e.source_ids():
        text += " (" + ", ".join(e.source_ids()) + ")"
    return _e(text)


def _layout(fig: go.Figure, title: str, height: int, **extra: Any) -> None:
    fig.update_layout(
        title={"text": _e(title), "x": 0.01, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 20, "t": 50, "b": 50},
        template="plotly_white",
        font=_FONT,
        **extra,
    )


# ----------------------------------------------------------------------------- issues


def issue_figure(
    scenario: Scenario,
    issue: str,
    forecasts: Mapping[str, float],
    intervals: Mapping[str, tuple[float, float]] | None = None,
) -> go.Figure:
    """One issue: a row per forecast (with its 80% interval), a row per actor sized by weight."""
    require_plotly()
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from winset.report.plots import actor_label

    spec = scenario.issue(issue)
    intervals = dict(intervals or {})
    actors = sorted(
        (a for a in scenario.actors if issue in a.position),
        key=lambda a: (-a.position[issue].value, a.name),
    )
    refs: list[tuple[str, float, str, str]] = [
        (label, value, SERIES[k % len(SERIES)], _MARKERS[k % len(_MARKERS)])
        for k, (label, value) in enumerate(forecasts.items())
    ]
    if spec.status_quo is not None:
        refs.append(("status quo", spec.status_quo.value, GREY, "diamond-wide"))
    if spec.outcome is not None:
        refs.append(("recorded outcome", spec.outcome.value, "#000000", "star"))
    n_top = max(len(refs), 1)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[n_top + 1, len(actors) + 1],
        vertical_spacing=0.04,
    )
    for label, value, c, m in reversed(refs):
        lo, hi = intervals.get(label, (value, value))
        note = f"<br>80% of draws: {fmt_range(lo, hi)}" if label in intervals else ""
        fig.add_trace(
            go.Scatter(
                x=[value],
                y=[_e(label)],
                mode="markers+text",
                marker={"symbol": m, "size": 12, "color": c},
                text=[fmt(value)],
                textposition="middle right",
                error_x=(
                    {
                        "type": "data",
                        "symmetric": False,
                        "array": [hi - value],
                        "arrayminus": [value - lo],
                        "color": c,
                        "thickness": 4,
                        "width": 0,
                    }
                    if label in intervals
                    else None
                ),  # fmt: skip
                name=_e(label),
                hovertemplate=f"{_e(label)}: {fmt(value)}{note}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    weights = [a.capability.value * a.salience[issue].value for a in actors]
    top = max(weights) if weights and max(weights) > 0 else 1.0
    fig.add_trace(
        go.Scatter(
            x=[a.position[issue].value for a in actors],
            y=[_e(actor_label(a)) for a in actors],
            mode="markers",
            marker={
                "size": [8 + 28 * w / top for w in weights],
                "color": ACTOR,
                "opacity": 0.75,
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [a.position[issue].high - a.position[issue].value for a in actors],
                "arrayminus": [a.position[issue].value - a.position[issue].low for a in actors],
                "color": "#999999",
            },
            customdata=[
                [
                    _text(a.position[issue]),
                    _text(a.capability),
                    _text(a.salience[issue]),
                    _e(a.description or ""),
                ]
                for a in actors
            ],  # fmt: skip
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[3]}<br>position %{customdata[0]}"
                "<br>capability %{customdata[1]}<br>salience %{customdata[2]}<extra></extra>"
            ),
            name="actors",
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    unit = f" ({spec.unit})" if spec.unit else ""
    pad = 0.03 * (spec.high - spec.low)
    fig.update_xaxes(range=[spec.low - pad, spec.high + pad])
    fig.update_xaxes(title_text=_e(spec.title + unit), row=2, col=1)
    _layout(
        fig,
        f"{spec.title}: forecasts and positions (dot size: capability × salience)",
        int(28 * (n_top + len(actors)) + 190),
    )
    return fig


def issue_figure_html(
    scenario: Scenario, issue: str, forecasts: Mapping[str, float], div_id: str
) -> str:
    """One issue as an interactive chart (a ``<div>`` and its script; needs Plotly on the page)."""
    return figure_html(issue_figure(scenario, issue, forecasts), div_id)


# ----------------------------------------------------------------------------- rounds


def trajectory_figure(
    result: RunResult, issue: str, weights: Mapping[str, float] | None = None
) -> go.Figure:
    """Every actor's position by round (the largest coloured, the rest grey) and the median."""
    require_plotly()
    import plotly.graph_objects as go

    steps = [r.round for r in result.rounds]
    colours = trajectory_colours(result, issue, weights)
    actors = [a for a in result.actors if a in colours]
    fig = go.Figure()
    for actor in sorted(actors, key=lambda a: colours[a] is not None):
        c = colours[actor]
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=[r.issues[issue].positions[actor] for r in result.rounds],
                mode="lines+markers" if c else "lines",
                line={"color": c or LIGHT_GREY, "width": 2 if c else 1},
                marker={"size": 4},
                name=_e(actor),
                showlegend=c is not None,
                hovertemplate=f"{_e(actor)}<br>round %{{x}}: %{{y:,.4~g}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=[r.issues[issue].median for r in result.rounds],
            mode="lines+markers",
            line={"color": "black", "width": 3, "dash": "dash"},
            name="median",
            hovertemplate="median<br>round %{x}: %{y:,.4~g}<extra></extra>",
        )
    )
    unit = result.units.get(issue, "")
    prov = result.provenance
    _layout(
        fig,
        f"{issue}: positions by round, {prov.model} ({prov.variant})",
        480,
        xaxis={"title": "round (0 is the input)", "dtick": 1},
        yaxis={"title": _e(issue + (f" ({unit})" if unit else ""))},
    )
    return fig


# ----------------------------------------------------------------------------- uncertainty


def _histogram_bar(hist: dict[str, Any]) -> go.Bar:
    """One issue's stored histogram of the draws as bars centred on their bins."""
    import plotly.graph_objects as go

    edges = np.asarray(hist["edges"])
    return go.Bar(
        x=((edges[:-1] + edges[1:]) / 2).tolist(),
        y=hist["counts"],
        width=float(edges[1] - edges[0]),
        marker_color=ACTOR,
        opacity=0.7,
        name="draws",
        hovertemplate="%{x:,.4~g}: %{y} draws<extra></extra>",
    )


def distribution_figure(result: RunResult, issue: str) -> go.Figure:
    """The draws' histogram on one issue, with the 80% interval and the point forecast."""
    require_plotly()
    import plotly.graph_objects as go

    from winset.report.uncertainty import flat_value

    mc = result.extras["montecarlo"]
    fig = go.Figure()
    flat = flat_value(result, issue)
    d = result.distribution[issue]
    if flat is not None:
        fig.add_trace(go.Bar(x=[fmt(flat)], y=[mc["draws"]], marker_color=ACTOR, name="draws"))
        title = f"{result.provenance.model}: all {mc['draws']:,} draws gave {fmt(flat)}"
    else:
        fig.add_trace(_histogram_bar(mc["histogram"][issue]))
        fig.add_vrect(x0=d.p10, x1=d.p90, fillcolor=ACTOR, opacity=0.1, line_width=0)
        fig.add_vline(x=d.p50, line_color="#333333")
        fig.add_vline(x=result.forecast[issue], line_color=SERIES[1], line_dash="dash")
        title = (
            f"{result.provenance.model}: {mc['draws']:,} draws; median {fmt(d.p50)}, "
            f"80% {fmt_range(d.p10, d.p90)}; point forecast {fmt(result.forecast[issue])}"
        )
    unit = result.units.get(issue, "")
    _layout(
        fig,
        title,
        330,
        showlegend=False,
        xaxis={"title": _e(issue + (f" ({unit})" if unit else ""))},
        yaxis={"title": "draws"},
    )
    return fig


def distributions_figure(results: Sequence[RunResult], issue: str) -> go.Figure:
    """Every model's draws on one issue, one row each on a shared scale."""
    require_plotly()
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from winset.report.uncertainty import flat_value

    rows = [r for r in results if issue in r.distribution]
    fig = make_subplots(
        rows=len(rows),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[_e(r.provenance.model) for r in rows],
    )
    for k, r in enumerate(rows, start=1):
        mc = r.extras["montecarlo"]
        d = r.distribution[issue]
        flat = flat_value(r, issue)
        if flat is not None:
            fig.add_trace(
                go.Bar(x=[flat], y=[mc["draws"]], marker_color=ACTOR, width=None,
                       hovertemplate=f"all {mc['draws']:,} draws gave {fmt(flat)}<extra></extra>"),
                row=k, col=1,
            )  # fmt: skip
            fig.layout.annotations[k - 1].text = _e(
                f"{r.provenance.model}: all {mc['draws']:,} draws gave {fmt(flat)}"
            )
            continue
        fig.add_trace(_histogram_bar(mc["histogram"][issue]), row=k, col=1)
        fig.layout.annotations[k - 1].text = _e(
            f"{r.provenance.model}: median {fmt(d.p50)}, 80% {fmt_range(d.p10, d.p90)}, "
            f"point forecast {fmt(r.forecast[issue])}"
        )
    _layout(fig, f"{issue}: the forecasts over the draws", int(120 * len(rows) + 120),
            showlegend=False)  # fmt: skip
    return fig


def tornado_figure(sens: SensitivityResult, issue: str, top: int = 10) -> go.Figure:
    """The forecast at each top driver's low and high value, around the forecast."""
    require_plotly()
    import plotly.graph_objects as go

    drivers = sens.top(issue, top)[::-1]
    base = sens.forecast[issue]
    labels = [_e(f"{d.actor} · {d.input}") for d in drivers]
    fig = go.Figure()
    for name, values, c in (
        ("input at its low", [d.forecast_low for d in drivers], SERIES[0]),
        ("input at its high", [d.forecast_high for d in drivers], SERIES[1]),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[v - base for v in values],
                base=base,
                orientation="h",
                marker_color=c,
                name=name,
                customdata=[fmt(v) for v in values],
                hovertemplate="%{y}: forecast %{customdata}<extra>" + name + "</extra>",
            )
        )
    _layout(
        fig,
        f"{sens.model}: what moves the {issue} forecast most (forecast {fmt(base)})",
        int(26 * len(drivers) + 150),
        barmode="overlay",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def sobol_figure(sens: SensitivityResult, issue: str, top: int = 10) -> go.Figure:
    """First-order and total Sobol indices of the top uncertain values, with intervals."""
    require_plotly()
    import plotly.graph_objects as go

    indices = [s for s in sens.sobol if s.issue == issue][:top][::-1]
    fig = go.Figure()
    for name, attr, c in (("total", "st", SERIES[1]), ("first order", "s1", SERIES[0])):
        fig.add_trace(
            go.Bar(
                y=[_e(s.name) for s in indices],
                x=[getattr(s, attr) for s in indices],
                error_x={"type": "data", "array": [getattr(s, attr + "_conf") for s in indices]},
                orientation="h",
                marker_color=c,
                name=name,
            )
        )
    _layout(
        fig,
        f"Sobol indices for {issue} ({sens.sobol_samples:,} base samples)",
        int(30 * len(indices) + 150),
        barmode="group",
        legend={"orientation": "h", "y": -0.2},
        xaxis={"title": "share of the forecast's variance"},
    )
    return fig


# ----------------------------------------------------------------------------- two levels


def _polygons(field: np.ndarray, ux: np.ndarray, uy: np.ndarray) -> tuple[list[Any], list[Any]]:
    """The region where ``field`` > 0 as x and y lists (None between rings), 4 digits."""
    import contourpy

    gen = contourpy.contour_generator(ux, uy, field, fill_type="OuterOffset")
    xs: list[Any] = []
    ys: list[Any] = []
    filled: Any = gen.filled(0.0, np.inf)
    points, offsets = filled[0], filled[1]
    for pts, offs in zip(points, offsets, strict=True):
        for a, b in zip(offs[:-1], offs[1:], strict=True):
            ring = pts[a:b]
            xs += [float(f"{v:.4g}") for v in ring[:, 0]] + [None]
            ys += [float(f"{v:.4g}") for v in ring[:, 1]] + [None]
    return xs, ys


def _lines(field: np.ndarray, ux: np.ndarray, uy: np.ndarray) -> tuple[list[Any], list[Any]]:
    import contourpy

    gen = contourpy.contour_generator(ux, uy, field, line_type="Separate")
    xs: list[Any] = []
    ys: list[Any] = []
    found: Any = gen.lines(0.0)
    for line in found:
        xs += [float(f"{v:.4g}") for v in line[:, 0]] + [None]
        ys += [float(f"{v:.4g}") for v in line[:, 1]] + [None]
    return xs, ys


def twolevel_figure(
    scenario: Scenario, result: TwoLevelResult, pictures: list[Any] | None = None
) -> go.Figure:
    """Win-sets in the plane of the first two issues (hover a bloc or a path for its values)."""
    require_plotly()
    import plotly.graph_objects as go

    from winset.report.twolevel import GRID, path_pictures
    from winset.twolevel.problem import build

    problem = build(scenario)
    fig = go.Figure()
    names = problem.issues
    low = problem.scales.low
    span = problem.scales.high - low
    if problem.dims < 2:
        return _twolevel_line(scenario, result)
    if pictures is None:
        pictures = path_pictures(problem, grid=GRID)[1]
    ux = low[0] + span[0] * np.linspace(0, 1, GRID)
    uy = low[1] + span[1] * np.linspace(0, 1, GRID)
    for k, pic in enumerate(pictures):
        c = PATH_COLOURS[k % len(PATH_COLOURS)]
        label = _e(pic.label) + (" — empty" if pic.empty else "")
        hover = _e(f"{pic.label}: " + (f"empty — {pic.reason}" if pic.empty else "win-set"))
        if pic.segment is not None and pic.segment.size:
            u = low[:2] + span[:2] * pic.segment[:, :2]
            fig.add_trace(go.Scatter(x=u[:, 0].tolist(), y=u[:, 1].tolist(), mode="lines",
                                     line={"color": c, "width": 8}, opacity=0.5, name=label,
                                     hovertemplate=hover + "<extra></extra>"))  # fmt: skip
        elif not pic.empty:
            xs, ys = _polygons(pic.winset, ux, uy)
            fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="lines", opacity=0.35,
                                     line={"color": c, "width": 2}, name=label,
                                     hoveron="fills", text=hover,
                                     hovertemplate="%{text}<extra></extra>"))  # fmt: skip
        if np.any(pic.ratifiers > 0) and not np.all(pic.ratifiers > 0):
            xs, ys = _lines(pic.ratifiers, ux, uy)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=label + ": ratifiers alone",
                                     line={"color": c, "width": 1.5,
                                           "dash": ("dash", "dot", "dashdot")[k % 3]},
                                     hoverinfo="skip"))  # fmt: skip
    for side in problem.sides:
        for line in side.red_lines:
            a = low[:2] + span[:2] * line.lo[:2]
            b = low[:2] + span[:2] * line.hi[:2]
            fig.add_trace(go.Scatter(
                x=[a[0], b[0], b[0], a[0], a[0]], y=[a[1], a[1], b[1], b[1], a[1]],
                mode="lines", line={"color": RED, "width": 3},
                name=_e(f"{line.side} red line '{line.name}'"), hoverinfo="name"))  # fmt: skip
    ax_, ay_, at_ = [], [], []
    for actor in scenario.actors:
        if names[0] in actor.position and names[1] in actor.position:
            ax_.append(actor.position[names[0]].value)
            ay_.append(actor.position[names[1]].value)
            at_.append(_e(actor.name))
    fig.add_trace(go.Scatter(x=ax_, y=ay_, mode="markers", text=at_, name="actors",
                             marker={"color": "#333333", "size": 6},
                             hovertemplate="%{text}<br>%{x:,.4~g}, %{y:,.4~g}"
                             "<extra></extra>"))  # fmt: skip
    bx, by, bs, bt = [], [], [], []
    for body, u in problem.legislatures():
        for (x, y), bloc, seats in zip(u[:, :2], body.bloc_names, body.seats, strict=True):
            bx.append(float(x))
            by.append(float(y))
            bs.append(int(seats))
            bt.append(_e(f"{body.name}: {bloc}, {int(seats)} seats"))
    if bx:
        top = max(bs) or 1
        fig.add_trace(go.Scatter(x=bx, y=by, mode="markers", text=bt, name="blocs (seats)",
                                 marker={"size": [8 + 30 * (s / top) ** 0.5 for s in bs],
                                         "color": "rgba(0,0,0,0)",
                                         "line": {"color": "#555555", "width": 1.2}},
                                 hovertemplate="%{text}<extra></extra>"))  # fmt: skip
    q = low + span * problem.reversion
    marks = [
        ("reversion point q", (q[0], q[1]), "x", "black", 14),
        (f"Level I ({result.provenance.model})", (result.level1[names[0]],
                                                   result.level1[names[1]]), "diamond", GREY, 12),
        ("outcome", (result.outcome[names[0]], result.outcome[names[1]]), "circle-open",
         "black", 22),
    ]  # fmt: skip
    for p in result.paths:
        if p.agreement is not None:
            marks.append((f"agreement via {p.name}", (p.agreement[names[0]],
                          p.agreement[names[1]]), "star", RED, 16))  # fmt: skip
    for name, (x, y), symbol, c, size in marks:
        fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers", name=_e(name),
                                 marker={"symbol": symbol, "color": c, "size": size,
                                         "line": {"width": 2, "color": c}},
                                 hovertemplate=_e(name) + ": %{x:,.4~g}, %{y:,.4~g}"
                                 "<extra></extra>"))  # fmt: skip
    issues = {i.name: i for i in scenario.issues}
    verdict = f"agreement via {result.path}" if result.agreement else "no agreement"
    _layout(
        fig,
        f"Win-sets and the outcome: {verdict}",
        640,
        xaxis={"title": _e(issues[names[0]].title),
               "range": [low[0] - 0.03 * span[0], low[0] + 1.03 * span[0]]},
        yaxis={"title": _e(issues[names[1]].title),
               "range": [low[1] - 0.04 * span[1], low[1] + 1.06 * span[1]]},
        legend={"x": 1.02, "y": 1, "xanchor": "left"},
    )  # fmt: skip
    return fig


def _twolevel_line(scenario: Scenario, result: TwoLevelResult) -> go.Figure:
    import plotly.graph_objects as go

    fig = go.Figure()
    name = scenario.issues[0].name
    for p in result.paths:
        if p.bounds is not None and name in p.bounds:
            lo, hi = p.bounds[name]
            fig.add_trace(go.Scatter(x=[lo, hi], y=[_e(p.name)] * 2, mode="lines",
                                     line={"width": 10}, name=_e(p.name)))  # fmt: skip
    fig.add_vline(x=result.outcome[name], line_color=RED)
    _layout(fig, "Agreement sets and the outcome", 300)
    return fig


def twolevel_draws_figure(drawn: TwoLevelDraws) -> go.Figure:
    """P(ratifiable) and P(the deal goes through it) per path combination."""
    require_plotly()
    import plotly.graph_objects as go

    names = list(drawn.p_ratifiable)[::-1]
    fig = go.Figure()
    for label, values, c in (
        ("P(ratifiable)", drawn.p_ratifiable, SERIES[0]),
        ("P(the deal goes through it)", drawn.p_chosen, SERIES[1]),
    ):
        fig.add_trace(
            go.Bar(
                y=[_e(n) for n in names],
                x=[values[n] for n in names],
                orientation="h",
                marker_color=c,
                name=label,
                text=[f"{values[n]:.2f}" for n in names],
                textposition="outside",
            )
        )
    _layout(
        fig,
        f"P(agreement) {drawn.p_agreement:.2f} over {drawn.draws:,} draws",
        int(60 * len(names) + 160),
        barmode="group",
        xaxis={"range": [0, 1.1], "title": "share of draws"},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig


def whatif_figure(comparisons: Sequence[Comparison], issue: str) -> go.Figure:
    """Per model, the baseline forecast and the what-if's."""
    require_plotly()
    import plotly.graph_objects as go

    from winset.report.whatif import compared_runs, shown_value

    fig = go.Figure()
    rows = compared_runs(comparisons)
    labels = [_e(label) for label, _, _ in rows]
    before = [float(shown_value(base, issue)) for _, base, _ in rows]
    after = [float(shown_value(other, issue)) for _, _, other in rows]
    for name, values, symbol in (("baseline", before, "circle-open"), ("what-if", after, "circle")):
        fig.add_trace(
            go.Scatter(
                x=values,
                y=labels,
                mode="markers",
                marker={"symbol": symbol, "size": 12, "color": SERIES[0],
                        "line": {"width": 2}},
                name=name,
                hovertemplate="%{y}: %{x:,.4~g}<extra>" + name + "</extra>",
            )
        )  # fmt: skip
    _layout(fig, f"{issue}: baseline and what-if", int(40 * len(rows) + 160))
    return fig
