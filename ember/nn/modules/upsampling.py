"""Resampling layers: Upsample, UpsamplingNearest2d/Bilinear2d, PixelShuffle, Fold/Unfold, ChannelShuffle."""
from __future__ import annotations

__all__: list = []
