"""Tensor methods of the indexing family (__getitem__, __setitem__, gather, scatter, masked_*...)."""
from __future__ import annotations

from ..ops import indexing as _i
from ..ops._output import inplace
from ._lazy import LazyModule

_sr = LazyModule(globals(), "_sr", "ember.ops.scatter_reduce")


class IndexingMethods:
    __slots__ = ()

    def __getitem__(self, key):
        return _i.getitem(self, key)

    def __setitem__(self, key, value) -> None:
        _i.setitem(self, key, value)

    def select(self, dim, index):
        return _i.select(self, dim, index)

    def gather(self, dim, index, *, sparse_grad=False):
        return _i.gather(self, dim, index)

    def take_along_dim(self, indices, dim=None):
        return _i.take_along_dim(self, indices, dim)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return _i.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return inplace(self, _i.scatter, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return _i.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return inplace(self, _i.scatter_add, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _sr.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return inplace(self, _sr.scatter_reduce, dim, index, src, reduce,
                       include_self=include_self)

    def index_select(self, dim, index):
        return _i.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return _i.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return inplace(self, _i.index_add, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        return _i.index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        return inplace(self, _i.index_copy, dim, index, source)

    def index_fill(self, dim, index, value):
        return _i.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return inplace(self, _i.index_fill, dim, index, value)

    def masked_fill(self, mask, value):
        return _i.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return inplace(self, _i.masked_fill, mask, value)

    def masked_select(self, mask):
        return _i.masked_select(self, mask)

    def masked_scatter(self, mask, source):
        return _i.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        return inplace(self, _i.masked_scatter, mask, source)

    def nonzero(self, *, as_tuple=False):
        return _i.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return _i.argwhere(self)

    def take(self, index):
        return _i.take(self, index)
