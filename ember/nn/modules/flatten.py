"""nn layers: the flatten family."""
from __future__ import annotations

__all__: list = []
