"""Tensor methods of the shape family (view, reshape, permute, squeeze, expand, split, flip...)."""
from __future__ import annotations

from ..ops import rearrange as _r
from ..ops import shape as _s
from ..ops._output import inplace


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

    def flatten(self, start_dim=0, end_dim=-1):
        return _s.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _s.unflatten(self, dim, sizes)

    def ravel(self):
        return _s.ravel(self)

    def squeeze(self, dim=None):
        return _s.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _s.unsqueeze(self, dim)

    def squeeze_(self, dim=None):
        return _set_view_inplace(self, _s.squeeze(self, dim))

    def unsqueeze_(self, dim):
        return _set_view_inplace(self, _s.unsqueeze(self, dim))

    def transpose_(self, dim0, dim1):
        return _set_view_inplace(self, _s.transpose(self, dim0, dim1))

    swapaxes_ = swapdims_ = transpose_

    def t_(self):
        return _set_view_inplace(self, _s.t(self))

    def transpose(self, dim0, dim1):
        return _s.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _s.t(self)

    def adjoint(self):
        return _s.adjoint(self)

    def permute(self, *dims):
        return _s.permute(self, *dims)

    def movedim(self, source, destination):
        return _s.movedim(self, source, destination)

    moveaxis = movedim

    def expand(self, *sizes):
        return _s.expand(self, *sizes)

    def expand_as(self, other):
        return _s.expand(self, other.shape)

    def broadcast_to(self, size):
        return _s.broadcast_to(self, size)

    def repeat(self, *sizes):
        return _r.repeat(self, *sizes)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return _r.repeat_interleave(self, repeats, dim)

    def tile(self, dims):
        return _r.tile(self, dims)

    def split(self, split_size, dim=0):
        return _s.split(self, split_size, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return _s.tensor_split(self, indices_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _s.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _s.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _s.narrow(self, dim, start, length)

    def flip(self, *dims, **kwargs):
        return _r.flip(self, *dims, **kwargs)

    def fliplr(self):
        return _r.fliplr(self)

    def flipud(self):
        return _r.flipud(self)

    def roll(self, shifts, dims=None):
        return _r.roll(self, shifts, dims)

    def rot90(self, k=1, dims=(0, 1)):
        return _r.rot90(self, k, dims)

    def tril(self, diagonal=0):
        return _r.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _r.triu(self, diagonal)

    def tril_(self, diagonal=0):
        return inplace(self, _r.tril, diagonal)

    def triu_(self, diagonal=0):
        return inplace(self, _r.triu, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _r.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal=0):
        return _r.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _r.diag_embed(self, offset, dim1, dim2)

    def unfold(self, dimension, size, step):
        return _r.unfold(self, dimension, size, step)

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

    @property
    def H(self):
        t = self.T
        return t.conj() if self.is_complex() else t

    @property
    def mH(self):
        t = self.mT
        return t.conj() if self.is_complex() else t


def _set_view_inplace(t, v):
    """squeeze_/unsqueeze_: t takes the new shape (same memory) and the view's history."""
    t._data = v._data
    if v._requires_grad:
        t._grad_fn = v._grad_fn
        t._output_nr = v._output_nr
    return t
