"""The report's uncertainty sections: a tornado chart always, histograms when there are ranges."""

from __future__ import annotations

from samples import RANGED, report_html
from winset.scenario.load import build_scenario


def test_report_has_tornado_and_histograms_for_a_scenario_with_ranges() -> None:
    text = report_html(build_scenario(RANGED, "ranged.yaml"), models=["compromise"], seed=1)
    assert "<h2>What moves the forecast</h2>" in text
    assert "<h2>Uncertainty of the forecasts</h2>" in text
    assert "2,000 draws of every value with an uncertainty range (uniform), seed 1." in text
    assert text.count("<svg") == 3  # the issue picture, the tornado, one histogram


def test_report_without_ranges_has_no_histograms() -> None:
    text = report_html("eu-emissions-1994", models=["compromise", "median"])
    assert "<h2>What moves the forecast</h2>" in text
    assert "Uncertainty of the forecasts" not in text
