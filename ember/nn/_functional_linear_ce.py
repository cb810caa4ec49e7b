"""F.linear_cross_entropy: cross_entropy of a linear projection, in one call.

torch's `options` opts into a chunked kernel that never materialises the (batch, classes)
logits; ember accepts the options and computes the reference (the same numbers)."""
from __future__ import annotations

from .._tensor import Tensor
from ._functional_linear import linear
from ._functional_loss import cross_entropy

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *,
                         linear_bias: Tensor | None = None, weight: Tensor | None = None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...); a weight of shape
    (C, d1, ..., dK, in_features) gives K-dimensional logits (N, C, d1, ..., dK)."""
    if input.dim() not in (1, 2):
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() == 2:
        logits = linear(input, linear_weight, linear_bias)
    else:
        out_shape = tuple(linear_weight.shape[:-1])
        flat_w = linear_weight.reshape(-1, linear_weight.shape[-1])
        flat_b = linear_bias.reshape(-1) if linear_bias is not None else None
        logits = linear(input, flat_w, flat_b)
        logits = logits.reshape(*input.shape[:-1], *out_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)
