"""ember.nn.init: the initialisers of the spec, with PyTorch's bounds and random draws."""
from __future__ import annotations
