"""nn layers: the module family."""
from __future__ import annotations

__all__: list = []
