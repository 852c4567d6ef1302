"""The workbench's charts are the report's interactive figures, with names escaped once."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from winset.scenario.export import scenario_to_yaml
from winset.scenario.load import build_scenario, load_scenario
from winset.scenario.schema import Scenario
from winset.web import charts

pytest.importorskip("plotly")

# Plotly shows label text as HTML-ish: it reads tags, and turns entities back into characters
# (&amp; -> &, &#39; -> ', but not &quot;, which it shows as written).
_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
_PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0"}


def shown(text: str) -> str:
    """The text as Plotly shows it (svg_text_utils.convertEntities)."""

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code.startswith("#x"):
            return chr(int(code[2:], 16))
        if code.startswith("#"):
            return chr(int(code[1:]))
        return _PLOTLY_ENTITIES.get(code, m.group(0))

    return _ENTITY.sub(one, text)


def strings(value: Any) -> Iterator[str]:
    """Every string in a chart spec."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def att_scenario() -> Scenario:
    """The EU emissions case with its first actor renamed ``AT&T``, described as ``PM's office``."""
    data = load_scenario("eu-emissions-1994").model_dump(mode="json", exclude_none=True)
    data["name"] = "att"
    data["actors"][0]["name"] = "AT&T"
    data["actors"][0]["description"] = "PM's office"
    return build_scenario(data, "att.yaml")


def check_once_escaped(spec: dict[str, Any]) -> None:
    texts = list(strings(spec))
    joined = "\n".join(texts)
    assert "AT&amp;T" in joined  # escaped once: Plotly shows AT&T
    assert "&amp;amp;" not in joined and "&amp;#" not in joined  # never twice
    assert "AT&T" not in joined  # never raw: Plotly would read an entity in it
    assert "PM's office" in joined and "&quot;" not in joined and "&#x27;" not in joined
    assert any(shown(t) == "AT&T · PM's office" for t in texts)  # the actor's label


def test_an_actor_called_att_is_escaped_once_in_the_chart_spec() -> None:
    scenario = att_scenario()
    check_once_escaped(charts.issue_chart(scenario, scenario.issues[0].name, {"median": 7.0}))


class _Specs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.specs: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        spec = dict(attrs).get("data-spec")
        if spec:
            self.specs.append(json.loads(spec))


def test_the_forecast_page_sends_att_escaped_once(client: TestClient) -> None:
    r = client.post("/api/v1/scenarios?filename=att.yaml", content=scenario_to_yaml(att_scenario()))
    assert r.status_code == 201, r.text
    page = client.get(f"/s/{r.json()['name']}/forecast")
    assert page.status_code == 200
    found = _Specs()
    found.feed(page.text)
    assert found.specs
    issue_specs = [s for s in found.specs if "forecasts and positions" in str(s["layout"])]
    assert issue_specs
    for spec in issue_specs:
        check_once_escaped(spec)


def test_the_charts_are_the_reports_figures() -> None:
    """Each spec is the data and layout of the report's interactive figure, nothing redrawn."""
    import plotly.io as pio

    from winset.analysis.sensitivity import SensitivitySettings
    from winset.draws import DrawSettings
    from winset.report import charts as report
    from winset.study import Study, draws, forecast, sensitivity, twolevel

    def same(spec: dict[str, Any] | None, figure: Any) -> None:
        assert spec is not None
        full = json.loads(pio.to_json(figure, validate=False))
        assert spec == {"data": full["data"], "layout": full["layout"]}

    iraq = load_scenario("iraq-2011")
    eum = forecast(Study(iraq, "eum")).result
    weights = {
        a.name: a.capability.value * a.salience["troops"].value
        for a in iraq.actors
        if "troops" in a.salience
    }
    same(charts.rounds_chart(eum, "troops", iraq), report.trajectory_figure(eum, "troops", weights))
    same(
        charts.issue_chart(iraq, "troops", {"eum": 4000.0}),
        report.issue_figure(iraq, "troops", {"eum": 4000.0}),
    )
    drawn = draws(Study(iraq), DrawSettings(200, seed=1)).result
    same(charts.histogram_chart(drawn, "troops"), report.distribution_figure(drawn, "troops"))
    assert charts.histogram_chart(eum, "troops") is None  # no draws, no histogram
    tl = twolevel(Study(iraq)).result
    same(charts.winset_chart(iraq, tl), report.twolevel_figure(iraq, tl))
    sens = sensitivity(Study(iraq), SensitivitySettings(samples=64, seed=1)).result
    same(charts.tornado_chart(sens, "troops"), report.tornado_figure(sens, "troops"))
    same(charts.sobol_chart(sens, "troops"), report.sobol_figure(sens, "troops"))


def test_chart_specs_hold_no_tag_in_the_page() -> None:
    spec = charts.issue_chart(att_scenario(), "lag", {"median": 7.0})
    text = charts.spec_json(spec)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == json.loads(html.unescape(html.escape(text)))
