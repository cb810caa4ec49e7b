"""DataLoader with worker processes: torch's batches and seeds, errors, deaths, clean shutdown."""
from __future__ import annotations

import gc
import glob
import math
import mmap
import multiprocessing
import os
import platform
import random
import resource
import signal
import time

import numpy as np
import pytest
import torch

import ember
from tests.utils.data.data_compare import both, same


class Draws:
    """Each sample reports who made it and what the worker's three RNGs give."""

    def __init__(self, lib, n=8):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        return (i, info.id, info.num_workers, info.seed, float(np.random.rand()),
                random.random(), self.lib.rand(2))


class Failing:
    def __init__(self, exc, at=3):
        self.exc, self.at = exc, at

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == self.at:
            raise self.exc
        return i


class Suicidal:
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Slow:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(0.5 if i == 2 else 0.0)
        return i


def workers_alive(it) -> list:
    return [w for w in it._workers if w.is_alive()]


def loaded(loader, epochs=1):
    return [list(loader) for _ in range(epochs)]


# ---- same batches and seeds as torch -------------------------------------------------------------


def test_seeds_and_draws_match_torch_per_worker_and_epoch():
    """random, NumPy and the framework RNG are seeded as torch seeds them, afresh each epoch."""
    def fn(lib):
        lib.manual_seed(5)
        return loaded(lib.utils.data.DataLoader(Draws(lib), batch_size=2, num_workers=2), 2)
    first, second = both(fn)[0]
    assert first[0][4].tolist() != second[0][4].tolist()  # epochs draw differently


def test_shuffled_batches_match_torch_and_single_process():
    def fn(lib, workers):
        lib.manual_seed(3)
        ds = lib.utils.data.TensorDataset(lib.arange(26.0).reshape(13, 2), lib.arange(13))
        return loaded(lib.utils.data.DataLoader(ds, batch_size=4, shuffle=True,
                                                num_workers=workers, prefetch_factor=None
                                                if workers == 0 else 3))
    e2, t2 = fn(ember, 2), fn(torch, 2)
    same(e2, t2)
    # workers draw base_seed, not the sampler's seed: the same order as single-process loading
    assert [[x.tolist() for x in b] for b in e2[0]] == \
        [[x.tolist() for x in b] for b in fn(ember, 0)[0]]


def test_generator_drives_base_seed():
    def fn(lib):
        g = lib.Generator().manual_seed(17)
        loader = lib.utils.data.DataLoader(Draws(lib, 4), batch_size=2, num_workers=2,
                                           generator=g, shuffle=True)
        return loaded(loader)
    both(fn)


def test_worker_info_and_init_fn():
    def init(worker_id):
        info = ember.utils.data.get_worker_info()
        info.dataset.tag = f"w{worker_id}/{info.num_workers}"

    class Tagged:
        tag = "main"

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return self.tag

    ds = Tagged()
    out = list(ember.utils.data.DataLoader(ds, batch_size=2, num_workers=2, worker_init_fn=init))
    assert out == [["w0/2", "w0/2"], ["w1/2", "w1/2"]]
    assert ds.tag == "main" and ember.utils.data.get_worker_info() is None


def test_iterable_dataset_sharding_matches_torch():
    def fn(lib):
        class Range(lib.utils.data.IterableDataset):
            def __iter__(self):
                info = lib.utils.data.get_worker_info()
                per = math.ceil((11 - 3) / info.num_workers)
                start = 3 + info.id * per
                return iter(range(start, min(start + per, 11)))

            def __len__(self):
                return 8
        return [loaded(lib.utils.data.DataLoader(Range(), num_workers=2)),
                loaded(lib.utils.data.DataLoader(Range(), num_workers=3, batch_size=2))]
    both(fn)


def test_iterable_dataset_unsharded_duplicates_like_torch():
    def fn(lib):
        class Stream(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(3))
        return loaded(lib.utils.data.DataLoader(Stream(), num_workers=2, batch_size=2,
                                                drop_last=True))
    both(fn)


def test_persistent_workers_keep_processes_and_match_torch():
    def fn(lib):
        lib.manual_seed(1)
        loader = lib.utils.data.DataLoader(Draws(lib, 6), batch_size=3, num_workers=2,
                                           shuffle=True, persistent_workers=True)
        first = list(loader)
        pids = [w.pid for w in loader._iterator._workers]
        second = list(loader)
        assert [w.pid for w in loader._iterator._workers] == pids
        assert len(workers_alive(loader._iterator)) == 2
        loader._iterator._shutdown_workers()
        return [first, second]
    both(fn)


def test_out_of_order_delivers_every_batch():
    loader = ember.utils.data.DataLoader(Slow(), batch_size=1, num_workers=2, in_order=False)
    got = [b.item() for b in loader]
    assert sorted(got) == [0, 1, 2, 3] and got != [0, 1, 2, 3]  # the slow item 2 comes last


def test_big_arrays_travel_intact():
    class Big:
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return ember.full((256, 1024), float(i)), np.full(3, i, np.int16)

    out = list(ember.utils.data.DataLoader(Big(), batch_size=2, num_workers=2))
    assert out[1][0].shape == (2, 256, 1024) and out[1][0].dtype == ember.float32
    assert out[1][0][1].sum().item() == 3 * 256 * 1024
    assert out[1][1].dtype == ember.int16 and out[1][1].tolist() == [[2] * 3, [3] * 3]
    out[1][0].add_(1)  # received batches are ordinary writable tensors
    assert out[1][0][0, 0, 0].item() == 3.0
    if ember.utils.data._shared.available():  # the 2 MB batches came through shared memory
        base = out[0][0]._data.base
        while isinstance(base, np.ndarray):
            base = base.base
        assert isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)
    assert glob.glob(f"/dev/shm/ember_dl_{os.getpid()}_*") == []  # every block was unlinked


def test_unreceived_shared_batches_are_removed():
    class Big:
        def __len__(self):
            return 8

        def __getitem__(self, i):
            return np.zeros((128, 1024), np.float32)

    it = iter(ember.utils.data.DataLoader(Big(), batch_size=2, num_workers=2))
    next(it)
    time.sleep(0.2)  # let the workers put their prefetched batches in flight
    del it
    gc.collect()
    assert glob.glob(f"/dev/shm/ember_dl_{os.getpid()}_*") == []


class Allocating:
    """Each sample: a fresh 256 KiB array, and the page faults its allocation cost."""

    def __len__(self):
        return 32

    def __getitem__(self, i):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        a = np.full(1 << 16, i, np.float32)
        return a, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="tunes glibc's malloc")
def test_worker_reuses_freed_sample_memory():
    faults = [b[1].sum().item()
              for b in ember.utils.data.DataLoader(Allocating(), batch_size=8, num_workers=1)]
    # 8 x 256 KiB = 512 pages per batch: only the first batch may fault them in
    assert sum(faults[1:]) < 64, faults


def test_shared_batches_of_strided_and_odd_samples_match_torch():
    base = np.arange(6 * 5 * 200 * 40, dtype=np.float64).reshape(6, 5, 200, 40)

    class Samples:  # transposed views (stacked through a mapping) and contiguous float16/bool
        def __init__(self, lib):
            self.lib = lib

        def __len__(self):
            return 6

        def __getitem__(self, i):
            t = self.lib.from_numpy(base[i].transpose(2, 0, 1))
            return (t, self.lib.from_numpy(base[i].astype(np.float16)),
                    self.lib.from_numpy(base[i] % 3 == 0))

    def load(lib):
        return list(lib.utils.data.DataLoader(Samples(lib), batch_size=3, num_workers=2))

    got, want = load(ember), load(torch)
    for g, w in zip(got, want):
        for gt, wt in zip(g, w):
            assert gt.dtype == getattr(ember, str(wt.dtype).split(".")[1])
            np.testing.assert_array_equal(gt.numpy(), wt.numpy())
    assert glob.glob(f"/dev/shm/ember_dl_{os.getpid()}_*") == []


def test_shared_block_written_in_short_writes(monkeypatch):
    shared = ember.utils.data._shared
    if not shared.available():
        pytest.skip("no /dev/shm")
    prefix = f"ember_dl_{os.getpid()}_unit_"
    monkeypatch.setattr(shared, "_prefix", prefix)
    monkeypatch.setattr(shared, "_IOV_MAX", 3)
    writev = os.writev
    monkeypatch.setattr(os, "writev", lambda fd, bufs: writev(fd, [bytes(bufs[0])[:5000]]))
    parts = [np.full((7, 1024), i, np.float32) for i in range(5)]
    try:
        out = shared.from_parts(parts, (5, 7, 1024), np.float32)
        np.testing.assert_array_equal(out, np.stack(parts))
        assert shared.block_name(out) is not None
    finally:
        shared.cleanup(prefix)


def test_explicit_context_object():
    ctx = multiprocessing.get_context("fork")
    loader = ember.utils.data.DataLoader(range(5), batch_size=2, num_workers=1,
                                         multiprocessing_context=ctx)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]


def test_spawn_context_pickles_dataset_and_uses_shared_memory():
    data = ember.arange(8 * 64 * 1024, dtype=ember.float32).reshape(8, 64, 1024)
    loader = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(data), batch_size=2,
                                         num_workers=1, multiprocessing_context="spawn")
    out = [b for (b,) in loader]
    assert len(out) == 4 and all(b.shape == (2, 64, 1024) for b in out)
    assert ember.equal(ember.cat(out), data)
    assert glob.glob(f"/dev/shm/ember_dl_{os.getpid()}_*") == []


# ---- errors ---------------------------------------------------------------------------------------


def first_error(lib, dataset, **kw):
    """The exception a pass over the loader raises; workers are stopped explicitly (torch's
    iterator, caught in a traceback cycle, would otherwise wait 2 x 5 s for its workers)."""
    it = iter(lib.utils.data.DataLoader(dataset, num_workers=2, **kw))
    try:
        list(it)
    except Exception as exc:  # noqa: BLE001 - the exception is what the test inspects
        return exc
    finally:
        it._shutdown_workers()
    raise AssertionError("no exception")


@pytest.mark.parametrize("exc", [ValueError("bad sample 3"), KeyError("missing"),
                                 IndexError("out of range")])
def test_worker_exception_reraised_with_worker_id_and_traceback(exc):
    t_err = first_error(torch, Failing(exc), batch_size=2)
    e_err = first_error(ember, Failing(exc), batch_size=2)
    assert type(e_err) is type(t_err) is type(exc)
    msg = str(e_err)
    assert f"Caught {type(exc).__name__} in DataLoader worker process 1" in msg
    assert "Original Traceback (most recent call last):" in msg
    assert "in __getitem__" in msg and "raise self.exc" in msg and str(exc) in msg
    assert msg.splitlines()[0] == str(t_err).splitlines()[0]


def test_worker_init_fn_exception_reraised():
    def init(worker_id):
        raise RuntimeError(f"init failed in {worker_id}")

    with pytest.raises(RuntimeError, match="init failed in 0"):
        list(ember.utils.data.DataLoader(range(4), num_workers=1, worker_init_fn=init))


def test_killed_worker_raises_instead_of_hanging():
    loader = ember.utils.data.DataLoader(Suicidal(), batch_size=1, num_workers=2)
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           r"unexpectedly.*Killed"):
        list(loader)
    assert time.perf_counter() - start < 10.0  # at once: not after a 5 s status poll


def test_worker_killed_from_outside():
    it = iter(ember.utils.data.DataLoader(Slow(), batch_size=1, num_workers=2))
    assert next(it).item() == 0
    os.kill(it._workers[1].pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(it)
    del it


def test_timeout():
    loader = ember.utils.data.DataLoader(Slow(), num_workers=1, timeout=0.1)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.1 seconds"):
        list(loader)


# ---- shutdown ---------------------------------------------------------------------------------------


def test_workers_exit_after_full_pass():
    it = iter(ember.utils.data.DataLoader(range(6), batch_size=2, num_workers=2))
    assert len(list(it)) == 3
    assert workers_alive(it) == []


def test_workers_exit_after_break_and_del():
    it = iter(ember.utils.data.DataLoader(range(100), batch_size=2, num_workers=2))
    next(it)
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    gc.collect()
    assert not any(w.is_alive() for w in workers)
    assert not set(workers) & set(multiprocessing.active_children())


def test_workers_exit_after_error():
    it = iter(ember.utils.data.DataLoader(Failing(ValueError("x"), at=0), num_workers=2))
    with pytest.raises(ValueError):
        next(it)
    workers = list(it._workers)
    del it
    gc.collect()
    assert not any(w.is_alive() for w in workers)
