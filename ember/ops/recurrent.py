"""Recurrent cell ops (fused RNN/LSTM/GRU cells and sequences); exported via nn.functional where torch has them."""
from __future__ import annotations

__all__: list = []
