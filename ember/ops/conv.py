"""Convolution ops (conv1d/2d/3d, transposed): forward on arrays, backward in ember ops; exported via nn.functional."""
from __future__ import annotations

__all__: list = []
