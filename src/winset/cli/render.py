"""Terminal views of every result kind (rich tables), shared by the commands and ``show``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from winset.cli.common import printable
from winset.numbers import fmt, fmt_range, fmt_signed
from winset.results import Result, RunResult

if TYPE_CHECKING:  # the result types are used for annotations only: a command loads its own
    from winset.analysis.sensitivity import SensitivityResult
    from winset.backtest.evaluate import BacktestResult
    from winset.study import Comparison
    from winset.twolevel.analyse import TwoLevelResult
    from winset.twolevel.draws import TwoLevelDraws
    from winset.twolevel.search import Strategy

__all__ = ["fit_table", "render", "safe"]


def safe(text: object) -> str:
    """User text in a table: markup escaped, control characters (tabs too) as escapes."""
    return escape(printable(text, keep=" "))


def point(values: dict[str, float] | None) -> str:
    """``troops 5,000, immunity 30``."""
    if values is None:
        return "—"
    return ", ".join(f"{safe(k)} {fmt(v)}" for k, v in values.items())


def fit_table(
    console: Console,
    title: str | None,
    headers: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    keep: set[int] | None = None,
) -> None:
    """Print a table that fits the terminal, or the rows one by one when it cannot.

    Numbers (columns in ``numeric``, right-aligned) and identifiers (columns in ``keep``) are
    never cut or wrapped; text columns wrap between words. When even so the table is wider than
    the terminal, each row is printed as ``column: value`` lines instead. The title is a line of
    its own, so it never wraps to the table's width.

    Parameters
    ----------
    console
        Where to print.
    title
        A bold line above the table (markup allowed; escape user text with :func:`safe`).
    headers
        Column names.
    rows
        Cells, already escaped with :func:`safe`.
    numeric, keep
        Indices of the columns of numbers and of identifiers.
    """
    numeric = numeric or set()
    keep = keep or set()
    if title:
        console.print(title, style="bold", highlight=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    need = 3 * (len(headers) - 1)  # a space, the (blank) rule and a space between columns
    for k, name in enumerate(headers):
        whole = k in numeric or k in keep
        cells = [Text.from_markup(r[k]).plain for r in rows]
        longest = max((len(c) for c in cells), default=0)
        # a text column may wrap between words, never inside one
        word = max((len(w) for c in cells for w in c.split()), default=0)
        table.add_column(
            name,
            justify="right" if k in numeric else "left",
            no_wrap=whole,
            overflow="fold",
            min_width=max(longest if whole else word, 1),
        )
        need += max(longest if whole else word, len(name) if whole else 1, 1)
    for row in rows:
        table.add_row(*row)
    if need <= console.width:
        console.print(table, highlight=False)
        return
    width = max(len(h) for h in headers)
    for row in rows:
        for name, cell in zip(headers, row, strict=True):
            console.print(f"[dim]{escape(name):>{width}}[/dim]  {cell}", highlight=False)
        console.print()


def _footer(console: Console, result: Result, cached: bool) -> None:
    prov = result.provenance
    params = ", ".join(f"{k}={v}" for k, v in prov.parameters.items()) or "none"
    origin = "from the run store" if cached else "computed"
    console.print(
        f"[dim]run {result.run_id[:12]} ({origin}); parameters: {safe(params)}; "
        f"seed: {prov.seed}; input {prov.input_hash[:12]}; winset {prov.package_version}[/dim]"
    )


def render_run(console: Console, result: RunResult, title: str | None = None) -> None:
    """A forecast: per issue the value (and the draws' summary), then the rounds, if any."""
    prov = result.provenance
    if title is None:
        title = f"{safe(result.scenario)}: {prov.model}"
        if prov.variant != "default":
            title += f" ({prov.variant})"
    headers = ["issue", "forecast", "unit"]
    if result.distribution:
        headers += ["mean", "p10", "p50", "p90"]
    rows = []
    for issue, value in result.forecast.items():
        row = [safe(issue), fmt(value), safe(result.units.get(issue, ""))]
        if result.distribution and issue in result.distribution:
            d = result.distribution[issue]
            row += [fmt(d.mean), fmt(d.p10), fmt(d.p50), fmt(d.p90)]
        elif result.distribution:
            row += ["—"] * 4
        rows.append(row)
    fit_table(console, title, headers, rows, numeric={1, 3, 4, 5, 6})
    mc = result.extras.get("montecarlo")
    if mc:
        stream = mc.get("random_stream", 1)
        console.print(
            f"{mc['draws']:,} draws ({mc['distribution']}, seed {prov.seed}, random stream "
            f"{stream}) of {mc['uncertain_values']} uncertain input values"
        )
        if not mc["uncertain_values"]:
            console.print(
                "[yellow]the scenario gives no uncertainty ranges, so every draw is the same; "
                "add ranges to the values you are unsure of[/yellow]"
            )
    if result.rounds:
        headers = ["round"]
        for issue in result.issues:
            headers += [f"{safe(issue)} median", f"{safe(issue)} mean"]
        rows = []
        for r in result.rounds:
            cells = [str(r.round)]
            for issue in result.issues:
                cells += [fmt(r.issues[issue].median), fmt(r.issues[issue].mean)]
            rows.append(cells)
        fit_table(
            console,
            "Rounds (median / weighted mean)",
            headers,
            rows,
            numeric=set(range(len(headers))),
        )


def _paths_rows(result: TwoLevelResult) -> list[list[str]]:
    return [
        [
            safe(p.name),
            "yes" if p.open else "no",
            "yes" if p.ratifiable else "no",
            point(p.agreement),
            f"{p.p_ratify:.3f}",
            safe("; ".join(p.red_lines)) or "—",
        ]
        for p in result.paths
    ]


_PATH_HEADERS = ["path", "open", "ratifiable", "agreement", "P(ratify)", "red lines"]


def render_twolevel(console: Console, result: TwoLevelResult, title: str | None = None) -> None:
    """Every path combination, the outcome and the pivotal blocs."""
    fit_table(
        console, title or safe(result.scenario), _PATH_HEADERS, _paths_rows(result), numeric={4}
    )
    if result.agreement and result.path is not None:
        console.print(
            f"outcome: agreement through [bold]{safe(result.path)}[/bold]: "
            f"{point(result.outcome)} (P(ratify) {result.p_ratify:.3f})"
        )
        chosen = result.path_result(result.path)
        if chosen.pivotal:
            pivots = ", ".join(f"{safe(p['bloc'])} ({p['swing']:.2f})" for p in chosen.pivotal[:5])
            console.print(f"pivotal (swing in P(ratify)): {pivots}")
    else:
        console.print(
            f"outcome: [bold]no agreement[/bold]; the reversion point holds: "
            f"{point(result.outcome)}"
        )
    console.print(f"Level I ({result.provenance.model}): {point(result.level1)}", style="dim")


def render_search(console: Console, strategy: Strategy) -> None:
    """What it would have taken for a path: the moves, the agreement, the supporters."""
    console.print(
        f"[bold]What would it have taken for {safe(strategy.path)}?[/bold] {safe(strategy.note)}"
    )
    if strategy.agreement is not None:
        console.print(f"cheapest agreement: {point(strategy.agreement)}")
    if strategy.moves:
        rows = [
            [safe(m.bloc), str(m.seats), point(m.start), point(m.end), fmt(m.distance, 3)]
            for m in strategy.moves
        ]
        fit_table(console, None, ["bloc", "seats", "from", "to", "distance"], rows, numeric={1, 4})
    if strategy.supporters:
        console.print("its supporters: " + ", ".join(safe(s) for s in strategy.supporters))
    if strategy.open_paths:
        console.print("or, with nobody moving: open " + " or ".join(map(safe, strategy.open_paths)))


def render_twolevel_draws(console: Console, drawn: TwoLevelDraws) -> None:
    """P(agreement) over the draws, per path combination, and the outcome's spread."""
    title = (
        f"{drawn.draws:,} draws ({drawn.distribution}, seed {drawn.seed}): "
        f"P(agreement) {drawn.p_agreement:.3f}"
    )
    rows = [
        [safe(name), f"{p:.3f}", f"{drawn.p_chosen[name]:.3f}"]
        for name, p in drawn.p_ratifiable.items()
    ]
    fit_table(
        console, title, ["path", "P(ratifiable)", "P(the deal goes through it)"], rows, {1, 2}
    )
    spread = "; ".join(
        f"{safe(k)}: mean {fmt(v['mean'])}, p10 {fmt(v['p10'])}, p90 {fmt(v['p90'])}"
        for k, v in drawn.outcome.items()
    )
    console.print(f"outcome over the draws: {spread}")


def render_sensitivity(console: Console, result: SensitivityResult, top: int = 10) -> None:
    """The top drivers of each issue's forecast, and the Sobol indices."""
    for issue, forecast in result.forecast.items():
        title = (
            f"{safe(result.scenario)}: {result.model}, top drivers of {safe(issue)} "
            f"(forecast {fmt(forecast)})"
        )
        rows = [
            [
                safe(d.actor),
                safe(d.input),
                fmt(d.value),
                fmt_range(d.low, d.high),
                fmt_range(d.forecast_low, d.forecast_high),
                fmt(d.swing),
                fmt(d.elasticity, 3),
            ]
            for d in result.top(issue, top)
        ]
        headers = ["actor", "input", "value", "moved to", "forecast", "swing", "elasticity"]
        fit_table(console, title, headers, rows, numeric={2, 3, 4, 5, 6})
        indices = [s for s in result.sobol if s.issue == issue][:top]
        if indices:
            rows = [
                [safe(s.name), f"{s.s1:.3f} ± {s.s1_conf:.3f}", f"{s.st:.3f} ± {s.st_conf:.3f}"]
                for s in indices
            ]
            fit_table(
                console,
                f"Sobol indices for {safe(issue)} ({result.sobol_samples:,} base samples)",
                ["uncertain value", "first order", "total"],
                rows,
                numeric={1, 2},
            )
    for note in result.notes:
        console.print(f"[dim]{safe(note)}[/dim]")


def render_backtest(console: Console, result: BacktestResult) -> None:
    """Every model's errors with intervals, best first."""
    title = (
        f"{safe(result.source)}: {result.n_issues} issues, {result.n_proposals} proposals "
        f"(95% intervals: {result.bootstrap:,} resamples of proposals, seed {result.seed})"
    )
    # errors on 0-100 with two decimals, as the literature quotes them; the intervals of RMSE
    # and MdAE are in the JSON and the report
    how = {"fixed": "fixed", "leave-one-proposal-out": "cv"}
    rows = []
    for name in sorted(result.models, key=lambda k: (result.models[k].mae, k)):
        m = result.models[name]
        mark = "[bold]" if name == result.best else ""
        end = "[/bold]" if mark else ""
        rows.append(
            [
                f"{mark}{safe(name)}{end}",
                f"{m.mae:.2f}",
                f"{m.ci['mae'][0]:.1f}–{m.ci['mae'][1]:.1f}",
                f"{m.rmse:.2f}",
                f"{m.mdae:.2f}",
                safe(how.get(m.how, "fit")),
            ]
        )
    fit_table(
        console,
        title,
        ["model", "MAE", "MAE 95%", "RMSE", "MdAE", "scored"],
        rows,
        numeric={1, 2, 3, 4},
    )
    console.print(
        "[dim]scored: fixed (no parameters), cv (leave-one-proposal-out), fit (on --fit)[/dim]"
    )
    console.print(
        f"best: [bold]{safe(result.best)}[/bold]; best linear combination of every fixed "
        f"forecast, fitted in sample on these outcomes: MAE {result.bound:.2f}"
    )
    for note in result.notes:
        console.print(safe(note), style="dim")
    if result.skipped:
        console.print(
            f"skipped {len(result.skipped)} issue(s) without a recorded outcome: "
            + ", ".join(safe(s) for s in result.skipped),
            style="dim",
        )


def render_comparison(console: Console, comparison: Comparison) -> None:
    """Baseline and what-if side by side, and what changed."""
    base, other = comparison.baseline, comparison.counterfactual
    title = safe(comparison.title)
    diff = comparison.differences
    if base.kind == other.kind == "twolevel":
        twolevel_base, twolevel_other = cast("TwoLevelResult", base), cast("TwoLevelResult", other)
        name = safe(twolevel_base.scenario)
        render_twolevel(console, twolevel_base, f"{name}: baseline")
        console.print()
        render_twolevel(console, twolevel_other, f"{name}: what if {title}")
        console.print(
            "difference: "
            + ", ".join(f"{safe(k)} {fmt_signed(v)}" for k, v in diff["outcome"].items())
            + f"; P(ratify) {diff['p_ratify']:+.3f}"
        )
        return
    if isinstance(base, RunResult) and isinstance(other, RunResult):
        rows = [
            [
                safe(issue),
                fmt(value),
                fmt(other.forecast[issue]),
                fmt_signed(diff["forecast"][issue]),
                safe(base.units.get(issue, "")),
            ]
            for issue, value in base.forecast.items()
        ]
        fit_table(
            console,
            f"{safe(base.scenario)}: {base.provenance.model}, what if {title}",
            ["issue", "baseline", "what-if", "difference", "unit"],
            rows,
            numeric={1, 2, 3},
        )
        if "mean" in diff:
            shifts = ", ".join(f"{safe(k)} {fmt_signed(v)}" for k, v in diff["mean"].items())
            console.print(f"mean over the draws moves by: {shifts}")


def render(console: Console, result: Result, cached: bool = False, **options: Any) -> None:
    """Print any result the way its command prints it, with the provenance footer."""
    kind = result.kind
    if kind == "whatif":
        render_comparison(console, cast("Comparison", result))
    elif isinstance(result, RunResult):
        render_run(console, result)
    elif kind == "twolevel":
        render_twolevel(console, cast("TwoLevelResult", result))
    elif kind == "search":
        render_search(console, cast("Strategy", result))
    elif kind == "twolevel-draws":
        render_twolevel_draws(console, cast("TwoLevelDraws", result))
    elif kind == "sensitivity":
        render_sensitivity(console, cast("SensitivityResult", result), **options)
    elif kind == "backtest":
        render_backtest(console, cast("BacktestResult", result))
    _footer(console, result, cached)
