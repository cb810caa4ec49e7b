"""torch.cuda.graphs: CUDA graph capture. ember runs eagerly and has no graph capture; the names
behave as in a CPU-only torch build (RuntimeError on use)."""
from __future__ import annotations

__all__ = ["CUDAGraph", "graph", "graph_pool_handle", "is_current_stream_capturing",
           "make_graphed_callables"]


def _dummy(name: str) -> RuntimeError:
    return RuntimeError(f"Tried to instantiate dummy base class {name}")


def is_current_stream_capturing() -> bool:
    raise _dummy("_cuda_isCurrentStreamCapturing")


def graph_pool_handle():
    raise _dummy("_graph_pool_handle")


class CUDAGraph:
    """A captured CUDA graph (not available: ember has no graph capture)."""

    def __new__(cls, keep_graph: bool = False):
        raise _dummy("CUDAGraph")


class graph:
    """Context manager capturing CUDA work into a CUDAGraph."""

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode: str = "global"):
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


def make_graphed_callables(callables, sample_args, num_warmup_iters: int = 3,
                           allow_unused_input: bool = False, pool=None):
    raise _dummy("CUDAGraph")
