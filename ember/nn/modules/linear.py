"""nn layers: the linear family."""
from __future__ import annotations

__all__: list = []
