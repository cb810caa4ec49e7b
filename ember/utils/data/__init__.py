"""ember.utils.data: Dataset, samplers, DataLoader and collation, as torch.utils.data."""
from __future__ import annotations

__all__: list = []
