"""Numbers as people read them: units cleaned of round-trip noise, one formatter, summaries.

Everything that prints or stores a value in an issue's units goes through these helpers, so the
terminal, the JSON, the report and the web pages show the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["clean_units", "finite", "fmt", "fmt_range", "fmt_signed", "quantile_summary"]


def clean_units(value: float, span: float) -> float:
    """Round away the noise of the [0, 1] round trip (12 significant digits of the span).

    A median that is an actor's position 7 comes back as 7.000000000000001 otherwise.

    Parameters
    ----------
    value
        A value in an issue's units.
    span
        The width of the issue's scale (high - low), in the same units; must be positive.
    """
    if not math.isfinite(value):
        return float(value)
    import numpy as np  # here, not at the top: the formatters are used by every command

    decimals = int(12 - np.floor(np.log10(span))) if span > 0 else 12
    return float(np.round(value, decimals))


def finite(value: Any) -> Any:
    """A JSON-ready copy: NaN and infinities (not JSON) become None, in dicts and lists too."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def fmt(value: float | None, digits: int = 4) -> str:
    """One number for people: thousands separators, ``digits`` significant digits, no exponent.

    Values of ordinary size (1e-4 to 1e15) never use scientific notation: ``16000`` is
    ``16,000``, ``5127.4`` is ``5,127``, ``0.1234`` is ``0.1234``, ``7.0`` is ``7``. ``None`` and
    NaN are an em dash.
    """
    if value is None:
        return "—"
    value = float(value)
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    size = abs(value)
    if size < 1e-4 or size >= 1e15:
        return f"{value:.{digits - 1}e}"
    if size >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    decimals = digits - 1 - int(math.floor(math.log10(size)))
    text = f"{value:,.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_range(low: float, high: float, digits: int = 4) -> str:
    """``low–high`` with both ends formatted by :func:`fmt`."""
    return f"{fmt(low, digits)}–{fmt(high, digits)}"


def fmt_signed(value: float, digits: int = 4) -> str:
    """A difference with its sign: ``+1,234``, ``-0.5``, ``0`` (:func:`fmt` for the number)."""
    return ("+" if value > 0 else "") + fmt(value, digits)


def quantile_summary(values: ArrayLike, span: float) -> dict[str, float]:
    """Mean, p10, p50 and p90 of a sample in an issue's units (cleaned with the scale's span).

    Quantiles use NumPy's default (linear) interpolation, the same everywhere in winset.
    """
    import numpy as np

    col = np.asarray(values, dtype=float)
    qs: Sequence[float] = np.quantile(col, [0.1, 0.5, 0.9]).tolist()
    return {
        "mean": clean_units(float(col.mean()), span),
        "p10": clean_units(float(qs[0]), span),
        "p50": clean_units(float(qs[1]), span),
        "p90": clean_units(float(qs[2]), span),
    }
