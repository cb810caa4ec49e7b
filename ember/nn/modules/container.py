"""nn layers: the container family."""
from __future__ import annotations

__all__: list = []
