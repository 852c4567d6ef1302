"""Every bundled scenario's report reads as a briefing: summary first, contents, a section per
issue, full data as CSV inside the page, and pictures whose labels never overprint."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from functools import cache

import pytest
from matplotlib.figure import Figure
from svgtext import overlaps, svgs

from samples import report_html
from winset.report.plots import figure_to_svg
from winset.scenario.load import bundled_names, load_scenario

BUNDLED = bundled_names()


@cache
def page(name: str) -> str:
    return report_html(name, seed=3)


def sections(text: str) -> list[tuple[str, str]]:
    """(id, title) of every top-level section, in order."""
    found = re.findall(r'<section (?:class="[^"]*" )?id="([^"]+)">\s*<h2>([^<]*)</h2>', text)
    return [(a, html.unescape(t)) for a, t in found]


@pytest.mark.parametrize("name", BUNDLED)
def test_summary_first_then_contents_then_a_section_per_issue(name: str) -> None:
    text = page(name)
    found = sections(text)
    assert found[0] == ("summary", "Bottom line")
    body = text.split("<body>", 1)[1]
    assert body.index('id="summary"') < body.index('class="toc"') < body.index("<section id=")
    scenario = load_scenario(name)
    issues = [t for _, t in found if t.startswith("Issue: ")]
    assert issues == [f"Issue: {i.title}" for i in scenario.issues]
    # the contents list every section after the summary, by its anchor
    toc = re.search(r'<ol class="toc">(.*?)</ol>', text, re.S).group(1)
    assert re.findall(r'href="#([^"]+)"', toc) == [a for a, _ in found[1:]]
    # the bottom line gives every issue's forecast
    summary = text.split('id="summary"', 1)[1].split("</section>", 1)[0]
    for issue in scenario.issues:
        assert f"<b>{issue.title}</b>" in html.unescape(summary)


@pytest.mark.parametrize("name", BUNDLED)
def test_no_two_labels_overprint(name: str) -> None:
    pictures = svgs(page(name))
    assert pictures
    for k, svg in enumerate(pictures):
        assert overlaps(svg) == [], f"picture {k} of {name}"


def test_the_overlap_check_sees_overprinted_labels() -> None:
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.text(0.5, 0.5, "Obama White House")
    ax.text(0.52, 0.5, "Pentagon civilians")
    assert overlaps(figure_to_svg(fig)) == [("Obama White House", "Pentagon civilians")]


def test_csv_downloads_hold_the_full_data() -> None:
    text = page("eu-emissions-1994")
    links = dict(
        re.findall(r'<a download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"', text)
    )
    assert {"eu-emissions-1994-forecasts.csv", "eu-emissions-1994-moves.csv"} <= set(links)
    moves = list(
        csv.DictReader(io.StringIO(base64.b64decode(links["eu-emissions-1994-moves.csv"]).decode()))
    )
    by_model: dict[str, int] = {}
    for m in moves:
        by_model[m["model"]] = by_model.get(m["model"], 0) + 1
    assert by_model
    for model, count in by_model.items():
        part = text.split(f"<h3>Rounds of {model} on lag</h3>", 1)[1]
        shown = re.search(
            r"Moves by round on lag: (\d+) moves of at least [^;(]*(?:; (\d+) shorter)?", part
        )
        assert shown is not None
        assert int(shown.group(1)) + int(shown.group(2) or 0) == count  # folded, not lost


def test_oscillating_model_is_flagged_in_the_bottom_line() -> None:
    text = page("eu-emissions-1994")
    summary = text.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert "Caveat:</b> eum did not settle on lag" in summary
    assert "the forecast is the median after the last round" in summary


def test_flat_distribution_says_so() -> None:
    text = report_html("iraq-2011", models=["nash"], seed=1)
    assert "all 1,000 draws gave 0" in text  # the nash model never leaves the status quo
    assert not re.search(r"\d\.?\d*e[-+]\d\d", text)  # no exponents, in text or pictures


def test_iraq_bottom_line_tells_the_story() -> None:
    text = page("iraq-2011")
    summary = text.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert "no agreement can be ratified" in summary
    summary = html.unescape(summary)
    assert "executive + parliament cannot ratify: US's red line 'binding immunity'" in summary
    assert "executive + notification would ratify troops 5,000, immunity 30" in summary
    assert "but is closed" in summary and "P(agreement)" in summary
    assert "Most pivotal" in summary


def test_codes_get_their_descriptions() -> None:
    text = page("china-soe-competitive")
    assert "XJ · Xi Jinping" in text
    assert "<td>XJ</td><td>Xi Jinping</td>" in text


def test_most_pivotal_names_each_actor_once() -> None:
    """Names with ``&`` or `` (`` are listed once, at their largest swing, like any other."""
    import copy

    from samples import RANGED
    from winset.scenario.load import build_scenario

    data = copy.deepcopy(RANGED)
    data["actors"][0]["name"] = "AT&T"  # three uncertain inputs, two among the largest swings
    data["actors"][1]["name"] = "Finance (PM)"
    text = report_html(build_scenario(data, "pivotal.yaml"), models=["compromise"], seed=1)
    summary = text.split('id="summary"', 1)[1].split("</section>", 1)[0]
    line = html.unescape(re.search(r"<b>Most pivotal</b>(.*?)</li>", summary, re.S).group(1))
    named = re.findall(r"(AT&T|Finance \(PM\)|C) \((?:position|salience|capability) on lag", line)
    assert named and named[0] == "AT&T"
    assert len(named) == len(set(named)), line
