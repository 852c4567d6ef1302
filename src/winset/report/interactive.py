"""Interactive pictures (Plotly) for the HTML report: hover an actor to see its values.

Plotly's JavaScript is embedded once in the report, so the file still works offline. Needs the
``interactive`` extra (``pip install 'winset[interactive]'``).
"""

from __future__ import annotations

from collections.abc import Mapping

from winset.errors import InputError, Problem
from winset.scenario.schema import Estimate, Scenario

__all__ = ["issue_figure_html", "plotly_script", "require_plotly"]

_MODEL_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


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
    """The Plotly JavaScript library as one inline ``<script>`` element."""
    require_plotly()
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


def _text(e: Estimate) -> str:
    text = f"{e.value:,.4g}"
    if e.range is not None:
        text += f" [{e.range[0]:,.4g}, {e.range[1]:,.4g}]"
    if e.source_ids():
        text += " (" + ", ".join(e.source_ids()) + ")"
    return text


def issue_figure_html(
    scenario: Scenario, issue: str, forecasts: Mapping[str, float], div_id: str
) -> str:
    """One issue as an interactive chart: actors on the scale, sized by capability x salience."""
    require_plotly()
    import plotly.graph_objects as go
    import plotly.io as pio

    spec = scenario.issue(issue)
    actors = sorted(
        (a for a in scenario.actors if issue in a.position),
        key=lambda a: (a.position[issue].value, a.name),
    )
    weights = [a.capability.value * a.salience[issue].value for a in actors]
    top = max(weights) if weights and max(weights) > 0 else 1.0
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[a.position[issue].value for a in actors],
            y=[a.name for a in actors],
            mode="markers",
            marker={
                "size": [8 + 30 * w / top for w in weights],
                "color": "#4c72b0",
                "opacity": 0.75,
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(a.position[issue].high - a.position[issue].value) for a in actors],
                "arrayminus": [(a.position[issue].value - a.position[issue].low) for a in actors],
                "color": "#999999",
            },
            customdata=[
                [_text(a.position[issue]), _text(a.capability), _text(a.salience[issue])]
                for a in actors
            ],
            hovertemplate=(
                "<b>%{y}</b><br>position %{customdata[0]}<br>capability %{customdata[1]}"
                "<br>salience %{customdata[2]}<extra></extra>"
            ),
            name="actors",
        )
    )
    lines = list(forecasts.items())
    if spec.status_quo is not None:
        lines.append(("status quo", spec.status_quo.value))
    if spec.outcome is not None:
        lines.append(("recorded outcome", spec.outcome.value))
    for (label, value), colour in zip(lines, _MODEL_COLOURS * 4, strict=False):
        dash = "dot" if label == "status quo" else "dash" if label == "recorded outcome" else None
        fig.add_trace(
            go.Scatter(
                x=[value, value],
                y=[actors[0].name, actors[-1].name] if actors else [0, 0],
                mode="lines",
                line={"color": colour, "width": 2, "dash": dash},
                name=f"{label}: {value:,.4g}",
                hovertemplate=f"{label}: {value:,.4g}<extra></extra>",
            )
        )
    unit = f" ({spec.unit})" if spec.unit else ""
    pad = 0.03 * (spec.high - spec.low)
    fig.update_layout(
        title=f"{issue}: positions (dot size = capability x salience; hover for values)",
        xaxis={"title": spec.title + unit, "range": [spec.low - pad, spec.high + pad]},
        height=max(320, 26 * len(actors) + 160),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
    )
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
