"""Tensor methods of the shape family (view, reshape, permute, squeeze, expand, split, flip...)."""
from __future__ import annotations

from ..ops import shape as _s


class ShapeMethods:
    __slots__ = ()

    def view(self, *shape):
        return _s.view(self, *shape)

    def view_as(self, other):
        return _s.view(self, other.shape)

    def reshape(self, *shape):
        return _s.reshape(self, *shape)

    def reshape_as(self, other):
        return _s.reshape(self, other.shape)

    def transpose(self, dim0, dim1):
        return _s.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _s.t(self)

    def permute(self, *dims):
        return _s.permute(self, *dims)

    def expand(self, *sizes):
        return _s.expand(self, *sizes)

    def expand_as(self, other):
        return _s.expand(self, other.shape)

    @property
    def T(self):
        n = self.ndim
        return self if n < 2 else _s.permute(self, tuple(range(n - 1, -1, -1)))

    @property
    def mT(self):
        if self.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                               f"Got {self.ndim}-D tensor.")
        return _s.transpose(self, -2, -1)
