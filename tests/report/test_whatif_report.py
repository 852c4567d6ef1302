"""A what-if report: the baseline beside the counterfactual, every figure labelled as such."""

from __future__ import annotations

import html
from pathlib import Path

from typer.testing import CliRunner

from winset.cli import app
from winset.report.html import build_report
from winset.scenario.levers import Levers
from winset.study import Study, report_data


def test_report_carries_baseline_and_what_if() -> None:
    levers = Levers(values=(("France", "position", "lag", 4.0),))
    data = report_data(Study("eu-emissions-1994", levers=levers), ["median", "eum"], seed=1)
    assert data.levers == "France's position on lag 4" and data.baseline_scenario is not None
    kinds = [c.baseline.provenance.kind for c in data.whatif]
    assert kinds == ["run", "run"]
    assert data.runs[0] is data.whatif[0].counterfactual
    text = html.unescape(build_report(data))
    assert "<h2>What if</h2>" in text and "What if <b>France's position on lag 4</b>" in text
    assert text.count("lag: baseline and what-if") == 1  # the picture, once per issue
    assert "What if France's position on lag 4?" in text  # the banner above the summary


def test_cli_what_if_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "iraq-2011", "-m", "compromise", "--seed", "2", "-o", str(out),
            "--remove", "Iran"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "Iran removed" in text and "<h3>Ratification</h3>" in text
