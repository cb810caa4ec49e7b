"""Tensor methods of the reduction family (sum, mean, max, var, norm, sort, topk...)."""
from __future__ import annotations

from ..ops import reduction as _r


class ReductionMethods:
    __slots__ = ()

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _r.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _r.mean(self, dim, keepdim, dtype=dtype)
