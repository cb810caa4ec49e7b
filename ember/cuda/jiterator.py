"""torch.cuda.jiterator: elementwise CUDA kernels from C++ source strings. Creating one only
records the code (as torch does); calling it needs a GPU."""
from __future__ import annotations

from collections.abc import Callable

from .._tensor import Tensor

__all__ = ["Callable", "Tensor"]


class _JittedFunction:
    """An elementwise kernel from `code_string`, compiled on first call."""

    def __init__(self, code_string: str, return_by_ref: bool, num_outputs: int, **kwargs):
        self.code_string = code_string
        self.return_by_ref = return_by_ref
        self.num_outputs = num_outputs
        self.kwargs_dict = kwargs

    def __call__(self, *tensors, **kwargs):
        from ._cpu_build import _cupy
        _cupy()
        raise RuntimeError("Jiterator is only supported on CUDA and ROCm GPUs, none are "
                           "available.")


def _create_jit_fn(code_string: str, **kwargs) -> Callable:
    return _JittedFunction(code_string, return_by_ref=False, num_outputs=1, **kwargs)


def _create_multi_output_jit_fn(code_string: str, num_outputs: int, **kwargs) -> Callable:
    return _JittedFunction(code_string, return_by_ref=True, num_outputs=num_outputs, **kwargs)
