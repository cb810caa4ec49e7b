"""ember.optim: optimizers with PyTorch's param_groups/state_dict layout, and lr_scheduler."""
from __future__ import annotations

from . import lr_scheduler  # noqa: F401
from .optimizer import *
