"""Pooling ops (max/avg/adaptive/lp, unpool): forward on arrays, backward in ember ops; exported via nn.functional."""
from __future__ import annotations

__all__: list = []
