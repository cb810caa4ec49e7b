"""Attention ops (scaled_dot_product_attention, multi_head_attention_forward); exported via nn.functional."""
from __future__ import annotations

__all__: list = []
