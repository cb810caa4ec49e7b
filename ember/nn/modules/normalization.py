"""nn layers: the normalization family."""
from __future__ import annotations

__all__: list = []
