"""Names and sources that look like HTML or script render as text, in both kinds of report."""

from __future__ import annotations

import copy
import re

import pytest

from samples import RANGED, report_html
from winset.scenario.load import build_scenario

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'


def hostile() -> object:
    data = copy.deepcopy(RANGED)
    data["name"] = "hostile <b>scenario</b>"
    data["description"] = IMG
    data["sources"] = {
        "S1": "javascript:alert(1)",
        "S2": 'https://example.org/a"onmouseover="alert(1)',
        "S3": SCRIPT,
    }
    data["actors"][0]["name"] = SCRIPT
    data["actors"][0]["description"] = IMG
    data["actors"][1]["name"] = IMG
    data["actors"][1]["capability"] = {"value": 5, "source": "S1"}
    data["actors"][2]["name"] = "</script><script>alert(2)</script>"
    return build_scenario(data, "hostile.yaml")


def check(text: str, scripts: int) -> None:
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "<b>scenario</b>" not in text
    assert not re.search(r'href="javascript:', text, re.I)
    assert 'onmouseover="alert' not in text  # the quote ends no attribute
    assert len(re.findall(r"<script\b", text, re.I)) == scripts
    assert "&lt;script&gt;" in text or "\\u003cscript\\u003e" in text


def test_static_report_shows_them_as_text() -> None:
    text = report_html(hostile(), models=["compromise", "eum"], seed=1)
    check(text, scripts=0)
    # the address ends at the quote; the rest is text
    assert '<a href="https://example.org/a" rel="noopener noreferrer">' in text
    assert "https://example.org/a</a>&quot;onmouseover=&quot;alert(1)" in text


def test_interactive_report_shows_them_as_text() -> None:
    pytest.importorskip("plotly")
    text = report_html(hostile(), models=["compromise", "eum"], seed=1, interactive=True)
    charts = text.count('class="chart"')
    assert charts >= 4
    check(text, scripts=charts + 2)  # one per chart, the packed library and its loader
