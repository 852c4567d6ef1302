"""The exchange model: decide's reference rounds, the contract, batches, randomness, the reader.

The decide input files and reference rounds live in ``../shared/reference/exchange`` (the input
files are GPL-3.0: read there, never copied into winset); those tests skip without the folder.
``tests/data/decide/harbour.csv`` is winset's own made-up decide file, so the reader is always
tested.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from contract import ModelContract

from winset import run
from winset.errors import InputError
from winset.models import common, exchange
from winset.models.base import Inputs, Solution
from winset.models.exchange import ExchangeModel, ExchangeRoundArrays, exchange_rounds
from winset.scenario.arrays import to_arrays
from winset.scenario.decide import is_decide, parse_decide, read_decide

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "exchange"
DATA = Path(__file__).resolve().parents[1] / "data" / "decide"
CASES = {
    "sample_data": "decide_sample_data.txt",
    "copenhagen": "decide_copenhagen.csv",
    "cop21": "decide_cop21.csv",
}
# the reference prints three decimals
TOL = 5e-4 + 1e-9


@pytest.fixture
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("decide input files are GPL-3.0 and not redistributed with winset")
    return REFERENCE


def _rows(folder: Path, case: str) -> list[dict[str, str]]:
    with open(folder / f"reference_equalgain_p0_{case}.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _solve(inp: Inputs, seed: int = 0, **params: object) -> Solution:
    model = ExchangeModel()
    resolved, variant = model.info.resolve(params, None)
    return model.solve(inp, resolved, variant, np.random.default_rng(seed))


# ----------------------------------------------------------------------------- the contract


class TestExchange(ModelContract):
    model_name = "exchange"
    model = ExchangeModel()
    # equal gains go to the exchange decide lists first (issue pairs in order, then actors in
    # order), so the order of the actors can decide a tie
    permutation_invariant = False


class TestExchangeRandomised(ModelContract):
    model_name = "exchange"
    model = ExchangeModel()
    params = {"p": 0.5, "ties": "random"}
    # as above; and which actor is drawn as the focal side follows the candidates' order
    permutation_invariant = False


# decimal arithmetic has no contract class: like decide, it settles exact ties and an outcome
# sitting exactly on a demander's position by the last of its 28 digits, so scaling every
# capability (which changes those digits) can change a forecast. Its determinism and ranges
# are checked below.


# ----------------------------------------------------------------------------- decide's rounds


def _check_rounds(run_out, file, rows: list[dict[str, str]]) -> None:
    issues = {i.name: (k, i) for k, i in enumerate(file.issues)}
    assert len(run_out.vote) == 11
    for row in rows:
        r = int(row["round"])
        k, issue = issues[row["issue"]]
        low, high = float(issue.low), float(issue.high)
        outcome = float(run_out.outcome[r][0, k])
        after = float(run_out.after_update[r][0, k])
        assert int(run_out.exchanges[r][0]) == int(row["n_exchanges"]), row
        assert outcome == pytest.approx(float(row["outcome_voting_0_100"]), abs=TOL), row
        units = low + outcome / 100 * (high - low)
        assert units == pytest.approx(float(row["outcome_voting_orig_scale"]), abs=TOL), row
        assert after == pytest.approx(float(row["outcome_newpref_0_100"]), abs=TOL), row


@pytest.mark.parametrize("case", list(CASES))
def test_decimal_rounds_equal_decide_on_its_own_inputs(reference, case) -> None:
    # decide's numbers exactly: its 0-100 normalisation in 28-digit decimals, its arithmetic
    file = read_decide((reference / CASES[case]).read_text(), CASES[case])
    position, salience, capability, present = file.decimal_inputs()
    out = exchange_rounds(position, salience, capability, present, rounds=10, arithmetic="decimal")
    _check_rounds(out, file, _rows(reference, case))


def _model_rounds(folder: Path, case: str, **params: object):
    scenario = parse_decide((folder / CASES[case]).read_text(), CASES[case])
    return scenario, run(scenario, ExchangeModel(), params=params, rounds=10)


def _matching_rounds(scenario, result, rows: list[dict[str, str]]) -> int:
    """How many rounds from round 0 agree with the reference on every issue."""
    ok: dict[int, bool] = {}
    for row in rows:
        r = int(row["round"])
        issue = scenario.issue(row["issue"])
        low, high = issue.scale
        rnd = result.rounds[r]
        mean = rnd.issues[row["issue"]].mean
        after = rnd.extras["outcome_after_update"][row["issue"]]
        made = len(rnd.extras["exchanges"])
        good = (
            made == int(row["n_exchanges"])
            and abs(mean - float(row["outcome_voting_orig_scale"])) <= TOL
            and abs((mean - low) / (high - low) * 100 - float(row["outcome_voting_0_100"])) <= TOL
            and abs((after - low) / (high - low) * 100 - float(row["outcome_newpref_0_100"])) <= TOL
        )
        ok[r] = ok.get(r, True) and good
    count = 0
    while ok.get(count, False):
        count += 1
    return count


@pytest.mark.parametrize("case", ["copenhagen", "cop21"])
def test_model_decimal_rounds_equal_decide(reference, case) -> None:
    # every issue on 0-100: the scenario's floats are decide's decimals exactly
    scenario, result = _model_rounds(reference, case, arithmetic="decimal")
    assert _matching_rounds(scenario, result, _rows(reference, case)) == 11


def test_model_decimal_sample_data_until_decides_rounding_residue_differs(reference) -> None:
    # tol-hoogte runs from 0.5 to 7: decide normalises 3.0 to 38.46153846153846153846153845,
    # a scenario holds 2.5 / 6.5 as a binary float. In round 4 an outcome lands on a
    # demander's position; whether the next exchange may push past it is then the sign of a
    # 1e-26 residue, which differs: rounds 0-3 agree, round 4 makes 41 exchanges, not 42.
    scenario, result = _model_rounds(reference, "sample_data", arithmetic="decimal")
    assert _matching_rounds(scenario, result, _rows(reference, "sample_data")) == 4
    assert len(result.rounds[4].extras["exchanges"]) == 41


@pytest.mark.parametrize(("case", "rounds"), [("sample_data", 5), ("copenhagen", 2), ("cop21", 1)])
def test_float_arithmetic_agrees_with_decide_until_a_rounding_tie(reference, case, rounds) -> None:
    # float settles equal gains by creation order and an outcome exactly on a demander's
    # position as exact arithmetic would; decide lets its 28th digit decide (documented)
    scenario, result = _model_rounds(reference, case)
    assert _matching_rounds(scenario, result, _rows(reference, case)) == rounds


def test_sample_data_candidates_and_first_gains(reference) -> None:
    scenario, result = _model_rounds(reference, "sample_data", arithmetic="decimal")
    first = result.rounds[1].extras
    assert first["candidates"] == 240
    assert first["exchanges"][0]["gain"] == pytest.approx(1.973684, abs=1e-6)
    sol = _solve(Inputs.from_arrays(to_arrays(scenario)), rounds=1)
    gains = sol.rounds[1].candidate_gains
    assert gains[0] == pytest.approx(1.973684, abs=1e-6)
    assert gains[1] == pytest.approx(1.792636, abs=1e-6)
    assert gains[0] == pytest.approx(75 / 38, rel=1e-12)  # Willems and Wcentr, by hand


def test_malformed_decide_file_is_refused_naming_the_lines(reference) -> None:
    name = "decide_copenhagen_with_errors.csv"
    with pytest.raises(InputError) as err:
        parse_decide((reference / name).read_text(), name)
    messages = [str(p) for p in err.value.problems]
    assert messages == [
        f"{name}: line 86: position 160 of 'Russia' on 'Control' is above 100, the high end "
        "of the issue's scale (the default scale 0-100)",
        f"{name}: line 87: power -0.247 of 'China India' on 'Control' is below 0; decide reads "
        "power on a 0-1 scale",
    ]


def test_decide_files_read_into_scenarios(reference) -> None:
    sample = parse_decide((reference / CASES["sample_data"]).read_text(), "sample.txt")
    assert sample.issue("tol-hoogte").scale == (0.5, 7.0)
    willems = sample.actors[0]
    assert (willems.name, willems.capability.value) == ("Willems", 1.0)
    assert willems.salience["tolheffing-binnenstad"].value == 95.0
    cop21 = parse_decide((reference / CASES["cop21"]).read_text(), "cop21.csv")
    assert (len(cop21.actors), len(cop21.issues)) == (15, 13)
    assert sum(len(a.position) for a in cop21.actors) == 181  # some actors sit issues out


# ----------------------------------------------------------------------------- by hand


def _two_actor_inputs(batch: int = 1) -> Inputs:
    # A at 0 on both issues cares about p (0.8 vs 0.2); B at 100 on both cares about q
    return Inputs(
        capability=np.ones((batch, 2)),
        position=np.tile(np.array([[0.0, 0.0], [1.0, 1.0]]), (batch, 1, 1)),
        salience=np.tile(np.array([[0.8, 0.2], [0.3, 0.9]]), (batch, 1, 1)),
        present=np.ones((2, 2), bool),
        status_quo=np.zeros((batch, 2)),
        has_status_quo=np.zeros(2, bool),
    )


@pytest.mark.parametrize("arithmetic", ["float", "decimal"])
def test_two_actors_trade_as_computed_by_hand(arithmetic) -> None:
    sol = _solve(_two_actor_inputs(), rounds=1, arithmetic=arithmetic)
    first = sol.rounds[1]
    assert isinstance(first, ExchangeRoundArrays)
    (made,) = first.records
    # A would have to move 150 on q to pay for B's whole move on p: A moves all the way (to
    # 100) instead, shifting the outcome on q by 100*0.2/1.1; B's shift on p gives the same
    # gain: 100*0.2/1.1 * 1.1/1.1 on the outcome, 66.67 of B's vote
    assert (made.actor, made.partner, made.gives, made.gets) == (0, 1, 1, 0)
    assert (made.actor_from, made.actor_to) == (0.0, pytest.approx(1.0))
    assert (made.partner_from, made.partner_to) == (1.0, pytest.approx(1 / 3))
    assert made.gain == pytest.approx(120 / 11, rel=1e-12)
    np.testing.assert_allclose(first.mean[0], [1 / 11, 1.0], rtol=1e-12)
    # preferences: A (salience 0.2 on q) moves 0.42 of the way, B (0.3 on p) 0.38
    x_b = 1 + 0.38 * (1 / 3 - 1)
    np.testing.assert_allclose(first.after_update[0], [0.3 * x_b / 1.1, (0.2 * 0.42 + 0.9) / 1.1])


# ----------------------------------------------------------------------------- batches


def _random_inputs(batch: int, n: int, m: int, seed: int, grid: bool = False) -> Inputs:
    rng = np.random.default_rng(seed)
    position = rng.integers(0, 5, (batch, n, m)) / 4 if grid else rng.random((batch, n, m))
    present = rng.random((n, m)) > 0.1
    present[0] = True
    return Inputs(
        capability=rng.random((batch, n)) + 0.05,
        position=position,
        salience=rng.random((batch, n, m)) * (rng.random((batch, n, m)) > 0.05),
        present=present,
        status_quo=np.zeros((batch, m)),
        has_status_quo=np.zeros(m, bool),
    )


def _same(a: Solution, b: Solution) -> None:
    assert a.forecast.tobytes() == b.forecast.tobytes()
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        assert ra.position.tobytes() == rb.position.tobytes()
        assert ra.mean.tobytes() == rb.mean.tobytes()
        assert ra.after_update.tobytes() == rb.after_update.tobytes()
        assert ra.exchanges.tobytes() == rb.exchanges.tobytes()


@pytest.mark.parametrize("arithmetic", ["float", "decimal"])
def test_batch_whole_in_blocks_and_alone_are_byte_identical(monkeypatch, arithmetic) -> None:
    inp = _random_inputs(9, 6, 3, seed=4, grid=True)
    whole = _solve(inp, rounds=4, arithmetic=arithmetic)
    table = exchange._Table.make(6, 3)
    monkeypatch.setattr(exchange, "_BLOCK_CELLS", 2 * table.size)  # blocks of two draws
    blocks = _solve(inp, rounds=4, arithmetic=arithmetic)
    monkeypatch.setattr(common, "THREADS", 3)
    threaded = _solve(inp, rounds=4, arithmetic=arithmetic)
    _same(whole, blocks)
    _same(whole, threaded)
    for b in range(inp.batch):
        alone = _solve(inp.take(slice(b, b + 1)), rounds=4, arithmetic=arithmetic)
        assert alone.forecast.tobytes() == whole.forecast[b : b + 1].tobytes()
        for ra, rw in zip(alone.rounds, whole.rounds, strict=True):
            assert ra.position.tobytes() == rw.position[b : b + 1].tobytes()
    assert sum(int(r.exchanges.sum()) for r in whole.rounds) > 0


def test_randomised_batch_in_blocks_is_byte_identical(monkeypatch) -> None:
    inp = _random_inputs(7, 5, 3, seed=8)
    whole = _solve(inp, seed=3, rounds=3, p=0.4, ties="random")
    monkeypatch.setattr(exchange, "_BLOCK_CELLS", exchange._Table.make(5, 3).size)
    _same(whole, _solve(inp, seed=3, rounds=3, p=0.4, ties="random"))


# ----------------------------------------------------------------------------- randomness


def test_random_variant_reproducible_from_the_seed(reference) -> None:
    scenario = parse_decide((reference / CASES["copenhagen"]).read_text(), "copenhagen.csv")
    params = {"p": 0.3, "ties": "random"}
    a = run(scenario, ExchangeModel(), params=params, seed=11)
    b = run(scenario, ExchangeModel(), params=params, seed=11)
    c = run(scenario, ExchangeModel(), params=params, seed=12)
    assert a == b
    assert a.forecast != c.forecast
    first = a.rounds[1].extras["exchanges"]
    # the gains are no longer split equally; the exchanges are still ranked by the equal gain
    assert any(abs(e["actor_gain"] - e["partner_gain"]) > 1e-6 for e in first)


def test_random_variant_on_own_file_is_reproducible_and_differs_from_p0() -> None:
    scenario = parse_decide((DATA / "harbour.csv").read_text(), "harbour.csv")
    a = run(scenario, ExchangeModel(), params={"p": 0.8}, seed=5)
    assert a == run(scenario, ExchangeModel(), params={"p": 0.8}, seed=5)
    assert a.forecast != run(scenario, ExchangeModel(), seed=5).forecast


def test_random_ties_flip_between_equal_gains() -> None:
    # two identical partners for A: the exchange with the first is made unless the coin says
    # otherwise; over seeds both happen, and "first" always takes the first
    inp = Inputs(
        capability=np.ones((1, 3)),
        position=np.array([[[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]]),
        salience=np.array([[[0.8, 0.2], [0.3, 0.9], [0.3, 0.9]]]),
        present=np.ones((3, 2), bool),
        status_quo=np.zeros((1, 2)),
        has_status_quo=np.zeros(2, bool),
    )
    for arithmetic in ("float", "decimal"):
        firsts = {_solve(inp, s, rounds=1, arithmetic=arithmetic).rounds[1].records[0].partner
                  for s in range(12)}  # fmt: skip
        assert firsts == {1}
        coins = {_solve(inp, s, rounds=1, ties="random", arithmetic=arithmetic)
                 .rounds[1].records[0].partner for s in range(12)}  # fmt: skip
        assert coins == {1, 2}


# ----------------------------------------------------------------------------- decimal


def test_decimal_is_deterministic_and_within_the_positions() -> None:
    inp = _random_inputs(3, 7, 3, seed=21, grid=True)
    a = _solve(inp, arithmetic="decimal")
    b = _solve(inp, seed=99, arithmetic="decimal")
    assert a.forecast.tobytes() == b.forecast.tobytes()
    present = np.broadcast_to(inp.present, inp.position.shape)
    low = np.where(present, inp.position, np.inf).min(axis=1)
    high = np.where(present, inp.position, -np.inf).max(axis=1)
    assert np.all(a.forecast >= low - 1e-12) and np.all(a.forecast <= high + 1e-12)


def test_decimal_takes_decimal_values_as_they_are() -> None:
    inp = _two_actor_inputs()
    out = exchange_rounds(
        np.array([[[Decimal(0), Decimal(0)], [Decimal(100), Decimal(100)]]], dtype=object),
        np.array(
            [[[Decimal("0.8"), Decimal("0.2")], [Decimal("0.3"), Decimal("0.9")]]], dtype=object
        ),  # fmt: skip
        np.array([[Decimal(1), Decimal(1)]], dtype=object),
        inp.present,
        rounds=1,
        arithmetic="decimal",
    )
    assert out.outcome[1][0, 1] == Decimal(100)
    assert isinstance(out.outcome[1][0, 0], Decimal)
    assert out.records[1][0].gain == pytest.approx(120 / 11, rel=1e-15)


# ----------------------------------------------------------------------------- edge cases


def test_one_issue_or_one_actor_trades_nothing() -> None:
    one_issue = _random_inputs(2, 4, 1, seed=1)
    sol = _solve(one_issue)
    assert all(int(r.exchanges.sum()) == 0 for r in sol.rounds)
    weights = one_issue.weights()
    expected = (weights * one_issue.position).sum(axis=1) / weights.sum(axis=1)
    np.testing.assert_allclose(sol.forecast, expected)
    one_actor = _random_inputs(1, 1, 3, seed=2)
    assert np.allclose(_solve(one_actor).forecast, one_actor.position[:, 0])


def test_nobody_with_a_stake_falls_back_to_capabilities() -> None:
    inp = Inputs(
        capability=np.array([[1.0, 3.0]]),
        position=np.array([[[0.2, 0.1], [0.6, 0.9]]]),
        salience=np.zeros((1, 2, 2)),
        present=np.ones((2, 2), bool),
        status_quo=np.zeros((1, 2)),
        has_status_quo=np.zeros(2, bool),
    )
    sol = _solve(inp)
    np.testing.assert_allclose(sol.forecast, [[0.5, 0.7]])
    assert all(int(r.exchanges.sum()) == 0 for r in sol.rounds)


def test_equal_relative_saliences_leave_nothing_to_trade() -> None:
    # the same salience on both issues for everyone: every candidate's gain is zero
    inp = _two_actor_inputs()
    inp = Inputs(
        capability=inp.capability,
        position=inp.position,
        salience=np.array([[[0.7, 0.7], [0.4, 0.4]]]),
        present=inp.present,
        status_quo=inp.status_quo,
        has_status_quo=inp.has_status_quo,
    )
    sol = _solve(inp, rounds=2)
    assert int(sol.rounds[1].candidates[0]) == 1
    assert int(sol.rounds[1].exchanges[0]) == 0


def test_update_weights_above_one_are_refused() -> None:
    with pytest.raises(InputError, match="at most 1"):
        _solve(_two_actor_inputs(), salience_weight=0.8, fixed_weight=0.3)


# ----------------------------------------------------------------------------- result records


def test_round_details_name_actors_issues_and_units() -> None:
    scenario = parse_decide((DATA / "harbour.csv").read_text(), "harbour.csv")
    result = run(scenario, ExchangeModel(), rounds=3)
    first = result.rounds[1].extras
    assert first["candidates"] == 14
    assert len(first["exchanges"]) == 8
    assert first["exchanges"][1] == {
        "actor": "port", "partner": "greens", "gives": "depth", "gets": "berths",
        "actor_from": 80.0, "actor_to": 50.9375, "partner_from": 2.0, "partner_to": 8.0,
        "gain": pytest.approx(2.584033613445), "actor_gain": pytest.approx(2.584033613445),
        "partner_gain": pytest.approx(2.584033613445),
    }  # fmt: skip
    assert set(first["outcome_after_update"]) == {"berths", "depth", "levy"}
    assert result.rounds[0].extras["exchanges"] == []
    # every vote in a record is the actor's position in that round's voting positions, or
    # was moved again later in the round
    last: dict[tuple[str, str], float] = {}
    for e in first["exchanges"]:
        last[(e["actor"], e["gives"])] = e["actor_to"]
        last[(e["partner"], e["gets"])] = e["partner_to"]
    for (actor, issue), value in last.items():
        assert result.rounds[1].issues[issue].positions[actor] == pytest.approx(value)
    json.dumps(result.to_dict())


def test_forecast_is_last_rounds_outcome() -> None:
    scenario = parse_decide((DATA / "harbour.csv").read_text(), "harbour.csv")
    result = run(scenario, ExchangeModel(), rounds=3)
    for issue, value in result.forecast.items():
        assert value == result.rounds[-1].issues[issue].mean
    assert result.forecast == pytest.approx(
        {"berths": 7.084511020628, "depth": 62.3022854593, "levy": 48.4579091253}
    )
    decimal = run(scenario, ExchangeModel(), params={"arithmetic": "decimal"}, rounds=3)
    assert decimal.forecast == pytest.approx(result.forecast, abs=1e-9)


# ----------------------------------------------------------------------------- the reader


def test_own_decide_file_reads_into_a_scenario() -> None:
    text = (DATA / "harbour.csv").read_text()
    assert is_decide(text)
    scenario = parse_decide(text, "harbour.csv")
    assert scenario.description == "Harbour expansion (a made-up case for winset's tests)"
    assert [a.name for a in scenario.actors] == ["port", "city", "greens", "shippers",
                                                 "residents"]  # fmt: skip
    city = scenario.actors[1]
    assert (city.description, city.capability.value) == ("City council", 0.3)
    assert city.salience["levy"].value == 90.0
    assert scenario.actors[2].capability.value == 0.1  # written with a decimal comma
    assert scenario.actors[4].description == "Residents' association"
    assert "levy" not in scenario.actors[2].position  # the greens sit the levy out
    berths = scenario.issue("berths")
    assert (berths.label, berths.scale) == ("New berths", (2.0, 10.0))
    assert berths.anchors == {2.0: "two berths (the plan's minimum)", 10.0: "ten berths"}
    assert scenario.issue("depth").scale == (0.0, 100.0)


def test_decimal_inputs_normalise_as_decide_does() -> None:
    file = read_decide((DATA / "harbour.csv").read_text(), "harbour.csv")
    position, salience, capability, present = file.decimal_inputs()
    # (6 - 2) * (100 / 8) in decimals
    assert position[0, 1, 0] == Decimal("50.0")
    assert position[0, 0, 0] == Decimal(6) * (Decimal(100) / Decimal(8))
    assert salience[0, 2, 1] == Decimal("0.9") and capability[0, 2] == Decimal("0.1")
    assert not present[2, 2] and present.sum() == 14


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("#D\tport\tdepth\t80\t0.5\t0.4", "#D\tport\tdepth\t80\t1.5\t0.4"), "line 16",
         "salience 1.5 of 'port' on 'depth' is above 1"),
        (("#D\tport\tdepth\t80\t0.5\t0.4", "#D\tport\tdepth\t80\t0.5\t0.3"), "line 16",
         "power 0.3 of 'port' differs from 0.4 on line 15"),
        (("#D\tport\tdepth\t80\t0.5\t0.4", "#D\tpirates\tdepth\t80\t0.5\t0.4"), "line 16",
         "actor 'pirates' is not declared on an #A line"),
        (("#D\tport\tdepth\t80\t0.5\t0.4", "#D\tport\tdepth\teighty\t0.5\t0.4"), "line 16",
         "position 'eighty' is not a number"),
        (("#D\tport\tberths\t8\t0.9\t0.4", "#D\tport\tberths\t12\t0.9\t0.4"), "line 15",
         "position 12 of 'port' on 'berths' is above 10, the high end of the issue's scale "
         "(its #M points)"),
        (("#D\tport\tdepth\t80\t0.5\t0.4", "#D\tport\tberths\t8\t0.9\t0.4"), "line 16",
         "a second #D line for 'port' on 'berths' (the first is line 15)"),
        (("#/\tissues", "#X\tissues"), "line 8", "'#X' is not a decide record"),
        (("#M\tberths\t10\tten berths", "#M\tlevy\t10\tten"), "line 10",
         "issue 'berths' has one scale point (2)"),
        (("#D\tport\tdepth\t80\t0.5\t0.4", "#D\tport\tdepth\t80\t0.5"), "line 16",
         "#D needs actor, issue, position, salience and power; got 4 value(s)"),
    ],
)  # fmt: skip
def test_bad_decide_lines_are_refused_by_line(change, field, message) -> None:
    text = (DATA / "harbour.csv").read_text()
    old, new = change
    assert old in text
    with pytest.raises(InputError) as err:
        parse_decide(text.replace(old, new, 1), "bad.csv")
    problems = [p for p in err.value.problems if p.field == field]
    assert problems and message in problems[0].message, err.value.problems
    assert problems[0].source == "bad.csv"


def test_unused_actor_and_issue_are_left_out_with_a_note() -> None:
    text = (DATA / "harbour.csv").read_text() + "#A\tnobody\tNobody\n#P\tunused\tUnused\n"
    scenario = parse_decide(text, "harbour.csv")
    assert "nobody" not in scenario.actor_names() and "unused" not in scenario.issue_names()
    assert any("'nobody'" in note and "left out" in note for note in scenario.notes)


def test_is_decide_tells_decide_files_from_tables() -> None:
    assert is_decide("'#A'\t'x'\t'x'\n")
    assert is_decide("\ufeff\n#/\tcomment\n#A\tx\n")
    assert not is_decide("actor,capability,position,salience\nA,1,2,3\n")
    assert not is_decide("")
