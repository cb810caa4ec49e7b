"""Parameter and Buffer: tensors that modules register."""
from __future__ import annotations

__all__: list = []
