"""make_tensor: a random tensor of a given shape and dtype drawn as torch.testing draws it, so the
same seed gives the same values (floats uniform in [-9, 9), integers in [-9, 10), bools 0/1)."""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from .. import _dtype as _dt
from .. import random as _random
from ..ops import creation as _creation

__all__ = ["make_tensor"]


def _bounds(dtype):
    """(lowest inclusive, highest exclusive, default low, default high) for a dtype."""
    if dtype is _dt.bool:
        return 0, 2, 0, 2
    if dtype.is_floating_point:
        info = _dt.finfo(dtype)
        return info.min, info.max, -9, 9
    info = _dt.iinfo(dtype)  # randint cannot draw int64's maximum: it is excluded there
    return info.min, info.max + (dtype is not _dt.int64), -9, 10


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False, memory_format=None):
    """A tensor filled with random values in [low, high) (torch.testing.make_tensor)."""
    if len(shape) == 1 and isinstance(shape[0], Sequence):  # make_tensor((2, 3), ...)
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got {noncontiguous=} and {memory_format=}")
    if requires_grad and not dtype.is_floating_point:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, "
                         f"but got dtype={dtype}")
    lowest, highest, default_low, default_high = _bounds(dtype)
    low = default_low if low is None else low
    high = default_high if high is None else high
    if isinstance(low, float) and math.isnan(low) or isinstance(high, float) and math.isnan(high):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if dtype.is_floating_point and low == high:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex "
                      "types is deprecated since 2.1 and will be removed in 2.3. Use "
                      "`torch.full(...)` instead.", FutureWarning, stacklevel=2)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:  # draw twice the last dimension, keep every other value from the second
        shape = (*shape[:-1], 2 * shape[-1])
    if not dtype.is_floating_point:
        t = _random.randint(math.ceil(low), math.ceil(high), shape, device=device, dtype=dtype)
    else:
        t = _creation.empty(shape, dtype=dtype, device=device)
        if high - low >= _dt.finfo(dtype).max:  # the range overflows: draw half of it, double
            t.uniform_(low / 2, high / 2).mul_(2)
        else:
            t.uniform_(low, high)
    if noncontiguous:
        t = t[..., 1::2]
    elif memory_format is not None:
        t = t.clone(memory_format=memory_format)
    if exclude_zero:
        t[t == 0] = _dt.finfo(dtype).tiny if dtype.is_floating_point else 1
    if dtype.is_floating_point:
        t.requires_grad_(requires_grad)
    return t
