"""Fourier transforms (the kernels behind torch.fft) and stft/istft."""
from __future__ import annotations

__all__: list[str] = []
