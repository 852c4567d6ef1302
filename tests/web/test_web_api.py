"""The JSON API answers the same documents as the command line's --json."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from webtools import make_settings

from winset.cli import app as cli
from winset.web.app import create_app

TABLE = "actor,capability,position,salience\nA,50,10,80\nB,30,60,50\nC,20,90,40\n"


def cli_json(*args: str) -> dict:
    out = CliRunner().invoke(cli, [*args, "--json", "--no-store"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def poll(client: TestClient, job: str, timeout: float = 120) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        state = client.get(f"/api/v1/jobs/{job}").json()
        if state["status"] not in ("queued", "running"):
            return state
        time.sleep(0.1)
    raise AssertionError("the job did not end")


def test_scenarios_are_listed_by_name(client: TestClient) -> None:
    names = {s["name"] for s in client.get("/api/v1/scenarios").json()}
    assert {"iraq-2011", "eu-emissions-1994"} <= names


def test_upload_a_csv_body_then_run_it(client: TestClient) -> None:
    r = client.post(
        "/api/v1/scenarios?filename=talks.csv", content=TABLE, headers={"content-type": "text/csv"}
    )
    assert r.status_code == 201, r.text
    name = r.json()["name"]
    assert name == "talks"
    assert name in {s["name"] for s in client.get("/api/v1/scenarios").json()}
    doc = client.post("/api/v1/runs", json={"scenario": name, "model": "median"}).json()
    assert doc["forecast"] == {"issue": 10.0}  # A carries the weighted median
    # a second upload of the same name is kept beside the first
    again = client.post("/api/v1/scenarios?filename=talks.csv", content=TABLE)
    assert again.json()["name"] == "talks-2"


def test_upload_multipart_yaml(client: TestClient, tmp_path: Path) -> None:
    from winset.scenario.export import scenario_to_yaml
    from winset.scenario.load import load_scenario

    text = scenario_to_yaml(load_scenario("eu-emissions-1994"))
    r = client.post("/api/v1/scenarios", files={"file": ("mine.yaml", text, "application/yaml")})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "eu-emissions-1994-2"  # the bundled name is taken


def test_upload_problems_name_their_fields(client: TestClient) -> None:
    bad = "actor,capability,position,salience\nA,50,10,x\nB,-3,60,50\n"
    r = client.post("/api/v1/scenarios?filename=bad.csv", content=bad)
    assert r.status_code == 422
    problems = r.json()["problems"]
    fields = {(p["source"], p["field"]) for p in problems}
    assert ("bad.csv", "row 2.salience") in fields
    assert ("bad.csv", "row 3.capability") in fields
    assert any("below 0" in p["message"] for p in problems)
    assert "bad" not in {s["name"] for s in client.get("/api/v1/scenarios").json()}


def test_yaml_tags_are_refused(client: TestClient) -> None:
    evil = "name: !!python/object/apply:os.system ['echo hi']\nissues: []\n"
    r = client.post("/api/v1/scenarios?filename=evil.yaml", content=evil)
    assert r.status_code == 422
    assert "YAML" in r.json()["problems"][0]["message"]


def test_run_is_the_cli_document(client: TestClient) -> None:
    doc = client.post(
        "/api/v1/runs", json={"scenario": "iraq-2011", "model": "eum", "seed": 1}
    ).json()
    assert doc == cli_json("run", "iraq-2011", "--model", "eum", "--seed", "1")


def test_run_with_draws_is_the_cli_document(client: TestClient) -> None:
    body = {"scenario": "iraq-2011", "model": "compromise", "seed": 7, "draws": 3000}
    r = client.post("/api/v1/runs", json=body)
    assert r.status_code == 200
    cli_doc = cli_json("run", "iraq-2011", "--seed", "7", "--draws", "3000")
    assert r.json()["distribution"] == cli_doc["distribution"]
    assert r.json()["run_id"] == cli_doc["run_id"]


def test_what_if_levers(client: TestClient) -> None:
    body = {"scenario": "iraq-2011", "model": "compromise", "set": ["Iran.salience.troops=0"]}
    doc = client.post("/api/v1/runs", json=body).json()
    expected = cli_json("run", "iraq-2011", "--set", "Iran.salience.troops=0")
    assert doc["differences"] == expected["differences"]
    assert doc["run_id"] == expected["run_id"]


def test_long_draws_are_a_job_to_poll(client: TestClient) -> None:
    body = {"scenario": "iraq-2011", "model": "compromise", "seed": 3, "draws": 20000}
    r = client.post("/api/v1/draws", json=body)
    assert r.status_code == 202
    job = r.json()["job"]["id"]
    assert r.headers["location"] == f"/api/v1/jobs/{job}"
    state = poll(client, job)
    assert state["status"] == "done"
    assert state["result"]["distribution"]["troops"]["n"] == 20000
    assert client.get(f"/api/v1/draws/{job}").json()["status"] == "done"
    # the result is in the store, as `winset show` would give it
    run_id = state["result"]["run_id"]
    assert client.get(f"/api/v1/runs/{run_id}").json()["run_id"] == run_id
    assert run_id in {r["id"] for r in client.get("/api/v1/runs").json()}


def test_twolevel_is_the_cli_document(client: TestClient) -> None:
    doc = client.post("/api/v1/twolevel", json={"scenario": "iraq-2011"}).json()
    assert doc == cli_json("twolevel", "iraq-2011")


def test_models_is_the_cli_document(client: TestClient) -> None:
    out = CliRunner().invoke(cli, ["models", "--json"])
    assert out.exit_code == 0, out.output
    assert client.get("/api/v1/models").json() == json.loads(out.stdout)


def test_twolevel_refuses_before_any_work(client: TestClient) -> None:
    r = client.post("/api/v1/twolevel", json={"scenario": "iraq-2011", "seed": 1})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "draws"
    r = client.post("/api/v1/twolevel", json={"scenario": "eu-emissions-1994", "search": "x"})
    assert r.status_code == 422  # no ratification: refused at once, not as a failed job
    r = client.post("/api/v1/twolevel", json={"scenario": "iraq-2011", "solution": "nope"})
    assert r.status_code == 422


def test_twolevel_with_search_and_draws(client: TestClient) -> None:
    body = {
        "scenario": "iraq-2011",
        "search": "parliament",
        "draws": 500,
        "seed": 2,
        "path": ["notification"],
        "wait": 60,
    }
    doc = client.post("/api/v1/twolevel", json=body).json()
    expected = cli_json(
        "twolevel",
        "iraq-2011",
        "--search",
        "parliament",
        "--draws",
        "500",
        "--seed",
        "2",
        "--path",
        "notification",
    )
    assert doc["search"] == expected["search"]
    assert doc["draws"] == expected["draws"]
    assert doc["differences"] == expected["differences"]


def test_sensitivity_document(client: TestClient) -> None:
    body = {"scenario": "eu-emissions-1994", "samples": 64, "seed": 1, "wait": 60}
    doc = client.post("/api/v1/sensitivity", json=body).json()
    expected = cli_json("sensitivity", "eu-emissions-1994", "--samples", "64", "--seed", "1")
    assert doc["drivers"] == expected["drivers"]
    assert doc["sobol"] == expected["sobol"]


def test_backtest_document(client: TestClient, data: Path) -> None:
    table = (data / "deu3" / "deu3-dev.csv").read_bytes()
    r = client.post(
        "/api/v1/backtest",
        files={"eval": ("eval.csv", table, "text/csv")},
        data={"bootstrap": "50", "seed": "1", "wait": "120"},
    )
    assert r.status_code == 200, r.text
    expected = cli_json(
        "backtest", str(data / "deu3" / "deu3-dev.csv"), "--bootstrap", "50", "--seed", "1"
    )
    assert r.json()["models"] == expected["models"]
    assert r.json()["best"] == expected["best"]


def test_bad_input_is_422_with_problems(client: TestClient) -> None:
    r = client.post("/api/v1/runs", json={"scenario": "nope"})
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "scenario"
    r = client.post("/api/v1/runs", json={"scenario": "iraq-2011", "model": "nope"})
    assert "unknown model" in r.json()["problems"][0]["message"]
    r = client.post("/api/v1/runs", json={"scenario": "iraq-2011", "colour": "red"})
    assert r.status_code == 422
    r = client.post("/api/v1/runs", json={"scenario": "iraq-2011", "draws": 10**9})
    assert r.status_code == 422
    assert "at most" in r.json()["problems"][0]["message"]


def test_scenario_caps(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_actors=2)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        r = c.post("/api/v1/scenarios?filename=t.csv", content=TABLE)
    assert r.status_code == 422
    assert "at most 2" in r.json()["problems"][0]["message"]


def test_queue_full_is_429(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_jobs=1, max_queue=0)
    body = {"scenario": "iraq-2011", "model": "eum", "seed": 1, "draws": 200_000}
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        first = c.post("/api/v1/draws", json=body)
        assert first.status_code == 202
        second = c.post("/api/v1/draws", json={**body, "seed": 2})
        assert second.status_code == 429
        assert "at most 1 run at once" in second.json()["detail"]
        job = first.json()["job"]["id"]
        c.delete(f"/api/v1/jobs/{job}")
        assert poll(c, job)["status"] in ("cancelled", "done")


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/v1/scenarios", "/api/v1/runs", "/api/v1/jobs/{job_id}", "/api/v1/twolevel"):
        assert path in spec["paths"]
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/v1/runs" in page.text


@pytest.mark.parametrize("name", ["eu-emissions-1994", "iraq-2011"])
def test_scenario_document(client: TestClient, name: str) -> None:
    doc = client.get(f"/api/v1/scenarios/{name}").json()
    assert doc["name"] == name


def test_a_stochastic_what_if_runs_baseline_and_counterfactual_from_one_seed(
    client: TestClient,
) -> None:
    body = {
        "scenario": "iraq-2011",
        "model": "smp",
        "variant": "stochastic",
        "set": ["Iran.salience.troops=0"],
    }
    doc = client.post("/api/v1/runs", json=body).json()
    seed = doc["provenance"]["seed"]
    assert isinstance(seed, int) and doc["baseline"]["provenance"]["seed"] == seed
    twolevel = client.post("/api/v1/twolevel", json=body).json()
    seed = twolevel["provenance"]["seed"]
    assert isinstance(seed, int) and twolevel["baseline"]["provenance"]["seed"] == seed
