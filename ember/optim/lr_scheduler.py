"""PyTorch-compatible learning-rate schedulers."""
from __future__ import annotations

__all__: list = []
