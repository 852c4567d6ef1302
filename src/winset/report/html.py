"""The self-contained HTML report: tables and inline SVG pictures, no external assets."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module

from jinja2 import Environment, PackageLoader, select_autoescape

from winset._version import __version__
from winset.api import run
from winset.models.registry import get_model, model_names
from winset.results import RunResult
from winset.scenario.arrays import input_hash
from winset.scenario.load import load_scenario
from winset.scenario.schema import Estimate, Scenario

__all__ = ["Section", "build_report"]


@dataclass(frozen=True)
class Section:
    """An extra report section: a title and an HTML fragment (trusted, made by winset)."""

    title: str
    html: str


# Optional sections: "module:function" taking (scenario, results, seed) and returning a list of
# Sections. A module that is not part of this installation is skipped.
_SECTION_BUILDERS: tuple[str, ...] = (
    "winset.report.twolevel:twolevel_sections",
    "winset.report.rounds:rounds_sections",
    "winset.report.uncertainty:uncertainty_sections",
)


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _est(e: Estimate) -> str:
    text = html.escape(_fmt(e.value))
    if e.range is not None:
        text += f' <span class="muted">[{_fmt(e.range[0])}, {_fmt(e.range[1])}]</span>'
    tags = list(e.source_ids())
    if e.basis:
        tags.append(e.basis[0])
    if tags:
        text += " " + " ".join(f'<span class="tag">{html.escape(t)}</span>' for t in tags)
    return text


def _section_builders() -> list[Callable[[Scenario, list[RunResult], int | None], list[Section]]]:
    builders = []
    for target in _SECTION_BUILDERS:
        module, func = target.split(":")
        builders.append(getattr(import_module(module), func))
    return builders


def build_report(
    scenario: Scenario | str,
    models: Sequence[str] | None = None,
    seed: int | None = None,
    interactive: bool = False,
) -> str:
    """Run the models on the scenario and return the report as one HTML string.

    ``interactive`` draws the issue pictures with Plotly (hover for values) instead of static
    SVG; the Plotly library is embedded, so the file still works offline.
    """
    from winset.report.plots import figure_to_svg, plot_issue

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    names = list(models) if models else list(model_names())
    infos = [get_model(name).info for name in names]  # checks every name before any work
    results = [run(scenario, name, seed=seed) for name in names]
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
    sections: list[Section] = []
    for builder in _section_builders():
        sections.extend(builder(scenario, results, seed))
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
        fmt=_fmt,
        est=_est,
        has_sides=any(a.side for a in scenario.actors),
        version=__version__,
        input_hash=input_hash(scenario),
        seed=seed,
        plotly_js=plotly_js,
    )
