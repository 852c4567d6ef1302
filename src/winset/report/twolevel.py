"""The report's two-level section: the plane of win-sets, the paths table, what it would take."""

from __future__ import annotations

import html
from typing import Any

from winset.report.html import Section
from winset.report.plots import figure_to_svg
from winset.results import RunResult
from winset.scenario.schema import Scenario

__all__ = ["twolevel_sections"]


def _point(values: dict[str, float] | None) -> str:
    if values is None:
        return "—"
    return ", ".join(f"{html.escape(k)} {v:,.4g}" for k, v in values.items())


def _pivots(pivotal: tuple[dict[str, Any], ...]) -> str:
    return html.escape(", ".join(f"{s['bloc']} ({float(s['swing']):.2f})" for s in pivotal[:4]))


def twolevel_sections(
    scenario: Scenario, results: list[RunResult], seed: int | None
) -> list[Section]:
    """For a scenario with a ratification section: every path, the outcome, the search."""
    if scenario.ratification is None:
        return []
    from winset.twolevel.analyse import analyse
    from winset.twolevel.plot import plot_twolevel
    from winset.twolevel.search import search

    result = analyse(scenario)
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
    parts = [
        "<p>Level I (the compromise model) forecasts "
        f"{_point(result.level1)}. Constrained to what each ratification path can carry: "
        f"{verdict}.</p>",
        figure_to_svg(plot_twolevel(scenario, result)),
        "<table><tr><th>path</th><th>open</th><th>ratifiable</th><th>agreement</th>"
        "<th>P(ratify)</th><th>red lines</th><th>pivotal (swing)</th></tr>" + rows + "</table>",
    ]
    for p in result.paths:
        if p.open and not p.ratifiable:
            for name in list(p.paths.values())[:1]:
                # the search pairs this path with the other sides' open paths: this pair
                strategy = search(scenario, name)
                moves = "".join(
                    f"<tr><td>{html.escape(m.bloc)}</td><td>{m.seats}</td>"
                    f"<td>{_point(m.start)}</td><td>{_point(m.end)}</td>"
                    f"<td>{m.distance:.3f}</td></tr>"
                    for m in strategy.moves
                )
                parts.append(
                    f"<h4>What would it have taken for {html.escape(p.name)}?</h4>"
                    f"<p>{html.escape(strategy.note)}"
                    + (
                        f"; cheapest agreement {_point(strategy.agreement)}"
                        if strategy.agreement
                        else ""
                    )
                    + (
                        ". With nobody moving: open "
                        + html.escape(" or ".join(strategy.open_paths))
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
