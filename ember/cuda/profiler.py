"""torch.cuda.profiler: start/stop the CUDA profiler (needs a GPU)."""
from __future__ import annotations

import contextlib

from ._cpu_build import _cupy

__all__ = ["profile", "start", "stop"]


def start() -> None:
    _cupy().cuda.profiler.start()


def stop() -> None:
    _cupy().cuda.profiler.stop()


@contextlib.contextmanager
def profile():
    """Profile the block: start() on entry, stop() on exit."""
    try:
        start()
        yield
    finally:
        stop()
