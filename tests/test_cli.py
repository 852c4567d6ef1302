"""The command-line contracts of DESIGN.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from winset.cli import app

runner = CliRunner()


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_run_json_contract() -> None:
    data = _json(["run", "eu-emissions-1994", "--json"])
    assert data["forecast"] == {"lag": pytest.approx(7.38996, abs=1e-3)}
    prov = data["provenance"]
    assert prov["model"] == "compromise" and prov["variant"] == "default"
    assert len(prov["input_hash"]) == 64 and prov["package_version"]
    assert "parameters" in prov and "seed" in prov


def test_run_csv_table_names_issue_issue(data: Path) -> None:
    data = _json(["run", str(data / "eum/eu_emissions.csv"), "--model", "median", "--json"])
    assert data["forecast"] == {"issue": 7.0}


def test_run_is_stored_and_reused(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite"
    first = runner.invoke(
        app, ["run", "china-soe-policy", "--model", "nash", "--store", str(store)]
    )
    assert first.exit_code == 0 and "(computed)" in first.stdout
    second = runner.invoke(
        app, ["run", "china-soe-policy", "--model", "nash", "--store", str(store)]
    )
    assert "(from the run store)" in second.stdout
    listing = _json(["runs", "--store", str(store), "--json"])
    assert len(listing) == 1 and listing[0]["model"] == "nash"
    shown = _json(["show", listing[0]["id"], "--store", str(store), "--json"])
    direct = _json(["run", "china-soe-policy", "--model", "nash", "--json", "--no-store"])
    assert shown["forecast"] == direct["forecast"]


def test_show_unknown_id(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "abcdef123", "--store", str(tmp_path / "s.sqlite")])
    assert (
        result.exit_code == 2 and "'abcdef123': no run in the store starts with it" in result.stderr
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "eu-emissions-1994", "--model", "oracle"], "model: unknown model 'oracle'"),
        (
            ["run", "eu-emissions-1994", "--rounds", "5"],
            "--rounds: model 'compromise' is not iterative",
        ),
        (["run", "eu-emissions-1994", "--variant", "fast"], "variant: 'fast' is not a variant"),
        (
            ["run", "eu-emissions-1994", "--model", "nash", "-p", "iterations=3"],
            "parameter iterations: 3 is below 10",
        ),
        (
            ["run", "eu-emissions-1994", "--model", "nash", "-p", "speed=3"],
            "parameter speed: unknown",
        ),
        (["run", "eu-emissions-1994", "-p", "oops"], "--param: 'oops' is not KEY=VALUE"),
        (["run", "atlantis"], "atlantis: no such file, and not a bundled scenario"),
    ],
)
def test_bad_options_exit_2(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_usage_error_exit_2() -> None:
    assert runner.invoke(app, ["run"]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_scenarios_lists_bundled() -> None:
    names = [s["name"] for s in _json(["scenarios", "--json"])]
    assert {"eu-emissions-1994", "china-soe-policy", "china-soe-competitive"} <= set(names)


def test_models_lists_citations_and_parameters() -> None:
    infos = {m["name"]: m for m in _json(["models", "--json"])}
    assert {"compromise", "median", "nash"} <= set(infos)
    assert "Achen" in infos["compromise"]["citation"]
    assert infos["nash"]["parameters"][0]["default"] == 80


def test_bundled_scenarios_cite_their_sources() -> None:
    from winset.scenario.load import load_scenario

    eu = load_scenario("eu-emissions-1994")
    assert "Bueno de Mesquita" in eu.sources["BDM1994"] and "Scholz" in eu.sources["SCHOLZ2011"]
    for name in ("china-soe-policy", "china-soe-competitive"):
        assert "KAPSARC" in load_scenario(name).sources["KTAB"]


def test_bundled_china_cases_match_ktab_inputs(data: Path) -> None:
    from winset.scenario.load import load_scenario

    for name, file in (
        ("china-soe-policy", "SOE-Policy"),
        ("china-soe-competitive", "SOE-Competitive"),
    ):
        bundled = load_scenario(name)
        raw = load_scenario(data / f"ktab/{file}.csv")
        issue = bundled.issue_names()[0]
        assert [a.name for a in bundled.actors] == [a.name for a in raw.actors]
        for a, b in zip(bundled.actors, raw.actors, strict=True):
            assert a.capability.value == b.capability.value
            assert a.position[issue].value == b.position[issue].value
            assert a.salience[issue].value == b.salience[issue].value


def test_report_writes_self_contained_html(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "eu-emissions-1994", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert "<script src" not in text and "<link" not in text  # nothing fetched
    assert "7.39" in text and "Netherlands" in text


def test_report_bad_model_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "eu-emissions-1994", "-m", "oracle", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_report_into_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "eu-emissions-1994", "-o", str(tmp_path / "no/r.html")])
    assert result.exit_code == 2 and "its folder does not exist" in result.stderr


def test_version() -> None:
    from winset import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_every_kind_is_stored_listed_and_shown_again(tmp_path: Path, data: Path) -> None:
    store = ["--store", str(tmp_path / "s.sqlite")]
    commands = [
        ["twolevel", "iraq-2011"],
        ["twolevel", "iraq-2011", "--path", "notification"],
        ["sensitivity", "eu-emissions-1994", "--no-sobol"],
        ["backtest", str(data / "deu3/deu3-dev.csv"), "--bootstrap", "20", "--seed", "1"],
        ["run", "eu-emissions-1994", "--set", "Germany.salience.lag=20"],
    ]
    for args in commands:
        done = runner.invoke(app, [*args, *store])
        assert done.exit_code == 0, done.output
    listed = json.loads(runner.invoke(app, ["runs", "--json", *store]).stdout)
    kinds = {r["kind"] for r in listed}
    assert {"twolevel", "sensitivity", "backtest", "whatif", "run"} <= kinds
    for r in listed:
        assert len(r["id"]) == 64 and "settings" in r and "seed" in r
        shown = runner.invoke(app, ["show", r["id"][:8], *store])
        assert shown.exit_code == 0, shown.output
        assert "from the run store" in shown.stdout
        again = json.loads(runner.invoke(app, ["show", r["id"], "--json", *store]).stdout)
        assert again["run_id"] == r["id"]
    backtest = next(r for r in listed if r["kind"] == "backtest")
    assert backtest["seed"] == 1 and backtest["settings"]["resamples"] == 20


def test_output_tables_keep_formulas_as_text(tmp_path: Path) -> None:
    # an issue named like a formula is written with a leading apostrophe, never as a formula
    evil = '=HYPERLINK("http://example.invalid","x")'
    scenario = tmp_path / "evil.yaml"
    scenario.write_text(
        json.dumps({
            "format": "winset/1", "name": "evil",
            "issues": [{"name": evil, "scale": [0, 100]}],
            "actors": [
                {"name": "@A", "capability": 10, "position": {evil: 20}, "salience": {evil: 50}},
                {"name": "-B", "capability": 5, "position": {evil: 80}, "salience": {evil: 50}},
            ],
        })
    )  # fmt: skip
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"out.{suffix}"
        result = runner.invoke(app, ["run", str(scenario), "--no-store", "--output", str(out)])
        assert result.exit_code == 0, result.output
        if suffix == "csv":
            assert out.read_text().splitlines()[1].startswith("\"'=HYPERLINK(")
            continue
        from openpyxl import load_workbook

        cells = [c.value for ws in load_workbook(out).worksheets for r in ws.iter_rows() for c in r]
        assert "'" + evil in cells
        assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in cells)


def test_report_reads_tables_with_the_table_options(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "r.html"
    table = str(data / "tables/one_issue.csv")
    args = ["report", table, "--no-store", "--seed", "0", "-o", str(out), "--issue", "delay"]
    result = runner.invoke(app, [*args, "--scale", "0:10"])
    assert result.exit_code == 2 and "is above 10" in result.stderr and not out.exists()
    result = runner.invoke(app, [*args, "--scale", "0:100", "--unit", "days"])
    assert result.exit_code == 0, result.output
    assert "delay" in out.read_text() and "days" in out.read_text()


def test_twolevel_with_a_stochastic_model_repeats_from_its_seed() -> None:
    args = ["twolevel", "iraq-2011", "-m", "smp", "--variant", "stochastic", "--json"]
    first = runner.invoke(app, [*args, "--seed", "9", "--no-store"])
    again = runner.invoke(app, [*args, "--seed", "9", "--no-store"])
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout
    assert json.loads(first.stdout)["provenance"]["seed"] == 9
    # without --seed one seed is drawn and serves the baseline and the what-if alike
    whatif = runner.invoke(app, [*args, "--set", "Iraqiya.salience.immunity=20", "--no-store"])
    doc = json.loads(whatif.stdout)
    seed = doc["provenance"]["seed"]
    assert isinstance(seed, int) and doc["baseline"]["provenance"]["seed"] == seed
