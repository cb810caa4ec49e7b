"""Optimizer base: param_groups, state, zero_grad, add_param_group, PyTorch's state_dict layout."""
from __future__ import annotations

__all__: list = []
