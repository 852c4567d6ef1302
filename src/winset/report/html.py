"""The self-contained HTML report: tables and inline SVG pictures, no external assets."""

from __future__ import annotations

import html

from jinja2 import Environment, PackageLoader, select_autoescape

from winset._version import __version__
from winset.errors import InputError
from winset.models.registry import get_model
from winset.numbers import fmt
from winset.report.rounds import rounds_sections
from winset.report.sections import Section
from winset.report.twolevel import twolevel_sections
from winset.report.uncertainty import uncertainty_sections
from winset.scenario.arrays import input_hash
from winset.scenario.schema import Estimate
from winset.study import ReportData

__all__ = ["Section", "build_report"]


def _est(e: Estimate) -> str:
    text = html.escape(fmt(e.value))
    if e.range is not None:
        text += f' <span class="muted">[{fmt(e.range[0])}, {fmt(e.range[1])}]</span>'
    tags = list(e.source_ids())
    if e.basis:
        tags.append(e.basis[0])
    if tags:
        text += " " + " ".join(f'<span class="tag">{html.escape(t)}</span>' for t in tags)
    return text


def build_report(data: ReportData, interactive: bool = False) -> str:
    """The report of results already computed, as one self-contained HTML string.

    ``data`` comes from :func:`winset.study.report_data`.

    ``interactive`` draws the issue pictures with Plotly (hover for values) instead of static
    SVG; the Plotly library is embedded, so the file still works offline.
    """
    from winset.report.plots import figure_to_svg, plot_issue

    scenario = data.scenario
    results = list(data.runs)
    infos = []
    for r in results:
        try:
            infos.append(get_model(r.provenance.model).info)
        except InputError:  # a model that is no longer registered: no citation to show
            continue
    figures = {}
    plotly_js = ""
    if interactive:
        from winset.report.interactive import issue_figure_html, plotly_script

        plotly_js = plotly_script()
    for k, issue in enumerate(scenario.issues):
        forecasts = {r.provenance.model: r.forecast[issue.name] for r in results}
        if interactive:
            figures[issue.name] = issue_figure_html(scenario, issue.name, forecasts, f"issue-{k}")
        else:
            figures[issue.name] = figure_to_svg(plot_issue(scenario, issue.name, forecasts))
    sections: list[Section] = [
        *twolevel_sections(scenario, data.twolevel, data.searches),
        *rounds_sections(scenario, data.runs),
        *uncertainty_sections(scenario, data.sensitivity, data.draws, data.seed),
    ]
    env = Environment(
        loader=PackageLoader("winset.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("report.html.j2")
    return template.render(
        scenario=scenario,
        results=results,
        infos=infos,
        figures=figures,
        sections=sections,
        fmt=fmt,
        est=_est,
        has_sides=any(a.side for a in scenario.actors),
        version=__version__,
        input_hash=input_hash(scenario),
        seed=data.seed,
        plotly_js=plotly_js,
    )
