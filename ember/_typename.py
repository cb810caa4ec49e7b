"""torch.typename, for the error messages of nn and optim (below both, so neither imports up)."""
from __future__ import annotations

from ._tensor import Tensor


def typename(obj) -> str:
    """torch.typename: 'torch.FloatTensor' for tensors, the qualified type name otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in ("", "builtins"):
        return qualname
    if module.startswith("ember."):
        module = "torch." + module[6:]  # ember stands in for torch in messages, as Tensor.type()
    return f"{module}.{qualname}"
