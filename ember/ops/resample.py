"""Resampling and patch ops (interpolate, pixel_shuffle, fold/unfold, channel_shuffle); exported via nn.functional."""
from __future__ import annotations

__all__: list = []
