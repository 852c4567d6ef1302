"""The report's rounds: a trajectory per issue, whether the model settled, who moved whom."""

from __future__ import annotations

import pytest

from winset.models.runner import run
from winset.report.rounds import moves_table, plot_trajectory, settling


def test_trajectory_draws_every_actor_and_the_median_line() -> None:
    result = run("eu-emissions-1994", "eum", variant="scholz-code", rounds=10)
    fig = plot_trajectory(result, "lag")
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) == 11]
    # ten actors, then the median by round
    assert len(lines) == 11
    median = lines[10]
    assert list(median.get_ydata()) == [r.issues["lag"].median for r in result.rounds]
    assert median.get_ydata()[-1] == pytest.approx(7.0)


def test_only_the_largest_actors_get_a_colour_and_a_label() -> None:
    result = run("china-soe-competitive", "eum")
    fig = plot_trajectory(result, "competitive", weights={a: 1.0 for a in result.actors})
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert len(labels) == 9 and len(result.actors) == 34


def test_oscillating_median_is_caught() -> None:
    result = run("eu-emissions-1994", "eum", variant="scholz-code", rounds=10)
    s = settling(result, "lag", 10.0)
    assert s is not None and not s.settled and (s.low, s.high) == pytest.approx((7.0, 9.6711), 1e-4)
    assert "eum did not settle on lag" in s.sentence("eum", "lag")
    steady = run("iraq-2011", "eum")
    assert settling(steady, "troops", 20_000).settled
    assert settling(run("iraq-2011", "compromise"), "troops", 20_000) is None


def test_moves_table_counts_pulls_and_folds_short_moves() -> None:
    result = run("eu-emissions-1994", "eum", variant="scholz-code", rounds=10)
    table = moves_table(result, "lag", span=10.0)
    moves = [m for r in result.rounds[1:] for m in r.extras["moves"]]
    short = [m for m in moves if abs(m["to"] - m["from"]) < 0.1]
    assert f"{len(moves) - len(short)} moves of at least 0.1" in table
    if short:
        assert f"{len(short)} shorter moves folded away" in table
    assert "<h4>Who moves whom on lag</h4>" in table
    assert (
        "<td class=num>1</td><td>Belgium</td><td class=num>7</td><td class=num>8.416</td>"
        "<td>France</td><td>compromise</td>" in table
    )


def test_models_without_rounds_cannot_be_drawn_by_round() -> None:
    with pytest.raises(ValueError, match="no rounds"):
        plot_trajectory(run("eu-emissions-1994", "compromise"), "lag")
