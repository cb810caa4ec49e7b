"""torch.memory_format: contiguous_format, channels_last, channels_last_3d, preserve_format.

A memory format names the order of a tensor's axes in memory. ember stores a channels-last tensor
as an NHWC (NDHWC) array viewed as NCHW, so its strides are torch's; NumPy's elementwise kernels
keep that layout. The functions here check a format argument, test a layout and re-lay an array.
"""
from __future__ import annotations

from .backend import array_module


class TorchConstant:
    """A named torch constant compared by identity and printed as `torch.<name>` (memory formats
    here, layouts in _tensor.py); it pickles as the module-level constant of that name."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return "torch." + self._name

    def __reduce__(self) -> str:
        return self._name


class memory_format(TorchConstant):
    """One of torch's four memory formats."""

    __slots__ = ()


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")

# channels-last formats: (the rank they need, the axes from slowest to fastest in memory)
_ORDER = {channels_last: (4, (0, 2, 3, 1)), channels_last_3d: (5, (0, 2, 3, 4, 1))}


def check(fmt, fn: str):
    """`fmt` itself when it is a memory format (None counts as `default`), else torch's TypeError."""
    if fmt is None or fmt.__class__ is memory_format:
        return fmt
    raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not "
                    f"{type(fmt).__name__}")


def _order(fmt, ndim: int) -> tuple:
    """The slow-to-fast axis order of a channels-last format for rank `ndim` (checked)."""
    rank, order = _ORDER[fmt]
    if ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")
    return order


def _dense_in_order(shape, strides, order) -> bool:
    """Whether the strides are those of a dense array laid out in `order` (size-1 axes free)."""
    expected = 1
    for axis in reversed(order):
        n = shape[axis]
        if n != 1:
            if strides[axis] != expected:
                return False
            expected *= n
    return True


def is_contiguous_as(a, fmt) -> bool:
    """torch's is_contiguous(memory_format=fmt) for array `a` (a wrong rank is just False)."""
    if fmt is None or fmt is contiguous_format or fmt is preserve_format:
        return a.flags.c_contiguous
    rank, order = _ORDER[fmt]
    if a.ndim != rank:
        return False
    if a.size == 0:
        return False
    item = a.itemsize
    return _dense_in_order(a.shape, [s // item for s in a.strides], order)


def relaid(a, fmt):
    """A copy of array `a` laid out in `fmt` (contiguous or channels-last); preserve_format keeps
    the order of `a`'s strides, as torch's clone does."""
    xp = array_module(a)
    if fmt is None or fmt is preserve_format:
        return xp.array(a, copy=True, order="K")
    if fmt is contiguous_format:
        return xp.array(a, copy=True, order="C")
    order = _order(fmt, a.ndim)
    return xp.ascontiguousarray(a.transpose(order)).transpose(inverse(order))


def needs_relayout(a, fmt, fn: str = "contiguous") -> bool:
    """Whether `contiguous(memory_format=fmt)` must copy `a`; torch's errors where it must but
    cannot (preserve_format, a channels-last format on the wrong rank)."""
    if is_contiguous_as(a, fmt):
        return False
    if fmt is preserve_format:
        raise RuntimeError(f"preserve memory format is unsupported by the {fn} operator")
    if fmt is not None and fmt is not contiguous_format:
        _order(fmt, a.ndim)
    return True


def axis_order(fmt, ndim: int) -> tuple | None:
    """The slow-to-fast axes of a new tensor of rank `ndim` created in `fmt` (None: row-major);
    torch's errors for preserve_format and for a channels-last format on the wrong rank."""
    if fmt is None or fmt is contiguous_format:
        return None
    if fmt is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    return _order(fmt, ndim)


def inverse(order: tuple) -> list:
    """The transpose that views an array laid out in `order` with its logical axes."""
    return sorted(range(len(order)), key=order.__getitem__)
