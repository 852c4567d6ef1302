"""Safe by default: loopback, the token, body limits, escaping, no formulas, no YAML tags."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from webtools import make_settings

from winset.cli import app as cli
from winset.web.app import create_app

EVIL_NAMES = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "javascript:window.__xss=1",
    '=HYPERLINK("http://example.invalid","x")',
]
EVIL_CSV = "actor,capability,position,salience\n" + "".join(
    f'"{n.replace(chr(34), chr(34) * 2)}",{10 + 5 * k},{20 * k},{40 + k}\n'
    for k, n in enumerate(EVIL_NAMES)
)
EVIL_YAML = """format: winset/1
name: evil
description: '<script>window.__xss=1</script> and <b>bold</b>'
sources:
  S1: 'javascript:window.__xss=1'
  S2: 'see https://example.invalid/"><script>window.__xss=1</script>'
notes: ['"><img src=x onerror="window.__xss=1">']
issues:
- name: '<img src=x onerror="window.__xss=1">'
  unit: '<script>window.__xss=1</script>'
  scale: [0, 100]
  anchors: {0: '<script>window.__xss=1</script>'}
actors:
- name: '<script>window.__xss=1</script>'
  side: '"><svg onload="window.__xss=1">'
  capability: {value: 50, source: S1}
  position: {'<img src=x onerror="window.__xss=1">': {value: 20, source: S2}}
  salience: {'<img src=x onerror="window.__xss=1">': 60}
- name: 'javascript:window.__xss=1'
  capability: 40
  position: {'<img src=x onerror="window.__xss=1">': 80}
  salience: {'<img src=x onerror="window.__xss=1">': 50}
"""


def evil_pages(client: TestClient) -> dict[str, str]:
    """Upload the evil table and scenario; every page that shows them."""
    a = client.post("/api/v1/scenarios?filename=evil.csv", content=EVIL_CSV)
    b = client.post("/api/v1/scenarios?filename=evil.yaml", content=EVIL_YAML)
    assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
    pages = {}
    for name in (a.json()["name"], b.json()["name"]):
        for page in ("", "/forecast", "/whatif", "/sensitivity"):
            r = client.get(f"/s/{name}{page}")
            assert r.status_code == 200, (name, page, r.text[:300])
            pages[f"{name}{page}"] = r.text
        r = client.post(
            f"/s/{name}/whatif",
            data={"model": "compromise", "remove": "1"},
            headers={"HX-Request": "true"},
        )
        pages[f"{name} what-if"] = r.text
    pages["scenarios"] = client.get("/scenarios").text
    pages["runs"] = client.get("/runs").text
    pages["api docs"] = client.get("/api/docs").text
    return pages


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text of its script blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_user_text_is_escaped_everywhere(client: TestClient) -> None:
    for where, text in evil_pages(client).items():
        page = _Elements()
        page.feed(text)
        tags = {tag for tag, _ in page.elements}
        assert "img" not in tags and "svg" not in tags, where
        for tag, attrs in page.elements:
            # no event handler attribute at all (the workbench uses none)
            assert not [k for k in attrs if k.startswith("on")], (where, tag, attrs)
            for key in ("href", "src", "action", "formaction"):
                assert not attrs.get(key, "").strip().lower().startswith("javascript:"), where
            if tag == "script":
                # the page's own scripts come from /static; the rest are JSON data blocks
                assert attrs.get("src", "").startswith("/static/") or (
                    attrs.get("type") == "application/json"
                ), (where, attrs)
        for block in page.scripts:
            assert "<" not in block, where  # no tag can end a script early
        for _, attrs in page.elements:
            assert "<" not in attrs.get("data-spec", ""), where  # charts' JSON holds no tag


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    r = client.get("/scenarios")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_exports_defuse_formulas(client: TestClient) -> None:
    name = client.post("/api/v1/scenarios?filename=f.csv", content=EVIL_CSV).json()["name"]
    doc = client.post("/api/v1/runs", json={"scenario": name, "model": "eum"}).json()
    rid = doc["run_id"]
    csv = client.get(f"/runs/{rid}/export.csv").text
    assert "'=HYPERLINK" in csv
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/runs/{rid}/export.xlsx").content))
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_upload_over_the_limit_is_413(client: TestClient) -> None:
    big = b"actor,capability,position,salience\n" + b"x" * (6 * 1024 * 1024)
    r = client.post("/api/v1/scenarios?filename=big.csv", content=big)
    assert r.status_code == 413
    assert "larger than the workbench takes (5 MB)" in r.json()["detail"]
    r = client.post("/scenarios/upload", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413


def test_chunked_upload_over_the_limit_is_413(client: TestClient) -> None:
    def body():
        for _ in range(7):
            yield b"x" * (1024 * 1024)

    r = client.post("/api/v1/scenarios?filename=big.csv", content=body())
    assert r.status_code == 413


def test_token_is_needed_for_every_request(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, token="s3cret"))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        for url in ("/scenarios", "/api/v1/scenarios", "/static/app.js", "/api/openapi.json"):
            assert c.get(url).status_code == 401, url
        assert (
            c.get("/api/v1/scenarios", headers={"authorization": "Bearer nope"}).status_code == 401
        )
        ok = c.get("/api/v1/scenarios", headers={"authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        # ?token= once sets a cookie; the browser then needs nothing more
        first = c.get("/scenarios?token=s3cret")
        assert first.status_code == 200
        assert "winset_token=s3cret" in first.headers["set-cookie"]
        assert "HttpOnly" in first.headers["set-cookie"]
        assert c.get("/s/iraq-2011").status_code == 200


def test_other_hosts_and_cross_site_writes_are_refused(client: TestClient) -> None:
    assert client.get("/scenarios", headers={"host": "evil.example"}).status_code == 421
    r = client.post(
        "/api/v1/runs",
        json={"scenario": "iraq-2011"},
        headers={"origin": "http://evil.example"},
    )
    assert r.status_code == 403
    same = client.post(
        "/api/v1/runs", json={"scenario": "iraq-2011"}, headers={"origin": "http://127.0.0.1"}
    )
    assert same.status_code == 200


def test_serve_refuses_other_addresses_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WINSET_TOKEN", raising=False)
    out = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert out.exit_code == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert "token" in out.stderr
    out = CliRunner().invoke(cli, ["serve", "--host", "192.168.1.10", "--port", "1"])
    assert out.exit_code == 2


def test_no_pickle_or_yaml_tags(client: TestClient) -> None:
    for payload in (
        "!!python/object/apply:os.system ['true']\n",
        "name: !!python/name:os.system\nissues: []\nactors: []\n",
        "name: x\nissues: !!binary aGk=\nactors: []\n",
    ):
        r = client.post("/api/v1/scenarios?filename=t.yaml", content=payload)
        assert r.status_code == 422, payload
