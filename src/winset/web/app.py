"""The workbench application: one ASGI app with the pages, the JSON API and the static files.

:func:`create_app` builds it from :class:`~winset.web.settings.WebSettings`; ``winset serve``
runs it with uvicorn. The app is wrapped in :class:`~winset.web.security.Guard` (host, token,
body size, security headers). Page handlers call the services (through
:class:`~winset.web.work.Workbench`) and render Jinja2 templates; htmx swaps parts of pages; the
charts are Plotly figures drawn by the workbench's own script from JSON data blocks.
"""

from __future__ import annotations

import hashlib
import html
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from winset._version import __version__
from winset.errors import InputError, Problem
from winset.numbers import fmt, fmt_signed
from winset.report.text import linkify
from winset.scenario.schema import Estimate
from winset.store import RunStore
from winset.web import charts
from winset.web.editor import Drafts, plain
from winset.web.jobs import Busy, JobManager, problems_json
from winset.web.library import Library
from winset.web.security import Guard
from winset.web.settings import WebSettings
from winset.web.work import Workbench

__all__ = ["create_app", "problems_json", "templates_for"]

STATIC = Path(__file__).resolve().parent / "static"


class _Static(StaticFiles):
    """Static files, cached by the browser (their URLs carry the package version)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=86400"
        return response


# ----------------------------------------------------------------------------- template helpers


def _chart(spec: Mapping[str, Any] | None) -> Markup:
    """A chart: a ``div`` carrying its Plotly spec as JSON in ``data-spec`` (drawn by app.js).

    An attribute, not a script block: htmx inserts no script tags, and no data can run.
    """
    if not spec:
        return Markup("")
    target = "chart-" + secrets.token_hex(5)
    data = html.escape(charts.spec_json(dict(spec)), quote=True)
    return Markup(f'<div class="chart" id="{target}" data-spec="{data}"></div>')


def _est(e: Estimate | None) -> Markup:
    if e is None:
        return Markup("—")
    text = html.escape(fmt(e.value))
    if e.range is not None:
        low, high = html.escape(fmt(e.range[0])), html.escape(fmt(e.range[1]))
        text += f' <span class="muted">[{low}, {high}]</span>'
    tags = list(e.source_ids())
    if tags:
        text += " " + " ".join(f'<span class="badge">{html.escape(t)}</span>' for t in tags)
    return Markup(text)


def _linkify(text: Any) -> Markup:
    """The text escaped, with its http(s) addresses as links (never any other scheme)."""
    return Markup(linkify(str(text), 'rel="noopener noreferrer nofollow" target="_blank"'))


def _moves(result: Any) -> list[dict[str, Any]]:
    out = []
    for r in getattr(result, "rounds", ()):
        for move in r.extras.get("moves", []) or []:
            if isinstance(move, dict):
                out.append({"round": r.round, **move})
    return out


def _eid(path: str) -> str:
    return hashlib.sha1(path.encode()).hexdigest()[:12]


def _anchors_text(anchors: Any) -> str:
    if not isinstance(anchors, dict):
        return ""
    return "; ".join(f"{k}={v}" for k, v in anchors.items())


def _slider(name: str, value: float, low: float, high: float, label: str) -> Markup:
    span = float(high) - float(low)
    step = 1 if span >= 200 and float(value).is_integer() else span / 200 if span > 0 else 1
    top = max(float(high), float(value))
    e = html.escape
    return Markup(
        f'<span class="sl"><input type="range" name="{e(name)}" min="{low:g}" max="{top:g}" '
        f'step="{step:g}" value="{value:g}" data-base="{value:g}" aria-label="{e(label)}">'
        f"<output>{e(fmt(value))}</output></span>"
    )


def templates_for() -> Jinja2Templates:
    """The workbench's templates, with its helpers (every value escaped unless marked safe)."""
    env = Environment(
        loader=PackageLoader("winset.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        static=lambda name: f"/static/{name}?v={__version__}",
        chart=_chart,
        charts=charts,
        fmt=fmt,
        signed=fmt_signed,
        est=_est,
        kind_of=lambda obj: type(obj).__name__,
        moves_of=_moves,
        eid=_eid,
        anchors_text=_anchors_text,
        slider=_slider,
        version=__version__,
    )
    env.filters["linkify"] = _linkify
    env.filters["plain"] = plain
    return Jinja2Templates(env=env)


# ----------------------------------------------------------------------------- the app


def create_app(settings: WebSettings | None = None) -> Guard:
    """The workbench as an ASGI application (wrapped in its guard)."""
    settings = settings or WebSettings()
    store = RunStore(settings.store)
    # The store makes its file on the first save; a read racing that first save can meet the
    # new file before its tables (``no such table: runs``). A server answers many requests at
    # once, so it makes the store before the first one.
    store.create()
    library = Library(
        settings.scenarios_folder(store.path), settings.max_actors, settings.max_issues
    )
    jobs = JobManager(
        store.path.with_name(store.path.stem + "-jobs.sqlite"),
        max_jobs=settings.max_jobs,
        max_queue=settings.max_queue,
        time_limit=settings.job_time_limit,
    )
    workbench = Workbench(settings, store, library, jobs, Drafts())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="winset workbench",
        version=__version__,
        description="Multi-party negotiation analysis: the same documents as `winset ... --json`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.wb = workbench
    app.state.templates = templates_for()
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.mount("/static", _Static(directory=STATIC), name="static")

    from winset.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> Response:
        if _is_api(request):
            return JSONResponse({"problems": problems_json(exc.problems)}, status_code=422)
        return _page_problem(request, list(exc.problems), 422)

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=429, headers={"retry-after": "5"})
        return _page_problem(request, [Problem("", "busy", str(exc))], 429)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem("", ".".join(str(x) for x in e.get("loc", ()) if x != "body"), e.get("msg", ""))
            for e in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"problems": problems_json(problems)}, status_code=422)
        return _page_problem(request, problems, 422)

    return Guard(
        app,
        token=settings.token,
        max_upload=settings.max_upload,
        hosts=(settings.host, *settings.allowed_hosts),
    )


def _page_problem(request: Request, problems: list[Problem], status: int) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    if request.headers.get("hx-request"):
        # htmx swaps 200 answers only: the problems take the place of the result
        return templates.TemplateResponse(request, "_error.html", {"problems": problems})
    return templates.TemplateResponse(
        request, "error.html", {"problems": problems, "section": ""}, status_code=status
    )
