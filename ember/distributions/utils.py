"""Helpers shared by the distributions: argument broadcasting, probs <-> logits, lazy_property."""
from __future__ import annotations

from functools import update_wrapper
from numbers import Number

import ember

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]


def broadcast_all(*values):
    """Broadcast tensors and numbers together; numbers take the first tensor's dtype."""
    if not all(ember.is_tensor(v) or isinstance(v, Number) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(ember.is_tensor(v) for v in values):
        options = {"dtype": ember.get_default_dtype()}
        for v in values:
            if ember.is_tensor(v):
                options = {"dtype": v.dtype, "device": v.device}
                break
        values = [v if ember.is_tensor(v) else ember.tensor(v, **options) for v in values]
    return ember.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    return ember.empty(shape, dtype=dtype, device=device).normal_()


def _sum_rightmost(value, dim: int):
    """Sum out the `dim` right-most dimensions of `value`."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    """Sigmoid for binary logits, softmax over the last dimension otherwise."""
    if is_binary:
        return ember.sigmoid(logits)
    return ember.nn.functional.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Clamp probabilities into [eps, 1 - eps] of their dtype."""
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Inverse of logits_to_probs (probabilities clamped away from 0 and 1 first)."""
    ps = clamp_probs(probs)
    if is_binary:
        return ember.log(ps) - ember.log1p(-ps)
    return ember.log(ps)


class lazy_property:
    """A property computed once on first access and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag: int = 0):
    """The lower triangle (below diagonal `diag`) of the last two dims as a vector."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    flat = mat.reshape(tuple(mat.shape[:-2]) + (n * n,))
    return flat[..., _tril_index(n, diag, mat.device)]


def _tril_index(n: int, diag: int, device):
    """Flat indices (row-major) of the entries on or below diagonal `diag` of an n x n matrix."""
    arange = ember.arange(n, device=device)
    return (arange < arange.view(-1, 1) + (diag + 1)).reshape(-1).nonzero().reshape(-1)


def vec_to_tril_matrix(vec, diag: int = 0):
    """Inverse of tril_matrix_to_vec: a vector into a lower-triangular square matrix."""
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1))
         ** 0.5) / 2
    eps = ember.finfo(vec.dtype).eps
    if round(n) - n > eps:
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be "
                         "expressed as the lower triangular part of a square D x D matrix.")
    n = round(n)
    flat = vec.new_zeros(tuple(vec.shape[:-1]) + (n * n,))
    flat[..., _tril_index(n, diag, vec.device)] = vec
    return flat.reshape(tuple(vec.shape[:-1]) + (n, n))
