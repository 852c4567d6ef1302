"""The draw engine's fast paths give the same bits as the plain definitions they replace."""

from __future__ import annotations

import time

import numpy as np
import pytest

from samples import RANGED
from winset.draws import BLOCK, Uncertainty
from winset.draws.engine import Interrupted, _Chunk, run_draws, unpack_chunk
from winset.draws.uncertainty import SOLVE_ROWS, _triangular, solve_draws, solve_rows
from winset.models.common import effective_weights
from winset.models.registry import get_model
from winset.scenario.arrays import to_arrays
from winset.scenario.load import build_scenario, load_scenario


def _uncertainties() -> list[Uncertainty]:
    return [
        Uncertainty.from_arrays(to_arrays(load_scenario("iraq-2011"))),
        Uncertainty.from_arrays(to_arrays(build_scenario(RANGED, "ranged.yaml"))),
    ]


def _by_definition(unc: Uncertainty, seed: int, start: int, stop: int, dist: str) -> np.ndarray:
    """Random stream 2 spelled out: each touched block drawn whole from its own generator."""
    lo, hi, mode = unc.low[unc.index], unc.high[unc.index], unc.value[unc.index]
    out = np.empty((stop - start, unc.size))
    for b in range(start // BLOCK, (stop - 1) // BLOCK + 1):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b, 0)))
        if dist == "uniform":
            values = lo + rng.random((BLOCK, unc.size)) * (hi - lo)
        elif dist == "triangular":
            values = _triangular(rng.random((BLOCK, unc.size)), lo, mode, hi)
        else:
            values = unc._normal(rng, BLOCK)
        b0 = b * BLOCK
        a, z = max(start, b0), min(stop, b0 + BLOCK)
        out[a - start : z - start] = values[a - b0 : z - b0]
    rows = np.broadcast_to(unc.value, (stop - start, unc.value.size)).copy()
    rows[:, unc.index] = out
    return rows


@pytest.mark.parametrize("dist", ["uniform", "triangular", "normal"])
@pytest.mark.parametrize(("start", "stop"), [(0, 1), (3, 2000), (BLOCK, 3 * BLOCK), (1000, 1030)])
def test_rows_drawn_in_one_pass_are_the_definitions_bits(dist, start, stop) -> None:
    for unc in _uncertainties():
        expected = _by_definition(unc, 4, start, stop, dist)
        assert unc.draw_rows(4, start, stop, dist, BLOCK).tobytes() == expected.tobytes()
        assert unc.rows(unc.sample(4, start, stop, dist, BLOCK)).tobytes() == expected.tobytes()


@pytest.mark.parametrize("model", ["compromise", "median", "eum"])
def test_solving_a_few_blocks_at_a_time_changes_no_bit(model) -> None:
    unc = _uncertainties()[0]
    m = get_model(model)
    params, variant = m.info.resolve({}, None)
    start, stop = 300, 300 + 2 * SOLVE_ROWS + 77
    rows = unc.draw_rows(9, start, stop, "uniform", BLOCK)
    whole = m.solve(unc.unpack(rows), params, variant, np.random.default_rng(9)).forecast
    pieces = solve_rows(m, unc, rows, params, variant, 9, start, BLOCK)
    drawn = solve_draws(m, unc, params, variant, 9, start, stop, "uniform", BLOCK)
    assert pieces.tobytes() == np.ascontiguousarray(whole).tobytes() == drawn.tobytes()


def _weights_by_definition(capability, salience, present) -> np.ndarray:
    present_b = np.broadcast_to(present, salience.shape)
    w = np.where(present_b, capability[:, :, None] * salience, 0.0)
    cap = np.where(present_b, np.broadcast_to(capability[:, :, None], salience.shape), 0.0)
    w = np.where(w.sum(axis=1, keepdims=True) > 0, w, cap)
    return np.where(w.sum(axis=1, keepdims=True) > 0, w, present_b.astype(float))


def test_effective_weights_fast_path_is_the_definition() -> None:
    rng = np.random.default_rng(1)
    for trial in range(200):
        b, n, m = (int(v) for v in rng.integers(1, [20, 8, 4]))
        capability = rng.random((b, n)) * (rng.random((b, n)) < 0.7)
        salience = rng.random((b, n, m)) * (rng.random((b, n, m)) < 0.5)
        present = [rng.random((n, m)) < 0.7, rng.random((b, n, m)) < 0.7, np.ones((n, m), bool)]
        if trial % 7 == 0:
            capability[0, 0] = -1.0  # never in a scenario; the fallback still agrees
        got = effective_weights(capability, salience, present[trial % 3])
        expected = _weights_by_definition(capability, salience, present[trial % 3])
        assert got.tobytes() == expected.tobytes()


class _Store:
    """A checkpoint store whose writes can fail."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.chunks: dict[int, bytes] = {}
        self.fail_after = fail_after

    def get_chunks(self, key: str) -> dict[int, bytes]:
        return dict(self.chunks)

    def put_chunk(self, key: str, chunk: int, payload: bytes) -> None:
        if self.fail_after is not None and len(self.chunks) >= self.fail_after:
            raise OSError("disk full")
        self.chunks[chunk] = payload


class _Job:
    width = 2

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause

    def compute(self, start: int, stop: int) -> np.ndarray:
        time.sleep(self.pause)
        return np.arange(start, stop, dtype=float)[:, None] * np.ones(2)


def test_an_interrupted_run_keeps_every_chunk_it_finished_and_they_check_out() -> None:
    store = _Store()
    calls = []

    def stop_after_five(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 6:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as info:
        run_draws(_Job(), 1000, chunk_size=64, checkpoints=store, key="k", progress=stop_after_five)
    assert info.value.done == 5 and sorted(store.chunks) == [0, 1, 2, 3, 4]
    for c in range(5):
        chunk = _Chunk(None, c, 64 * c, 64 * (c + 1))
        values = unpack_chunk("k", chunk, 2, store.chunks[c])
        assert (
            values is not None
            and values.tobytes() == _Job().compute(64 * c, 64 * (c + 1)).tobytes()
        )
    # the run resumes from them to the same rows
    rows = run_draws(_Job(), 1000, chunk_size=64, checkpoints=store, key="k")
    assert rows.tobytes() == _Job().compute(0, 1000).tobytes()


def test_a_failed_checkpoint_write_stops_the_run() -> None:
    with pytest.raises(OSError, match="disk full"):
        run_draws(_Job(0.02), 1000, chunk_size=64, checkpoints=_Store(fail_after=0), key="k")
