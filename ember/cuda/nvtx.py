"""torch.cuda.nvtx: NVTX profiler ranges. ember has no NVTX library: every call raises as in a
CPU-only torch build."""
from __future__ import annotations

import contextlib

__all__ = ["mark", "range", "range_end", "range_pop", "range_push", "range_start"]

_NO_NVTX = "NVTX functions not installed. Are you sure you have a CUDA build?"


def range_push(msg: str):
    raise RuntimeError(_NO_NVTX)


def range_pop():
    raise RuntimeError(_NO_NVTX)


def range_start(msg: str) -> int:
    raise AttributeError("'_NVTXStub' object has no attribute 'rangeStartA'")


def range_end(range_id: int) -> None:
    raise AttributeError("'_NVTXStub' object has no attribute 'rangeEnd'")


def mark(msg: str):
    raise RuntimeError(_NO_NVTX)


@contextlib.contextmanager
def range(msg, *args, **kwargs):
    """A context manager pushing an NVTX range for the block."""
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()
