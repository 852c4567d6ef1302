"""The report's two-level section: every path drawn, empty win-sets explained, the search."""

from __future__ import annotations

import numpy as np

from samples import report_html
from winset.report.twolevel import path_pictures, plot_twolevel
from winset.scenario.load import load_scenario
from winset.twolevel import analyse
from winset.twolevel.problem import build
from winset.twolevel.winsets import body_member


def test_iraq_report_has_the_ratification_section() -> None:
    text = report_html("iraq-2011", models=["compromise"])
    assert "<h2>Ratification: the two-level game</h2>" in text
    assert "<b>no agreement</b>: the reversion point holds (troops 0, immunity 0)" in text
    assert "What would it have taken for parliament?" in text
    assert "<td>State of Law</td><td class=num>89</td>" in text


def test_scenarios_without_ratification_have_no_section() -> None:
    assert "Ratification" not in report_html("eu-emissions-1994", models=["compromise"])


def test_every_path_is_drawn_and_the_empty_one_says_why() -> None:
    iraq = load_scenario("iraq-2011")
    fig = plot_twolevel(iraq, analyse(iraq))
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Iraq: parliament — empty" in labels and "Iraq: notification (closed)" in labels
    assert "US red line 'binding immunity' (on parliament)" in labels
    notes = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Iraq: parliament: empty — US's red line 'binding immunity' (immunity ≥ 100)" in notes
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Iraqiya (91 seats)" in texts and "outcome" in texts  # blocs are named


def test_the_drawn_boundary_is_the_engines() -> None:
    problem = build(load_scenario("iraq-2011"))
    pts, pictures = path_pictures(problem, grid=61)
    parliament = next(p for p in pictures if p.name == "parliament")
    body = problem.sides[1].paths[0].bodies[0]
    exact = body_member(body, pts, problem.reversion)
    drawn = parliament.ratifiers.ravel() > 0
    # the margin is positive exactly where the body ratifies (up to points on the boundary)
    assert np.mean(exact == drawn) > 0.999
