"""DataLoader throughput: one epoch over a dataset whose __getitem__ is CPU-bound Python work.

Compare the `_0_workers` and `_2_workers` rows of one framework for the worker speed-up (the issue
asks for >= 1.7x on 2 cores); the ember/torch ratio compares the two loaders. The `_persistent`
rows keep the workers between epochs, so they time steady-state loading without the forks.
Run with `python -m benchmarks.run benchmarks.dataloader --repeats 5 --warmup 1`.
"""
from __future__ import annotations

import numpy as np

SAMPLES = 192
BATCH = 16
WORK = 12_000  # Python loop iterations per sample: about 0.5 ms, held under the GIL


class _Squares:
    """A map-style dataset: each sample costs a pure-Python loop plus a small array."""

    def __init__(self, torch):
        self.torch = torch

    def __len__(self):
        return SAMPLES

    def __getitem__(self, i):
        acc = 0
        for k in range(WORK):
            acc += (k * i) % 7
        x = self.torch.from_numpy(np.full((3, 32, 32), acc % 255, dtype=np.float32))
        return x, i


def _epoch(loader):
    def run():
        for _ in loader:
            pass
    return run


def bench_cpu_bound_0_workers(torch):
    """One epoch, 192 samples of ~0.5 ms each, batch 16, loaded in the main process."""
    return _epoch(torch.utils.data.DataLoader(_Squares(torch), batch_size=BATCH))


def bench_cpu_bound_2_workers(torch):
    """The same epoch with 2 worker processes (forked afresh each epoch)."""
    return _epoch(torch.utils.data.DataLoader(_Squares(torch), batch_size=BATCH, num_workers=2))


def bench_cpu_bound_2_workers_persistent(torch):
    """The same epoch with 2 persistent workers (no fork per epoch)."""
    return _epoch(torch.utils.data.DataLoader(_Squares(torch), batch_size=BATCH, num_workers=2,
                                              persistent_workers=True))


def bench_big_batches_2_workers(torch):
    """Transport cost: 8 batches of 16 x (3, 224, 224) float32 (9.6 MB each) from 2 workers."""
    class Images:
        def __len__(self):
            return 128

        def __getitem__(self, i):
            return torch.from_numpy(np.full((3, 224, 224), i, dtype=np.float32))

    return _epoch(torch.utils.data.DataLoader(Images(), batch_size=16, num_workers=2,
                                              persistent_workers=True))
