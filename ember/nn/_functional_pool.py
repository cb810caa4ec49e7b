"""nn.functional's pools: torch's argument checks (kernel, stride, padding, dilation, ranks and
output sizes, with its messages), then one call into ember.ops.pooling, which only computes."""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..ops import pooling as _ops
from ..ops.activation import relu

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_pool3d",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]


def _ntuple(v, n: int, name: str) -> tuple:
    """An int or a 1/n-sequence as an n-tuple of ints (PyTorch's _pair/_triple with checks)."""
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"{name} must either be a single int, or a tuple of {n} ints")
    return v


def _check_rank(x, nd: int, name: str) -> None:
    if x.ndim not in (nd + 1, nd + 2) or (x.ndim and any(s == 0 for s in x.shape[1:])):
        dims = f"{nd + 1}D or {nd + 2}D"
        raise RuntimeError(f"{name}: Expected {dims} (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got: {tuple(x.shape)}")


def _out_size(n, k, s, p, d, ceil) -> int:
    """PyTorch's pooling_output_shape (floor division, ceil_mode start-inside rule)."""
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    o = num // s + 1
    if ceil and (o - 1) * s >= n + p:
        o -= 1
    return o


def _geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, name, kind="max"):
    """Normalise the pooling arguments and check them as PyTorch does; returns (k, s, p, d, out)."""
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _ntuple(stride, nd, "stride")
    p = _ntuple(padding, nd, "padding")
    d = _ntuple(dilation, nd, "dilation")
    if any(i <= 0 for i in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel: {k}")
    if any(i <= 0 for i in s):
        raise RuntimeError(f"stride should be greater than zero, but got stride: {s}")
    if any(i <= 0 for i in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation: {d}")
    for ki, pi, di in zip(k, p, d):
        if pi < 0:
            raise RuntimeError("pad must be non-negative")
        if kind == "max" and pi > (di * (ki - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={pi}, kernel_size={ki} and dilation={di}")
        if kind == "avg" and pi > ki // 2:
            raise RuntimeError(f"pad should be at most half of kernel size, but got pad={pi} "
                               f"and kernel_size={ki}")
    _check_rank(x, nd, name)
    spatial = x.shape[-nd:]
    out = tuple(_out_size(n, ki, si, pi, di, ceil_mode)
                for n, ki, si, pi, di in zip(spatial, k, s, p, d))
    if any(o < 1 for o in out):
        sz = "x".join(map(str, x.shape[-nd - 1:]))
        osz = "x".join(map(str, (x.shape[-nd - 1],) + out))
        raise RuntimeError(f"Given input size: ({sz}). Calculated output size: ({osz}). "
                           "Output size is too small")
    return k, s, p, d, out


def _max_pool(input, nd, kernel_size, stride, padding, dilation, ceil_mode, name,
              return_indices=True):
    x = input._data
    if x.dtype.kind == "b" or (nd == 1 and x.dtype.kind not in "fV"):  # V: ml_dtypes' bf16
        raise NotImplementedError(f'"{name}" not implemented for \'{input.dtype}\'')
    k, s, p, d, out = _geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, name)
    return _ops.max_pool(input, nd, k, s, p, d, out, return_indices)


def max_pool1d_with_indices(input: Tensor, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """1-d max pool returning (values, indices)."""
    return _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode, "max_pool1d")


def max_pool2d_with_indices(input: Tensor, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """2-d max pool returning (values, indices flattened per plane)."""
    return _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")


def max_pool3d_with_indices(input: Tensor, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """3-d max pool returning (values, indices flattened per volume)."""
    return _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d")


def max_pool1d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """1-d max pool over the last dim of (N, C, L) or (C, L)."""
    r = _max_pool(input, 1, kernel_size, stride, padding, dilation, ceil_mode, "max_pool1d",
                  return_indices)
    return r if return_indices else r[0]


def max_pool2d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """2-d max pool over (N, C, H, W) or (C, H, W)."""
    r = _max_pool(input, 2, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d",
                  return_indices)
    return r if return_indices else r[0]


def max_pool3d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """3-d max pool over (N, C, D, H, W) or (C, D, H, W)."""
    r = _max_pool(input, 3, kernel_size, stride, padding, dilation, ceil_mode, "max_pool3d",
                  return_indices)
    return r if return_indices else r[0]


def _avg_pool(input, nd, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override, name):
    x = input._data
    if x.dtype.kind == "b" or (nd == 1 and x.dtype.kind not in "fV"):  # V: ml_dtypes' bf16
        raise NotImplementedError(f'"{name}" not implemented for \'{input.dtype}\'')
    k, s, p, _, out = _geometry(x, nd, kernel_size, stride, padding, 1, ceil_mode, name, "avg")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return _ops.avg_pool(input, nd, k, s, p, out, ceil_mode, count_include_pad, divisor_override)


def avg_pool1d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """1-d average pool over the last dim of (N, C, L) or (C, L)."""
    return _avg_pool(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                     "avg_pool1d")


def avg_pool2d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """2-d average pool over (N, C, H, W) or (C, H, W)."""
    return _avg_pool(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, "avg_pool2d")


def avg_pool3d(input: Tensor, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """3-d average pool over (N, C, D, H, W) or (C, D, H, W)."""
    return _avg_pool(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, "avg_pool3d")


def _adaptive_sizes(x, nd, output_size, name):
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{tuple(x.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {tuple(x.shape)} with dimension "
                               f"{i} being empty")
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise RuntimeError(f"{name}: internal error: output_size.size() must be {nd}")
    spatial = x.shape[-nd:]
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, spatial))
    if any(o < 0 for o in out):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 "
                           f"but received {out}")
    return spatial, out


def _adaptive_avg(input, nd, output_size, name):
    x = input._data
    if x.dtype.kind not in "fV":  # V: ml_dtypes' bfloat16
        raise NotImplementedError(f'"{name}" not implemented for \'{input.dtype}\'')
    _, out = _adaptive_sizes(x, nd, output_size, name)
    return _ops.adaptive_avg_pool(input, nd, out)


def adaptive_avg_pool1d(input: Tensor, output_size: int | tuple[int, ...]) -> Tensor:
    """Average pool to a fixed output length (PyTorch's floor/ceil window bounds)."""
    return _adaptive_avg(input, 1, output_size, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input: Tensor, output_size: int | tuple[int, ...]) -> Tensor:
    """Average pool to a fixed (H, W); None keeps that input size."""
    return _adaptive_avg(input, 2, output_size, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input: Tensor, output_size: int | tuple[int, ...]) -> Tensor:
    """Average pool to a fixed (D, H, W); None keeps that input size."""
    return _adaptive_avg(input, 3, output_size, "adaptive_avg_pool3d")


def _adaptive_max(input, nd, output_size, name):
    x = input._data
    if x.dtype.kind not in "fV":  # V: ml_dtypes' bfloat16
        raise NotImplementedError(f'"{name}" not implemented for \'{input.dtype}\'')
    _, out = _adaptive_sizes(x, nd, output_size, name)
    return _ops.adaptive_max_pool(input, nd, out)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: int | tuple[int, ...],
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """Adaptive 1-d max pool returning (values, indices)."""
    return _adaptive_max(input, 1, output_size, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: int | tuple[int, ...],
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """Adaptive 2-d max pool returning (values, indices)."""
    return _adaptive_max(input, 2, output_size, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: int | tuple[int, ...],
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """Adaptive 3-d max pool returning (values, indices)."""
    return _adaptive_max(input, 3, output_size, "adaptive_max_pool3d")


def adaptive_max_pool1d(input: Tensor, output_size: int | tuple[int, ...],
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max pool to a fixed output length."""
    r = _adaptive_max(input, 1, output_size, "adaptive_max_pool1d")
    return r if return_indices else r[0]


def adaptive_max_pool2d(input: Tensor, output_size: int | tuple[int, ...],
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max pool to a fixed (H, W); None keeps that input size."""
    r = _adaptive_max(input, 2, output_size, "adaptive_max_pool2d")
    return r if return_indices else r[0]


def adaptive_max_pool3d(input: Tensor, output_size: int | tuple[int, ...],
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max pool to a fixed (D, H, W); None keeps that input size."""
    r = _adaptive_max(input, 3, output_size, "adaptive_max_pool3d")
    return r if return_indices else r[0]


# ---- lp pools ---------------------------------------------------------------------------------


def _lp_pool(input, nd, norm_type, kernel_size, stride, ceil_mode):
    k = _ntuple(kernel_size, nd, "kernel_size")
    pool = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[nd]
    kk = k[0] if nd == 1 else k
    if stride is not None:
        out = pool(input.pow(norm_type), kk, stride, 0, ceil_mode)
    else:
        out = pool(input.pow(norm_type), kk, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * relu(out.abs())).mul(math.prod(k)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Tensor:
    """Power-average pool: (sum x^p over the window)^(1/p)."""
    return _lp_pool(input, 1, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Tensor:
    """2-d power-average pool: (sum x^p over the window)^(1/p)."""
    return _lp_pool(input, 2, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Tensor:
    """3-d power-average pool: (sum x^p over the window)^(1/p)."""
    return _lp_pool(input, 3, norm_type, kernel_size, stride, ceil_mode)


def _max_unpool(input, indices, nd, kernel_size, stride, padding, output_size, name):
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None else _ntuple(stride, nd, "stride")
    p = _ntuple(padding, nd, "padding")
    x = input._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected input to be {nd + 1}D or {nd + 2}D tensor, but "
                           f"got {x.ndim}D")
    if tuple(indices.shape) != tuple(x.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({tuple(x.shape)}) but got indices tensor with shape: "
                           f"{tuple(indices.shape)}")
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{str(indices.dtype).replace('ember.', '')}")
    default = [(x.shape[-nd + i] - 1) * s[i] + k[i] - 2 * p[i] for i in range(nd)]
    if output_size is None:
        out = default
    else:
        out = list(output_size)
        if len(out) == nd + 2:
            out = out[-nd:]
        if len(out) != nd:
            raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                             f"elements, but it has a length of '{len(out)}'")
        for i in range(nd):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < out[i] < hi:
                raise ValueError(f'invalid output_size "{out}" (dim {i} must be between {lo} '
                                 f"and {hi})")
    out = tuple(int(o) for o in out)
    idx = indices._data
    P = math.prod(out)
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= P):
        raise RuntimeError(f"Found an invalid max index: {int(idx.max())} (output volumes are "
                           f"of size {'x'.join(map(str, out))}")
    return _ops.max_unpool(input, idx, out)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 output_size: int | tuple[int, ...] | None = None) -> Tensor:
    """Inverse of max_pool1d: values back at their argmax positions, zeros elsewhere."""
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size,
                       "max_unpool1d")


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 output_size: int | tuple[int, ...] | None = None) -> Tensor:
    """Inverse of max_pool2d: values back at their argmax positions, zeros elsewhere."""
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size,
                       "max_unpool2d")


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 output_size: int | tuple[int, ...] | None = None) -> Tensor:
    """Inverse of max_pool3d: values back at their argmax positions, zeros elsewhere."""
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size,
                       "max_unpool3d")


# ---- fractional max pools ---------------------------------------------------------------------


def _fractional(input, nd, kernel_size, output_size, output_ratio, _random_samples, name):
    k = _ntuple(kernel_size, nd, "kernel_size")
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output_size or an "
                             "output_ratio")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) \
            else (output_ratio,) * nd
        output_size = [int(input.size(-nd + i) * ratio[i]) for i in range(nd)]
    out = _ntuple(output_size, nd, "output_size")
    batched = input.dim() == nd + 2
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    x = input if batched else input.unsqueeze(0)
    if _random_samples is None:
        from ..random import rand

        _random_samples = rand(x.size(0), x.size(1), nd, dtype=input.dtype)
    dims = "height width" if nd == 2 else "time height width"
    for size, pool, extent, dim in zip(out, k, x.shape[2:], dims.split()):
        if size + pool - 1 > extent:
            raise RuntimeError(f"{name}(): pool {dim} {pool} too large relative to input "
                               f"{dim} {extent}")
    vals, idx = _ops.fractional_max_pool(x, nd, tuple(k), tuple(out), _random_samples._data)
    if not batched:
        vals, idx = vals.squeeze(0), idx.squeeze(0)
    return vals, idx


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None) -> tuple[Tensor, Tensor]:
    """Fractional 2-d max pool returning (values, indices)."""
    return _fractional(input, 2, kernel_size, output_size, output_ratio, _random_samples,
                       "fractional_max_pool2d")


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """Max pool over pseudo-randomly placed, overlapping windows (Graham, 2014)."""
    r = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                           return_indices, _random_samples)
    return r if return_indices else r[0]


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None) -> tuple[Tensor, Tensor]:
    """Fractional 3-d max pool returning (values, indices)."""
    return _fractional(input, 3, kernel_size, output_size, output_ratio, _random_samples,
                       "fractional_max_pool3d")


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """3-d max pool over pseudo-randomly placed windows."""
    r = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                           return_indices, _random_samples)
    return r if return_indices else r[0]
