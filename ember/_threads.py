"""get/set_num_threads: ember's parallel work is NumPy's BLAS, so the count maps onto its thread
pool through threadpoolctl when that package is installed (otherwise it is only remembered)."""
from __future__ import annotations

import os

__all__ = ["get_num_interop_threads", "get_num_threads", "set_num_interop_threads",
           "set_num_threads"]

_state = {"threads": None, "interop": None, "limiter": None}


def _default() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def _check(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError here
            f"{name} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return n


def get_num_threads() -> int:
    """The number of threads for intra-op work (BLAS)."""
    return _state["threads"] or _default()


def set_num_threads(n: int) -> None:
    """Use `n` threads for intra-op work: NumPy's BLAS pool, through threadpoolctl if present."""
    _state["threads"] = _check("set_num_threads", n)
    try:
        from threadpoolctl import threadpool_limits  # optional: imported when first used
    except ImportError:
        return
    _state["limiter"] = threadpool_limits(limits=n, user_api="blas")


def get_num_interop_threads() -> int:
    return _state["interop"] or _default()


def set_num_interop_threads(n: int) -> None:
    _state["interop"] = _check("set_num_interop_threads", n)
