"""Tensor methods of the reduction family (sum, mean, max, var, norm, sort, topk...)."""
from __future__ import annotations

from ..ops import comparison as _comparison
from ..ops import reduction as _r
from ..ops import sorting as _sorting
from ..ops._output import inplace
from ._lazy import LazyModule

_decomposition = LazyModule(globals(), "_decomposition", "ember.ops.decomposition")


class ReductionMethods:
    __slots__ = ()

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _r.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _r.mean(self, dim, keepdim, dtype=dtype)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return _r.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return _r.nanmean(self, dim, keepdim, dtype=dtype)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return _r.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return _r.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _r.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return _r.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _r.amin(self, dim, keepdim)

    def aminmax(self, *, dim=None, keepdim=False):
        return _r.aminmax(self, dim=dim, keepdim=keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _r.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _r.argmin(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _r.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _r.std(self, dim, unbiased, keepdim, correction=correction)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return _decomposition.norm(self, p, dim, keepdim, dtype=dtype)  # reduction's plus 'nuc'


    def dist(self, other, p=2):
        return _r.dist(self, other, p)

    def logsumexp(self, dim, keepdim=False):
        return _r.logsumexp(self, dim, keepdim)

    def cumsum(self, dim, *, dtype=None):
        return _r.cumsum(self, dim, dtype=dtype)

    def cumsum_(self, dim, *, dtype=None):
        return inplace(self, _r.cumsum, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return _r.cumprod(self, dim, dtype=dtype)

    def cumprod_(self, dim, *, dtype=None):
        return inplace(self, _r.cumprod, dim, dtype=dtype)

    def cummax(self, dim):
        return _sorting.cummax(self, dim)

    def cummin(self, dim):
        return _sorting.cummin(self, dim)

    def all(self, dim=None, keepdim=False):
        return _comparison.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _comparison.any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return _comparison.count_nonzero(self, dim)

    def sort(self, dim=-1, descending=False, stable=False):
        return _sorting.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return _sorting.argsort(self, dim, descending, stable)

    def msort(self):
        return _sorting.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return _sorting.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return _sorting.kthvalue(self, k, dim, keepdim)

    def median(self, dim=None, keepdim=False):
        return _sorting.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return _sorting.nanmedian(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return _sorting.mode(self, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return _sorting.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _sorting.unique_consecutive(self, return_inverse, return_counts, dim)
