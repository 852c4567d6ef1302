"""The protocol every bargaining model follows.

A model is a small class with a :class:`ModelInfo` (name, citation, parameters with defaults and
ranges, variants) and one method, :meth:`Model.solve`, a pure function of batched arrays
(:class:`Inputs`, leading axis = Monte Carlo draws) that returns a :class:`Solution`. Running a
model on a scenario (conversion, provenance, results in units) is done once, for every model, by
:func:`winset.api.run`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.limits import quote
from winset.scenario.arrays import ScenarioArrays

__all__ = ["Inputs", "Model", "ModelInfo", "Move", "Parameter", "RoundArrays", "Solution"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Parameter:
    """A model parameter with its default and allowed values."""

    name: str
    default: Any
    description: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None

    def coerce(self, value: Any, source: str = "") -> Any:
        """Convert a value (possibly a string from the command line) and check its range."""
        field = f"parameter {self.name}"
        if self.choices is not None:
            text = str(value)
            for choice in self.choices:
                if str(choice) == text:
                    return choice
            options = ", ".join(str(c) for c in self.choices)
            raise InputError(Problem(source, field, f"{quote(value)} is not one of {options}"))
        kind = type(self.default)
        try:
            if kind is bool:
                if isinstance(value, str):
                    if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                        raise ValueError(value)
                    converted: Any = value.lower() in ("true", "1", "yes")
                else:
                    converted = bool(value)
            elif kind is int:
                converted = int(str(value))
            else:
                converted = float(value)
        except (TypeError, ValueError):
            raise InputError(
                Problem(source, field, f"{quote(value)} is not a valid {kind.__name__}")
            ) from None
        if isinstance(converted, float) and not np.isfinite(converted):
            raise InputError(Problem(source, field, f"{quote(value)} is not a finite number"))
        if self.low is not None and converted < self.low:
            raise InputError(Problem(source, field, f"{converted} is below {self.low}"))
        if self.high is not None and converted > self.high:
            raise InputError(Problem(source, field, f"{converted} is above {self.high}"))
        return converted


@dataclass(frozen=True)
class ModelInfo:
    """Metadata shown by ``winset models`` and recorded in every result's provenance."""

    name: str
    title: str
    citation: str
    summary: str
    deterministic: bool = True
    iterative: bool = False
    parameters: tuple[Parameter, ...] = ()
    variants: tuple[str, ...] = ("default",)
    pairwise: bool = False
    """True when the model works on every pair of actors (its memory grows with actors
    squared), as the expected utility and spatial models do."""
    separable: bool = True
    """True when each issue is solved on its own (an issue's forecast depends only on that
    issue's inputs), so issues from unrelated cases may share one batch; False for models that
    link issues (trades, several dimensions at once)."""

    @property
    def default_variant(self) -> str:
        """The first variant."""
        return self.variants[0]

    def resolve(
        self, params: Mapping[str, Any] | None, variant: str | None, source: str = ""
    ) -> tuple[dict[str, Any], str]:
        """Fill defaults, convert and check parameters; check the variant."""
        params = dict(params or {})
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(params) - set(known))
        if unknown:
            allowed = ", ".join(known) or "none"
            raise InputError(
                Problem(
                    source,
                    f"parameter {unknown[0]}",
                    f"unknown for model {self.name!r} (parameters: {allowed})",
                )
            )
        resolved = {
            name: p.coerce(params[name], source) if name in params else p.default
            for name, p in known.items()
        }
        variant = variant or self.default_variant
        if variant not in self.variants:
            raise InputError(
                Problem(
                    source,
                    "variant",
                    f"{quote(variant)} is not a variant of {self.name!r} "
                    f"(variants: {', '.join(self.variants)})",
                )
            )
        return resolved, variant


@dataclass(frozen=True, eq=False)
class Inputs:
    """Batched model inputs. B = draws, n = actors, m = issues; values on [0, 1]."""

    capability: FloatArray  # (B, n)
    position: FloatArray  # (B, n, m)
    salience: FloatArray  # (B, n, m)
    present: NDArray[np.bool_]  # (n, m)
    status_quo: FloatArray  # (B, m)
    has_status_quo: NDArray[np.bool_]  # (m,)

    @property
    def batch(self) -> int:
        """B, the number of draws."""
        return int(self.capability.shape[0])

    @classmethod
    def from_arrays(cls, arrays: ScenarioArrays) -> Inputs:
        """A batch of one: the scenario's point values."""
        return cls(
            capability=arrays.capability[None, :].astype(float),
            position=arrays.position[None, :, :].astype(float),
            salience=arrays.salience[None, :, :].astype(float),
            present=np.asarray(arrays.present),
            status_quo=arrays.status_quo[None, :].astype(float),
            has_status_quo=np.asarray(arrays.has_status_quo),
        )

    def weights(self) -> FloatArray:
        """Capability x salience, zero where absent: (B, n, m)."""
        w = self.capability[:, :, None] * self.salience
        return np.where(self.present[None, :, :], w, 0.0)

    def take(self, index: slice | NDArray[np.intp]) -> Inputs:
        """A sub-batch (used to split draws into chunks)."""
        return Inputs(
            capability=self.capability[index],
            position=self.position[index],
            salience=self.salience[index],
            present=self.present,
            status_quo=self.status_quo[index],
            has_status_quo=self.has_status_quo,
        )


@dataclass(frozen=True)
class Move:
    """An actor's move in one round of draw 0: indices into the actors and issues, [0, 1] values."""

    issue: int
    actor: int
    toward: int
    kind: str
    start: float
    end: float


@dataclass(frozen=True, eq=False)
class RoundArrays:
    """One round of an iterative model: positions and the round's summary values.

    ``risk`` (n, m) holds draw 0's risk exponents used in the round (NaN where an actor is absent),
    ``moves`` draw 0's moves; :func:`winset.api.run` turns both into names and units.
    """

    position: FloatArray  # (B, n, m)
    median: FloatArray  # (B, m)
    mean: FloatArray  # (B, m)
    extras: Mapping[str, Any] = field(default_factory=dict)
    risk: FloatArray | None = None
    moves: tuple[Move, ...] = ()


@dataclass(frozen=True, eq=False)
class Solution:
    """What :meth:`Model.solve` returns: normalised forecasts, and rounds if iterative."""

    forecast: FloatArray  # (B, m) on [0, 1]
    rounds: tuple[RoundArrays, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)


class Model(ABC):
    """Base class of registry models. Subclasses set ``info`` and implement ``solve``.

    ``threads`` caps the threads a model may use inside one call of :meth:`solve` (None: as
    many as there are cores); results never depend on it. Monte Carlo workers set it to 1.
    """

    info: ClassVar[ModelInfo]

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads

    def memory(self, batch: int, actors: int, issues: int) -> int:
        """Bytes a solve of ``batch`` draws of this size needs, roughly (an upper bound)."""
        per_draw = actors * issues * 8 * 16
        if self.info.pairwise:
            per_draw += actors * actors * 8 * 24
        return batch * per_draw

    def uses_random(self, params: Mapping[str, Any], variant: str) -> bool:
        """Whether a run with these settings draws random numbers (and so needs a seed).

        The default says what ``info.deterministic`` says; a model whose randomness depends on
        a variant or a parameter says so here.
        """
        return not self.info.deterministic

    def round_details(self, ra: RoundArrays, arrays: ScenarioArrays) -> dict[str, Any]:
        """A round's own records (draw 0) with actor and issue names and values in units.

        The default gives the risk exponents (``risk``: issue -> actor -> r) and the moves
        (``moves``: a list of {issue, actor, toward, kind, from, to}) when the model reports
        them. A model with other records (challenges, exchanges) extends this.
        """
        out: dict[str, Any] = {}
        if ra.risk is not None:
            out["risk"] = {
                issue: {
                    actor: float(np.round(ra.risk[i, k], 12))
                    for i, actor in enumerate(arrays.actors)
                    if arrays.present[i, k] and np.isfinite(ra.risk[i, k])
                }
                for k, issue in enumerate(arrays.issues)
            }
        if ra.risk is not None or ra.moves:
            out["moves"] = [
                {
                    "issue": arrays.issues[mv.issue],
                    "actor": arrays.actors[mv.actor],
                    "toward": arrays.actors[mv.toward],
                    "kind": mv.kind,
                    "from": arrays.value_in_units(mv.issue, mv.start),
                    "to": arrays.value_in_units(mv.issue, mv.end),
                }
                for mv in ra.moves
            ]
        return out

    @abstractmethod
    def solve(
        self,
        inputs: Inputs,
        params: Mapping[str, Any],
        variant: str,
        rng: np.random.Generator,
    ) -> Solution:
        """Forecast every draw of ``inputs``; pure (all randomness from ``rng``)."""
