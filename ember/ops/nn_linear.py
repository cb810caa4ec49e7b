"""Neural-network ops (nn_linear family): forward on arrays, backward in ember ops; exported via nn.functional."""
from __future__ import annotations

__all__: list = []
