"""How the workbench's pages and API call the services: the same calls the command line makes.

Nothing here computes a result: it turns a request's inputs into a :class:`winset.study.Study`
and settings, checks them against the workbench's limits, and hands long services to the job
manager with a progress callback. A request's study is prepared once (its levers applied, every
check made), however often its checks, its job and the services ask for the preparation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from winset import study as services
from winset.draws import DrawSettings
from winset.errors import InputError, Problem
from winset.results import Result
from winset.scenario.levers import Levers, parse_set
from winset.store import RunStore
from winset.web.editor import Drafts
from winset.web.jobs import Job, JobManager
from winset.web.library import Library
from winset.web.settings import WebSettings

if TYPE_CHECKING:
    from winset.models.runner import Prepared
    from winset.twolevel.analyse import TwoLevelSettings

__all__ = ["Workbench", "levers_of"]


def levers_of(
    set_: Iterable[str] = (),
    remove: Iterable[str] = (),
    force_paths: Iterable[str] = (),
    drop_red_lines: Iterable[str] = (),
) -> Levers:
    """Counterfactual levers as the command line's ``--set``, ``--remove``, ``--path``, ..."""
    return Levers(
        force_paths=tuple(p for p in force_paths if p),
        values=tuple(parse_set(s) for s in set_ if s),
        remove=tuple(r for r in remove if r),
        drop_red_lines=tuple(d for d in drop_red_lines if d),
    )


class _Study(services.Study):
    """A study that is prepared once, however often it is asked for its preparation.

    The study is frozen, so its preparation (the levers applied, every check made) is the same
    every time: the workbench's checks, the job's title and the services share the first.
    """

    def prepared(self, counterfactual: bool = True) -> Prepared:
        """As :meth:`winset.study.Study.prepared`, made on the first call and kept."""
        done: dict[bool, Prepared] = self.__dict__.setdefault("_prepared", {})
        key = counterfactual and bool(self.levers)
        if key not in done:
            done[key] = super().prepared(key)
        return done[key]


def _one_seed(the_study: services.Study, seed: int | None) -> int | None:
    """A stochastic model's seed, drawn once if not given (None for the other models).

    A what-if's baseline and counterfactual then run from the same seed.
    """
    from winset.seeds import resolve_seed

    return resolve_seed(seed) if the_study.prepared().random else seed


def _whole(value: Any, field: str, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise InputError(Problem("", field, f"{value!r} is not a whole number"))
    try:
        number = float(str(value).replace(",", "").replace("_", ""))
    except ValueError:
        raise InputError(Problem("", field, f"{value!r} is not a whole number")) from None
    if not number.is_integer():
        raise InputError(Problem("", field, f"{value!r} is not a whole number"))
    return int(number)


@dataclass
class Workbench:
    """Everything the routes share: settings, run store, scenarios, jobs and drafts."""

    settings: WebSettings
    store: RunStore
    library: Library
    jobs: JobManager
    drafts: Drafts

    # ------------------------------------------------------------------ inputs

    def study(
        self,
        scenario: str,
        model: str = "compromise",
        *,
        variant: str | None = None,
        params: Mapping[str, Any] | None = None,
        rounds: Any = None,
        levers: Levers | None = None,
    ) -> services.Study:
        """A study of a library scenario (the loaded object, so nothing is read again).

        Checked before any work; its preparation is kept (``the_study.prepared()`` is free).
        """
        the_study = _Study(
            self.library.get(scenario),
            model or "compromise",
            variant=variant or None,
            params=dict(params or {}),
            rounds=_whole(rounds, "rounds"),
            levers=levers or Levers(),
        )
        the_study.prepared()  # every check before any work
        return the_study

    def whole(self, value: Any, field: str, default: int | None = None) -> int | None:
        """A whole number from a form or JSON field (None if empty), else InputError."""
        return _whole(value, field, default)

    def draw_settings(
        self, draws: Any, seed: Any = None, distribution: str = "uniform", chunks: int = 400
    ) -> DrawSettings:
        """Checked draw settings within the workbench's limit (chunked for progress)."""
        n = _whole(draws, "draws")
        if n is None:
            raise InputError(Problem("", "draws", "give the number of draws"))
        if n > self.settings.max_draws:
            raise InputError(
                Problem(
                    "",
                    "draws",
                    f"{n:,} draws; the workbench runs at most {self.settings.max_draws:,} "
                    "(use the command line with --workers for more)",
                )
            )
        settings = DrawSettings(
            n,
            seed=_whole(seed, "seed"),
            distribution=distribution or "uniform",
            chunk_size=max(1024, -(-n // chunks)),
        )
        # the rest: at least one draw (its message quoting the workbench's most), the limit of
        # WINSET_MAX_DRAWS, the seed and the distribution
        return settings.checked(max_draws=self.settings.max_draws)

    # ------------------------------------------------------------------ quick services

    def forecast(self, the_study: services.Study, seed: Any = None) -> services.Done[Any]:
        """One model's forecast (with its levers: the what-if beside the baseline)."""
        s = _one_seed(the_study, _whole(seed, "seed"))
        if the_study.levers:
            return services.whatif(
                the_study,
                lambda x: services.forecast(x, seed=s, store=self.store),
                store=self.store,
            )
        return services.forecast(the_study, seed=s, store=self.store)

    def twolevel(
        self, the_study: services.Study, solution: str = "nearest", noise: Any = 0.05
    ) -> services.Done[Any]:
        """The two-level analysis (with levers: the what-if beside the baseline)."""
        return self._analyse(the_study, self._level2(the_study, solution, noise))

    def _level2(self, the_study: services.Study, solution: str, noise: Any) -> TwoLevelSettings:
        """The two-level settings, checked, and the study's ratification (every check, no work)."""
        from winset.twolevel.analyse import TwoLevelSettings
        from winset.twolevel.problem import build

        build(the_study.prepared().scenario)
        return TwoLevelSettings(solution or "nearest", _float(noise, "noise", 0.05)).checked()

    def _analyse(self, the_study: services.Study, settings: TwoLevelSettings) -> services.Done[Any]:
        seed = _one_seed(the_study, None)
        if the_study.levers:
            return services.whatif(
                the_study,
                lambda x: services.twolevel(x, settings, seed=seed, store=self.store),
                store=self.store,
            )
        return services.twolevel(the_study, settings, seed=seed, store=self.store)

    # ------------------------------------------------------------------ jobs

    def _submit(
        self,
        kind: str,
        the_study: services.Study,
        title: str,
        work: Callable[[Callable[[int, int], None]], Result | dict[str, Any]],
        context: dict[str, Any] | None = None,
    ) -> Job:
        scenario = the_study.prepared(counterfactual=False).scenario.name
        return self.jobs.submit(kind, scenario, title, work, context)

    def draws_job(self, the_study: services.Study, settings: DrawSettings) -> Job:
        """Monte Carlo draws of one model (with levers: the what-if beside the baseline)."""
        store = self.store

        def work(progress: Callable[[int, int], None]) -> Result:
            def compute(s: services.Study) -> services.Done[Any]:
                return services.draws(s, settings, store=store, progress=progress)

            if the_study.levers:
                return services.whatif(the_study, compute, store=store).result
            return compute(the_study).result

        model = the_study.prepared().model.info.name
        title = f"{settings.draws:,} draws of {model} (seed {settings.seed})"
        return self._submit("draws", the_study, title, work, {"seed": settings.seed})

    def twolevel_draws_job(
        self,
        the_study: services.Study,
        settings: DrawSettings,
        solution: str = "nearest",
        noise: Any = 0.05,
    ) -> Job:
        """P(ratify) per path over draws of the uncertain inputs."""
        from winset.twolevel.analyse import TwoLevelSettings

        level2 = TwoLevelSettings(solution or "nearest", _float(noise, "noise", 0.05)).checked()
        store = self.store

        def work(progress: Callable[[int, int], None]) -> Result:
            return services.twolevel_draws(
                the_study, level2, settings, store=store, progress=progress
            ).result

        title = f"{settings.draws:,} two-level draws (seed {settings.seed})"
        return self._submit("twolevel-draws", the_study, title, work, {"seed": settings.seed})

    def twolevel_job(
        self,
        the_study: services.Study,
        solution: str = "nearest",
        noise: Any = 0.05,
        search: str | None = None,
        search_by: str = "position",
        draws: DrawSettings | None = None,
    ) -> Job:
        """The two-level analysis with the strategy search and draws, as one job.

        Its result is the document of ``winset twolevel --json`` (with ``--search`` and
        ``--draws``): the analysis, then ``search`` and ``draws`` when asked for.
        """
        settings = self._level2(the_study, solution, noise)
        store = self.store

        def work(progress: Callable[[int, int], None]) -> dict[str, Any]:
            out: dict[str, Any] = self._analyse(the_study, settings).result.to_dict()
            if search:
                out["search"] = services.search(
                    the_study, search, search_by, store=store
                ).result.to_dict()
            if draws is not None:
                out["draws"] = services.twolevel_draws(
                    the_study, settings, draws, store=store, progress=progress
                ).result.to_dict()
            return out

        return self._submit("twolevel", the_study, "two-level analysis", work)

    def search_job(self, the_study: services.Study, path: str, lever: str = "position") -> Job:
        """What it would have taken for ``path`` to ratify an agreement."""
        from winset.twolevel.problem import build

        build(the_study.prepared().scenario)
        if not path:
            raise InputError(Problem("", "path", "choose the path to search"))
        store = self.store

        def work(progress: Callable[[int, int], None]) -> Result:
            return services.search(the_study, path, lever or "position", store=store).result

        return self._submit("search", the_study, f"what it would take for {path}", work)

    def sensitivity_job(
        self, the_study: services.Study, samples: Any = 512, sobol: bool = True, seed: Any = None
    ) -> Job:
        """One-at-a-time drivers and Sobol indices of the forecast."""
        from winset.analysis.sensitivity import SensitivitySettings, sensitivity_provenance

        settings = SensitivitySettings(
            samples=_whole(samples, "samples", 512) or 512,
            sobol=bool(sobol),
            seed=_whole(seed, "seed"),
        )
        prepared = the_study.prepared()
        checked, _ = sensitivity_provenance(prepared, settings)
        store = self.store

        def work(progress: Callable[[int, int], None]) -> Result:
            return services.sensitivity(the_study, checked, store=store, progress=progress).result

        model = prepared.model.info.name
        title = f"sensitivity of {model}" + (f" (seed {checked.seed})" if checked.seed else "")
        return self._submit("sensitivity", the_study, title, work, {"seed": checked.seed})

    def report(self, the_study: services.Study, seed: Any = None, interactive: bool = False) -> str:
        """The HTML report of a scenario (computed as a job, within the job limits)."""
        from winset.seeds import check_seed, fresh_seed
        from winset.web.charts import report_html

        s = _whole(seed, "seed")
        s = check_seed(s if s is not None else fresh_seed())
        store = self.store
        name = the_study.prepared(counterfactual=False).scenario.name

        def work(progress: Callable[[int, int], None]) -> Any:
            def step(label: str, done: int, total: int) -> None:
                progress(done, total)

            return services.report_data(the_study, seed=s, store=store, progress=step)

        data = self.jobs.run("report", name, f"report (seed {s})", work)
        return report_html(data, interactive=interactive)


def _float(value: Any, field: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(Problem("", field, f"{value!r} is not a number")) from None
