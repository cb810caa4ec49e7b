"""Padding layers: Zero/Constant/Reflection/Replication/Circular Pad1d/2d/3d."""
from __future__ import annotations

__all__: list = []
