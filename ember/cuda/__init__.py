"""ember.cuda: availability and device queries, backed by CuPy when a GPU is present."""
from __future__ import annotations

from ..backend import cuda_available, cuda_device_count


def is_available() -> bool:
    return cuda_available()


def device_count() -> int:
    return cuda_device_count()
