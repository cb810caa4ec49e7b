"""The dropout computation behind nn.functional's dropout family (which checks the arguments):
plain, feature (channel-wise) and alpha dropout.

Composites of ember ops that draw their mask exactly as PyTorch's CPU kernel does (an `empty_like`
in the input's memory layout filled by `bernoulli_(1 - p)`, then scaled), so that after the same
seed the masks are identical and the graph node is torch's MulBackward0.
"""
from __future__ import annotations

from . import creation as _creation

__all__ = ["dropout"]

# -SELU's alpha * scale: the value alpha dropout drives dropped units to
_ALPHA = 1.7580993408473766


def _noise_like(input, feature: bool):
    """An uninitialised mask: input's shape, or (N, C, 1, ...) for channel-wise dropout."""
    if not feature:  # empty_like keeps input's memory layout, so the mask lands as torch's does
        return _creation.empty_like(input)
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    return _creation.empty(shape, dtype=input.dtype, device=input.device)


def dropout(input, p: float, train: bool, inplace: bool = False, feature: bool = False,
            alpha: bool = False):
    """PyTorch's CPU dropout for a checked p: identity when off, zeros at p=1, else input * a
    scaled Bernoulli mask (per element, or per channel when `feature`; SELU-preserving when
    `alpha`)."""
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
