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


def test_interactive_what_if_shows_what_the_table_shows() -> None:
    """The same rows, labels and values: draws are labelled and compared by their mean."""
    from samples import RANGED
    from winset.report.interactive import whatif_figure
    from winset.report.whatif import compared_runs, shown_value
    from winset.scenario.load import build_scenario

    levers = Levers(values=(("A", "position", "lag", 3.0),))
    scenario = build_scenario(RANGED, "ranged.yaml")
    data = report_data(Study(scenario, levers=levers), ["compromise"], seed=1)
    rows = compared_runs(data.whatif)
    labels = [label for label, _, _ in rows]
    assert labels == ["compromise", "compromise (mean of draws)"]
    before = [shown_value(base, "lag") for _, base, _ in rows]
    after = [shown_value(other, "lag") for _, _, other in rows]
    fig = whatif_figure(data.whatif, "lag")
    for trace, values in zip(fig.data, (before, after), strict=True):
        assert list(trace.y) == labels and list(trace.x) == values
    drawn = rows[1][1]
    assert shown_value(drawn, "lag") == drawn.distribution["lag"].mean
