"""Backtests on DEU data: the loader, the models, the scores, cross-validation, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from winset.backtest.deu import ACTORS, read_deu, read_deu_text
from winset.backtest.evaluate import BacktestSettings, scores
from winset.backtest.evaluate import backtest as run_backtest
from winset.backtest.models import EU15, NICE, TRANSITIONAL, council_weights, fixed_forecasts
from winset.cli import app
from winset.errors import InputError

# the logic of scoring does not depend on which models are scored: the quick ones
QUICK = ("compromise", "median", "nash", "eum")


def backtest(data, train=None, **settings):
    settings.setdefault("models", QUICK)
    return run_backtest(data, train, BacktestSettings(seed=settings.pop("seed", 0), **settings))


runner = CliRunner()


@pytest.fixture
def dev_path(data):
    return data / "deu3/deu3-dev.csv"


@pytest.fixture
def dev(dev_path):
    return read_deu(dev_path)


def _table(rows: list[dict[str, str]]) -> str:
    header = ["prnr", "isnr", "proc", "counvte", "intro", *(f"p{a}" for a in ACTORS),
              *(f"s{a}" for a in ACTORS), "rp", "out"]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return out.getvalue()


def _row(prnr, isnr, out, rp="", proc="COD", vote="QMV", intro="01-02-00", **cells) -> dict:
    return {"prnr": prnr, "isnr": isnr, "proc": proc, "counvte": vote, "intro": intro, "rp": rp,
            "out": out, **cells}  # fmt: skip


def test_salience_weighted_mean_misses_by_23_6(dev) -> None:
    # the data's README: the salience-weighted mean misses the outcome by 23.6 on average
    assert dev.n == 213 and dev.skipped == ("d95341i2",)
    mae = np.abs(fixed_forecasts(dev, models=("compromise",))["compromise"] - dev.outcome).mean()
    assert mae == pytest.approx(23.6, abs=0.05)


def test_loader_cells_missing_empty_and_absent() -> None:
    text = _table([
        _row("p1", "i1", "40", pcom="100", scom="80", pep="999", sep="50", pde="", sde="0",
             pfr="20", sfr="999", puk="0", suk="30"),
        _row("p1", "i2", "", pcom="50", scom="50"),
    ])  # fmt: skip
    data = read_deu_text(text, "t.csv")
    assert data.n == 1 and data.skipped == ("i2",)
    present = dict(zip(ACTORS, data.present[0], strict=True))
    assert present["com"] and present["uk"]
    assert not present["ep"]  # 999 position: missing
    assert not present["de"]  # empty position, salience 0: absent
    assert not present["fr"]  # position without a salience: left out
    assert np.isnan(data.reference[0])


def test_loader_reads_turned_around_dates() -> None:
    text = _table([_row("p", "a", "1", intro="2014-07-04", pcom="1", scom="1"),
                   _row("p", "b", "1", intro="14-12-1999", pcom="1", scom="1"),
                   _row("p", "c", "1", intro="1930-05-05", pcom="1", scom="1")])  # fmt: skip
    data = read_deu_text(text, "t.csv")
    assert data.introduced == (
        dt.date(2004, 7, 14), dt.date(1999, 12, 14), dt.date(2005, 5, 30)
    )  # fmt: skip


def test_eu15_files_without_later_members_columns() -> None:
    later = ("bu", "cr", "cy", "cz", "ee", "hu", "lv", "lt", "mt", "pl", "ro", "si", "sk")
    text = _table([_row("p", "a", "40", pcom="50", scom="80", pde="30", sde="50")])
    lines = text.splitlines()
    header = lines[0].split(",")
    keep = [k for k, h in enumerate(header) if h[1:] not in later or h in ("prnr", "proc")]
    eu15 = "\n".join(",".join(line.split(",")[k] for k in keep) for line in lines) + "\n"
    data = read_deu_text(eu15, "eu15.csv")
    present = dict(zip(ACTORS, data.present[0], strict=True))
    assert present["com"] and present["de"] and not present["pl"]
    broken = eu15.replace(",sde,", ",xde,", 1)
    with pytest.raises(InputError, match="missing column\\(s\\): sde"):
        read_deu_text(broken, "eu15.csv")


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"pcom": "abc"}, "t.csv: row 2.pcom: 'abc' is not a number"),
        ({"sde": "140"}, "t.csv: row 2.sde: 140 is not on 0-100"),
        ({"proc": "XYZ"}, "t.csv: row 2.proc: 'XYZ' is not COD or CNS"),
        ({"intro": "soon"}, "t.csv: row 2.intro: 'soon' is not a date dd-mm-yy"),
    ],
)
def test_malformed_cells_name_row_and_column(cells, message) -> None:
    row = _row("p", "i", "50", pcom="10", scom="10", pde="20", sde="20")
    row.update(cells)
    with pytest.raises(InputError) as err:
        read_deu_text(_table([row]), "t.csv")
    assert str(err.value.problems[0]) == message


def test_missing_columns_and_cli_exit_2(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("prnr,isnr\nx,y\n")
    out = runner.invoke(app, ["backtest", str(bad)])
    assert out.exit_code == 2 and "missing column(s)" in out.output
    assert "Traceback" not in out.output
    out = runner.invoke(app, ["backtest", str(tmp_path / "none.csv")])
    assert out.exit_code == 2 and "no such file" in out.output


def test_council_weights_follow_the_date_and_the_procedure(dev) -> None:
    assert sum(EU15.values()) == 87 and sum(TRANSITIONAL.values()) == 124
    assert sum(NICE.values()) == 321
    votes = council_weights(dev)
    ep = ACTORS.index("ep")
    for i in range(dev.n):
        states = votes[i, 2:].sum()
        assert states in (87, 124, 321)
        if dev.introduced[i] < dt.date(2004, 5, 1):
            assert states == 87
        if dev.procedure[i] == "COD":
            assert votes[i, ep] == states


def test_bootstrap_resamples_whole_proposals() -> None:
    rng = np.random.default_rng(0)
    proposal = np.repeat(np.arange(10), 3)
    errors = np.repeat(rng.normal(0, 20, 10), 3)  # equal errors within a proposal
    once = scores(errors, proposal, 500, seed=1)
    # doubling every proposal's issues changes nothing when proposals are resampled
    twice = scores(np.repeat(errors, 2), np.repeat(proposal, 2), 500, seed=1)
    assert once[3] == twice[3] and once[0] == twice[0]
    # a constant error has no spread
    const = scores(np.full(30, 5.0), proposal, 200, seed=1)
    assert const[3]["mae"] == (5.0, 5.0) and const[3]["mdae"] == (5.0, 5.0)


def test_cross_validation_never_sees_the_held_out_outcome(dev) -> None:
    first = backtest(dev, cv=True, resamples=10)
    proposal, _ = dev.proposals()
    held = proposal == 0
    changed = dev.subset(np.arange(dev.n))
    object.__setattr__(changed, "outcome", np.where(held, 100.0 - dev.outcome, dev.outcome))
    second = backtest(changed, cv=True, resamples=10)
    for name in ("shrink-reference", "shrink-commission", "blend"):
        np.testing.assert_array_equal(first.forecasts[name][held], second.forecasts[name][held])
        assert first.models[name].how == "leave-one-proposal-out"


def test_fit_on_train_only(dev) -> None:
    proposal, _ = dev.proposals()
    train, evaluate = dev.subset(proposal % 2 == 0), dev.subset(proposal % 2 == 1)
    a = backtest(evaluate, train, resamples=10)
    flipped = evaluate.subset(np.arange(evaluate.n))
    object.__setattr__(flipped, "outcome", 100.0 - evaluate.outcome)
    b = backtest(flipped, train, resamples=10)
    for name in ("shrink-reference", "shrink-commission", "blend"):
        np.testing.assert_array_equal(a.forecasts[name], b.forecasts[name])
    # without --fit or --cv the fitted models are not scored, and the result says so
    plain = backtest(evaluate, resamples=10)
    assert "blend" not in plain.models and "need --fit" in plain.notes[0]


def test_no_combination_beats_the_bar_in_sample(dev) -> None:
    result = backtest(dev, cv=True, resamples=200, models=())  # every model of the registry
    assert result.best == "compromise"
    assert result.bound > 23.6 - 2.5  # even fitted on the outcomes themselves


def test_cli_json_contract_and_determinism(dev_path, tmp_path) -> None:
    args = ["backtest", str(dev_path), "--cv", "--bootstrap", "200", "--seed", "3", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["n_issues"] == 213 and data["best"] in data["models"]
    assert data["models"]["compromise"]["mae"] == pytest.approx(23.63, abs=0.01)
    lo, hi = data["models"]["compromise"]["ci95"]["mae"]
    assert lo < 23.63 < hi
    assert runner.invoke(app, args).stdout == first.stdout
    page = tmp_path / "bt.html"
    out = runner.invoke(
        app, ["backtest", str(dev_path), "--bootstrap", "50", "-m", "median", "--report", str(page)]
    )
    assert out.exit_code == 0 and "<svg" in page.read_text()
    both = runner.invoke(app, ["backtest", str(dev_path), "--cv", "--fit", str(dev_path)])
    assert both.exit_code == 2 and "not both" in both.output


def test_the_median_error_lies_within_its_interval_even_with_one_proposal() -> None:
    errors = np.array([0.7, 10.71, 20.0, 3.0])
    proposal = np.zeros(4, dtype=np.intp)
    _, _, mdae, ci = scores(errors, proposal, 50, seed=1)
    assert mdae == pytest.approx(float(np.median(errors)))
    assert ci["mdae"][0] <= mdae <= ci["mdae"][1]


def test_setting_max_resamples_lowers_the_cap(monkeypatch) -> None:
    assert BacktestSettings(resamples=5_000).checked(False).resamples == 5_000
    monkeypatch.setenv("WINSET_MAX_RESAMPLES", "1000")
    assert BacktestSettings(resamples=1_000).checked(False).resamples == 1_000
    with pytest.raises(InputError, match=r"5,000 resamples; the limit is 1,000 \(set WINSET_MAX_R"):
        BacktestSettings(resamples=5_000).checked(False)
    with pytest.raises(InputError, match=r"must be between 1 and 1,000, not 0"):
        BacktestSettings(resamples=0).checked(False)


def test_model_names_are_the_registry_names_in_any_case() -> None:
    from winset.models.registry import get_model

    chosen = BacktestSettings(models=(" EUM ", "Compromise")).checked(False).models
    assert chosen == ("eum", "compromise")
    assert get_model(" EUM ").info.name == "eum"
    with pytest.raises(InputError, match=r"unknown model 'oracle' \(models: compromise, "):
        BacktestSettings(models=("oracle",)).checked(False)
