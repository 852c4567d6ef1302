"""The pages render what the services give, and every page offers its downloads."""

from __future__ import annotations

import io
import json
import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from winset.scenario.load import bundled_names, load_scenario

HX = {"HX-Request": "true"}


def test_home_opens_the_scenarios(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/scenarios"
    page = client.get("/scenarios").text
    for name in bundled_names():
        assert f'href="/s/{name}"' in page


@pytest.mark.parametrize("name", bundled_names())
def test_every_page_of_every_bundled_scenario(client: TestClient, name: str) -> None:
    pages = ["", "/forecast", "/whatif", "/sensitivity", "/scenario.yaml", "/scenario.xlsx"]
    if load_scenario(name).ratification is not None:
        pages.append("/twolevel")
    for page in pages:
        r = client.get(f"/s/{name}{page}")
        assert r.status_code == 200, (page, r.text[:500])


def test_forecast_page_shows_every_model(client: TestClient) -> None:
    from winset.models.registry import model_names

    page = client.get("/s/iraq-2011/forecast").text
    for m in model_names():
        assert f"forecast-{m}" in page
    assert "Moves round by round" in page  # the EUM's moves
    assert page.count('class="chart" id="chart-') >= 3  # the issues and the rounds
    assert 'href="/s/iraq-2011/report.html"' in page
    assert "/export.xlsx?id=" in page


def test_sources_link_their_addresses_in_a_new_tab(client: TestClient) -> None:
    page = client.get("/s/iraq-2011").text
    links = re.findall(r'<a href="(https?://[^"]+)" ([^>]*)>', page)
    assert links
    assert {attrs for _, attrs in links} == {'rel="noopener noreferrer nofollow" target="_blank"'}


def test_flagship_paths_table(client: TestClient) -> None:
    page = client.get("/s/iraq-2011/twolevel").text
    assert "paths-table" in page
    assert "executive + parliament" in page and "executive + notification" in page
    assert "no agreement" in page


def test_whatif_changes_the_counterfactual(client: TestClient) -> None:
    page = client.get("/s/iraq-2011/whatif").text
    # the slider of Iran's salience on troops (actor 13, issue 0)
    assert 'name="v|13|salience|0"' in page
    r = client.post(
        "/s/iraq-2011/whatif", data={"model": "compromise", "v|13|salience|0": "0"}, headers=HX
    )
    assert r.status_code == 200
    assert "What if <strong>Iran&#39;s salience on troops 0</strong>" in r.text
    values = re.findall(r'class="num big whatif-value">([^<]+)<', r.text)
    base = re.findall(r'class="num big baseline-value">([^<]+)<', r.text)
    assert values and base and values != base
    assert "server-timing" in r.headers
    # the pictures follow in a second request, which finds both runs in the store
    url = re.search(r'hx-get="(/s/iraq-2011/whatif/charts\?[^"]+)"', r.text).group(1)
    charts = client.get(url.replace("&amp;", "&"), headers=HX)
    assert charts.status_code == 200 and charts.text.count('class="chart"') == 2


def test_whatif_remove_an_actor(client: TestClient) -> None:
    r = client.post("/s/iraq-2011/whatif", data={"model": "median", "remove": "13"}, headers=HX)
    assert "Iran removed" in r.text


def test_twolevel_levers_and_search(client: TestClient) -> None:
    r = client.post(
        "/s/iraq-2011/twolevel", data={"model": "compromise", "path": "notification"}, headers=HX
    )
    assert "path notification forced open" in r.text
    assert "agreement through" in r.text
    r = client.post(
        "/s/iraq-2011/twolevel/search",
        data={"search": "parliament", "search_by": "position"},
        headers=HX,
    )
    job = re.search(r'id="job-([0-9a-f]+)"', r.text).group(1)
    text = wait_job(client, job)
    assert "What would it have taken for parliament?" in text
    assert "search-moves" in text


def test_a_request_applies_its_levers_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its checks, its charts, its job and the services share the study's one preparation."""
    import winset.study

    applied: list[str] = []
    real = winset.study.apply_levers

    def counted(scenario: Any, levers: Any) -> Any:
        applied.append(levers.title())
        return real(scenario, levers)

    monkeypatch.setattr(winset.study, "apply_levers", counted)
    r = client.post("/s/iraq-2011/twolevel", data={"path": "notification"}, headers=HX)
    assert "agreement through" in r.text and 'class="chart"' in r.text
    assert applied == ["path notification forced open"]
    applied.clear()
    r = client.get("/s/iraq-2011/whatif/charts?set=Iran.salience.troops%3D0", headers=HX)
    assert r.text.count('class="chart"') == 2
    assert applied == ["Iran's salience on troops 0"]
    applied.clear()
    body = {"scenario": "iraq-2011", "draws": 300, "seed": 1, "remove": ["Iran"], "wait": 60}
    doc = client.post("/api/v1/runs", json=body).json()
    assert doc["provenance"]["kind"] == "whatif" and "baseline" in doc
    assert applied == ["Iran removed"]


def wait_job(client: TestClient, job: str) -> str:
    for _ in range(600):
        text = client.get(f"/jobs/{job}", headers=HX).text
        if 'data-status="running"' not in text and 'data-status="queued"' not in text:
            return text
        time.sleep(0.1)
    raise AssertionError("the job did not end")


def test_draws_job_progress_then_distribution(client: TestClient) -> None:
    r = client.post(
        "/s/iraq-2011/draws",
        data={"model": "compromise", "draws": "20000", "seed": "4", "distribution": "uniform"},
        headers=HX,
    )
    assert r.status_code == 200
    assert 'hx-trigger="every 400ms"' in r.text
    job = re.search(r'id="job-([0-9a-f]+)"', r.text).group(1)
    text = wait_job(client, job)
    assert 'data-status="done"' in text
    assert "p90" in text and "20,000 draws" in text


def test_sensitivity_job(client: TestClient) -> None:
    r = client.post(
        "/s/eu-emissions-1994/sensitivity",
        data={"model": "compromise", "samples": "128", "sobol": "1", "seed": "1"},
        headers=HX,
    )
    job = re.search(r'id="job-([0-9a-f]+)"', r.text).group(1)
    text = wait_job(client, job)
    assert "tornado-table" in text and "Sobol" in text


def test_upload_form_shows_problems_by_field(client: TestClient) -> None:
    bad = b"actor,capability,position,salience\nA,50,10,x\n"
    r = client.post("/scenarios/upload", files={"file": ("bad.csv", bad, "text/csv")}, headers=HX)
    assert r.status_code == 200
    assert "row 2.salience" in r.text and "not a number" in r.text
    good = b"actor,capability,position,salience\nA,50,10,80\nB,30,70,40\n"
    r = client.post("/scenarios/upload", files={"file": ("good.csv", good, "text/csv")}, headers=HX)
    assert r.headers["hx-redirect"] == "/s/good/forecast"
    assert client.get("/s/good/forecast").status_code == 200


def test_unknown_scenario_page(client: TestClient) -> None:
    r = client.get("/s/nope/forecast")
    assert r.status_code == 422
    assert "no scenario called" in r.text


def test_editor_validates_undoes_and_saves(client: TestClient) -> None:
    r = client.post("/scenarios/new", data={"template": ""}, follow_redirects=False)
    draft = r.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/editor/{draft}").text
    assert "Valid: 2 actors" in page
    # salience 140: the library's message beside the field, by name
    r = client.post(
        f"/editor/{draft}/cell",
        data={"path": "actors[0].salience.issue", "part": "value", "v": "140"},
        headers=HX,
    )
    assert "140 is above 100" in r.text
    assert "actors[&#39;Actor A&#39;].salience.issue" in r.text
    # and beside the cell of actor 0's salience (its error span, swapped out of band)
    from winset.web.app import _eid

    assert f'id="err-{_eid("actors[0].salience.issue")}" hx-swap-oob="true">140 is above' in r.text
    r = client.post(f"/editor/{draft}/undo", headers=HX)
    assert "Valid: 2 actors" in r.text
    # text that is not a number is named by the library
    r = client.post(
        f"/editor/{draft}/cell",
        data={"path": "actors[1].capability", "part": "value", "v": "lots"},
        headers=HX,
    )
    assert "&#39;lots&#39; is not a number" in r.text
    client.post(f"/editor/{draft}/undo", headers=HX)
    # structure: an actor and an issue, renamed
    client.post(f"/editor/{draft}/op", data={"op": "add_actor"}, headers=HX)
    r = client.post(f"/editor/{draft}/op", data={"op": "add_issue"}, headers=HX)
    assert "Valid: 3 actors, 2 issue(s)" in r.text
    r = client.post(
        f"/editor/{draft}/cell",
        data={"path": "issues[1].name", "part": "value", "v": "budget"},
        headers=HX,
    )
    assert r.headers.get("hx-retarget") == "#editor-body"
    assert "budget: position" in r.text
    client.post(
        f"/editor/{draft}/cell", data={"path": "actors[2].name", "v": "Newcomer"}, headers=HX
    )
    client.post(
        f"/editor/{draft}/cell",
        data={"path": "actors[2].position.budget", "part": "low", "v": "10"},
        headers=HX,
    )
    client.post(
        f"/editor/{draft}/cell",
        data={"path": "actors[2].position.budget", "part": "high", "v": "90"},
        headers=HX,
    )
    r = client.post(f"/editor/{draft}/save", data={"name": "My talks"}, headers=HX)
    assert r.headers["hx-redirect"] == "/s/my-talks/forecast"
    saved = client.get("/api/v1/scenarios/my-talks").json()
    assert [i["name"] for i in saved["issues"]] == ["issue", "budget"]
    newcomer = saved["actors"][2]
    assert newcomer["name"] == "Newcomer"
    assert newcomer["position"]["budget"]["range"] == [10.0, 90.0]
    assert client.get("/s/my-talks/forecast").status_code == 200


def test_editor_refuses_to_save_an_invalid_draft(client: TestClient) -> None:
    r = client.get("/s/eu-emissions-1994/edit", follow_redirects=False)
    draft = r.headers["location"].rsplit("/", 1)[1]
    client.post(
        f"/editor/{draft}/cell",
        data={"path": "actors[0].position.lag", "part": "value", "v": "999"},
        headers=HX,
    )
    r = client.post(f"/editor/{draft}/save", data={"name": "broken"}, headers=HX)
    assert "problem(s) to fix first" in r.text
    assert "hx-redirect" not in r.headers
    assert client.get("/s/broken").status_code == 422


def test_runs_reopen_compare_and_export(client: TestClient) -> None:
    a = client.post("/api/v1/runs", json={"scenario": "iraq-2011", "model": "median"}).json()
    b = client.post("/api/v1/runs", json={"scenario": "iraq-2011", "model": "nash"}).json()
    page = client.get("/runs").text
    assert a["run_id"] in page and b["run_id"] in page
    assert client.get(f"/runs/{a['run_id']}").status_code == 200
    cmp = client.get(f"/runs/compare?id={a['run_id']}&id={b['run_id']}")
    assert cmp.status_code == 200 and "Differences" in cmp.text
    doc = client.get(f"/runs/{a['run_id']}/export.json").json()
    assert doc == a
    csv = client.get(f"/runs/{a['run_id']}/export.csv").text
    assert csv.splitlines()[0] == "kind,round,issue,actor,value"
    xlsx = client.get(f"/export.xlsx?id={a['run_id']}&id={b['run_id']}").content
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["run median", "run nash", "provenance"]


def test_every_stored_kind_reopens(client: TestClient) -> None:
    client.post("/api/v1/twolevel", json={"scenario": "iraq-2011", "search": "parliament"})
    client.post(
        "/api/v1/sensitivity", json={"scenario": "eu-emissions-1994", "samples": 64, "seed": 1}
    )
    client.post("/api/v1/runs", json={"scenario": "iraq-2011", "set": ["Iran.capability=0"]})
    kinds = set()
    for run in client.get("/api/v1/runs").json():
        kinds.add(run["kind"])
        assert client.get(f"/runs/{run['id']}").status_code == 200, run["kind"]
        for ext in ("json", "csv", "xlsx"):
            assert client.get(f"/runs/{run['id']}/export.{ext}").status_code == 200
    assert {"twolevel", "search", "sensitivity", "whatif", "run"} <= kinds


def test_report_download(client: TestClient) -> None:
    r = client.get("/s/eu-emissions-1994/report.html?seed=1")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment")
    assert "<html" in r.text.lower()
    r = client.get("/s/iraq-2011/report.html?seed=1&set=Iran.salience.troops=0")
    assert r.status_code == 200


def test_scenario_downloads_read_back(client: TestClient, tmp_path) -> None:
    text = client.get("/s/iraq-2011/scenario.yaml").text
    path = tmp_path / "back.yaml"
    path.write_text(text)
    assert load_scenario(path) == load_scenario("iraq-2011")
    assert json.loads(client.get("/api/v1/scenarios/iraq-2011").text)["name"] == "iraq-2011"
