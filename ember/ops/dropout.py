"""Dropout family: plain, feature (channel-wise) and alpha dropout, exported via nn.functional.

Composites of ember ops that draw their mask exactly as PyTorch's CPU kernel does (an `empty_like`
in the input's memory layout filled by `bernoulli_(1 - p)`, then scaled), so that after the same seed the masks are identical and
the graph node is torch's MulBackward0.
"""
from __future__ import annotations

import warnings

from . import creation as _creation

__all__ = ["alpha_dropout", "dropout", "dropout1d", "dropout2d", "dropout3d",
           "feature_alpha_dropout"]

# -SELU's alpha * scale: the value alpha dropout drives dropped units to
_ALPHA = 1.7580993408473766


def _check_p(p) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise_like(input, feature: bool):
    """An uninitialised mask: input's shape, or (N, C, 1, ...) for channel-wise dropout."""
    if not feature:  # empty_like keeps input's memory layout, so the mask lands as torch's does
        return _creation.empty_like(input)
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    return _creation.empty(shape, dtype=input.dtype, device=input.device)


def _dropout_impl(input, p: float, train: bool, inplace: bool, feature: bool, alpha: bool):
    """PyTorch's CPU dropout: identity when off, zeros at p=1, else input * scaled Bernoulli mask."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = _creation.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    noise = _noise_like(input, feature)
    noise.bernoulli_(1 - p)
    if alpha:
        a = 1.0 / ((_ALPHA * _ALPHA * p + 1) * (1 - p)) ** 0.5
        shift = noise.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
        noise.mul_(a)
        return input.mul_(noise).add_(shift) if inplace else (input * noise).add_(shift)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=False, alpha=False)


def alpha_dropout(input, p: float = 0.5, training: bool = False, inplace: bool = False):
    """Dropout that keeps SELU's zero mean and unit variance (dropped units go to -alpha*scale)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=False, alpha=True)


def feature_alpha_dropout(input, p: float = 0.5, training: bool = False, inplace: bool = False):
    """Alpha dropout of whole channels."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def _feature_dropout_unbatched(input, p, training, inplace, batched: bool):
    """Channel-wise dropout; an unbatched input gets a batch dimension for the draw."""
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, inplace, feature=True, alpha=False)
    if not batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    _check_p(p)
    dim = input.dim()
    if dim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {dim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
            "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout_unbatched(input, p, training, inplace, batched=dim == 3)


def _warn_rank(name: str, dim: int, spatial: int) -> None:
    warnings.warn(
        f"{name}: Received a {dim}-D input to {name}, which is deprecated and will result in an "
        "error in a future release. To retain the behavior and silence this warning, please use "
        f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
        f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension "
        f"(i.e. {spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, H, W) input; a 3-D input is read as (N, C, L), as torch does."""
    _check_p(p)
    dim = input.dim()
    if dim not in (3, 4):
        _warn_rank("dropout2d", dim, 2)
    if dim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
            "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
            "dim. This behavior will change in a future release to interpret the input as one "
            "without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
            "dropout behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=False)


def dropout3d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    _check_p(p)
    dim = input.dim()
    if dim not in (4, 5):
        _warn_rank("dropout3d", dim, 3)
    return _feature_dropout_unbatched(input, p, training, inplace, batched=dim == 5)
