"""The bundled iraq-2011 scenario: what must follow from its structure, and the interface."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from winset.cli import app
from winset.scenario.levers import Levers, apply_levers, parse_set
from winset.scenario.load import build_scenario, load_scenario
from winset.twolevel import analyse
from winset.twolevel.search import search

runner = CliRunner()


@pytest.fixture(scope="module")
def iraq():
    return load_scenario("iraq-2011")


def test_historical_setup_gives_no_agreement(iraq) -> None:
    result = analyse(iraq)
    assert not result.agreement and result.path is None
    assert result.outcome == {"troops": 0.0, "immunity": 0.0}
    parliament = result.path_result("parliament")
    assert parliament.open and not parliament.ratifiable
    assert parliament.red_lines == ("US: binding immunity",)


def test_notification_path_carries_a_few_thousand_troops(iraq) -> None:
    result = analyse(apply_levers(iraq, Levers(force_paths=("notification",))))
    assert result.agreement and result.path == "executive + notification"
    assert 1000 <= result.outcome["troops"] <= 5000
    assert result.outcome["immunity"] == pytest.approx(30.0)
    assert result.p_ratify > 0.5
    # the same under the negotiators' Nash bargaining solution
    nash = analyse(apply_levers(iraq, Levers(force_paths=("notification",))), solution="nash")
    assert nash.agreement and 1000 <= nash.outcome["troops"] <= 5000


def test_search_names_the_blocs_the_parliament_path_needed(iraq) -> None:
    strategy = search(iraq, "parliament")
    assert strategy.feasible and strategy.agreement["immunity"] == pytest.approx(100.0)
    moved = {m.bloc for m in strategy.moves}
    assert moved and moved <= {"State of Law", "Iraqiya", "Kurdistan Alliance", "Sadrists",
                               "ISCI + Badr"}  # fmt: skip
    seats = {"Iraqiya": 91, "State of Law": 89, "Kurdistan Alliance": 43, "Sadrists": 39,
             "ISCI + Badr": 17}  # fmt: skip
    # the supporters after the moves reach the CoR's majority of 163
    assert sum(seats.get(b, 0) for b in strategy.supporters) >= 163
    assert strategy.open_paths == ("notification",)


def test_dropping_the_red_line_opens_the_parliament_path(iraq) -> None:
    result = analyse(apply_levers(iraq, Levers(drop_red_lines=("binding immunity",))))
    assert result.agreement and result.path == "executive + parliament"
    assert result.outcome["immunity"] < 100


def test_removing_iran_undoes_its_pull(iraq) -> None:
    changed = apply_levers(iraq, Levers(remove=("Iran",)))
    assert "Iran" not in changed.actor_names() and not changed.influence
    actors = {a.name: a for a in changed.actors}
    # State of Law's 5,000 was 0.8 * own + 0.2 * Iran's 0: own = 6,250
    assert actors["Maliki / State of Law"].position["troops"].value == pytest.approx(6250)
    assert actors["Sadrist Trend"].position["troops"].value == 0


def test_set_lever_moves_a_bloc(iraq) -> None:
    lever = Levers(values=(parse_set("Sadrists.position.immunity=100"),))
    changed = apply_levers(iraq, lever)
    body = changed.ratification.sides[1].paths[0].bodies[0]
    sadrists = next(b for b in body.blocs if b.name == "Sadrists")
    assert sadrists.position["immunity"].value == 100


def test_cli_json_contract() -> None:
    out = runner.invoke(app, ["twolevel", "iraq-2011", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {p["name"] for p in data["paths"]} == {"executive + parliament",
                                                  "executive + notification"}  # fmt: skip
    for p in data["paths"]:
        assert {"ratifiable", "agreement", "p_ratify", "paths", "open"} <= set(p)
    assert data["outcome"]["agreement"] is False
    assert data["outcome"]["forecast"] == {"troops": 0.0, "immunity": 0.0}


def test_cli_forced_path_shows_baseline_and_differences() -> None:
    out = runner.invoke(app, ["twolevel", "iraq-2011", "--path", "notification", "--json"])
    data = json.loads(out.stdout)
    assert data["outcome"]["agreement"] is True
    assert data["baseline"]["outcome"]["agreement"] is False
    assert data["differences"]["outcome"]["troops"] == data["outcome"]["forecast"]["troops"]
    assert data["provenance"]["kind"] == "whatif"
    assert data["provenance"]["settings"]["levers"]["force_paths"] == ["notification"]
    text = runner.invoke(app, ["twolevel", "iraq-2011", "--search", "parliament"])
    assert "State of Law" in text.stdout and "open notification" in text.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--path", "treaty"], "unknown path 'treaty'"),
        (["--remove", "Nobody"], "unknown actor 'Nobody'"),
        (["--set", "Sadrists.position=3"], "name the issue"),
        (["--drop-red-line", "none"], "unknown red line"),
        (["--solution", "best"], "not one of nearest, nash"),
        (["--search", "treaty"], "unknown path 'treaty'"),
    ],
)
def test_cli_bad_levers_exit_2(args, message) -> None:
    out = runner.invoke(app, ["twolevel", "iraq-2011", *args])
    assert out.exit_code == 2
    assert message in out.output and "Traceback" not in out.output


def test_scenario_without_ratification_exits_2() -> None:
    out = runner.invoke(app, ["twolevel", "eu-emissions-1994"])
    assert out.exit_code == 2 and "no ratification section" in out.output


def _broken(iraq, edit) -> list[str]:
    data = iraq.model_dump(mode="json", exclude_none=True)
    edit(data)
    with pytest.raises(Exception) as err:
        build_scenario(data, "iraq.yaml")
    return [str(p) for p in err.value.problems]


def test_ratification_section_is_validated(iraq) -> None:
    def negotiator(d):
        d["ratification"]["sides"][0]["negotiator"] = "Nobody"

    def quota(d):
        d["ratification"]["sides"][1]["paths"][0]["bodies"][0]["quota"] = 400

    def red_line(d):
        d["ratification"]["sides"][0]["red_lines"][0]["paths"] = ["treaty"]

    def bloc_position(d):
        d["ratification"]["sides"][1]["paths"][0]["bodies"][0]["blocs"][6]["position"] = {}

    assert _broken(iraq, negotiator) == [
        "iraq.yaml: ratification.sides['US'].negotiator: unknown actor 'Nobody'"
    ]
    assert "400 seats is not between 1 and 325" in _broken(iraq, quota)[0]
    assert "unknown path 'treaty'" in _broken(iraq, red_line)[0]
    assert any(
        "blocs['Gorran'].position.troops: missing" in p for p in _broken(iraq, bloc_position)
    )


def test_validate_command_reports_ratification_problems(iraq, tmp_path) -> None:
    data = iraq.model_dump(mode="json", exclude_none=True)
    data["ratification"]["sides"][1]["paths"][0]["bodies"][0]["blocs"][0]["seats"] = -1
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2
    # the file, the line of the value, and the field by the names in the file
    assert f"{path}:" in out.output and "Traceback" not in out.output
    assert "sides['Iraq'].paths['parliament']" in out.output
    assert "blocs['Iraqiya'].seats: -1 is below 0" in out.output


def test_every_value_says_reported_or_estimated(iraq) -> None:
    for actor in iraq.actors:
        assert actor.capability.basis == "estimated"
        for est in (*actor.position.values(), *actor.salience.values()):
            assert est.basis in ("reported", "estimated") and est.source_ids()


@pytest.mark.parametrize("lever", ["position", "salience"])
def test_applying_the_searched_moves_makes_parliament_ratify(iraq, lever) -> None:
    strategy = search(iraq, "parliament", lever=lever)
    assert {m.bloc for m in strategy.moves} == {"State of Law", "Iraqiya"}
    field = "position" if lever == "position" else "salience"
    changes = tuple(
        (m.bloc, field, issue, value) for m in strategy.moves for issue, value in m.end.items()
    )
    result = analyse(apply_levers(iraq, Levers(values=changes)))
    parliament = result.path_result("parliament")
    assert parliament.ratifiable and result.path == "executive + parliament"
    assert parliament.agreement["immunity"] == pytest.approx(100.0)


def test_cli_search_by_salience() -> None:
    out = runner.invoke(
        app,
        ["twolevel", "iraq-2011", "--search", "parliament", "--search-by", "salience", "--json"],
    )
    data = json.loads(out.stdout)["search"]
    assert data["lever"] == "salience" and data["feasible"]
    bad = runner.invoke(
        app, ["twolevel", "iraq-2011", "--search", "parliament", "--search-by", "x"]
    )
    assert bad.exit_code == 2 and "not one of position, salience" in bad.output


@pytest.mark.parametrize("asked", [" Executive ", "EXECUTIVE", "executive"])
def test_search_path_in_any_case_is_the_same_search(iraq, asked, tmp_path) -> None:
    from winset.store import RunStore
    from winset.study import Study
    from winset.study import search as search_service
    from winset.twolevel.search import search_provenance

    expected = search(iraq, "executive")
    assert expected.path == "executive"
    strategy = search(iraq, asked, lever=" Position ")
    assert strategy.to_dict() == expected.to_dict()
    assert strategy.provenance.key() == expected.provenance.key()
    assert search_provenance(iraq, asked).key() == expected.provenance.key()
    # the run store finds the result under any spelling of the name
    store = RunStore(tmp_path / "runs.sqlite")
    first = search_service(Study(iraq), "executive", store=store)
    again = search_service(Study(iraq), asked, "POSITION", store=store)
    assert not first.cached and again.cached
    assert again.result.to_dict() == first.result.to_dict() == expected.to_dict()
