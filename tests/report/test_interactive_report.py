"""The interactive (Plotly) report: every chart interactive, the library embedded once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samples import report_html
from winset.cli import app
from winset.report.interactive import issue_figure_html
from winset.scenario.load import load_scenario


def test_every_chart_is_interactive_and_plotly_is_embedded_once() -> None:
    pytest.importorskip("plotly")
    static = report_html("iraq-2011", models=["compromise", "eum"], seed=1)
    text = report_html("iraq-2011", models=["compromise", "eum"], seed=1, interactive=True)
    charts = static.count("<svg")
    assert charts >= 8
    assert text.count('class="chart"') == charts and "<svg" not in text
    assert text.count("Plotly.newPlot") == charts
    assert text.count('id="winset-plotly"') == 1  # the library, packed once
    assert "cdn.plot.ly" not in text and not re.search(r"<script[^>]+src=", text)
    assert len(text) < len(static) + 2_600_000  # compressed: 4.8 MB of JavaScript in about 2


def test_issue_figure_html_draws_once_plotly_is_on_the_page() -> None:
    pytest.importorskip("plotly")
    fragment = issue_figure_html(load_scenario("iraq-2011"), "troops", {"median": 4000}, "t-1")
    assert fragment.startswith('<div id="t-1" class="chart"')
    assert "if(window.Plotly){draw();}" in fragment


def test_reports_are_byte_identical_run_to_run(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for k in range(2):
        out = tmp_path / f"r{k}.html"
        args = ["report", "eu-emissions-1994", "-o", str(out), "--seed", "1"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
