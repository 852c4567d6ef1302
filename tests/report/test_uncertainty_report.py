"""The report's uncertainty: histograms when there are ranges, drivers, Sobol when asked."""

from __future__ import annotations

import pytest

from samples import RANGED, report_html
from winset.report.html import build_report
from winset.scenario.load import build_scenario
from winset.study import Study, report_data


def test_report_has_tornado_and_histograms_for_a_scenario_with_ranges() -> None:
    text = report_html(build_scenario(RANGED, "ranged.yaml"), models=["compromise"], seed=1)
    assert "<h3>What moves the forecast of lag</h3>" in text
    assert "<h3>Uncertainty of the forecasts of lag</h3>" in text
    assert "1,000 draws of every value with an uncertainty range (uniform), seed 1." in text
    assert text.count("<svg") == 3  # the issue picture, the tornado, the histograms


def test_report_without_ranges_has_no_histograms() -> None:
    text = report_html("eu-emissions-1994", models=["compromise", "median"])
    assert "What moves the forecast of lag" in text
    assert "Uncertainty of the forecasts" not in text


def test_sobol_indices_when_asked() -> None:
    pytest.importorskip("SALib")
    ranged = build_scenario(RANGED, "ranged.yaml")
    data = report_data(Study(ranged), ["compromise"], seed=1, sobol=True)
    assert data.sensitivity is not None and data.sensitivity.sobol
    text = build_report(data)
    assert "<h3>Sobol indices of lag</h3>" in text and "ranged-sobol.csv" in text
