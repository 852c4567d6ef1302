"""The workbench in a real browser: headless Chromium (Debian's) driven through chromedriver.

Every test saves screenshots of the pages it visits under its tmp_path (and, with
WINSET_SCREENSHOTS=DIR, copies them there as workbench-NAME.png: docs/img takes them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webtools import LiveServer, chrome, docs_copy

pytestmark = pytest.mark.slow

TABLE = (
    "actor,capability,position,salience\n"
    "Ministry of Finance,80,20,70\nUnions,60,90,90\nEmployers,70,35,60\n"
    "Opposition,40,75,50\nCentral bank,50,10,40\n"
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    driver = chrome(downloads=tmp_path / "downloads")
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, css: str, timeout: float = 60) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_text(driver: Any, css: str, text: str, timeout: float = 60) -> str:
    """Wait until the element's text contains ``text``; its text."""
    script = "var e = document.querySelector(arguments[0]); return e ? e.textContent : ''"
    end = time.time() + timeout
    found = ""
    while time.time() < end:
        found = driver.execute_script(script, css)
        if text in found:
            return str(found)
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in {css}: {found!r}")


def charts_drawn(driver: Any, timeout: float = 30) -> None:
    """Wait until every chart of the page has been drawn by Plotly."""
    end = time.time() + timeout
    while time.time() < end:
        left = driver.execute_script(
            "return document.querySelectorAll('div.chart:not([data-drawn])').length"
        )
        if left == 0:
            return
        time.sleep(0.1)
    raise AssertionError("charts were not drawn")


def shot(driver: Any, folder: Path, name: str, full: bool = True, docs: bool = True) -> Path:
    """A screenshot of the whole page (the window grown to the page's height)."""
    width = driver.get_window_size()["width"]
    if full:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height + 20, 700), 5000))
        time.sleep(0.4)
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(width, 900)
    if docs:
        docs_copy(path, name)
    return path


def no_errors(driver: Any) -> None:
    """The page's console has no error (a CSP violation or a script error would be one)."""
    logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    from webtools import make_settings

    with LiveServer(make_settings(tmp_path)) as live:
        yield live


def test_flagship_paths_table(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/scenarios")
    wait_for(browser, "table.scenario-list")
    shot(browser, tmp_path, "scenarios")
    browser.find_element(By.LINK_TEXT, "iraq-2011").click()
    wait_for(browser, "table.actors-table")
    shot(browser, tmp_path, "overview")
    browser.get(server.url + "/s/iraq-2011/twolevel")
    table = wait_for(browser, "table.paths-table")
    assert "executive + notification" in table.text
    assert "no agreement" in browser.find_element(By.CSS_SELECTOR, "p.outcome").text
    charts_drawn(browser)
    no_errors(browser)
    shot(browser, tmp_path, "twolevel")


def test_upload_a_csv_and_see_the_forecast(
    server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    table = tmp_path / "pension-reform.csv"
    table.write_text(TABLE)
    browser.get(server.url + "/scenarios")
    browser.find_element(By.ID, "upload-file").send_keys(str(table))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    wait_for(browser, "table.models-table")
    assert browser.current_url.endswith("/s/pension-reform/forecast")
    cell = browser.find_element(By.CSS_SELECTOR, "td.forecast-median").text
    assert cell == "35"  # the weighted median: Employers
    charts_drawn(browser)
    no_errors(browser)
    shot(browser, tmp_path, "forecast-upload")
    browser.get(server.url + "/s/iraq-2011/forecast")
    wait_for(browser, "table.models-table")
    charts_drawn(browser)
    shot(browser, tmp_path, "forecast")


def test_whatif_slider_changes_the_counterfactual(
    server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url + "/s/iraq-2011/whatif")
    wait_for(browser, "#whatif-summary td.whatif-value")
    charts_drawn(browser)
    values = (
        "return Array.from(document.querySelectorAll('#whatif-summary td.whatif-value'))"
        ".map(e => e.textContent)"
    )
    before = browser.execute_script(values)
    slider = browser.find_element(By.CSS_SELECTOR, 'input[name="v|13|salience|0"]')  # Iran
    slider.send_keys(Keys.HOME)  # salience on troops to 0, as a person would with the keyboard
    end = time.time() + 30
    after = before
    while time.time() < end and after == before:
        time.sleep(0.2)
        after = browser.execute_script(values)
    assert after != before
    time.sleep(0.5)
    title = browser.execute_script(
        "return document.querySelector('#whatif-summary .whatif-title').textContent"
    )
    assert "Iran's salience on troops 0" in title
    charts_drawn(browser)
    no_errors(browser)
    shot(browser, tmp_path, "whatif", full=False)
    browser.set_window_size(800, 900)
    browser.get(server.url + "/s/iraq-2011/whatif")
    wait_for(browser, "#whatif-summary td.whatif-value")
    charts_drawn(browser)
    shot(browser, tmp_path, "whatif-800", full=False)
    browser.set_window_size(1366, 900)


def test_draws_progress_then_distribution(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/s/iraq-2011/forecast")
    wait_for(browser, "#draws-form")
    model = browser.find_element(By.CSS_SELECTOR, "#draws-form select[name=model]")
    Select(model).select_by_value("nash")  # ~4 s: long enough to see progress move
    n = browser.find_element(By.ID, "draws-n")
    n.clear()
    n.send_keys("100000")
    browser.find_element(By.ID, "draws-start").click()
    seen: list[int] = []
    end = time.time() + 600
    while time.time() < end:
        status = browser.execute_script(
            "var j = document.querySelector('#draws-job .job');"
            "return j ? j.getAttribute('data-status') : null"
        )
        value = browser.execute_script(
            "var p = document.querySelector('#draws-job progress');"
            "return p ? Number(p.value) : null"
        )
        if value is not None and (not seen or value != seen[-1]):
            seen.append(int(value))
            if len(seen) == 3:
                shot(browser, tmp_path, "draws-progress", full=False)
        if status == "done":
            break
        time.sleep(0.25)
    assert status == "done"
    assert len([v for v in seen if v > 0]) >= 2 and seen == sorted(seen)  # it moved, forward
    job = browser.find_element(By.CSS_SELECTOR, "#draws-job .job")
    assert "100,000 draws" in job.text and "p90" in job.text
    charts_drawn(browser)
    no_errors(browser)
    shot(browser, tmp_path, "draws")


def test_strategy_search(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/s/iraq-2011/twolevel")
    wait_for(browser, "#search-form")
    browser.find_element(By.ID, "search-start").click()
    moves = wait_for(browser, "#tl-search table.search-moves", timeout=120)
    assert "Iraqiya" in moves.text
    text = browser.find_element(By.CSS_SELECTOR, "#tl-search").text
    assert "What would it have taken for parliament?" in text
    no_errors(browser)
    shot(browser, tmp_path, "search")


def test_sensitivity_editor_and_runs(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/s/iraq-2011/sensitivity")
    browser.find_element(By.ID, "sens-start").click()
    wait_for(browser, "#sens-job .job[data-status=done]", timeout=300)
    charts_drawn(browser)
    no_errors(browser)
    shot(browser, tmp_path, "sensitivity")

    browser.get(server.url + "/s/iraq-2011/edit")
    cell = wait_for(browser, 'input[aria-label="Iran salience on troops"]')
    cell.clear()
    cell.send_keys("140")
    wait_text(browser, "#problem-list", "140 is above 100")
    beside = cell.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, ".err")
    assert "140 is above 100" in beside.text
    no_errors(browser)
    shot(browser, tmp_path, "editor", full=False)
    # undo: clearing the cell was one change, typing 140 the next
    for _ in range(2):
        browser.find_element(By.ID, "undo").click()
        time.sleep(1.0)
    wait_for(browser, "#valid-note", timeout=30)
    value = browser.find_element(By.CSS_SELECTOR, 'input[aria-label="Iran salience on troops"]')
    assert value.get_attribute("value") == "85"

    browser.get(server.url + "/s/iraq-2011/forecast")  # every model's run goes to the store
    wait_for(browser, "table.models-table")
    browser.get(server.url + "/runs")
    wait_for(browser, "table.runs-table")
    boxes = browser.find_elements(By.CSS_SELECTOR, "table.runs-table input[type=checkbox]")
    assert len(boxes) >= 2
    shot(browser, tmp_path, "runs")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.runs-table tbody tr")
    runs = [
        r
        for r in rows
        if "\trun\t" in "\t".join(c.text for c in r.find_elements(By.TAG_NAME, "td")) + "\t"
    ]
    picked = (runs or rows)[:2]
    for row in picked:
        row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    browser.find_element(By.CSS_SELECTOR, "#compare-form button").click()
    wait_for(browser, "div.side")
    no_errors(browser)
    shot(browser, tmp_path, "compare")


def test_download_the_report(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/s/eu-emissions-1994")
    browser.find_element(By.CSS_SELECTOR, "a.report-link").click()
    target = tmp_path / "downloads" / "eu-emissions-1994-report.html"
    end = time.time() + 240
    while time.time() < end and not target.exists():
        time.sleep(0.25)
    assert target.exists()
    assert "<html" in target.read_text(encoding="utf-8").lower()


def test_nothing_a_user_typed_runs(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    import httpx
    from test_web_security import EVIL_CSV, EVIL_YAML

    names = []
    for filename, body in (("evil.csv", EVIL_CSV), ("evil.yaml", EVIL_YAML)):
        r = httpx.post(f"{server.url}/api/v1/scenarios?filename={filename}", content=body)
        assert r.status_code == 201
        names.append(r.json()["name"])
    for name in names:
        for page in ("", "/forecast", "/whatif", "/sensitivity", "/edit"):
            browser.get(f"{server.url}/s/{name}{page}")
            wait_for(browser, "footer")
            time.sleep(0.5)
            assert browser.execute_script("return window.__xss") is None, (name, page)
            assert not browser.execute_script("return document.querySelector('img, svg[onload]')")
    browser.get(f"{server.url}/s/{names[1]}")
    shot(browser, tmp_path, "xss-overview", docs=False)
