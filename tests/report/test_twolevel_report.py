"""The report's two-level section: the plane of win-sets, the paths table, the search."""

from __future__ import annotations

from samples import report_html
from winset.report.twolevel import plot_twolevel
from winset.scenario.load import load_scenario
from winset.twolevel import analyse


def test_iraq_report_has_the_ratification_section() -> None:
    text = report_html("iraq-2011", models=["compromise"])
    assert "<h2>Ratification: the two-level game</h2>" in text
    assert "<b>no agreement</b>: the reversion point holds (troops 0, immunity 0)" in text
    assert "What would it have taken for parliament?" in text
    assert "<td>State of Law</td><td>89</td>" in text


def test_scenarios_without_ratification_have_no_section() -> None:
    assert "Ratification" not in report_html("eu-emissions-1994", models=["compromise"])


def test_plane_marks_reversion_forecasts_and_outcome() -> None:
    iraq = load_scenario("iraq-2011")
    result = analyse(iraq)
    fig = plot_twolevel(iraq, result)
    ax = fig.axes[0]
    labels = [h.get_label() for h in ax.get_legend().legend_handles]
    assert "Iraq: notification (closed)" in labels and "reversion point q" in labels
    outcome_marker = [
        ln for ln in ax.get_lines() if ln.get_marker() == "o" and ln.get_markersize() == 16
    ]
    assert [tuple(ln.get_xydata()[0]) for ln in outcome_marker] == [(0.0, 0.0)]
