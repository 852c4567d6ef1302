"""Where chunks of Monte Carlo draws are computed: here, in local processes, or on Dask.

Every backend has one method, ``map_unordered(func, tasks)``, yielding ``(task, func(task))``
as results arrive. Results never depend on the backend: each chunk is computed from its own
seeds (see :mod:`winset.analysis.montecarlo`).

* ``workers == 1`` and no scheduler: in this process;
* ``workers > 1`` and no scheduler, or ``scheduler="processes"``: a pool of ``workers`` local
  processes (standard library);
* ``scheduler="dask"``: a Dask ``LocalCluster`` with ``workers`` single-threaded worker
  processes (needs the ``dask`` extra);
* ``scheduler="tcp://HOST:PORT"`` (or any Dask scheduler address): a running Dask cluster, whose
  workers must have winset installed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TypeVar

from winset.errors import InputError, Problem

__all__ = ["Backend", "check_workers", "dask_available", "open_backend"]

T = TypeVar("T")
R = TypeVar("R")


class Backend(Protocol):
    """Something that maps a function over tasks and yields results as they finish."""

    name: str

    def map_unordered(self, func: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        """Yield ``(task, func(task))`` for every task, in the order they finish."""
        ...


class SerialBackend:
    """Compute every task here, one after another."""

    name = "serial"

    def map_unordered(self, func: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        for task in tasks:
            yield task, func(task)


class ProcessBackend:
    """A pool of local worker processes (at most ``2 * workers`` tasks in flight)."""

    name = "processes"

    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self.pool, self.workers = pool, workers

    def map_unordered(self, func: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        pending: dict[Future[R], T] = {}
        queue = iter(tasks)
        for task in queue:
            pending[self.pool.submit(func, task)] = task
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                yield task, future.result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending[self.pool.submit(func, nxt)] = nxt


class DaskBackend:
    """Tasks sent to a Dask cluster through a ``distributed.Client``."""

    name = "dask"

    def __init__(self, client: Any) -> None:
        self.client = client

    def map_unordered(self, func: Callable[[T], R], tasks: Sequence[T]) -> Iterator[tuple[T, R]]:
        from distributed import as_completed

        futures = {self.client.submit(func, task, pure=False): task for task in tasks}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()


def dask_available() -> bool:
    """Whether the ``dask`` extra (dask.distributed) is installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def _needs_dask(what: str) -> InputError:
    return InputError(
        Problem(
            "",
            "scheduler",
            f"{what} needs the dask extra: pip install 'winset[dask]'",
        )
    )


def _mp_context() -> Any:
    # Worker processes start clean (no fork of a process that runs a progress thread).
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _watch_parent(parent: int) -> None:
    """In a worker: end when the process that started the pool is gone (even killed -9).

    On Linux the kernel sends SIGKILL when the worker's own parent (the fork server) dies; a
    thread also checks every half second that the pool's owner is alive, everywhere.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="winset-parent-watch", daemon=True).start()


@contextmanager
def _processes(workers: int) -> Iterator[Backend]:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_mp_context(),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield ProcessBackend(pool, workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _local_cluster(workers: int) -> Iterator[Backend]:
    from distributed import Client, LocalCluster

    # The worker processes ignore Ctrl-C (it would reach them too and make each print a
    # traceback); this process handles it and closes the cluster.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    try:
        with Client(cluster) as client:
            yield DaskBackend(client)
    finally:
        cluster.close()


@contextmanager
def _remote(address: str) -> Iterator[Backend]:
    from distributed import Client

    try:
        client = Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            Problem("", "scheduler", f"cannot reach a Dask scheduler at {address!r} ({exc})")
        ) from None
    with client:
        yield DaskBackend(client)


@contextmanager
def _serial() -> Iterator[Backend]:
    yield SerialBackend()


def check_workers(workers: int) -> int:
    """``workers`` if it is a whole number from 1 to 512, else InputError."""
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 512:
        raise InputError(Problem("", "workers", f"must be between 1 and 512, not {workers!r}"))
    return workers


def open_backend(workers: int = 1, scheduler: str | None = None) -> AbstractContextManager[Backend]:
    """The backend for these options (see the module docstring)."""
    check_workers(workers)
    if scheduler is None:
        return _serial() if workers <= 1 else _processes(workers)
    if scheduler == "dask":
        if not dask_available():
            raise _needs_dask("--scheduler dask")
        return _local_cluster(workers)
    if scheduler == "processes":
        return _processes(max(1, workers))
    if scheduler == "serial":
        return _serial()
    if "://" not in scheduler:
        raise InputError(
            Problem(
                "",
                "scheduler",
                f"{scheduler!r} is neither 'processes', 'dask', 'serial' nor an address like "
                "tcp://HOST:PORT",
            )
        )
    if not dask_available():
        raise _needs_dask("a scheduler address")
    return _remote(scheduler)
