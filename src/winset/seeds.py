"""Seeds: one rule for every command.

Anything that uses random numbers takes a seed. Without one, a seed is drawn from the operating
system's entropy, used, recorded in the result's provenance and printed, so any run can be
repeated exactly. A computation that uses no random numbers records no seed.
"""

from __future__ import annotations

import numpy as np

from winset.errors import InputError, Problem

__all__ = ["MAX_SEED", "check_seed", "fresh_seed", "resolve_seed"]

MAX_SEED = 2**63 - 1
"""Seeds are integers from 0 to 2**63 - 1 (what the run store can hold)."""


def fresh_seed() -> int:
    """A seed from the operating system's entropy, in [0, 2**63)."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def check_seed(seed: int | None, field: str = "seed") -> int | None:
    """``seed`` itself if it is None or an integer in [0, :data:`MAX_SEED`], else InputError."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(Problem("", field, f"{seed!r} is not a whole number"))
    if not 0 <= int(seed) <= MAX_SEED:
        raise InputError(Problem("", field, f"{seed} is not between 0 and 2**63 - 1"))
    return int(seed)


def resolve_seed(seed: int | None, field: str = "seed") -> int:
    """The seed to use: ``seed`` if given (checked), else a fresh one."""
    checked = check_seed(seed, field)
    return fresh_seed() if checked is None else checked
