"""The workbench's pages: each handler calls the services and renders a template, nothing more.

Pages: Scenarios (list, upload, new), a scenario's Overview, Editor, Forecast (every model, the
rounds, Monte Carlo as a background job), What if (sliders), Two-level (paths, win-sets, levers,
draws, the strategy search), Sensitivity (tornado, Sobol), Runs (history, re-open, compare);
every page offers the HTML report and its results as JSON, CSV and XLSX.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from winset.errors import InputError, Problem
from winset.models.registry import get_model, model_names
from winset.results import Result, RunResult
from winset.scenario.levers import Levers
from winset.scenario.load import bundled_names
from winset.scenario.schema import Scenario
from winset.study import RESULT_TYPES, Comparison, load_result
from winset.web.editor import blank_scenario, field_label
from winset.web.exports import attachment, to_csv, to_json, to_xlsx
from winset.web.jobs import Job
from winset.web.library import scenario_xlsx, scenario_yaml
from winset.web.work import Workbench, levers_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _wb(request: Request) -> Workbench:
    wb: Workbench = request.app.state.wb
    return wb


def _render(
    request: Request,
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("section", "scenarios")
    context.setdefault("scenario_name", None)
    if context["scenario_name"] and "twolevel_tab" not in context:
        try:
            scenario = _wb(request).library.get(context["scenario_name"])
            context["twolevel_tab"] = scenario.ratification is not None
        except InputError:
            context["twolevel_tab"] = False
    return templates.TemplateResponse(
        request, template, context, status_code=status, headers=headers
    )


def _scenario(request: Request, name: str) -> Scenario:
    return _wb(request).library.get(name)


def _report_link(name: str, levers: Levers | None = None) -> str:
    from urllib.parse import urlencode

    query: list[tuple[str, str]] = []
    if levers:
        query += [("set", s) for s in levers.describe()["set"]]
        query += [("remove", r) for r in levers.remove]
    base = f"/s/{name}/report.html"
    return base + ("?" + urlencode(query) if query else "")


# ----------------------------------------------------------------------------- scenarios


@router.get("/")
def home() -> RedirectResponse:
    """The workbench opens on the scenarios."""
    return RedirectResponse("/scenarios", status_code=303)


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request) -> HTMLResponse:
    """Bundled and saved scenarios, upload, new from a template, the latest runs."""
    wb = _wb(request)
    return _render(
        request,
        "scenarios.html",
        entries=wb.library.entries(),
        runs=wb.store.list(10),
        max_mb=f"{wb.settings.max_upload / 1024 / 1024:g}",
    )


@router.post("/scenarios/upload", response_class=HTMLResponse)
async def upload(request: Request, file: UploadFile) -> Response:
    """Read an uploaded scenario with the library's readers; store it or list its problems."""
    wb = _wb(request)
    content = await file.read()
    try:
        name, _ = await run_in_threadpool(
            wb.library.add_upload, content, file.filename or "upload", file.content_type or ""
        )
    except InputError as exc:
        return _render(request, "_upload.html", problems=list(exc.problems))
    target = f"/s/{name}/forecast"
    if request.headers.get("hx-request"):
        return _render(request, "_upload.html", name=name, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/scenarios/new")
def new_scenario(request: Request, template: str = Form("")) -> RedirectResponse:
    """Open the editor on a blank template or a copy of a scenario."""
    wb = _wb(request)
    if template:
        data = wb.library.get(template).model_dump(mode="json", exclude_none=True)
        data["name"] = f"{template}-copy"
    else:
        data = blank_scenario()
    draft = wb.drafts.new(data, template or "the blank template")
    return RedirectResponse(f"/editor/{draft.id}", status_code=303)


@router.get("/s/{name}", response_class=HTMLResponse)
def overview(request: Request, name: str) -> HTMLResponse:
    """A scenario's issues, actors, ratification, notes and sources."""
    scenario = _scenario(request, name)
    return _render(
        request,
        "scenario.html",
        scenario=scenario,
        scenario_name=name,
        tab="overview",
        origin=_wb(request).library.origin(name),
    )


@router.get("/s/{name}/scenario.yaml")
def download_yaml(request: Request, name: str) -> Response:
    """The scenario as YAML."""
    text = scenario_yaml(_scenario(request, name))
    return Response(text, media_type="application/yaml", headers=attachment(f"{name}.yaml"))


@router.get("/s/{name}/scenario.xlsx")
def download_xlsx(request: Request, name: str) -> Response:
    """The scenario as an XLSX workbook."""
    data = scenario_xlsx(_scenario(request, name))
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media, headers=attachment(f"{name}.xlsx"))


@router.get("/s/{name}/report.html")
def report(
    request: Request,
    name: str,
    seed: str = "",
    interactive: bool = False,
    set_: list[str] = Query([], alias="set"),
    remove: list[str] = Query([]),
) -> Response:
    """The self-contained HTML report (with what-if levers, if given), as a download."""
    wb = _wb(request)
    the_study = wb.study(name, levers=levers_of(set_, remove))
    text = wb.report(the_study, seed or None, interactive)
    return Response(text, media_type="text/html", headers=attachment(f"{name}-report.html"))


# ----------------------------------------------------------------------------- forecast


@router.get("/s/{name}/forecast", response_class=HTMLResponse)
def forecast_page(request: Request, name: str) -> HTMLResponse:
    """Every model side by side, the actors on each issue, the rounds, Monte Carlo."""
    wb = _wb(request)
    scenario = _scenario(request, name)
    runs: list[tuple[str, RunResult | None]] = []
    failures = []
    for m in model_names():
        try:
            runs.append((m, wb.forecast(wb.study(name, m), seed=1).result))
        except InputError as exc:
            runs.append((m, None))
            failures.append((m, "; ".join(str(p) for p in exc.problems)))
    by_issue = {
        i.name: {m: r.forecast[i.name] for m, r in runs if r is not None} for i in scenario.issues
    }
    return _render(
        request,
        "forecast.html",
        scenario=scenario,
        scenario_name=name,
        tab="forecast",
        runs=runs,
        failures=failures,
        infos=[get_model(m).info for m, r in runs if r is not None],
        forecasts_by_issue=by_issue,
        run_ids=[r.run_id for _, r in runs if r is not None],
        has_outcome=any(i.outcome is not None for i in scenario.issues),
        models=model_names(),
        max_draws=wb.settings.max_draws,
    )


@router.post("/s/{name}/draws", response_class=HTMLResponse)
def start_draws(
    request: Request,
    name: str,
    model: str = Form("compromise"),
    draws: str = Form("10000"),
    seed: str = Form(""),
    distribution: str = Form("uniform"),
) -> HTMLResponse:
    """Start Monte Carlo draws in the background; the answer polls the job."""
    wb = _wb(request)
    job = wb.draws_job(wb.study(name, model), wb.draw_settings(draws, seed, distribution))
    job.context["page"] = name
    return _job_view(request, job)


# ----------------------------------------------------------------------------- jobs


def _job_view(request: Request, job: Job) -> HTMLResponse:
    wb = _wb(request)
    scenario = None
    page = job.context.get("page")
    if job.status == "done" and page:
        try:
            scenario = wb.library.get(page)
        except InputError:
            scenario = None
    report = _report_link(page) if page else None
    return _render(request, "_job.html", job=job, scenario=scenario, report=report)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job_id: str) -> HTMLResponse:
    """A job's progress, or its result once it is done."""
    job = _wb(request).jobs.get(job_id)
    if job is None:
        raise InputError(Problem("", "job", "no such job (the server may have restarted)"))
    return _job_view(request, job)


@router.post("/jobs/{job_id}/cancel", response_class=HTMLResponse)
def job_cancel(request: Request, job_id: str) -> HTMLResponse:
    """Stop a job at its next progress report."""
    job = _wb(request).jobs.cancel(job_id)
    if job is None:
        raise InputError(Problem("", "job", "no such job"))
    _wb(request).jobs.wait(job, 2.0)
    return _job_view(request, job)


# ----------------------------------------------------------------------------- what if


def _whatif_levers(scenario: Scenario, form: Any) -> Levers:
    """The sliders that moved (against the scenario's values) and the actors removed."""
    values: list[tuple[str, str, str | None, float]] = []
    issues = scenario.issues
    for key, raw in form.multi_items():
        if not key.startswith("v|"):
            continue
        try:
            _, a, field, k = key.split("|")
            actor = scenario.actors[int(a)]
            value = float(raw)
        except (ValueError, IndexError):
            raise InputError(Problem("", key, f"{raw!r} is not a number")) from None
        if field == "capability":
            if value != actor.capability.value:
                values.append((actor.name, "capability", None, value))
            continue
        if field not in ("position", "salience"):
            continue
        issue = issues[int(k)].name
        current = getattr(actor, field).get(issue)
        if current is not None and value != current.value:
            values.append((actor.name, field, issue, value))
    removed = []
    for raw in form.getlist("remove"):
        try:
            removed.append(scenario.actors[int(raw)].name)
        except (ValueError, IndexError):
            raise InputError(Problem("", "remove", f"no actor number {raw!r}")) from None
    values = [v for v in values if v[0] not in removed]
    return Levers(values=tuple(values), remove=tuple(removed))


@router.get("/s/{name}/whatif", response_class=HTMLResponse)
def whatif_page(request: Request, name: str, model: str = "compromise") -> HTMLResponse:
    """Sliders for every actor's values, the baseline beside the counterfactual."""
    wb = _wb(request)
    scenario = _scenario(request, name)
    start = time.perf_counter()
    done = wb.forecast(wb.study(name, model), seed=1)
    cap_max = max(100.0, *(a.capability.high for a in scenario.actors))
    return _render(
        request,
        "whatif.html",
        scenario=scenario,
        scenario_name=name,
        tab="whatif",
        model=model,
        models=model_names(),
        cap_max=cap_max,
        result=done.result,
        cached=done.cached,
        ms=1000 * (time.perf_counter() - start),
        report=_report_link(name),
    )


@router.post("/s/{name}/whatif", response_class=HTMLResponse)
async def whatif_compute(request: Request, name: str) -> HTMLResponse:
    """The baseline and the counterfactual of the levers the sliders set.

    The numbers come at once; the pictures follow in a second request (``whatif/charts``),
    which finds both runs in the store.
    """
    from urllib.parse import urlencode

    wb = _wb(request)
    form = await request.form()
    scenario = _scenario(request, name)
    model = str(form.get("model") or "compromise")

    def compute() -> tuple[Any, Levers, float]:
        start = time.perf_counter()
        levers = _whatif_levers(scenario, form)
        done = wb.forecast(wb.study(name, model, levers=levers), seed=1)
        return done, levers, 1000 * (time.perf_counter() - start)

    try:
        done, levers, ms = await run_in_threadpool(compute)
    except InputError as exc:
        return _render(request, "_whatif_result.html", problems=list(exc.problems))
    query = [("model", model)] + [("set", s) for s in levers.describe()["set"]]
    query += [("remove", r) for r in levers.remove]
    return _render(
        request,
        "_whatif_result.html",
        result=done.result,
        cached=done.cached,
        ms=ms,
        scenario=scenario,
        charts_url=f"/s/{name}/whatif/charts?" + urlencode(query),
        report=_report_link(name, levers),
        headers={"server-timing": f"compute;dur={ms:.1f}"},
    )


@router.get("/s/{name}/whatif/charts", response_class=HTMLResponse)
def whatif_charts(
    request: Request,
    name: str,
    model: str = "compromise",
    set_: list[str] = Query([], alias="set"),
    remove: list[str] = Query([]),
) -> HTMLResponse:
    """The actors on each issue with the baseline and the what-if forecasts marked."""
    wb = _wb(request)
    scenario = _scenario(request, name)
    the_study = wb.study(name, model, levers=levers_of(set_, remove))
    done = wb.forecast(the_study, seed=1)
    return _render(
        request,
        "_whatif_charts.html",
        result=done.result,
        scenario=scenario,
        counterfactual=the_study.prepared().scenario,  # the levers applied once, by the study
    )


# ----------------------------------------------------------------------------- two-level


def _voters(scenario: Scenario) -> list[str]:
    names: list[str] = []
    if scenario.ratification is not None:
        for side in scenario.ratification.sides:
            for path in side.paths:
                for body in path.bodies:
                    if body.kind == "veto":
                        names.append(body.name)
                    names += [b.name for b in body.blocs]
    names += [a.name for a in scenario.actors]
    return list(dict.fromkeys(names))


def _twolevel_levers(form: Any) -> Levers:
    sets = [line.strip() for line in str(form.get("set") or "").splitlines() if line.strip()]
    who, field = str(form.get("set_name") or ""), str(form.get("set_field") or "position")
    issue, value = str(form.get("set_issue") or ""), str(form.get("set_value") or "").strip()
    if who and value:
        sets.append(f"{who}.{field}.{issue}={value}")
    path = str(form.get("path") or "")
    return levers_of(
        sets,
        [str(r) for r in form.getlist("remove")],
        [path] if path else [],
        [str(d) for d in form.getlist("drop_red_line")],
    )


@router.get("/s/{name}/twolevel", response_class=HTMLResponse)
def twolevel_page(request: Request, name: str) -> HTMLResponse:
    """The paths table, the agreement sets, the levers, draws and the strategy search."""
    wb = _wb(request)
    scenario = _scenario(request, name)
    if scenario.ratification is None:
        raise InputError(
            Problem("", "scenario", f"{name!r} has no ratification section (no Level II)")
        )
    result = wb.twolevel(wb.study(name)).result
    paths = [p.name for s in scenario.ratification.sides for p in s.paths]
    red_lines = [
        line.name or f"red line {k + 1}"
        for s in scenario.ratification.sides
        for k, line in enumerate(s.red_lines)
    ]
    blocked = [p for p in result.paths if p.open and not p.ratifiable]
    default_search = (
        list(blocked[0].paths.values())[-1] if blocked else (paths[-1] if paths else "")
    )
    return _render(
        request,
        "twolevel.html",
        scenario=scenario,
        scenario_name=name,
        tab="twolevel",
        result=result,
        models=model_names(),
        path_names=paths,
        red_lines=red_lines,
        voters=_voters(scenario),
        default_search=default_search,
        max_draws=wb.settings.max_draws,
        report=_report_link(name),
    )


@router.post("/s/{name}/twolevel", response_class=HTMLResponse)
async def twolevel_compute(request: Request, name: str) -> HTMLResponse:
    """The two-level analysis with the levers of the form, beside the baseline."""
    wb = _wb(request)
    form = await request.form()
    scenario = _scenario(request, name)

    def compute() -> tuple[Any, Scenario]:
        levers = _twolevel_levers(form)
        the_study = wb.study(name, str(form.get("model") or "compromise"), levers=levers)
        done = wb.twolevel(the_study, str(form.get("solution") or "nearest"))
        return done, the_study.prepared().scenario  # the levers applied once, by the study

    try:
        done, counterfactual = await run_in_threadpool(compute)
    except InputError as exc:
        return _render(request, "_twolevel_result.html", problems=list(exc.problems))
    return _render(
        request,
        "_twolevel_result.html",
        result=done.result,
        scenario=scenario,
        counterfactual=counterfactual,
        report=_report_link(name),
    )


@router.post("/s/{name}/twolevel/draws", response_class=HTMLResponse)
async def twolevel_draws(request: Request, name: str) -> HTMLResponse:
    """P(ratify) per path over draws, in the background (with the levers of the form)."""
    wb = _wb(request)
    form = await request.form()

    def submit() -> Job:
        levers = _twolevel_levers(form)
        the_study = wb.study(name, str(form.get("model") or "compromise"), levers=levers)
        settings = wb.draw_settings(form.get("draws"), form.get("seed"), "uniform")
        return wb.twolevel_draws_job(the_study, settings, str(form.get("solution") or "nearest"))

    job = await run_in_threadpool(submit)
    return _job_view(request, job)


@router.post("/s/{name}/twolevel/search", response_class=HTMLResponse)
def twolevel_search(
    request: Request,
    name: str,
    search: str = Form(...),
    search_by: str = Form("position"),
) -> HTMLResponse:
    """What it would have taken for a path to ratify an agreement (a background job)."""
    wb = _wb(request)
    job = wb.search_job(wb.study(name), search, search_by)
    wb.jobs.wait(job, 3.0)  # most searches take a second or two: answer with the result
    return _job_view(request, job)


# ----------------------------------------------------------------------------- sensitivity


@router.get("/s/{name}/sensitivity", response_class=HTMLResponse)
def sensitivity_page(request: Request, name: str) -> HTMLResponse:
    """The form for the tornado and the Sobol indices."""
    scenario = _scenario(request, name)
    return _render(
        request,
        "sensitivity.html",
        scenario=scenario,
        scenario_name=name,
        tab="sensitivity",
        models=model_names(),
    )


@router.post("/s/{name}/sensitivity", response_class=HTMLResponse)
def sensitivity_start(
    request: Request,
    name: str,
    model: str = Form("compromise"),
    samples: str = Form("512"),
    sobol: str = Form(""),
    seed: str = Form(""),
) -> HTMLResponse:
    """Start the sensitivity analysis in the background; the answer polls it."""
    wb = _wb(request)
    job = wb.sensitivity_job(wb.study(name, model), samples, bool(sobol), seed or None)
    job.context["page"] = name
    return _job_view(request, job)


# ----------------------------------------------------------------------------- runs


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, kind: str = "", limit: int = 50) -> HTMLResponse:
    """The store's history, newest first, with the jobs of the workbench."""
    wb = _wb(request)
    limit = min(max(limit, 1), 5000)
    return _render(
        request,
        "runs.html",
        section="runs",
        runs=wb.store.list(limit, kind or None),
        kinds=sorted(k for k in RESULT_TYPES if k != "montecarlo"),
        kind=kind,
        limit=limit,
        jobs=wb.jobs.recorded(30),
        store_path=str(wb.store.path),
    )


def _stored(request: Request, run_id: str) -> Any:
    stored = _wb(request).store.get(run_id)
    if stored is None:
        raise InputError(Problem("", "run", f"no run {run_id[:16]!r} in the store"))
    return stored


def _scenario_of(request: Request, result: Result) -> Scenario | None:
    try:
        return _wb(request).library.get(result.provenance.scenario)
    except InputError:
        return None


@router.get("/runs/compare", response_class=HTMLResponse)
def compare(request: Request, id: list[str] = Query([])) -> HTMLResponse:
    """Two stored results side by side (and their differences, when they are comparable)."""
    if len(id) != 2:
        raise InputError(Problem("", "id", f"tick exactly two runs to compare ({len(id)} given)"))
    a, b = _stored(request, id[0]), _stored(request, id[1])
    ra, rb = load_result(a), load_result(b)
    differences = first = second = None
    if (
        isinstance(ra, RunResult)
        and isinstance(rb, RunResult)
        and set(ra.forecast) == set(rb.forecast)
    ):
        differences = Comparison(ra.provenance, ra, rb, "").differences["forecast"]
        first, second = ra.forecast, rb.forecast
    return _render(
        request,
        "compare.html",
        section="runs",
        a=a,
        b=b,
        ra=ra,
        rb=rb,
        differences=differences,
        first_values=first,
        second_values=second,
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> HTMLResponse:
    """Any stored result, re-opened."""
    stored = _stored(request, run_id)
    result = load_result(stored)
    scenario = _scenario_of(request, result)
    report = _report_link(scenario.name) if scenario is not None else None
    return _render(
        request,
        "run.html",
        section="runs",
        stored=stored,
        result=result,
        scenario=scenario,
        report=report,
    )


def _export(results: list[Result], ext: str, name: str, labels: list[str]) -> Response:
    if ext == "json":
        return Response(
            to_json(results), media_type="application/json", headers=attachment(f"{name}.json")
        )
    if ext == "csv":
        return Response(to_csv(results), media_type="text/csv", headers=attachment(f"{name}.csv"))
    if ext == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(
            to_xlsx(results, labels), media_type=media, headers=attachment(f"{name}.xlsx")
        )
    raise InputError(Problem("", "format", f"{ext!r}: choose json, csv or xlsx"))


@router.get("/runs/{run_id}/export.{ext}")
def export_run(request: Request, run_id: str, ext: str) -> Response:
    """One stored result as JSON (its document), CSV or XLSX (its table)."""
    stored = _stored(request, run_id)
    return _export([load_result(stored)], ext, f"{stored.kind}-{stored.short_id}", [stored.kind])


@router.get("/export.{ext}")
def export_many(
    request: Request, ext: str, id: list[str] = Query([]), name: str = "results"
) -> Response:
    """Several stored results at once (one sheet each in XLSX)."""
    if not id or len(id) > 50:
        raise InputError(Problem("", "id", "give from 1 to 50 run ids"))
    stored = [_stored(request, i) for i in id]
    labels = [f"{s.kind} {s.model or ''}".strip() for s in stored]
    return _export([load_result(s) for s in stored], ext, name, labels)


# ----------------------------------------------------------------------------- the editor


def _draft(request: Request, draft_id: str) -> Any:
    draft = _wb(request).drafts.get(draft_id)
    if draft is None:
        raise InputError(
            Problem(
                "", "draft", "this draft is gone (the server restarted); open the scenario again"
            )
        )
    return draft


def _editor_context(draft: Any) -> dict[str, Any]:
    return {"draft": draft, "label": lambda f: field_label(f, draft.data)}


@router.get("/s/{name}/edit")
def edit(request: Request, name: str) -> RedirectResponse:
    """Open the editor on a copy of the scenario."""
    wb = _wb(request)
    data = wb.library.get(name).model_dump(mode="json", exclude_none=True)
    draft = wb.drafts.new(data, name)
    return RedirectResponse(f"/editor/{draft.id}", status_code=303)


@router.get("/editor/{draft_id}", response_class=HTMLResponse)
def editor_page(request: Request, draft_id: str) -> HTMLResponse:
    """The grid of actors x issues, the issues, the problems, save and undo."""
    draft = _draft(request, draft_id)
    origin = draft.origin if draft.origin in bundled_names() else ""
    name = str(draft.data.get("name") or "scenario")
    save_name = name if not origin or name != origin else f"{name}-copy"
    scenario_name = draft.origin if _wb(request).library.exists(draft.origin) else None
    return _render(
        request,
        "editor.html",
        scenario_name=scenario_name,
        tab="edit",
        save_name=save_name,
        **_editor_context(draft),
    )


@router.post("/editor/{draft_id}/cell", response_class=HTMLResponse)
def editor_cell(
    request: Request,
    draft_id: str,
    path: str = Form(...),
    part: str = Form("value"),
    v: str = Form(""),
) -> HTMLResponse:
    """Change one field; answer the problems, and every error beside its field (out of band)."""
    draft = _draft(request, draft_id)
    with draft.lock:
        before = {draft.cell_of(p.field) for p in draft.problems}
        draft.set_cell(path, part, v)
        draft.check()
        errs = draft.problem_map()
        keys = sorted(before | set(errs))
        context = _editor_context(draft)
    if path.startswith("issues[") and path.endswith(".name"):
        # an issue's name names columns of the grid: draw the whole editor again
        return _render(
            request,
            "_editor_body.html",
            headers={"HX-Retarget": "#editor-body", "HX-Reswap": "innerHTML"},
            **context,
        )
    return _render(request, "_editor_problems.html", oob_keys=keys, oob_errs=errs, **context)


@router.post("/editor/{draft_id}/op", response_class=HTMLResponse)
def editor_op(
    request: Request, draft_id: str, op: str = Form(...), index: int = Form(-1)
) -> HTMLResponse:
    """Add or remove an actor or an issue."""
    draft = _draft(request, draft_id)
    with draft.lock:
        if op == "add_actor":
            draft.add_actor()
        elif op == "remove_actor":
            draft.remove_actor(index)
        elif op == "add_issue":
            draft.add_issue()
        elif op == "remove_issue":
            draft.remove_issue(index)
        else:
            raise InputError(Problem("", "op", f"unknown editor operation {op!r}"))
        draft.check()
    return _render(request, "_editor_body.html", **_editor_context(draft))


@router.post("/editor/{draft_id}/undo", response_class=HTMLResponse)
def editor_undo(request: Request, draft_id: str) -> HTMLResponse:
    """Go back one change."""
    draft = _draft(request, draft_id)
    with draft.lock:
        draft.undo()
        draft.check()
    return _render(request, "_editor_body.html", **_editor_context(draft))


@router.get("/editor/{draft_id}/draft.yaml")
def editor_yaml(request: Request, draft_id: str) -> Response:
    """The draft as YAML, as it stands (valid or not)."""
    import yaml

    draft = _draft(request, draft_id)
    text = yaml.safe_dump(draft.data, sort_keys=False, allow_unicode=True)
    name = str(draft.data.get("name") or "draft")
    return Response(text, media_type="application/yaml", headers=attachment(f"{name}.yaml"))


@router.post("/editor/{draft_id}/save", response_class=HTMLResponse)
def editor_save(request: Request, draft_id: str, name: str = Form(...)) -> Response:
    """Save the draft under a name when the library accepts it."""
    wb = _wb(request)
    draft = _draft(request, draft_id)
    with draft.lock:
        scenario = draft.check()
        problems = list(draft.problems)
    if scenario is None:
        return HTMLResponse(
            f'<span class="bad">{len(problems)} problem(s) to fix first (see the list)</span>'
        )
    saved = wb.library.save(scenario, name)
    target = f"/s/{saved}/forecast"
    return HTMLResponse(
        f'<span class="ok">saved as {saved}</span>', headers={"HX-Redirect": target}
    )
