"""Stakeholder tables in every shape analysts use: the corpus in tests/data/tables (made by its
make.py), the options that state what a table cannot, and round trips through every shape."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from winset.cli import app
from winset.errors import InputError
from winset.scenario.export import scenario_to_xlsx
from winset.scenario.load import build_scenario, read_scenario
from winset.scenario.tables import TableOptions

TABLES = Path(__file__).resolve().parent.parent / "data" / "tables"
BASE = {"Alpha": (40, 20, 80), "Beta": (25, 70, 50), "Gamma": (10, 55, 90)}


def _values(scenario: Any, issue: str) -> dict[str, tuple[float, float, float]]:
    return {
        a.name: (a.capability.value, a.position[issue].value, a.salience[issue].value)
        for a in scenario.actors
        if issue in a.position
    }


@pytest.mark.parametrize(
    "name",
    [
        "one_issue.csv", "title_rows.csv", "synonyms_stakeholder.csv", "synonyms_power.csv",
        "salience_percent_header.csv", "percent_text.csv", "tab.tsv", "mac_line_ends.csv",
        "windows_line_ends.csv", "second_sheet.xlsx", "percent_cells.xlsx", "title_rows.xlsx",
        "table.ods",
    ],
)  # fmt: skip
def test_one_issue_tables_read_the_same_values(name: str) -> None:
    loaded = read_scenario(TABLES / name)
    scenario = loaded.scenario
    assert scenario.issue_names() == ("issue",)
    assert _values(scenario, "issue") == BASE
    assert scenario.issues[0].scale == (0.0, 100.0)
    assert any("taken as the scale" in n for n in loaded.notices)


def test_encoding_separators_and_number_styles_are_read_and_said() -> None:
    cp = read_scenario(TABLES / "cp1252.csv")
    assert [a.name for a in cp.scenario.actors] == ["Alphaé", "Betaé", "Gammaé"]
    assert "read as Windows-1252 text (it is not UTF-8)" in cp.notices
    euro = read_scenario(TABLES / "semicolon_decimal_comma.csv")
    assert _values(euro.scenario, "issue")["Alpha"] == (40.5, 20.25, 80.0)
    assert _values(euro.scenario, "issue")["Gamma"] == (10.0, 55.5, 90.0)
    assert any("decimal commas" in n for n in euro.notices)
    thousands = read_scenario(TABLES / "thousands.csv")
    assert _values(thousands.scenario, "issue")["Alpha"] == (40000.0, 20.0, 80.0)
    assert any("thousands separators" in n for n in thousands.notices)
    unit = read_scenario(TABLES / "unit_salience.csv")
    assert _values(unit.scenario, "issue") == BASE
    assert any("0-1 scale" in n for n in unit.notices)


def test_long_and_wide_tables_carry_several_issues() -> None:
    for name in ("long.csv", "wide.csv"):
        scenario = read_scenario(TABLES / name).scenario
        assert scenario.issue_names() == ("troops", "immunity")
        assert _values(scenario, "troops") == {
            "Alpha": (40, 3500, 55), "Beta": (25, 0, 95), "Gamma": (10, 15000, 70)
        }  # fmt: skip
        assert _values(scenario, "immunity") == {"Alpha": (40, 100, 90), "Beta": (25, 0, 95)}
        assert scenario.issues[0].scale == (0.0, 15000.0)
    wide = read_scenario(TABLES / "wide.csv").scenario
    assert wide.issues[0].label == "Troops"
    long_book = read_scenario(TABLES / "long.xlsx").scenario
    assert long_book.issue_names() == ("price", "volume")
    assert _values(long_book, "volume") == {"Alpha": (40, 60, 30), "Beta": (25, 10, 90)}


def test_ktab_tables_with_and_without_the_title_line() -> None:
    plain = read_scenario(TABLES / "ktab_no_title.csv").scenario
    titled = read_scenario(TABLES / "ktab_title.csv").scenario
    for scenario in (plain, titled):
        assert scenario.issue_names() == ("policy",)
        assert scenario.issues[0].label == "Policy"
        assert _values(scenario, "policy")["LK"] == (60.2, 45.0, 44.7)
        assert scenario.actors[0].description == "Xi Jinping"
    assert titled.name == "Reform; scen 1" and titled.description == "Scenario-0001;Policy reform"


def test_ranges_and_sources_become_estimates() -> None:
    one = read_scenario(TABLES / "ranges_one_issue.csv").scenario
    alpha, beta, gamma = one.actors
    assert alpha.capability.range == (30, 50) and alpha.position["issue"].range == (10, 30)
    assert alpha.salience["issue"].range == (70, 90)
    assert beta.capability.range is None and beta.position["issue"].range == (60, 80)
    assert gamma.salience["issue"].range == (85, 95)
    wide = read_scenario(TABLES / "ranges_wide.csv").scenario
    assert wide.actors[0].position["troops"].range == (3000, 5000)
    assert wide.actors[1].position["troops"].range is None
    cited = read_scenario(TABLES / "sources_column.csv").scenario
    assert cited.sources == {"T1": "Reuters 2011-10-04", "T2": "Analyst estimate"}
    assert cited.actors[2].position["issue"].source == "T1"
    assert cited.actors[1].capability.basis == "estimated"


def test_stated_scales_issue_names_and_sheets() -> None:
    opts = TableOptions(scale=(0, 10), unit="years", issue="lag")
    years = read_scenario(TABLES / "years_scale.csv", opts)
    assert years.scenario.issues[0].name == "lag" and years.scenario.issues[0].unit == "years"
    assert years.scenario.issues[0].scale == (0, 10)
    assert not any("scale" in n for n in years.notices)
    sheet = read_scenario(TABLES / "issues_sheet.xlsx").scenario
    issue = sheet.issues[0]
    assert (issue.name, issue.label, issue.unit, issue.scale) == (
        "lag", "Years of lag", "years", (0, 10)
    )  # fmt: skip
    assert issue.status_quo is not None and issue.status_quo.value == 5
    negative = read_scenario(TABLES / "negative_positions.csv")
    assert negative.scenario.issues[0].scale == (-20, 35)
    assert any("range of the positions, -20 to 35" in n for n in negative.notices)
    chosen = read_scenario(TABLES / "sheet_option.xlsx", TableOptions(sheet="data")).scenario
    assert len(chosen.actors) == 3


@pytest.mark.parametrize(
    ("name", "expected", "fix"),
    [
        ("legacy.xls", "Excel 97-2003 workbook", "save it as .xlsx"),
        ("mixed_salience.csv", "mixed scales: row(s) 2, 3", "write every salience on one scale"),
        ("no_header.csv", "no header row naming an actor", "expected a stakeholder table"),
        ("missing_salience.csv", "missing column(s) salience", "add them to the header row"),
        ("duplicate_actor.csv", "row 5.actor: 'Alpha' is given twice", "add an issue column"),
        ("capability_conflict.csv", "capability 45 here and 40 in row 2", "give one"),
        ("text_number.csv", "row 2.position: 'high' is not a number", "write a number there"),
        ("decimal_comma_in_comma_file.csv", "'20,5' is not a number", "save the file with ';'"),
        ("half_range.csv", "row 2.position: the range has no high end", "give both ends"),
        ("salience_over_100.csv", "row 2.salience: 180 is above 100", "above 100"),
        ("far_cell.xlsx", "no sheet holds a stakeholder table", "expected a header row"),
    ],
)
def test_refused_shapes_say_how_to_fix_the_file(name: str, expected: str, fix: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(TABLES / name)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert expected in result.stderr and fix in result.stderr, result.stderr


def test_the_corpus_is_large_enough() -> None:
    files = [p for p in TABLES.iterdir() if p.suffix in (".csv", ".tsv", ".xlsx", ".ods", ".xls")]
    assert len(files) >= 30


def test_run_prints_the_scale_notice_and_takes_scale_options(tmp_path: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["run", str(TABLES / "years_scale.csv"), "--no-store"])
    assert plain.exit_code == 0 and "positions lie within 0-100" in plain.stderr
    stated = runner.invoke(
        app,
        ["run", str(TABLES / "years_scale.csv"), "--scale", "0:10", "--issue", "lag", "--unit",
         "years", "--no-store", "--json"],
    )  # fmt: skip
    assert stated.exit_code == 0 and "scale" not in stated.stderr
    bad = runner.invoke(app, ["run", str(TABLES / "years_scale.csv"), "--scale", "10:0"])
    assert bad.exit_code == 2 and "--scale: '10:0' is not MIN:MAX" in bad.stderr


# ----------------------------------------------------------------------------- round trips


def _write_csv(grid: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(grid)
    return buf.getvalue()


def _shapes(scenario: Any) -> dict[str, str]:
    """The scenario as a one-issue (first issue), long and wide CSV table."""
    issues = scenario.issue_names()
    first = issues[0]
    one = [["actor", "capability", "position", "salience"]] + [
        [a.name, a.capability.value, a.position[first].value, a.salience[first].value]
        for a in scenario.actors
        if first in a.position
    ]
    long = [["actor", "issue", "capability", "position", "salience"]] + [
        [a.name, i, a.capability.value, a.position[i].value, a.salience[i].value]
        for a in scenario.actors
        for i in issues
        if i in a.position
    ]
    wide_header = ["actor", "capability"]
    for i in issues:
        wide_header += [f"{i} position", f"{i} salience"]
    wide = [wide_header]
    for a in scenario.actors:
        row = [a.name, a.capability.value]
        for i in issues:
            present = i in a.position
            row += [a.position[i].value if present else "", a.salience[i].value if present else ""]
        wide.append(row)
    return {"one": _write_csv(one), "long": _write_csv(long), "wide": _write_csv(wide)}


_names = st.text("abcdefghij", min_size=1, max_size=6).map(str.capitalize)


@st.composite
def _tables(draw: st.DrawFn) -> Any:
    n = draw(st.integers(1, 6))
    names = draw(st.lists(_names, min_size=n, max_size=n, unique=True))
    m = draw(st.integers(1, 3))
    issues = [{"name": f"i{k}", "scale": [0, 100]} for k in range(m)]
    value = st.integers(0, 100).map(float)
    actors = [
        {
            "name": name,
            "capability": draw(st.integers(1, 500).map(float)),
            "position": {f"i{k}": draw(value) for k in range(m)},
            "salience": {f"i{k}": draw(st.integers(2, 100).map(float)) for k in range(m)},
        }
        for name in names
    ]
    return build_scenario({"name": "t", "issues": issues, "actors": actors}, "t")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=_tables())
def test_random_tables_round_trip_through_every_shape(tmp_path: Path, scenario: Any) -> None:
    shapes = _shapes(scenario)
    opts = TableOptions(scale=(0, 100))
    for shape, text in shapes.items():
        path = tmp_path / f"{shape}.csv"
        path.write_text(text)
        back = read_scenario(path, opts).scenario
        issues = scenario.issue_names()[:1] if shape == "one" else scenario.issue_names()
        for k, issue in enumerate(issues):
            name = "issue" if shape == "one" else issue
            assert _values(back, name) == _values(scenario, issue), (shape, text)
            assert back.issue_names()[k] == name
    book = tmp_path / "book.xlsx"
    book.write_bytes(scenario_to_xlsx(scenario))
    assert read_scenario(book).scenario == scenario


def test_every_bundled_scenario_round_trips_through_yaml_and_xlsx(tmp_path: Path) -> None:
    from winset.scenario.load import bundled_names, load_scenario

    runner = CliRunner()
    for name in bundled_names():
        original = load_scenario(name)
        for suffix in ("yaml", "xlsx"):
            out = tmp_path / f"{name}.{suffix}"
            done = runner.invoke(app, ["convert", name, "-o", str(out)])
            assert done.exit_code == 0, done.output
            assert load_scenario(out) == original, (name, suffix)


def test_convert_refuses_other_formats_and_writes_nothing(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["convert", "eu-emissions-1994", "-o", str(tmp_path / "x.pdf")])
    assert done.exit_code == 2 and "write a .yaml or an .xlsx file" in done.stderr
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError):
        read_scenario(tmp_path / "missing.csv")


def test_template_reads_back_and_has_validation(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "stakeholders.xlsx"
    done = CliRunner().invoke(app, ["template", "-o", str(out)])
    assert done.exit_code == 0, done.output
    scenario = read_scenario(out).scenario
    assert [a.name for a in scenario.actors] == ["Actor A", "Actor B"]
    book = load_workbook(out)
    assert "instructions" in book.sheetnames
    assert book["actors"].data_validations.dataValidation


def _wide_book(scenario: Any, path: Path) -> None:
    from openpyxl import Workbook

    issues = scenario.issue_names()
    book = Workbook()
    sheet = book.active
    sheet.title = "stakeholders"
    header = ["actor", "capability"]
    for i in issues:
        header += [f"{i} position", f"{i} salience"]
    sheet.append(header)
    for a in scenario.actors:
        row: list[Any] = [a.name, a.capability.value]
        for i in issues:
            present = i in a.position
            row += [a.position[i].value if present else None]
            row += [a.salience[i].value if present else None]
        sheet.append(row)
    stated = book.create_sheet("issues")
    stated.append(["issue", "min", "max", "status quo"])
    for issue in scenario.issues:
        sq = issue.status_quo.value if issue.status_quo is not None else None
        stated.append([issue.name, issue.low, issue.high, sq])
    book.save(path)


def test_tables_with_stated_scales_forecast_as_the_yaml_does(tmp_path: Path) -> None:
    from winset.models.registry import model_names
    from winset.models.runner import run
    from winset.scenario.load import bundled_names, load_scenario

    eu = load_scenario("eu-emissions-1994")
    table = tmp_path / "eu.csv"
    table.write_text(_shapes(eu)["one"])
    as_csv = read_scenario(table, TableOptions(scale=(0, 10))).scenario
    for name in bundled_names():
        original = load_scenario(name)
        book = tmp_path / f"{name}.xlsx"
        _wide_book(original, book)
        again = read_scenario(book).scenario
        for model in model_names():
            expected = run(original, model).forecast
            got = run(again, model).forecast
            assert got.keys() == expected.keys()
            for issue, value in expected.items():
                assert got[issue] == pytest.approx(value, abs=1e-9), (name, model, issue)
            if name == "eu-emissions-1994":
                csv_forecast = run(as_csv, model).forecast["issue"]
                assert csv_forecast == pytest.approx(expected["lag"], abs=1e-9), model


def test_run_what_if_json_carries_baseline_and_counterfactual() -> None:
    import json

    done = CliRunner().invoke(
        app, ["run", "iraq-2011", "--set", "Iraqiya.salience.immunity=20", "--json", "--no-store"]
    )
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["baseline"]["forecast"] != data["forecast"]
    for issue, change in data["differences"]["forecast"].items():
        assert change == pytest.approx(
            data["forecast"][issue] - data["baseline"]["forecast"][issue]
        )
    assert data["what_if"] == "Iraqiya's salience on immunity 20"
    typo = CliRunner().invoke(app, ["run", "iraq-2011", "--set", "iraqya.salience.immunity=20"])
    assert typo.exit_code == 2 and "unknown actor or bloc 'iraqya'" in typo.stderr
