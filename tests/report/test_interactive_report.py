"""The interactive (Plotly) report: embedded library, one chart per issue, reproducible bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from samples import report_html
from winset.cli import app


def test_interactive_report_embeds_plotly_once_and_draws_each_issue() -> None:
    pytest.importorskip("plotly")
    text = report_html("china-soe-policy", models=["compromise"], interactive=True)
    issues = text.count('<div id="issue-')
    assert issues >= 1 and text.count('id="issue-0"') == 1
    assert text.count("Plotly.newPlot") == issues
    assert "cdn.plot.ly" not in text.split("</head>")[1]  # no network needed for the charts
    assert text.count('<script type="text/javascript">/**') == 1  # the library, inlined once


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
