"""Chunks of draws on a backend, verified checkpoints, progress.

A :class:`DrawJob` computes the rows of draws ``start..stop`` (a float array with ``width``
columns); :func:`run_draws` cuts ``draws`` into chunks, computes the chunks that are not yet
checkpointed, and returns every row in draw order.

Reproducibility. Jobs draw their random numbers by blocks of :data:`BLOCK` draws (random stream
2, recorded in every result's provenance), and every chunk is computed the same way wherever it
runs, so one process, eight processes or a Dask cluster give byte-identical results.

Nothing lost, nothing wrong. With checkpoints (the run store), each finished chunk is saved
under the run's key with its position, its length and a SHA-256 of its values. Running the same
computation again after an interruption computes only the missing chunks; a checkpoint that is
damaged or belongs to other settings is never read: it is computed again, with a notice. The
rows are returned only when every chunk is there and checks out.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from winset.draws.uncertainty import block_rng, check_distribution
from winset.errors import InputError, Interrupted, Problem
from winset.limits import check_memory_need, limit, over_limit
from winset.models.base import Model
from winset.seeds import check_seed, resolve_seed

__all__ = [
    "BLOCK",
    "RANDOM_STREAM",
    "Checkpoints",
    "DrawJob",
    "DrawSettings",
    "Interrupted",
    "block_rng",
    "chunk_size_for",
    "run_draws",
    "workers_model",
]

FloatArray = NDArray[np.float64]
Progress = Callable[[int, int], None]

RANDOM_STREAM = 2
"""Version of the way draws get their random numbers. 1: one generator per draw (winset 0.1
before this engine); 2: one generator per block of :data:`BLOCK` draws."""

BLOCK = 1024
"""Draws per random-number block (part of every Monte Carlo run's settings)."""

_MAGIC = b"WSC2"
_HEADER = struct.Struct("<4s32sIQQI32s")  # magic, key digest, chunk, start, stop, width, digest


class DrawJob(Protocol):
    """Something that computes rows of draws: ``compute(start, stop)`` is (stop-start, width)."""

    @property
    def width(self) -> int:
        """Columns of each row."""
        ...

    def compute(self, start: int, stop: int) -> FloatArray:
        """The rows of draws ``start..stop-1``."""
        ...


class Checkpoints(Protocol):
    """Where finished chunks are kept (the run store implements it)."""

    def get_chunks(self, key: str) -> dict[int, bytes]:
        """Every checkpointed chunk of the run ``key``, by chunk number."""
        ...

    def put_chunk(self, key: str, chunk: int, payload: bytes) -> None:
        """Keep one finished chunk."""
        ...


def workers_model(model: Model, workers: int, scheduler: str | None) -> Model:
    """The model object to send to workers.

    One thread each when several processes share the machine (a model's results never depend
    on its threads).
    """
    if workers <= 1 and scheduler in (None, "serial"):
        return model
    return type(model)(threads=1)


def chunk_size_for(draws: int, chunk_size: int | None, per_chunk: int, aligned: bool) -> int:
    """Draws per chunk: the user's choice, else ``per_chunk``.

    A multiple of :data:`BLOCK` when ``aligned`` (stochastic models, so that blocks are never
    split).
    """
    if chunk_size is not None and chunk_size < 1:
        raise InputError(Problem("", "chunk_size", f"must be at least 1, not {chunk_size}"))
    size = max(1, min(draws, chunk_size or per_chunk))
    if aligned and size < draws:
        size = -(-size // BLOCK) * BLOCK
    return size


def check_draws(draws: int, field: str = "draws", most: int | None = None) -> int:
    """``draws`` if it is a whole number from 1 to the limit, else InputError.

    The limit is ``WINSET_MAX_DRAWS`` (see :mod:`winset.limits`), or ``most`` (a caller's own
    cap, e.g. the two-level draws') when that is lower.
    """
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer):
        raise InputError(Problem("", field, f"{draws!r} is not a whole number"))
    everywhere = limit("WINSET_MAX_DRAWS")
    if draws > everywhere and (most is None or everywhere <= most):
        raise over_limit("", field, f"{draws:,} draws", "WINSET_MAX_DRAWS")
    top = everywhere if most is None else min(most, everywhere)
    if not 1 <= draws <= top:
        raise InputError(Problem("", field, f"must be between 1 and {top:,}, not {draws:,}"))
    return int(draws)


@dataclass(frozen=True)
class DrawSettings:
    """How to draw: how many, from which seed and distribution, and where to compute.

    Only ``draws``, ``seed``, ``distribution`` and ``block`` determine the result; ``workers``,
    ``scheduler`` and ``chunk_size`` only decide how it is computed.
    """

    draws: int
    seed: int | None = None
    distribution: str = "uniform"
    workers: int = 1
    scheduler: str | None = None
    chunk_size: int | None = None
    block: int = BLOCK

    def checked(self, max_draws: int | None = None) -> DrawSettings:
        """A validated copy with the seed resolved (drawn if none was given).

        ``max_draws`` is a caller's own cap on the draws, below the limit ``WINSET_MAX_DRAWS``.
        """
        from winset.draws.backends import check_workers  # processes and Dask: only when used

        check_draws(self.draws, most=max_draws)
        check_workers(self.workers)
        check_seed(self.seed)
        if self.block < 1:
            raise ValueError("block must be positive")
        return replace(
            self,
            seed=resolve_seed(self.seed),
            distribution=check_distribution(self.distribution),
        )

    def determining(self) -> dict[str, Any]:
        """The settings that determine the result (part of its provenance)."""
        return {
            "draws": self.draws,
            "distribution": self.distribution,
            "block": self.block,
            "random_stream": RANDOM_STREAM,
        }


@dataclass(frozen=True)
class _Chunk:
    job: Any
    index: int
    start: int
    stop: int


def _compute(chunk: _Chunk) -> FloatArray:
    values = chunk.job.compute(chunk.start, chunk.stop)
    return np.ascontiguousarray(values, dtype=np.float64)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def pack_chunk(key: str, chunk: _Chunk | tuple[int, int, int], values: FloatArray) -> bytes:
    """A checkpoint: a header (run, chunk, draws, width, checksum) and the values."""
    index, start, stop = (
        (chunk.index, chunk.start, chunk.stop) if isinstance(chunk, _Chunk) else chunk
    )
    data = np.ascontiguousarray(values, dtype="<f8").tobytes()
    width = values.shape[1] if values.ndim == 2 else 0
    head = _HEADER.pack(
        _MAGIC, _digest(key), index, start, stop, width, hashlib.sha256(data).digest()
    )
    return head + data


def unpack_chunk(key: str, chunk: _Chunk, width: int, payload: bytes) -> FloatArray | None:
    """The values of a checkpoint, or None unless it belongs to this run and chunk and checks."""
    if len(payload) < _HEADER.size:
        return None
    magic, run, index, start, stop, cols, digest = _HEADER.unpack_from(payload)
    data = payload[_HEADER.size :]
    expected = (_MAGIC, _digest(key), chunk.index, chunk.start, chunk.stop, width)
    if (magic, run, index, start, stop, cols) != expected:
        return None
    if len(data) != (stop - start) * width * 8 or hashlib.sha256(data).digest() != digest:
        return None
    return np.frombuffer(data, dtype="<f8").astype(np.float64).reshape(stop - start, width)


def _plan(job: Any, draws: int, size: int) -> list[_Chunk]:
    return [
        _Chunk(job, c, start, min(start + size, draws))
        for c, start in enumerate(range(0, draws, size))
    ]


def run_draws(
    job: DrawJob,
    draws: int,
    *,
    chunk_size: int,
    workers: int = 1,
    scheduler: str | None = None,
    checkpoints: Checkpoints | None = None,
    key: str | None = None,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> FloatArray:
    """Every row of ``draws`` draws of ``job``, in draw order: (draws, job.width).

    Parameters
    ----------
    job
        Computes the rows of a range of draws (pickled to the workers).
    draws
        How many draws.
    chunk_size
        Draws per chunk (the unit of work and of checkpoints).
    workers, scheduler
        Where chunks run (see :func:`winset.draws.backends.open_backend`).
    checkpoints, key
        Where finished chunks are kept, and the run's key; resuming reads them back.
    progress
        Called with (draws done, draws in all) as chunks finish.
    notice
        Called with one line when a damaged checkpoint is computed again.

    Raises
    ------
    Interrupted
        When Ctrl-C stops the run or a worker dies; finished chunks stay checkpointed.
    """
    width = job.width
    need = 2 * draws * width * 8  # the rows, and their concatenation
    check_memory_need(need, "draws", f"{draws:,} draws x {width} values need", "use fewer draws")
    chunks = _plan(job, draws, chunk_size)
    done: dict[int, FloatArray] = {}
    store = checkpoints if key is not None else None
    if store is not None and key is not None:
        damaged = 0
        for c, payload in store.get_chunks(key).items():
            if c >= len(chunks):
                continue
            values = unpack_chunk(key, chunks[c], width, payload)
            if values is None:
                damaged += 1
            else:
                done[c] = values
        if damaged and notice is not None:
            notice(f"{damaged} saved chunk(s) of this run did not check out; computing them again")
    todo = [c for c in chunks if c.index not in done]

    def finished() -> int:
        return sum(chunks[c].stop - chunks[c].start for c in done)

    if progress is not None:
        progress(finished(), draws)
    if todo:
        _compute_all(todo, done, workers, scheduler, store, key, progress, finished, draws)
    return np.concatenate([done[c] for c in range(len(chunks))], axis=0)


class _Writer:
    """Checkpoints written on one background thread, in the order the chunks finish.

    SQLite and SHA-256 release the GIL, so the writing overlaps the computing. ``close`` waits
    for every chunk handed over when the run stops early (so an interrupted run keeps them) and
    raises the first error.
    """

    def __init__(self, store: Checkpoints, key: str) -> None:
        self.store, self.key = store, key
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="winset-checkpoints")
        self.pending: list[Future[None]] = []

    def _write(self, chunk: _Chunk, values: FloatArray) -> None:
        self.store.put_chunk(self.key, chunk.index, pack_chunk(self.key, chunk, values))

    def put(self, chunk: _Chunk, values: FloatArray) -> None:
        """Hand a finished chunk over; raise the error of any write that failed so far."""
        still = []
        for future in self.pending:
            if future.done():
                future.result()
            else:
                still.append(future)
        self.pending = still + [self.pool.submit(self._write, chunk, values)]

    def close(self, complete: bool) -> None:
        """Wait for the writes; raise the first error.

        When the run is ``complete``, writes that have not started are dropped: the finished
        result replaces its checkpoints at once. Otherwise every chunk handed over is written.
        """
        self.pool.shutdown(wait=True, cancel_futures=complete)
        for future in self.pending:
            if not future.cancelled():
                future.result()


def _compute_all(
    todo: Sequence[_Chunk],
    done: dict[int, FloatArray],
    workers: int,
    scheduler: str | None,
    store: Checkpoints | None,
    key: str | None,
    progress: Progress | None,
    finished: Callable[[], int],
    draws: int,
) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from winset.draws.backends import open_backend

    total = len(done) + len(todo)
    writer = _Writer(store, key) if store is not None and key is not None else None
    try:
        try:
            with open_backend(workers, scheduler) as backend:
                for chunk, values in backend.map_unordered(_compute, todo):
                    done[chunk.index] = values
                    if writer is not None:
                        writer.put(chunk, values)
                    if progress is not None:
                        progress(finished(), draws)
        finally:
            if writer is not None:
                writer.close(complete=len(done) == total)
    except KeyboardInterrupt:
        raise Interrupted(len(done), total, store is not None, "interrupted") from None
    except BrokenProcessPool as exc:
        raise Interrupted(
            len(done), total, store is not None, f"a worker process died ({exc})"
        ) from None
    except Exception as exc:
        if _is_worker_death(exc):
            raise Interrupted(
                len(done), total, store is not None, f"a worker was lost ({exc})"
            ) from None
        raise


def _is_worker_death(exc: BaseException) -> bool:
    """A lost Dask worker or cluster (not an error raised by the computation itself)."""
    name = type(exc).__name__
    return name in ("KilledWorker", "CommClosedError", "FutureCancelledError", "CancelledError")
