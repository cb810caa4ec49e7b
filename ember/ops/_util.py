"""Small helpers the op families share: dimension wrapping, reduction axes, constant tensors."""
from __future__ import annotations

from ..backend import array_module
from . import _op


def wrap_dim(dim: int, ndim: int) -> int:
    """A possibly negative dim as an index in [0, ndim); 0-d tensors accept -1 and 0."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim


def reduce_axes(dim, ndim: int):
    """dim=None | int | sequence -> None (all) or a sorted tuple of distinct axes."""
    if dim is None:
        return None
    if isinstance(dim, int):
        d = wrap_dim(dim, ndim)  # range-checked even for 0-d tensors, which accept 0 and -1
        return (d,) if ndim else ()
    axes = tuple(sorted(wrap_dim(d, ndim) for d in dim))
    if not ndim:
        return () if dim else None
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return axes if dim else None


def keepdim_shape(shape: tuple, axes) -> tuple:
    """The shape a reduction over `axes` has with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _const(a):
    """A raw array as a constant Tensor (masks and piecewise-constant factors in backward)."""
    return _op._new_tensor(_op.as_array(a))


def _zeros(t):
    """A constant zero Tensor shaped like Tensor t (the gradient of a constant result)."""
    return _op._new_tensor(array_module(t._data).zeros_like(t._data))


def storage_root(a) -> tuple:
    """(the array `a` is ultimately a view of, a's start in it in bytes): torch's storage and
    storage offset, for NumPy views of one allocation."""
    root = a
    while hasattr(root.base, "__array_interface__"):  # an array, not the bytes/mmap under it
        root = root.base
    return root, a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
