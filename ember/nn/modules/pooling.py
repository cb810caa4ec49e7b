"""Pooling layers: MaxPool, AvgPool, adaptive pools, LPPool, MaxUnpool."""
from __future__ import annotations

__all__: list = []
