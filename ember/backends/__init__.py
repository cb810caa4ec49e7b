"""ember.backends: PyTorch's backend switches (cudnn, cuda.matmul, mps, mkldnn) as settable flags."""
from __future__ import annotations

from . import cuda, cudnn, mkldnn, mps
from .cuda import get_float32_matmul_precision, set_float32_matmul_precision  # noqa: F401

__all__ = ["cuda", "cudnn", "mkldnn", "mps"]
