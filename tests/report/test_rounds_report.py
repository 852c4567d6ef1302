"""The report's rounds section: a trajectory per issue and the table of who moved whom."""

from __future__ import annotations

import pytest

from samples import report_html
from winset.models.runner import run
from winset.report.rounds import moves_table, plot_trajectory


def test_trajectory_draws_every_actor_and_the_median_line() -> None:
    result = run("eu-emissions-1994", "eum", variant="scholz-code", rounds=10)
    fig = plot_trajectory(result, "lag")
    lines = fig.axes[0].get_lines()
    # ten actors, the median by round, the forecast line
    assert len(lines) == 12
    median = lines[10]
    assert list(median.get_ydata()) == [r.issues["lag"].median for r in result.rounds]
    assert median.get_ydata()[-1] == pytest.approx(7.0)


def test_moves_table_counts_pulls() -> None:
    result = run("eu-emissions-1994", "eum", variant="scholz-code", rounds=10)
    table = moves_table(result, "lag")
    total = sum(len(r.extras["moves"]) for r in result.rounds[1:])
    assert table.count("<tr>") == 1 + len({
        (m["toward"], m["actor"], m["kind"]) for r in result.rounds[1:] for m in r.extras["moves"]
    }) + 1 + total  # fmt: skip
    assert (
        "<td>1</td><td>Belgium</td><td>7</td><td>8.416</td><td>France</td><td>compromise</td>"
        in table
    )


def test_models_without_rounds_get_no_section() -> None:
    text = report_html("eu-emissions-1994", models=["compromise", "eum"])
    assert text.count("<h2>Rounds of") == 1
    assert "<h2>Rounds of eum</h2>" in text
    with pytest.raises(ValueError, match="no rounds"):
        plot_trajectory(run("eu-emissions-1994", "compromise"), "lag")
