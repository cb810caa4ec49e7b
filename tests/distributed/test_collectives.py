"""Collectives: every one on 2 and 3 MPI ranks against a NumPy reference
(programs/collectives.py), the same results and Work handles as torch's gloo in a world of one,
and a raising rank that aborts every rank within seconds, leaving no process behind."""
from __future__ import annotations

import os
import re
import time

import numpy as np
import pytest
import torch

import ember
from tests.distributed.mpi import mpirun, worlds_of_one


@pytest.mark.parametrize("n", [2, 3])
def test_every_collective_against_numpy(n):
    res = mpirun("collectives.py", n, timeout=180)
    assert sorted(re.findall(r"ok \d", res.stdout)) == [f"ok {r}" for r in range(n)], res.stdout


def test_a_raising_rank_aborts_every_rank_and_leaves_no_process(tmp_path):
    start = time.monotonic()
    res = mpirun("raises.py", 2, str(tmp_path), timeout=60, check=False)
    assert res.returncode != 0
    assert time.monotonic() - start < 45
    assert "rank 1 fails on purpose" in res.stderr and "unreachable" not in res.stdout
    pids = [int((tmp_path / f"pid.{r}").read_text()) for r in range(2)]
    deadline = time.monotonic() + 10  # mpiexec returns as the killed ranks are being reaped
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), f"rank processes {pids} are still running"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _both(fn, *arrays):
    """fn(lib, *tensors) under torch and ember on the same inputs; the (mutated) tensors back."""
    out = []
    for lib in (torch, ember):
        ts = [lib.from_numpy(a.copy()) for a in arrays]
        ret = fn(lib, *ts)
        out.append((ret, [t.numpy() for t in ts]))
    return out


X = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
CASES = {
    "all_reduce_avg": lambda lib, x: lib.distributed.all_reduce(x, lib.distributed.ReduceOp.AVG),
    "all_reduce_max": lambda lib, x: lib.distributed.all_reduce(x, op=lib.distributed.ReduceOp.MAX),
    "broadcast": lambda lib, x: lib.distributed.broadcast(x, 0),
    "reduce": lambda lib, x: lib.distributed.reduce(x, 0),
    "all_gather": lambda lib, x: lib.distributed.all_gather([x], x * 2),
    "all_gather_single": lambda lib, x: lib.distributed.all_gather_single(x, x + 1),
    "gather": lambda lib, x: lib.distributed.gather(x * 3, [x], dst=0),
    "scatter": lambda lib, x: lib.distributed.scatter(x, [x - 1], src=0),
    "reduce_scatter": lambda lib, x: lib.distributed.reduce_scatter(x, [x * 5]),
    "reduce_scatter_single": lambda lib, x: lib.distributed.reduce_scatter_single(x, x * 4),
    "all_to_all": lambda lib, x: lib.distributed.all_to_all([x], [x.flip(0)]),
    "all_to_all_single": lambda lib, x: lib.distributed.all_to_all_single(x, x.flip(1)),
    "barrier": lambda lib, x: lib.distributed.barrier(),
}


def test_world_of_one_agrees_with_torch_gloo():
    with worlds_of_one():
        for name, fn in CASES.items():
            (tret, (tx,)), (eret, (ex,)) = _both(fn, X)
            assert eret is tret is None, name
            np.testing.assert_allclose(ex, tx, rtol=1e-6, err_msg=name)
        futures = []
        for lib in (torch, ember):
            work = lib.distributed.all_reduce(lib.ones(2), async_op=True)
            assert work.wait() is True and work.is_completed() is True
            d = lib.distributed
            works = [d.all_reduce(lib.ones(2) * 2, async_op=True),
                     d.broadcast(lib.arange(3.0), 0, async_op=True), d.barrier(async_op=True)]
            futures.append([[t.tolist() for t in w.get_future().wait()] for w in works])
            assert works[0].get_future().done() and works[0].get_future().value()[0].sum() == 4
            objs = [None]
            lib.distributed.all_gather_object(objs, {"k": 1})
            assert objs == [{"k": 1}]
            objs = ["a", 2]
            lib.distributed.broadcast_object_list(objs, src=0)
            assert objs == ["a", 2]
            assert lib.distributed.get_rank() == 0 and lib.distributed.get_world_size() == 1
        assert ember.distributed.get_backend() == torch.distributed.get_backend() == "gloo"
        assert futures[1] == futures[0]


@pytest.mark.parametrize("name", ["all_gather_into_tensor", "reduce_scatter_tensor"])
def test_deprecated_names_warn_as_torch_and_still_work(name):
    with worlds_of_one():
        got = []
        for lib in (torch, ember):
            out = lib.zeros(2)
            with pytest.warns(FutureWarning) as rec:
                getattr(lib.distributed, name)(out, lib.ones(2) * 3)
            got.append(([str(w.message) for w in rec], out.tolist()))
        assert got[1] == got[0]


def test_wrong_list_lengths_and_cpu_only():
    with worlds_of_one():
        d = ember.distributed
        with pytest.raises(ValueError):
            d.all_gather([ember.zeros(2), ember.zeros(2)], ember.ones(2))
        with pytest.raises(ValueError):
            d.all_gather_single(ember.zeros(3), ember.ones(2))
        with pytest.raises(RuntimeError):
            d.all_reduce(ember.ones(2), op=d.ReduceOp.BAND)
        with pytest.raises(TypeError):
            d.all_reduce(np.ones(2))
        with pytest.raises(ValueError):
            d.send(ember.ones(2), dst=0)
        assert os.environ["RANK"] == "0" and os.environ["WORLD_SIZE"] == "1"
