"""The *_copy functions: each view op's result as a new tensor (torch's functionalization
names; programs exported through torch.export call them)."""
from __future__ import annotations

from ..autograd.grad_mode import is_grad_enabled
from ._op import Op
from .complex import view_as_complex, view_as_real

__all__ = ["alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
           "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
           "unsqueeze_copy", "view_as_complex_copy", "view_as_real_copy", "view_copy"]


def alias_copy(input):
    return input.clone()


def as_strided_copy(input, size, stride, storage_offset=None):
    return input.as_strided(size, stride, storage_offset).clone()


class DetachCopy(Op):
    """torch's detach_copy: a copy that still requires grad, with no derivative."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::detach_copy is not implemented")


def detach_copy(input):
    return DetachCopy.apply(input)


def diagonal_copy(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    return input.diagonal(offset, dim1, dim2).clone()


def expand_copy(input, size, *, implicit: bool = False):
    return input.expand(size).clone()


def permute_copy(input, dims):
    return input.permute(dims).clone()


def select_copy(input, dim: int, index: int):
    return input.select(dim, index).clone()


def slice_copy(input, dim: int = 0, start=None, end=None, step: int = 1):
    dim = dim % input.dim()
    return input[(slice(None),) * dim + (slice(start, end, step),)].clone()


def split_copy(input, split_size, dim: int = 0):
    return tuple(t.clone() for t in input.split(split_size, dim))


def split_with_sizes_copy(input, split_sizes, dim: int = 0):
    return tuple(t.clone() for t in input.split_with_sizes(split_sizes, dim))


def squeeze_copy(input, dim=None):
    return (input.squeeze() if dim is None else input.squeeze(dim)).clone()


def t_copy(input):
    return input.t().clone()


def transpose_copy(input, dim0: int, dim1: int):
    return input.transpose(dim0, dim1).clone()


def unbind_copy(input, dim: int = 0):
    return tuple(t.clone() for t in input.unbind(dim))


def unfold_copy(input, dimension: int, size: int, step: int):
    return input.unfold(dimension, size, step).clone()


def unsqueeze_copy(input, dim: int):
    return input.unsqueeze(dim).clone()


def view_copy(input, size):
    """input.view(size) (or input.view(dtype)) as a new tensor."""
    return input.view(size).clone()


def view_as_real_copy(input):
    return view_as_real(input).clone()


def view_as_complex_copy(input):
    if input.requires_grad and is_grad_enabled():
        raise RuntimeError("view_as_complex_copy does not support automatic differentiation for "
                           "outputs with complex dtype.")
    return view_as_complex(input).clone()
