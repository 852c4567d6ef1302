"""Terminal views of every result kind (rich tables), shared by the commands and ``show``."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from winset.analysis.sensitivity import SensitivityResult
from winset.backtest.evaluate import BacktestResult
from winset.numbers import fmt, fmt_range
from winset.results import Result, RunResult
from winset.study import Comparison
from winset.twolevel.analyse import TwoLevelResult
from winset.twolevel.draws import TwoLevelDraws
from winset.twolevel.search import Strategy

__all__ = ["render", "safe"]


def safe(text: object) -> str:
    """User text for the terminal: markup escaped, control characters shown as escapes."""
    out = "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
    )
    return escape(out)


def point(values: dict[str, float] | None) -> str:
    """``troops 5,000, immunity 30``."""
    if values is None:
        return "—"
    return ", ".join(f"{safe(k)} {fmt(v)}" for k, v in values.items())


def signed(value: float) -> str:
    """A difference with its sign: ``+1,234``, ``-0.5``, ``0``."""
    return ("+" if value > 0 else "") + fmt(value)


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
    table = Table(title=title)
    table.add_column("issue")
    table.add_column("forecast", justify="right")
    table.add_column("unit")
    if result.distribution:
        for col in ("mean", "p10", "p50", "p90"):
            table.add_column(col, justify="right")
    for issue, value in result.forecast.items():
        row = [safe(issue), fmt(value), safe(result.units.get(issue, ""))]
        if result.distribution and issue in result.distribution:
            d = result.distribution[issue]
            row += [fmt(d.mean), fmt(d.p10), fmt(d.p50), fmt(d.p90)]
        table.add_row(*row)
    console.print(table)
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
        rt = Table(title="Rounds (median / weighted mean)")
        rt.add_column("round", justify="right")
        for issue in result.issues:
            rt.add_column(f"{safe(issue)} median", justify="right")
            rt.add_column(f"{safe(issue)} mean", justify="right")
        for r in result.rounds:
            cells = [str(r.round)]
            for issue in result.issues:
                cells += [fmt(r.issues[issue].median), fmt(r.issues[issue].mean)]
            rt.add_row(*cells)
        console.print(rt)


def _paths_table(title: str, result: TwoLevelResult) -> Table:
    table = Table(title=title)
    for col in ("path", "open", "ratifiable", "agreement", "P(ratify)", "red lines"):
        table.add_column(col)
    for p in result.paths:
        table.add_row(
            safe(p.name),
            "yes" if p.open else "no",
            "yes" if p.ratifiable else "no",
            point(p.agreement),
            f"{p.p_ratify:.3f}",
            safe("; ".join(p.red_lines)) or "—",
        )
    return table


def render_twolevel(console: Console, result: TwoLevelResult, title: str | None = None) -> None:
    """Every path combination, the outcome and the pivotal blocs."""
    console.print(_paths_table(title or safe(result.scenario), result))
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
        table = Table()
        for col in ("bloc", "seats", "from", "to", "distance"):
            table.add_column(col)
        for m in strategy.moves:
            table.add_row(
                safe(m.bloc), str(m.seats), point(m.start), point(m.end), f"{m.distance:.3f}"
            )
        console.print(table)
    if strategy.supporters:
        console.print("its supporters: " + ", ".join(safe(s) for s in strategy.supporters))
    if strategy.open_paths:
        console.print("or, with nobody moving: open " + " or ".join(map(safe, strategy.open_paths)))


def render_twolevel_draws(console: Console, drawn: TwoLevelDraws) -> None:
    """P(agreement) over the draws, per path combination, and the outcome's spread."""
    table = Table(
        title=f"{drawn.draws:,} draws ({drawn.distribution}, seed {drawn.seed}): "
        f"P(agreement) {drawn.p_agreement:.3f}"
    )
    for col in ("path", "P(ratifiable)", "P(the deal goes through it)"):
        table.add_column(col)
    for name, p in drawn.p_ratifiable.items():
        table.add_row(safe(name), f"{p:.3f}", f"{drawn.p_chosen[name]:.3f}")
    console.print(table)
    spread = "; ".join(
        f"{safe(k)}: mean {fmt(v['mean'])}, p10 {fmt(v['p10'])}, p90 {fmt(v['p90'])}"
        for k, v in drawn.outcome.items()
    )
    console.print(f"outcome over the draws: {spread}")


def render_sensitivity(console: Console, result: SensitivityResult, top: int = 10) -> None:
    """The top drivers of each issue's forecast, and the Sobol indices."""
    for issue, forecast in result.forecast.items():
        table = Table(
            title=f"{safe(result.scenario)}: {result.model}, top drivers of {safe(issue)} "
            f"(forecast {fmt(forecast)})"
        )
        for col in ("actor", "input", "value", "moved to", "forecast", "swing", "elasticity"):
            table.add_column(col, justify="left" if col in ("actor", "input") else "right")
        for d in result.top(issue, top):
            table.add_row(
                safe(d.actor),
                d.input,
                fmt(d.value),
                fmt_range(d.low, d.high),
                fmt_range(d.forecast_low, d.forecast_high),
                fmt(d.swing),
                f"{d.elasticity:.3f}",
            )
        console.print(table)
        indices = [s for s in result.sobol if s.issue == issue][:top]
        if indices:
            st = Table(
                title=f"Sobol indices for {safe(issue)} ({result.sobol_samples} base samples)"
            )
            for col in ("uncertain value", "first order", "total"):
                st.add_column(col, justify="left" if col == "uncertain value" else "right")
            for s in indices:
                st.add_row(
                    safe(s.name), f"{s.s1:.3f} ± {s.s1_conf:.3f}", f"{s.st:.3f} ± {s.st_conf:.3f}"
                )
            console.print(st)
    for note in result.notes:
        console.print(f"[dim]{safe(note)}[/dim]")


def render_backtest(console: Console, result: BacktestResult) -> None:
    """Every model's errors with intervals, best first."""
    table = Table(
        title=f"{safe(result.source)}: {result.n_issues} issues, {result.n_proposals} proposals "
        f"(95% intervals: {result.bootstrap:,} resamples of proposals, seed {result.seed})"
    )
    for col in ("model", "MAE", "RMSE", "MdAE", "scored"):
        table.add_column(col)
    for name in sorted(result.models, key=lambda k: (result.models[k].mae, k)):
        m = result.models[name]
        table.add_row(
            name,
            f"{m.mae:.2f} [{m.ci['mae'][0]:.1f}, {m.ci['mae'][1]:.1f}]",
            f"{m.rmse:.2f} [{m.ci['rmse'][0]:.1f}, {m.ci['rmse'][1]:.1f}]",
            f"{m.mdae:.2f} [{m.ci['mdae'][0]:.1f}, {m.ci['mdae'][1]:.1f}]",
            safe(m.how),
            style="bold" if name == result.best else None,
        )
    console.print(table)
    console.print(
        f"best: [bold]{result.best}[/bold]; best linear combination of every fixed forecast, "
        f"fitted in sample on these outcomes: MAE {result.bound:.2f}"
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
    if isinstance(base, TwoLevelResult) and isinstance(other, TwoLevelResult):
        render_twolevel(console, base, f"{safe(base.scenario)}: baseline")
        console.print()
        render_twolevel(console, other, f"{safe(base.scenario)}: what if {title}")
        console.print(
            "difference: "
            + ", ".join(f"{safe(k)} {signed(v)}" for k, v in diff["outcome"].items())
            + f"; P(ratify) {diff['p_ratify']:+.3f}"
        )
        return
    if isinstance(base, RunResult) and isinstance(other, RunResult):
        table = Table(title=f"{safe(base.scenario)}: {base.provenance.model}, what if {title}")
        for col in ("issue", "baseline", "what-if", "difference", "unit"):
            table.add_column(col, justify="left" if col in ("issue", "unit") else "right")
        for issue, value in base.forecast.items():
            change = other.forecast[issue] - value
            table.add_row(
                safe(issue),
                fmt(value),
                fmt(other.forecast[issue]),
                signed(change),
                safe(base.units.get(issue, "")),
            )
        console.print(table)
        if "mean" in diff:
            shifts = ", ".join(f"{safe(k)} {signed(v)}" for k, v in diff["mean"].items())
            console.print(f"mean over the draws moves by: {shifts}")


def render(console: Console, result: Result, cached: bool = False, **options: Any) -> None:
    """Print any result the way its command prints it, with the provenance footer."""
    if isinstance(result, Comparison):
        render_comparison(console, result)
    elif isinstance(result, RunResult):
        render_run(console, result)
    elif isinstance(result, TwoLevelResult):
        render_twolevel(console, result)
    elif isinstance(result, Strategy):
        render_search(console, result)
    elif isinstance(result, TwoLevelDraws):
        render_twolevel_draws(console, result)
    elif isinstance(result, SensitivityResult):
        render_sensitivity(console, result, **options)
    elif isinstance(result, BacktestResult):
        render_backtest(console, result)
    _footer(console, result, cached)
