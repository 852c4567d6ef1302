"""The one draw engine: sampled inputs, chunks of draws, workers, checkpoints, progress.

Monte Carlo forecasts, two-level draws and sensitivity analyses all run here: a *job* computes
the rows of draws ``start..stop``; the engine cuts the draws into chunks, sends them to a backend
(this process, local processes or a Dask cluster), checks and checkpoints every finished chunk,
and reports progress. Results never depend on the backend, the number of workers or the chunk
size.
"""

from winset.draws.engine import (
    BLOCK,
    RANDOM_STREAM,
    Checkpoints,
    DrawJob,
    DrawSettings,
    Interrupted,
    block_rng,
    run_draws,
)
from winset.draws.uncertainty import DISTRIBUTIONS, Uncertainty

__all__ = [
    "BLOCK",
    "DISTRIBUTIONS",
    "RANDOM_STREAM",
    "Checkpoints",
    "DrawJob",
    "DrawSettings",
    "Interrupted",
    "Uncertainty",
    "block_rng",
    "run_draws",
]
