"""Every kind of bad input gives one clear line per problem, exit status 2, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from winset.cli import app
from winset.errors import InputError
from winset.scenario.load import load_scenario

runner = CliRunner()

GOOD = {
    "name": "test",
    "sources": {"S1": "a source"},
    "issues": [
        {"name": "troops", "scale": [0, 20000], "status_quo": 0},
        {"name": "immunity", "scale": [0, 100]},
    ],
    "actors": [
        {
            "name": "A",
            "capability": {"value": 80, "range": [60, 90], "source": "S1", "basis": "estimated"},
            "position": {"troops": 3500, "immunity": 100},
            "salience": {"troops": 55, "immunity": 90},
        },
        {
            "name": "B",
            "capability": 40,
            "position": {"troops": 0, "immunity": 0},
            "salience": {"troops": 95, "immunity": 95},
        },
        {
            "name": "C",
            "capability": 10,
            "position": {"troops": 15000},
            "salience": {"troops": 70},
        },
    ],
}


def _write(tmp_path: Path, data: object, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def _validate(path: Path | str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["validate", str(path)])
    return result.exit_code, result.stdout, result.stderr


def _bad(tmp_path: Path, data: object, name: str = "s.yaml") -> list[str]:
    path = _write(tmp_path, data, name)
    code, out, err = _validate(path)
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert lines and all(line.startswith(str(path)) for line in lines), lines
    # "file:LINE: field: message" for YAML (the line of the value), "file: ..." otherwise
    return [re.sub(r"^:\d+: |^: ", "", line[len(str(path)) :]) for line in lines]


def _mutated(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()


def test_good_scenario_is_valid(tmp_path: Path) -> None:
    code, out, err = _validate(_write(tmp_path, GOOD))
    assert code == 0, err
    assert "valid scenario 'test': 3 actors, 2 issue(s)" in out


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"actors__1__salience__troops": 140}, "actors['B'].salience.troops: 140 is above 100"),
        ({"actors__1__salience__troops": -5}, "actors['B'].salience.troops: -5 is below 0"),
        (
            {"actors__0__position__troops": 30000},
            "actors['A'].position.troops: 30000 is above 20000",
        ),
        ({"actors__1__capability": -1}, "actors['B'].capability: -1 is below 0"),
        ({"actors__1__name": "A"}, "actors['A'].name: duplicate actor name 'A'"),
        ({"actors__1__capability": "strong"}, "actors['B'].capability: expected a mapping"),
        (
            {"actors__1__capability": float("nan")},
            "actors['B'].capability: nan is not a finite number",
        ),
        (
            {"actors__1__salience__troops": float("inf")},
            "actors['B'].salience.troops: inf is not a finite number",
        ),
        ({"actors__0__colour": "red"}, "actors['A'].colour: unknown field (fields: name,"),
        ({"weather": "fine"}, "weather: unknown field"),
        ({"name": _DELETE}, "name: missing"),
        ({"actors__1__capability": _DELETE}, "actors['B'].capability: missing"),
        (
            {"actors__1__position__wages": 3},
            "actors['B'].position.wages: unknown issue 'wages' (issues: 'troops', 'immunity')",
        ),
        ({"actors__2__salience": {}}, "actors['C'].salience.troops: missing (a position is given)"),
        (
            {"actors__0__capability__range": [85, 90]},
            "actors['A'].capability.range: value 80 is outside [85, 90]",
        ),
        (
            {"actors__0__capability__source": "S9"},
            "actors['A'].capability.source: unknown source id 'S9'",
        ),
        (
            {"actors__0__capability__basis": "guess"},
            "actors['A'].capability.basis: 'guess' is not one of",
        ),
        ({"issues__0__scale": [10, 0]}, "issues['troops'].scale: low 10 must be below high 0"),
        ({"issues__0__status_quo": -3}, "issues['troops'].status_quo: -3 is below 0"),
        ({"actors": []}, "actors: must not be empty"),
        ({"issues": "troops"}, "issues: expected a list"),
    ],
)
def test_bad_yaml_field(tmp_path: Path, changes: dict, expected: str) -> None:
    lines = _bad(tmp_path, _mutated(**changes))
    assert any(line.startswith(expected) for line in lines), lines


def test_several_problems_give_several_lines(tmp_path: Path) -> None:
    data = _mutated(actors__1__salience__troops=140, actors__2__capability=-2)
    lines = _bad(tmp_path, data)
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("", "empty.yaml", "the file is empty"),
        ("   \n\n", "blank.csv", "the file is empty"),
        ("name: [unclosed\n", "broken.yaml", "not valid YAML at line"),
        ("- a\n- b\n", "list.yaml", "expected a mapping of scenario fields"),
        ("just some words\n", "words.txt", "no header row naming an actor and a position"),
        ('{"name": "x"}', "data.json", "this looks like JSON"),
        ("<html><body>hi</body></html>", "page.html", "this looks like HTML"),
    ],
)
def test_not_a_scenario(tmp_path: Path, text: str, name: str, expected: str) -> None:
    lines = _bad(tmp_path, text, name)
    assert len(lines) == 1 and expected in lines[0], lines


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = _validate(path)
    assert code == 2 and "binary file" in err


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = _validate(tmp_path / "nope.yaml")
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_decide_file_with_errors_is_rejected(data: Path) -> None:
    # decide files are read; a malformed one (our own, made like the Copenhagen file with
    # errors) is refused, one line per problem, each naming its line
    path = data / "decide/harbour_with_errors.csv"
    code, _, err = _validate(path)
    lines = err.strip().splitlines()
    assert code == 2 and "Traceback" not in err
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{path}: line 16: position 160 of 'port' on 'depth' is above 100")
    assert lines[1].startswith(f"{path}: line 20: power -0.3 of 'city' on 'levy' is below 0")


def test_the_gpl_decide_file_with_errors_is_rejected(shared: Path) -> None:
    path = shared / "reference/exchange/decide_copenhagen_with_errors.csv"
    code, _, err = _validate(path)
    lines = err.strip().splitlines()
    assert code == 2 and lines and "Traceback" not in err
    assert all(line.startswith(f"{path}: line ") for line in lines), lines


def test_deu_table_is_named(data: Path) -> None:
    code, _, err = _validate(data / "deu3/deu3-dev.csv")
    assert code == 2 and "DEU table" in err


# ----------------------------------------------------------------------------- CSV / XLSX


def test_csv_table_with_extra_columns_and_unit_salience(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Actor,Capability,Position,Salience,Notes\nA,1,40,0.5,x\nB,2,60,1.0,y\n",
        "t.csv",
    )
    code, out, err = _validate(path)
    assert code == 0, err
    assert "salience read on a 0-1 scale" in out
    scenario = load_scenario(path)
    assert scenario.issue_names() == ("issue",)
    assert [a.salience["issue"].value for a in scenario.actors] == [50.0, 100.0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A,1,40,140\n", "row 2.salience: 140 is above 100"),
        ("A,-1,40,50\n", "row 2.capability: -1 is below 0"),
        ("A,1,abc,50\n", "row 2.position: 'abc' is not a number"),
        ("A,1,nan,50\n", "row 2.position: 'nan' is not a finite number"),
        ("A,1,40,50\nA,1,30,50\n", "row 3.actor: 'A' is given twice (also row 2); one row"),
        (",1,40,50\n", "row 2.actor: missing"),
        ("A,1,,50\n", "row 2.position: missing"),
    ],
)
def test_bad_csv_rows(tmp_path: Path, body: str, expected: str) -> None:
    lines = _bad(tmp_path, "actor,capability,position,salience\n" + body, "t.csv")
    assert any(line.startswith(expected) for line in lines), lines


def test_csv_missing_column(tmp_path: Path) -> None:
    lines = _bad(tmp_path, "actor,capability,position\nA,1,2\n", "t.csv")
    assert lines[0].startswith("header: missing column(s) salience")


def test_csv_header_only(tmp_path: Path) -> None:
    lines = _bad(tmp_path, "actor,capability,position,salience\n", "t.csv")
    assert lines == ["the table has a header but no actor rows"]


def test_xlsx_table(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["actor", "capability", "position", "salience"])
    sheet.append(["A", 1, 4, 80])
    sheet.append(["B", 3, 10, 40])
    path = tmp_path / "t.xlsx"
    book.save(path)
    scenario = load_scenario(path)
    assert [a.name for a in scenario.actors] == ["A", "B"]
    assert any("positions lie within 0-100" in note for note in scenario.notes)


def test_bad_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_text("not a workbook")
    code, _, err = _validate(path)
    assert code == 2 and "not a readable .xlsx workbook" in err


def test_ktab_csv_reads(data: Path) -> None:
    scenario = load_scenario(data / "ktab/SOE-Pol-Comp.csv")
    assert len(scenario.actors) == 13
    assert len(scenario.issues) == 2


def test_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        load_scenario("no-such-bundled-scenario")
    with pytest.raises(InputError) as info:
        load_scenario("no-such-bundled-scenario")
    assert "not a bundled scenario" in str(info.value)


def test_a_validated_scenario_cannot_be_changed() -> None:
    import copy
    import pickle

    from winset.scenario.load import load_scenario

    scenario = load_scenario("eu-emissions-1994")
    with pytest.raises(TypeError, match="cannot be changed"):
        scenario.actors[0].position["lag"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        scenario.sources.update({"x": "y"})
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    assert copy.deepcopy(scenario) == scenario


def test_yaml_problems_name_the_line_and_the_actor(tmp_path: Path) -> None:
    text = yaml.safe_dump(GOOD, sort_keys=False).replace("troops: 95", "troops: 140", 1)
    line = next(k for k, ln in enumerate(text.splitlines(), start=1) if "troops: 140" in ln)
    path = _write(tmp_path, text)
    _, _, err = _validate(path)
    assert err.strip() == f"{path}:{line}: actors['B'].salience.troops: 140 is above 100"


def test_one_mistake_gives_one_line_without_internal_labels(tmp_path: Path) -> None:
    from winset.scenario.load import load_scenario as load

    iraq = load("iraq-2011").model_dump(mode="json", exclude_none=True)
    iraq["ratification"]["sides"][1]["paths"][0]["bodies"][0]["quota"] = "simple majority"
    lines = _bad(tmp_path, iraq)
    assert len(lines) == 1, lines
    assert "quota: 'simple majority' is not one of" in lines[0]
    assert "or a number of seats" in lines[0]
    assert "literal[" not in lines[0] and ".int" not in lines[0]
    only = _mutated(issues__0__bogus=1)
    only["issues"] = only["issues"][:1]
    for actor in only["actors"]:
        actor["position"].pop("immunity", None)
        actor["salience"].pop("immunity", None)
    lines = _bad(tmp_path, only)
    assert lines == ["issues['troops'].bogus: unknown field (fields: name, label, unit, "
                     "scale, anchors, status_quo, outcome, description)"]  # fmt: skip


def test_misspelt_fields_and_names_get_a_hint(tmp_path: Path) -> None:
    data = _mutated(actors__1__salince={"troops": 50})
    assert any("did you mean 'salience'?" in line for line in _bad(tmp_path, data))
    data = _mutated()
    data["influence"] = [{"source": "a", "target": "B", "strength": 0.5}]
    assert any("unknown actor 'a'; did you mean 'A'?" in line for line in _bad(tmp_path, data))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: a\nname: b\n", "name: given twice, at lines 1 and 2; keep one"),
        ("a: &x [1, 2]\nb: *x\nc: !!python/object:os.system {}\n", "not valid YAML at line 3"),
        ("x: " + "[" * 300 + "]" * 300 + "\n", "nesting is too deep; the limit is 50"),
    ],
)
def test_hostile_yaml_is_refused_in_one_line(tmp_path: Path, text: str, expected: str) -> None:
    lines = _bad(tmp_path, text)
    assert len(lines) == 1 and expected in lines[0], lines


def test_alias_bomb_is_refused_quickly_in_a_short_line(tmp_path: Path) -> None:
    # "billion laughs": nine levels of nine aliases each expand to 9**9 values
    lines = ["name: t", "notes:", '  - &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  - &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    found = _bad(tmp_path, "\n".join(lines) + "\n")
    assert len(found) == 1 and "expands to too many values" in found[0], found
    assert len(found[0]) < 200
