"""The self-contained HTML report: a briefing page built from results already computed.

The page opens with the question and the bottom line (each issue's forecast with its 80%
interval, which ratification path works and how likely, the most pivotal actors, and the
caveats), then a table of contents and the sections: the what-if, ratification, one section per
issue (forecasts, rounds, uncertainty, drivers), the models, the actors, the sources, and the
data as CSV files inside the page. No external assets: the pictures are inline SVG, or Plotly
charts with the library embedded once (``interactive``).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from winset._version import __version__
from winset.errors import InputError
from winset.models.registry import get_model
from winset.numbers import fmt, fmt_range, fmt_signed
from winset.report.palette import actor_weights
from winset.report.plots import actor_label, figure_to_svg
from winset.report.sections import Section
from winset.report.text import linkify
from winset.results import RunResult
from winset.scenario.arrays import input_hash
from winset.scenario.schema import Estimate, Scenario
from winset.study import ReportData

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Section", "build_report"]


# ----------------------------------------------------------------------------- helpers


def _est(e: Estimate) -> str:
    text = html.escape(fmt(e.value))
    if e.range is not None:
        text += f' <span class="muted">[{html.escape(fmt_range(e.range[0], e.range[1]))}]</span>'
    tags = list(e.source_ids())
    if e.basis:
        tags.append(e.basis[0])
    if tags:
        text += " " + " ".join(f'<span class="tag">{html.escape(t)}</span>' for t in tags)
    return text


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "scenario"


def _csv_url(rows: Sequence[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = base64.b64encode(buf.getvalue().encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{data}"


@dataclass
class _Charts:
    """Draws each chart as inline SVG, or as a Plotly chart when the report is interactive."""

    interactive: bool
    count: int = 0

    def __call__(self, static: Callable[[], Figure], dynamic: Callable[[], Any]) -> str:
        self.count += 1
        if self.interactive:
            from winset.report.interactive import figure_html

            return figure_html(dynamic(), f"chart-{self.count}")
        return figure_to_svg(static())


@dataclass
class _Page:
    """What the template shows, gathered section by section."""

    summary: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    downloads: list[tuple[str, str, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------- the report


def build_report(data: ReportData, interactive: bool = False) -> str:
    """The report of results already computed, as one self-contained HTML string.

    ``data`` comes from :func:`winset.study.report_data`.

    ``interactive`` draws every picture with Plotly (hover for values) instead of static SVG;
    the Plotly library is embedded once, compressed, so the file still works offline.
    """
    scenario = data.scenario
    charts = _Charts(interactive)
    page = _Page()
    drawn = {r.provenance.model: r for r in data.draws}
    pictures = None
    if data.twolevel is not None and len(scenario.issues) >= 2:
        from winset.report.twolevel import path_pictures
        from winset.twolevel.problem import build

        pictures = path_pictures(build(scenario))[1]
    _bottom_line(data, page, pictures)
    if data.whatif:
        page.sections.append(Section("What if", _whatif(data, charts), "what-if"))
    if data.twolevel is not None:
        page.sections.append(
            Section(
                "Ratification: the two-level game",
                _ratification(data, charts, pictures),
                "ratification",
            )
        )
    for k, issue in enumerate(scenario.issues):
        page.sections.append(
            Section(f"Issue: {issue.title}", _issue(data, issue.name, charts, drawn), f"issue-{k}")
        )
    page.sections.append(Section("The models", _models(data), "models"))
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in scenario.notes)
    page.sections.append(
        Section(
            "The actors",
            (f'<p>Notes on the scenario:</p><ul class="muted">{notes}</ul>' if notes else "")
            + _actors(scenario),
            "actors",
        )
    )
    if scenario.sources:
        rows = "".join(
            f"<tr><td>{html.escape(sid)}</td><td>{linkify(text)}</td></tr>"
            for sid, text in scenario.sources.items()
        )
        page.sections.append(Section("Sources", f"<table>{rows}</table>", "sources"))
    _downloads(data, page)
    page.sections.append(Section("Data and provenance", _provenance(data, page), "data"))
    env = Environment(
        loader=PackageLoader("winset.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("report.html.j2")
    plotly_js = ""
    if interactive:
        from winset.report.interactive import plotly_loader

        plotly_js = plotly_loader()
    return template.render(
        scenario=scenario,
        page=page,
        version=__version__,
        input_hash=input_hash(scenario),
        seed=data.seed,
        plotly_js=plotly_js,
        levers=data.levers,
    )


# ----------------------------------------------------------------------------- bottom line


def _interval(data: ReportData, result: RunResult | None, issue: str) -> str:
    if result is None:
        return ""
    if not data.draws:
        return " (no uncertainty ranges in the input, so no interval)"
    for r in data.draws:
        if r.provenance.model == result.provenance.model and issue in r.distribution:
            d = r.distribution[issue]
            n = r.extras.get("montecarlo", {}).get("draws", d.n)
            if d.p10 == d.p90:
                return f" (all {n:,} draws of the uncertain inputs gave {fmt(d.p50)})"
            return f" (80% of {n:,} draws: {fmt_range(d.p10, d.p90)})"
    return ""


def _bottom_line(data: ReportData, page: _Page, pictures: list[Any] | None) -> None:
    from winset.report.rounds import settling

    scenario = data.scenario
    runs = list(data.runs)
    if not runs:
        return
    first = runs[0]
    model = html.escape(first.provenance.model)
    for issue in scenario.issues:
        name = issue.name
        unit = f" {html.escape(issue.unit)}" if issue.unit else ""
        others = ", ".join(
            f"{html.escape(r.provenance.model)} {fmt(r.forecast[name])}" for r in runs[1:]
        )
        line = (
            f"<b>{html.escape(issue.title)}</b>: {model} forecasts "
            f"<b>{fmt(first.forecast[name])}{unit}</b>{_interval(data, first, name)}"
        )
        if others:
            line += f"; the other models: {others}"
        if issue.outcome is not None:
            line += f"; recorded outcome {fmt(issue.outcome.value)}"
        page.summary.append(line + ".")
        span = issue.high - issue.low
        for r in runs:
            s = settling(r, name, span)
            if s is not None and not s.settled:
                page.caveats.append(
                    html.escape(s.sentence(r.provenance.model, name))
                    + " (the trajectory is shown in the issue's section)."
                )
    if data.twolevel is not None:
        page.summary.append(_ratification_line(data, pictures))
    pivotal = _pivotal(data)
    if pivotal:
        page.summary.append(pivotal)
    if data.whatif:
        page.summary.insert(0, _whatif_line(data))


def _ratification_line(data: ReportData, pictures: list[Any] | None) -> str:
    from winset.report.twolevel import empty_reasons, point, spans_of

    result = data.twolevel
    assert result is not None
    spans = spans_of(data.scenario)
    if result.agreement:
        text = (
            f"<b>Ratification</b>: an agreement goes through <b>{html.escape(result.path or '')}"
            f"</b> ({point(result.outcome, spans)}), P(ratify) {result.p_ratify:.2f}"
        )
    else:
        text = (
            "<b>Ratification</b>: <b>no agreement can be ratified</b> through an open path; the "
            f"reversion point holds ({point(result.outcome, spans)})"
        )
    reasons = empty_reasons(data.scenario, pictures) if pictures is not None else {}
    notes = []
    for p in result.paths:
        why = [reasons[n] for n in p.paths.values() if n in reasons]
        if not p.ratifiable and why:
            notes.append(f"{html.escape(p.name)} cannot ratify: {html.escape(why[0])}")
        elif p.ratifiable and not p.open:
            notes.append(
                f"{html.escape(p.name)} would ratify {point(p.agreement, spans)} "
                f"(P {p.p_ratify:.2f}) but is closed"
            )
    if notes:
        text += ". " + "; ".join(notes)
    if data.twolevel_draws is not None:
        d = data.twolevel_draws
        text += (
            f". Over {d.draws:,} draws of the uncertain inputs, P(agreement) is {d.p_agreement:.2f}"
        )
    return text + "."


def _pivotal(data: ReportData) -> str:
    from winset.report.twolevel import spans_of

    parts = []
    sens = data.sensitivity
    if sens is not None and sens.drivers:
        spans = spans_of(data.scenario)
        ranked = sorted(
            sens.drivers, key=lambda d: (-abs(d.swing) / (spans.get(d.issue) or 1.0), d.actor)
        )
        seen: list[str] = []
        named: set[str] = set()  # each actor once, at its largest swing
        for d in ranked:
            if d.swing == 0:
                break
            if d.actor in named:
                continue
            named.add(d.actor)
            seen.append(
                f"{html.escape(d.actor)} ({html.escape(d.input)} on {html.escape(d.issue)}: "
                f"swing {fmt(d.swing)})"
            )
            if len(seen) == 3:
                break
        if seen:
            parts.append(
                f"<b>Most pivotal</b> (what moves the {html.escape(sens.model)} forecast most): "
                + "; ".join(seen)
            )
    result = data.twolevel
    if result is not None and result.agreement and result.path:
        chosen = result.path_result(result.path)
        if chosen.pivotal:
            blocs = ", ".join(html.escape(str(p["bloc"])) for p in chosen.pivotal[:3])
            parts.append(f"pivotal for ratification: {blocs}")
    for s in data.searches:
        if s.moves:
            who = ", ".join(html.escape(m.bloc) for m in s.moves)
            parts.append(f"for {html.escape(s.path)} to ratify, {who} would have had to move")
    return "; ".join(parts) + "." if parts else ""


def _whatif_line(data: ReportData) -> str:
    changes = []
    for c in data.whatif:
        b, o = c.baseline, c.counterfactual
        if isinstance(b, RunResult) and isinstance(o, RunResult) and b.provenance.kind == "run":
            for issue, value in b.forecast.items():
                changes.append(
                    f"{html.escape(b.provenance.model)} {html.escape(issue)} {fmt(value)} → "
                    f"{fmt(o.forecast[issue])} ({fmt_signed(o.forecast[issue] - value)})"
                )
            break
    return (
        f"<b>What if {html.escape(data.levers)}</b>: every figure on this page is of the "
        "what-if; the baseline is beside it in the What-if section"
        + (f". {'; '.join(changes)}" if changes else "")
        + "."
    )


# ----------------------------------------------------------------------------- sections


def _whatif(data: ReportData, charts: _Charts) -> str:
    from winset.report.interactive import whatif_figure
    from winset.report.whatif import plot_whatif, whatif_fragment

    figures = {
        issue: charts(
            partial(plot_whatif, data.whatif, issue), partial(whatif_figure, data.whatif, issue)
        )
        for issue in data.scenario.issue_names()
    }
    from winset.report.twolevel import spans_of

    return whatif_fragment(
        data.whatif, data.scenario.issue_names(), figures, spans_of(data.scenario)
    )


def _ratification(data: ReportData, charts: _Charts, pictures: list[Any] | None) -> str:
    from winset.report.interactive import twolevel_draws_figure, twolevel_figure
    from winset.report.twolevel import plot_twolevel, plot_twolevel_draws, twolevel_fragment

    result = data.twolevel
    assert result is not None
    figure = charts(
        lambda: plot_twolevel(data.scenario, result, pictures=pictures),
        lambda: twolevel_figure(data.scenario, result, pictures),
    )
    drawn = data.twolevel_draws
    draws_figure = ""
    if drawn is not None:
        draws_figure = charts(
            lambda: plot_twolevel_draws(drawn), lambda: twolevel_draws_figure(drawn)
        )
    return twolevel_fragment(data.scenario, result, data.searches, figure, drawn, draws_figure)


def _issue(data: ReportData, issue: str, charts: _Charts, drawn: dict[str, RunResult]) -> str:
    from winset.report.interactive import (
        distributions_figure,
        issue_figure,
        sobol_figure,
        tornado_figure,
        trajectory_figure,
    )
    from winset.report.rounds import moves_table, plot_trajectory, settling
    from winset.report.uncertainty import (
        drivers_table,
        plot_distributions,
        plot_sobol,
        plot_tornado,
        sobol_table,
    )

    scenario = data.scenario
    spec = scenario.issue(issue)
    name = html.escape(issue)
    forecasts = {r.provenance.model: r.forecast[issue] for r in data.runs}
    intervals = {
        m: (r.distribution[issue].p10, r.distribution[issue].p90)
        for m, r in drawn.items()
        if issue in r.distribution
    }
    scale = f"scale {fmt(spec.low)} to {fmt(spec.high)}" + (
        f" {html.escape(spec.unit)}" if spec.unit else ""
    )
    if spec.status_quo is not None:
        scale += f"; status quo {fmt(spec.status_quo.value)}"
    if spec.anchors:
        scale += "; " + ", ".join(f"{fmt(k)} = {html.escape(v)}" for k, v in spec.anchors.items())
    parts = [f'<p class="muted">{scale}</p>']
    if spec.description:
        parts.append(f"<p>{html.escape(spec.description)}</p>")
    rows = []
    for r in data.runs:
        d = drawn.get(r.provenance.model)
        dist = d.distribution.get(issue) if d is not None else None
        variant = r.provenance.variant
        label = html.escape(r.provenance.model) + (
            f" <span class=muted>({html.escape(variant)})</span>" if variant != "default" else ""
        )
        spread = ""
        if intervals:
            spread = (
                f"<td class=num>{fmt_range(dist.p10, dist.p90)}</td><td class=num>"
                f"{fmt(dist.mean)}</td>"
                if dist is not None
                else "<td>—</td><td>—</td>"
            )
        rows.append(f"<tr><td>{label}</td><td class=num>{fmt(r.forecast[issue])}</td>{spread}</tr>")
    if spec.outcome is not None:
        rows.append(
            f"<tr><td><i>recorded outcome</i></td><td class=num><i>{fmt(spec.outcome.value)}"
            "</i></td>" + ("<td></td><td></td>" if intervals else "") + "</tr>"
        )
    spread_head = "<th>80% of draws</th><th>mean of draws</th>" if intervals else ""
    parts.append(
        f"<h3>Forecasts of {name}</h3><table><tr><th>model</th><th>forecast</th>{spread_head}"
        "</tr>" + "".join(rows) + "</table>"
    )
    if not intervals:
        parts.append(
            '<p class="muted">The input gives no uncertainty ranges, so there are no draws and '
            "no intervals: add ranges to the values you are unsure of.</p>"
        )
    parts.append(
        '<div class="figure">'
        + charts(
            lambda: _issue_chart(scenario, issue, forecasts, intervals),
            lambda: issue_figure(scenario, issue, forecasts, intervals),
        )
        + "</div>"
    )
    weights = actor_weights(scenario, issue)
    labels = {a.name: actor_label(a, 28) for a in scenario.actors}
    for r in data.runs:
        if not r.rounds:
            continue
        prov = r.provenance
        parts.append(
            f"<h3>Rounds of {html.escape(prov.model)} on {name}</h3>"
            f"<p>{len(r.rounds) - 1} rounds of {html.escape(prov.model)} "
            f"({html.escape(prov.variant)}); round 0 is the input.</p>"
        )
        s = settling(r, issue, spec.high - spec.low)
        if s is not None and not s.settled:
            parts.append(f'<p class="caveat">{html.escape(s.sentence(prov.model, issue))}.</p>')
        parts.append(
            '<div class="figure">'
            + charts(
                partial(plot_trajectory, r, issue, weights=weights, labels=labels),
                partial(trajectory_figure, r, issue, weights),
            )
            + "</div>"
        )
        parts.append(moves_table(r, issue, spec.high - spec.low))
    if any(issue in r.distribution for r in data.draws):
        first = data.draws[0].extras["montecarlo"]
        parts.append(
            f"<h3>Uncertainty of the forecasts of {name}</h3>"
            f"<p>{first['draws']:,} draws of every value with an uncertainty range "
            f"({html.escape(str(first['distribution']))}), seed {data.seed}.</p>"
            '<div class="figure">'
            + charts(
                partial(plot_distributions, data.draws, issue),
                partial(distributions_figure, data.draws, issue),
            )
            + "</div>"
        )
    sens = data.sensitivity
    if sens is not None and sens.top(issue, 1):
        parts.append(
            f"<h3>What moves the forecast of {name}</h3>"
            "<p>Each input moved one at a time over its uncertainty range (or 10% of its "
            f"scale), everything else fixed; model: {html.escape(sens.model)}.</p>"
            '<div class="grid"><div class="figure">'
            + charts(lambda: plot_tornado(sens, issue), lambda: tornado_figure(sens, issue))
            + "</div><div>"
            + drivers_table(sens, issue)
            + "</div></div>"
        )
        if any(s.issue == issue for s in sens.sobol):
            parts.append(
                f"<h3>Sobol indices of {name}</h3>"
                "<p>How much of the forecast's variance over the draws each uncertain value "
                "explains, alone (first order) and with its interactions (total).</p>"
                '<div class="grid"><div class="figure">'
                + charts(lambda: plot_sobol(sens, issue), lambda: sobol_figure(sens, issue))
                + "</div><div>"
                + sobol_table(sens, issue)
                + "</div></div>"
            )
    return "\n".join(parts)


def _issue_chart(
    scenario: Scenario,
    issue: str,
    forecasts: dict[str, float],
    intervals: dict[str, tuple[float, float]],
) -> Figure:
    from winset.report.plots import plot_issue

    return plot_issue(scenario, issue, forecasts, intervals=intervals)


def _models(data: ReportData) -> str:
    rows = []
    for r in data.runs:
        try:
            info = get_model(r.provenance.model).info
        except InputError:  # a model that is no longer registered: no citation to show
            continue
        rows.append(
            f"<tr><td>{html.escape(info.name)}</td><td>{html.escape(info.summary)}</td>"
            f'<td class="muted">{html.escape(info.citation)}</td></tr>'
        )
    return (
        "<table><tr><th>model</th><th>what it does</th><th>citation</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _actors(scenario: Scenario) -> str:
    has_sides = any(a.side for a in scenario.actors)
    head = "<tr><th>actor</th><th>who</th>" + ("<th>side</th>" if has_sides else "")
    head += "<th>capability</th>"
    for issue in scenario.issues:
        name = html.escape(issue.name)
        head += f"<th>{name} position</th><th>{name} salience</th>"
    rows = []
    for a in scenario.actors:
        cells = f"<td>{html.escape(a.name)}</td><td>{html.escape(a.description or '')}</td>"
        if has_sides:
            cells += f"<td>{html.escape(a.side or '')}</td>"
        cells += f"<td class=num>{_est(a.capability)}</td>"
        for issue in scenario.issues:
            if issue.name in a.position:
                cells += (
                    f"<td class=num>{_est(a.position[issue.name])}</td>"
                    f"<td class=num>{_est(a.salience[issue.name])}</td>"
                )
            else:
                cells += "<td>–</td><td>–</td>"
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table>{head}</tr>{"".join(rows)}</table></div>'
        '<p class="muted">Ranges in brackets are the analyst\'s uncertainty; tags are source ids; '
        "<i>e</i> = estimated, <i>r</i> = reported.</p>"
    )


# ----------------------------------------------------------------------------- data


def _downloads(data: ReportData, page: _Page) -> None:
    scenario = data.scenario
    stem = _slug(scenario.name)
    add = page.downloads.append
    rows: list[list[Any]] = [["model", "variant", "issue", "forecast", "mean", "p10", "p50", "p90"]]
    drawn = {r.provenance.model: r for r in data.draws}
    for r in data.runs:
        d = drawn.get(r.provenance.model)
        for issue, value in r.forecast.items():
            dist = d.distribution.get(issue) if d is not None else None
            stats = [dist.mean, dist.p10, dist.p50, dist.p90] if dist else [None] * 4
            rows.append([r.provenance.model, r.provenance.variant, issue, value, *stats])
    add((f"{stem}-forecasts.csv", _csv_url(rows), "every model's forecast and its draws"))
    actors: list[list[Any]] = [["actor", "description", "side", "capability", "capability_low",
                                "capability_high", "issue", "position", "position_low",
                                "position_high", "salience", "salience_low", "salience_high",
                                "sources"]]  # fmt: skip
    for a in scenario.actors:
        for spec in scenario.issues:
            if spec.name not in a.position:
                continue
            p, s = a.position[spec.name], a.salience[spec.name]
            sources = sorted({*a.capability.source_ids(), *p.source_ids(), *s.source_ids()})
            actors.append([a.name, a.description or "", a.side or "", a.capability.value,
                           a.capability.low, a.capability.high, spec.name, p.value, p.low,
                           p.high, s.value, s.low, s.high, " ".join(sources)])  # fmt: skip
    add((f"{stem}-actors.csv", _csv_url(actors), "the input: every actor on every issue"))
    iterative = [r for r in data.runs if r.rounds]
    if iterative:
        rounds: list[list[Any]] = [
            ["model", "round", "issue", "actor", "position", "median", "mean"]
        ]
        moves: list[list[Any]] = [
            ["model", "round", "issue", "actor", "from", "to", "toward", "kind"]
        ]
        for r in iterative:
            for rnd in r.rounds:
                for issue, ir in rnd.issues.items():
                    for actor, x in ir.positions.items():
                        rounds.append([r.provenance.model, rnd.round, issue, actor, x, ir.median,
                                       ir.mean])  # fmt: skip
                for m in rnd.extras.get("moves", []):
                    moves.append(
                        [r.provenance.model, rnd.round]
                        + [m.get(k) for k in ("issue", "actor", "from", "to", "toward", "kind")]
                    )
        add((f"{stem}-rounds.csv", _csv_url(rounds), "every actor's position in every round"))
        add((f"{stem}-moves.csv", _csv_url(moves), "every move, the short ones too"))
    sens = data.sensitivity
    if sens is not None:
        fields = ["issue", "actor", "input", "value", "low", "high", "forecast_low",
                  "forecast_high", "swing", "elasticity"]  # fmt: skip
        drivers: list[list[Any]] = [fields]
        for dv in sens.drivers:
            drivers.append([getattr(dv, f) for f in fields])
        add((f"{stem}-drivers.csv", _csv_url(drivers), "every input's swing of the forecast"))
        if sens.sobol:
            sobol: list[list[Any]] = [["issue", "value", "s1", "s1_conf", "st", "st_conf"]]
            for si in sens.sobol:
                sobol.append([si.issue, si.name, si.s1, si.s1_conf, si.st, si.st_conf])
            add((f"{stem}-sobol.csv", _csv_url(sobol), "Sobol indices of every uncertain value"))
    if data.twolevel is not None:
        paths: list[list[Any]] = [["paths", "open", "ratifiable", "p_ratify", "issue", "agreement",
                                   "set_low", "set_high", "red_lines"]]  # fmt: skip
        for pr in data.twolevel.paths:
            for issue_name in data.twolevel.issues:
                bounds = (pr.bounds or {}).get(issue_name, (None, None))
                paths.append([pr.name, pr.open, pr.ratifiable, pr.p_ratify, issue_name,
                              (pr.agreement or {}).get(issue_name), bounds[0], bounds[1],
                              "; ".join(pr.red_lines)])  # fmt: skip
        add((f"{stem}-ratification.csv", _csv_url(paths), "every path combination"))
    if data.twolevel_draws is not None:
        tl = data.twolevel_draws
        tl_rows: list[list[Any]] = [["paths", "p_ratifiable", "p_chosen"]]
        for name, value in tl.p_ratifiable.items():
            tl_rows.append([name, value, tl.p_chosen[name]])
        add((f"{stem}-ratification-draws.csv", _csv_url(tl_rows), "P(agreement) per path"))
    if data.whatif:
        wf: list[list[Any]] = [["result", "model", "issue", "baseline", "what_if"]]
        for c in data.whatif:
            b, o = c.baseline, c.counterfactual
            if isinstance(b, RunResult) and isinstance(o, RunResult):
                for issue, value in b.forecast.items():
                    wf.append([b.provenance.kind, b.provenance.model, issue, value,
                               o.forecast[issue]])  # fmt: skip
        add((f"{stem}-what-if.csv", _csv_url(wf), "baseline and what-if forecasts"))


def _provenance(data: ReportData, page: _Page) -> str:
    links = "".join(
        f'<li><a download="{html.escape(name)}" href="{url}">{html.escape(name)}</a> '
        f'<span class="muted">{html.escape(what)}</span></li>'
        for name, url, what in page.downloads
    )
    results: list[Any] = [*data.runs, *data.draws]
    for extra in (data.sensitivity, data.twolevel, data.twolevel_draws, *data.searches):
        if extra is not None:
            results.append(extra)
    results += list(data.whatif)
    ids = "".join(
        f"<tr><td>{html.escape(r.provenance.kind)}</td><td>{html.escape(r.provenance.model)}</td>"
        f"<td><code>{r.run_id}</code></td></tr>"
        for r in results
    )
    return (
        "<p>The full data behind this page, as CSV files kept inside it (no network needed):</p>"
        f"<ul>{links}</ul>"
        "<p>Every result, by its id in the run store (<code>winset show ID</code> shows it "
        "again):</p><div class=scroll><table><tr><th>kind</th><th>model</th><th>run id</th></tr>"
        + ids
        + "</table></div>"
    )
