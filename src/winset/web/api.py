"""The JSON API under ``/api/v1/``: the same documents as the command line's ``--json``.

A script can use either: ``POST /api/v1/runs`` answers what ``winset run --json`` prints,
``POST /api/v1/twolevel`` what ``winset twolevel --json`` prints, and so on. Long work (draws,
sensitivity, searches, backtests) runs as a background job: the request waits up to ``wait``
seconds for it, then answers 202 with the job to poll at ``/api/v1/jobs/ID``. Bad input is
answered 422 with ``{"problems": [{"source", "field", "message"}]}``; a full queue 429; a body
over the upload limit 413.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from winset import study as services
from winset.errors import InputError, Problem
from winset.models.registry import model_infos
from winset.numbers import finite
from winset.results import Result
from winset.study import load_result
from winset.web.jobs import Job
from winset.web.work import Workbench, levers_of

__all__ = ["router"]

router = APIRouter(prefix="/api")
MAX_WAIT = 60.0


def _wb(request: Request) -> Workbench:
    wb: Workbench = request.app.state.wb
    return wb


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(finite(data), status_code=status, headers=headers)


def _answer(wb: Workbench, job: Job, wait: float) -> JSONResponse:
    """The job's document when it ends within ``wait`` seconds, else 202 and where to poll."""
    wb.jobs.wait(job, min(max(wait, 0.0), MAX_WAIT))
    if job.status == "done":
        result = job.result
        return _json(result.to_dict() if isinstance(result, Result) else result)
    if job.problems:
        raise InputError(job.problems)
    if job.final:
        return _json({"detail": job.message, "job": job.to_dict()}, status=500)
    where = f"/api/v1/jobs/{job.id}"
    return _json({"job": job.to_dict(), "poll": where}, status=202, headers={"location": where})


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunRequest(_Request):
    """``winset run``'s inputs."""

    scenario: str = Field(description="a scenario's name (GET /api/v1/scenarios lists them)")
    model: str = "compromise"
    variant: str | None = None
    params: dict[str, Any] = Field(default_factory=dict, description="model parameters")
    rounds: int | None = None
    seed: int | None = None
    draws: int | None = Field(None, description="Monte Carlo draws (a background job)")
    distribution: str = "uniform"
    set: list[str] = Field(default_factory=list, description="what-if: ACTOR.salience.ISSUE=V")
    remove: list[str] = Field(default_factory=list, description="what-if: remove an actor")
    wait: float = Field(10.0, description="seconds to wait for a job before answering 202")


class TwoLevelRequest(_Request):
    """``winset twolevel``'s inputs."""

    scenario: str
    model: str = "compromise"
    variant: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    path: list[str] = Field(default_factory=list, description="force these paths")
    set: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)
    drop_red_line: list[str] = Field(default_factory=list)
    solution: str = "nearest"
    noise: float = 0.05
    search: str | None = Field(None, description="what would it have taken for this path?")
    search_by: str = "position"
    draws: int | None = None
    seed: int | None = None
    distribution: str = "uniform"
    wait: float = 10.0


class SensitivityRequest(_Request):
    """``winset sensitivity``'s inputs."""

    scenario: str
    model: str = "compromise"
    variant: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    rounds: int | None = None
    samples: int = 512
    sobol: bool = True
    seed: int | None = None
    wait: float = 10.0


# ----------------------------------------------------------------------------- scenarios


@router.get("/v1/scenarios", summary="List the scenarios by name")
def list_scenarios(request: Request) -> JSONResponse:
    """Every bundled and saved scenario: name, origin, actors, issues, description."""
    return _json([e.to_dict() for e in _wb(request).library.entries()])


@router.post(
    "/v1/scenarios",
    summary="Upload a scenario (CSV, XLSX or YAML; the body or multipart 'file')",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/yaml": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
async def upload_scenario(
    request: Request,
    filename: str = Query("", description="the file's name (its suffix tells the format)"),
) -> JSONResponse:
    """Store an uploaded scenario: 201 with its name, or 422 with its problems by field."""
    from starlette.concurrency import run_in_threadpool

    wb = _wb(request)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InputError(Problem("", "file", "send the scenario as the multipart field 'file'"))
        content = await upload.read()
        name = filename or upload.filename or "upload"
        ctype = upload.content_type or ""
    else:
        content = await request.body()
        name = filename or "upload"
    stored, scenario = await run_in_threadpool(wb.library.add_upload, content, name, ctype)
    return _json(
        {
            "name": stored,
            "actors": len(scenario.actors),
            "issues": list(scenario.issue_names()),
            "notes": list(scenario.notes),
        },
        status=201,
        headers={"location": f"/api/v1/scenarios/{stored}"},
    )


@router.get("/v1/scenarios/{name}", summary="One scenario, as its YAML file's data")
def get_scenario(request: Request, name: str) -> JSONResponse:
    """The scenario's fields (what ``winset convert`` writes)."""
    return _json(_wb(request).library.get(name).model_dump(mode="json", exclude_none=True))


@router.get("/v1/models", summary="The models, as `winset models --json`")
def list_models() -> JSONResponse:
    """Every registered model with its citation, summary, variants and parameters."""
    return _json(
        [
            {
                "name": i.name,
                "title": i.title,
                "citation": i.citation,
                "summary": i.summary,
                "deterministic": i.deterministic,
                "iterative": i.iterative,
                "separable": i.separable,
                "variants": list(i.variants),
                "parameters": [
                    {
                        "name": p.name,
                        "default": p.default,
                        "low": p.low,
                        "high": p.high,
                        "choices": list(p.choices) if p.choices else None,
                        "description": p.description,
                    }
                    for p in i.parameters
                ],
            }
            for i in model_infos()
        ]
    )


# ----------------------------------------------------------------------------- runs and draws


def _run_study(wb: Workbench, body: RunRequest | SensitivityRequest) -> services.Study:
    levers = levers_of(getattr(body, "set", ()), getattr(body, "remove", ()))
    return wb.study(
        body.scenario,
        body.model,
        variant=body.variant,
        params=body.params,
        rounds=body.rounds,
        levers=levers,
    )


@router.post("/v1/runs", summary="A forecast, as `winset run --json` (draws: a job)")
def create_run(request: Request, body: RunRequest) -> JSONResponse:
    """One model's forecast; with ``draws``, its distribution (a job when it takes long)."""
    wb = _wb(request)
    the_study = _run_study(wb, body)
    if body.draws is None:
        if body.distribution != "uniform":
            raise InputError(Problem("", "distribution", "only applies with draws"))
        return _json(wb.forecast(the_study, seed=body.seed).result.to_dict())
    job = wb.draws_job(the_study, wb.draw_settings(body.draws, body.seed, body.distribution))
    return _answer(wb, job, body.wait)


@router.post("/v1/draws", summary="Start Monte Carlo draws (a job to poll)", status_code=202)
def create_draws(request: Request, body: RunRequest) -> JSONResponse:
    """Start draws and answer the job at once (``wait`` seconds at most if given)."""
    wb = _wb(request)
    if body.draws is None:
        raise InputError(Problem("", "draws", "give the number of draws"))
    the_study = _run_study(wb, body)
    job = wb.draws_job(the_study, wb.draw_settings(body.draws, body.seed, body.distribution))
    wait = body.wait if "wait" in body.model_fields_set else 0.0
    return _answer(wb, job, wait)


@router.get("/v1/runs", summary="The run store's history, as `winset runs --json`")
def list_runs(
    request: Request, limit: int = Query(50, ge=1, le=100_000), kind: str | None = None
) -> JSONResponse:
    """The most recent runs first."""
    return _json([r.summary() for r in _wb(request).store.list(limit, kind)])


@router.get("/v1/runs/{run_id}", summary="A stored result, as `winset show ID --json`")
def get_run(request: Request, run_id: str) -> JSONResponse:
    """The stored document of a run (any unique prefix of its id)."""
    stored = _wb(request).store.get(run_id)
    if stored is None:
        return _json({"detail": f"no run {run_id[:16]!r} in the store"}, status=404)
    return _json(stored.result)


@router.get("/v1/jobs/{job_id}", summary="A job: status, progress, and its result when done")
def get_job(request: Request, job_id: str) -> JSONResponse:
    """The job's state; ``result`` holds the document once ``status`` is ``done``."""
    job = _wb(request).jobs.get(job_id)
    if job is None:
        return _json({"detail": "no such job (the server may have restarted)"}, status=404)
    return _json(job.to_dict())


@router.get("/v1/draws/{job_id}", summary="A draws job (the same as /api/v1/jobs/ID)")
def get_draws(request: Request, job_id: str) -> JSONResponse:
    """The draws job's state and, when done, the ``winset run --draws --json`` document."""
    return get_job(request, job_id)


@router.delete("/v1/jobs/{job_id}", summary="Cancel a job")
def cancel_job(request: Request, job_id: str) -> JSONResponse:
    """Stop a job at its next progress report (its finished chunks stay in the store)."""
    wb = _wb(request)
    job = wb.jobs.cancel(job_id)
    if job is None:
        return _json({"detail": "no such job"}, status=404)
    wb.jobs.wait(job, 2.0)
    return _json(job.to_dict())


# ----------------------------------------------------------------------------- two-level


@router.post("/v1/twolevel", summary="The two-level analysis, as `winset twolevel --json`")
def create_twolevel(request: Request, body: TwoLevelRequest) -> JSONResponse:
    """Paths, agreement sets, P(ratify), the outcome; with ``search`` and ``draws`` too."""
    wb = _wb(request)
    levers = levers_of(body.set, body.remove, body.path, body.drop_red_line)
    the_study = wb.study(
        body.scenario, body.model, variant=body.variant, params=body.params, levers=levers
    )
    if body.draws is None and body.seed is not None:
        raise InputError(Problem("", "draws", "seed and distribution need draws"))
    draws = wb.draw_settings(body.draws, body.seed, body.distribution) if body.draws else None
    if not body.search and draws is None:
        return _json(wb.twolevel(the_study, body.solution, body.noise).result.to_dict())
    job = wb.twolevel_job(the_study, body.solution, body.noise, body.search, body.search_by, draws)
    return _answer(wb, job, body.wait)


# ----------------------------------------------------------------------------- sensitivity


@router.post("/v1/sensitivity", summary="Drivers and Sobol indices, as `winset sensitivity`")
def create_sensitivity(request: Request, body: SensitivityRequest) -> JSONResponse:
    """Which inputs move the forecast most (a job when it takes long)."""
    wb = _wb(request)
    job = wb.sensitivity_job(_run_study(wb, body), body.samples, body.sobol, body.seed)
    return _answer(wb, job, body.wait)


# ----------------------------------------------------------------------------- backtest


@router.post(
    "/v1/backtest",
    summary="Score every model on DEU-format tables, as `winset backtest --json`",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "eval": {"type": "string", "format": "binary"},
                            "fit": {"type": "string", "format": "binary"},
                            "cv": {"type": "boolean"},
                            "bootstrap": {"type": "integer"},
                            "seed": {"type": "integer"},
                            "wait": {"type": "number"},
                        },
                        "required": ["eval"],
                    }
                }
            }
        }
    },
)
async def create_backtest(request: Request) -> JSONResponse:
    """Multipart ``eval`` (a DEU table), optional ``fit``, ``cv``, ``bootstrap``, ``seed``."""
    from starlette.concurrency import run_in_threadpool

    from winset.backtest.evaluate import BacktestSettings

    wb = _wb(request)
    form = await request.form()
    files: dict[str, bytes] = {}
    for key in ("eval", "fit"):
        item = form.get(key)
        if item is not None and not isinstance(item, str):
            files[key] = await item.read()
    if "eval" not in files:
        raise InputError(Problem("", "eval", "send the DEU table to score as the field 'eval'"))
    settings = BacktestSettings(
        cv=str(form.get("cv", "")).lower() in ("1", "true", "yes", "on"),
        resamples=wb.whole(form.get("bootstrap"), "bootstrap", 2000) or 2000,
        seed=wb.whole(form.get("seed"), "seed"),
    ).checked("fit" in files)
    store = wb.store

    def work(progress: Callable[[int, int], None]) -> Result:
        with tempfile.TemporaryDirectory(prefix="winset-backtest-") as tmp:
            paths = {}
            for key, content in files.items():
                paths[key] = Path(tmp) / f"{key}.csv"
                paths[key].write_bytes(content)
            return services.backtest(paths["eval"], paths.get("fit"), settings, store=store).result

    job = wb.jobs.submit("backtest", "backtest", "backtest", work)
    wait = float(str(form.get("wait") or 30))
    return await run_in_threadpool(_answer, wb, job, wait)


# ----------------------------------------------------------------------------- stored documents


@router.get("/v1/runs/{run_id}/frame", summary="A stored result's table (to_frame) as records")
def get_run_frame(request: Request, run_id: str) -> Response:
    """The result's tidy table as a list of JSON records."""
    stored = _wb(request).store.get(run_id)
    if stored is None:
        return _json({"detail": f"no run {run_id[:16]!r} in the store"}, status=404)
    table = load_result(stored).to_frame()
    return Response(table.to_json(orient="records"), media_type="application/json")


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API's operations, drawn from its OpenAPI description (works offline)."""
    templates = request.app.state.templates
    spec = json.loads(json.dumps(request.app.openapi()))
    return templates.TemplateResponse(
        request,
        "apidocs.html",
        {
            "spec": spec,
            "section": "api",
            "scenario_name": None,
            "host": request.headers.get("host", "127.0.0.1:8000"),
            "token": _wb(request).settings.token is not None,
        },
    )
