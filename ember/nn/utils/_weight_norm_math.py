"""The two formulas weight normalisation shares (torch.norm_except_dim and torch._weight_norm)."""
from __future__ import annotations

from ..._tensor import Tensor


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The `pow`-norm of v over every dim except `dim`, shaped to broadcast against v
    (dim=-1: the norm of the whole tensor, a 0-d tensor)."""
    if dim == -1:
        return v.norm(pow)
    dim = dim % v.ndim
    others = tuple(d for d in range(v.ndim) if d != dim)
    return v.norm(pow, dim=others, keepdim=True)


def weight_norm_value(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """v * (g / ||v||), the norm over every dim except `dim`."""
    return v * (g / norm_except_dim(v, 2, dim))
