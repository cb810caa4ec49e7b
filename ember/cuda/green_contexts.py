"""torch.cuda.green_contexts: GreenContext (SM partitions), unavailable without CUDA 12.4+."""
from __future__ import annotations

from ._cpu_build import GreenContext

__all__ = ["GreenContext"]
