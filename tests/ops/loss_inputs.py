"""Random inputs shared by the loss tests (tests/ops/test_loss.py, test_loss_extra.py)."""
import numpy as np

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


def F(lib):
    return lib.nn.functional


def uniform(shape, lo=-2.0, hi=2.0, dtype=np.float32):
    return rng.uniform(lo, hi, shape).astype(dtype)


def class_index(shape, C, ignore=None):
    t = rng.integers(0, C, shape).astype(np.int64)
    if ignore is not None:
        t.ravel()[::2] = ignore
    return t


def signs(shape):
    return np.where(rng.random(shape) < 0.5, -1, 1).astype(np.int64)
