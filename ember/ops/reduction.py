"""Reductions: sum, mean, prod, max/min, var/std, norm, logsumexp, cumulative ops.

Each reduces over `dim` (None, an int or several) with keepdim; backward re-expands the gradient.
Order statistics (sort, topk, median, mode, kthvalue, cummax, unique) live in sorting.py, the
logical reductions (all, any, count_nonzero) in comparison.py.
"""
from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Expand, Op
from ._output import _cap, _out
from ._reduce_fast import ARRAY_OUT, fast_reduce, mean_array, sum_array
from ._util import _const, keepdim_shape, reduce_axes, wrap_dim
from .binary import maximum, minimum
from .elementwise import where
from .rearrange import Flip
from .shape import permute
from .sorting import evenly_distribute, return_type, select_backward
from .unary import Sgn, exp

__all__ = ["amax", "amin", "aminmax", "argmax", "argmin", "cumprod", "cumsum", "dist", "logsumexp",
           "max", "mean", "min", "nanmean", "nansum", "norm", "prod", "std", "std_mean", "sum",
           "var", "var_mean"]

_bool = builtins.bool
_ndarray = np.ndarray
_asarray = np.asarray
_add_reduce = np.add.reduce
_grad_state = _op._grad_state
_float = builtins.float
_int = builtins.int

_max_t = return_type("max", ("values", "indices"))
_min_t = return_type("min", ("values", "indices"))
_aminmax_t = return_type("aminmax", ("min", "max"))


# ---- shared helpers ------------------------------------------------------------------------------


def _expand_back(grad, in_shape, axes, keepdim):
    """Broadcast a reduced gradient back over the reduced axes."""
    if not keepdim and axes is not None:  # (a full reduction's 0-d gradient broadcasts as is)
        grad = grad.reshape(keepdim_shape(in_shape, axes))
    return Expand.apply(grad, in_shape)


def _keep(t, in_shape, axes, keepdim):
    """A reduced tensor reshaped so that it broadcasts against the input (keepdim form)."""
    return t if keepdim else t.reshape(keepdim_shape(in_shape, axes))


def _acc(x):
    """float16/bfloat16 reductions accumulate in float32, as PyTorch's CPU kernels do."""
    d = x.dtype
    return np.float32 if d.itemsize == 2 and d.kind in "fV" else None


def _count(shape, axes) -> int:
    if axes is None:
        return math.prod(shape)
    return math.prod(shape[a] for a in axes)


def _int_to_long(t, dtype):
    """sum/prod/cumsum accumulate integer and bool inputs in int64; `dtype=` casts first."""
    if dtype is None:
        if t._data.dtype.kind == "f":
            return t
        dtype = _dt.int64 if t.dtype._category < 2 else t.dtype
    return t if dtype is t.dtype else t.to(dtype)


def _require_float(name, t, msg=None):
    if not t.dtype.is_floating_point:
        raise RuntimeError(msg or f"{name}(): expected input to have floating point or complex "
                           f"dtype but got {_cap(t.dtype)}")


def _check_reduce_nonempty(name, x, axes) -> None:
    """max/amax/argmax have no identity: an empty reduced dim is an error, as in PyTorch."""
    if x.size:
        return
    if axes is None:
        exc = IndexError if name.startswith("arg") else RuntimeError
        raise exc(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                  "Specify the reduction dim with the 'dim' argument.")
    for a in axes:
        if x.shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")


# ---- sum, mean, prod ----------------------------------------------------------------------------


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False, np_dtype=None):
        ctx.meta = (x.shape, axes, keepdim)
        if x.__class__ is _ndarray and x.dtype.itemsize > 2:  # (apply wraps a NumPy scalar)
            return _add_reduce(x, axes, None, out=ARRAY_OUT, keepdims=keepdim)
        acc = _acc(x)
        y = array_module(x).add.reduce(x, axis=axes, keepdims=keepdim, dtype=acc)
        return y if acc is None else y.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim = ctx.meta
        return _expand_back(grad, shape, axes, keepdim)


class SumDim(Sum):
    node_name = "SumBackward1"


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False, np_dtype=None):
        ctx.meta = (x.shape, axes, keepdim)
        ctx.n = n = _count(x.shape, axes)
        if x.__class__ is _ndarray and x.dtype.itemsize > 2:
            return mean_array(x, axes, keepdim)
        acc = _acc(x)
        y = array_module(x).add.reduce(x, axis=axes, keepdims=keepdim, dtype=acc)
        y = y / n  # NEP 50: a Python int keeps the float dtype; mean of empty is nan (warning
        # filtered for ember.ops, like every op's; no per-call errstate)
        return y if acc is None else y.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim = ctx.meta
        if grad._data.dtype.kind == "c":  # complex: multiply (true division is real-only)
            return _expand_back(grad * (1.0 / ctx.n if ctx.n else _float("nan")), shape, axes,
                                keepdim)
        return _expand_back(grad / ctx.n if ctx.n else grad * _float("nan"), shape, axes, keepdim)


class MeanDim(Mean):
    node_name = "MeanBackward1"


class Nansum(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.meta = (x.shape, axes, keepdim)
        acc = _acc(x)
        y = array_module(x).nansum(x, axis=axes, keepdims=keepdim, dtype=acc)
        return y if acc is None else y.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        shape, axes, keepdim = ctx.meta
        keep = ~array_module(x._data).isnan(x._data)
        return _expand_back(grad, shape, axes, keepdim) * _const(keep.astype(x._data.dtype))


class Prod(Op):
    """prod(): all elements (ProdBackward0); the gradient is exact even with zeros in the input."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.save_output()
        ctx.meta = (axis, keepdim)
        return array_module(x).prod(x, axis=axis, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        axis, keepdim = ctx.meta
        if x.ndim == 0:
            return grad
        out = ctx.output
        if x._data.dtype.kind == "c":  # conjugate Wirtinger: grad * conj(d out / d x)
            x, out = x.conj(), out.conj()
        if axis is None:
            if not (x._data == 0).any():
                return grad * (out / x)
            flat = x.reshape(-1)
            return (grad * _prod_others(flat, 0)).reshape(x.shape)
        grad = _keep(grad, x.shape, (axis,), keepdim)
        out = _keep(out, x.shape, (axis,), keepdim)
        if not (x._data == 0).any():
            return grad * (out / x)
        return grad * _prod_others(x, axis)


class ProdDim(Prod):
    node_name = "ProdBackward1"


class Shift(Op):
    """Shift one place along `axis` (step +1 or -1), filling the vacated slot with `fill`."""

    @staticmethod
    def forward(ctx, x, axis, step, fill):
        ctx.meta = (axis, step)
        xp = array_module(x)
        out = xp.full_like(x, fill)
        n = x.shape[axis]
        src = [slice(None)] * x.ndim
        dst = [slice(None)] * x.ndim
        src[axis], dst[axis] = (slice(0, n - 1), slice(1, n)) if step > 0 else \
            (slice(1, n), slice(0, n - 1))
        out[tuple(dst)] = x[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        axis, step = ctx.meta
        return Shift.apply(grad, axis, -step, 0), None, None, None


def _prod_others(x, axis):
    """For each element, the product of all the others along axis (exclusive cumprods)."""
    before = cumprod(Shift.apply(x, axis, 1, 1), axis)
    after = Flip.apply(cumprod(Flip.apply(Shift.apply(x, axis, -1, 1), axis), axis), axis)
    return before * after


def sum(input, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """Sum over all elements or over `dim`; integer and bool inputs sum in int64 (PyTorch)."""
    y = fast_reduce(Sum, SumDim, sum_array, input, dim, keepdim, dtype, out)
    if y is not None:
        return y
    axes = reduce_axes(dim, input._data.ndim)
    op = Sum if dim is None and not keepdim else SumDim
    y = op.apply(_int_to_long(input, dtype), axes, keepdim)
    return y if out is None else _out(y, out)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """Arithmetic mean; only floating inputs (or an explicit floating dtype) are allowed."""
    y = fast_reduce(Mean, MeanDim, mean_array, input, dim, keepdim, dtype, out)
    if y is not None:
        return y
    d = dtype or input.dtype
    if not d.is_floating_point and not d.is_complex:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {_cap(d)}")
    axes = reduce_axes(dim, input._data.ndim)
    if d is not input.dtype:
        input = input.to(d)
    y = (Mean if dim is None and not keepdim else MeanDim).apply(input, axes, keepdim)
    return y if out is None else _out(y, out)


def nansum(input, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """sum treating NaN as zero."""
    axes = reduce_axes(dim, input._data.ndim)
    return _out(Nansum.apply(_int_to_long(input, dtype), axes, keepdim), out)


def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """mean of the non-NaN elements: nansum / count of non-NaN (as PyTorch composes it)."""
    if dtype is not None:
        input = input.to(dtype)
    _require_float("nanmean", input)
    axes = reduce_axes(dim, input._data.ndim)
    x = input._data
    n = (~array_module(x).isnan(x)).sum(axis=axes, keepdims=keepdim)
    return _out(nansum(input, dim, keepdim) / _const(n.astype(np.int64)), out)


def prod(input, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """Product of all elements or along one dim; int and bool inputs multiply in int64."""
    input = _int_to_long(input, dtype)
    if dim is None:
        return _out(Prod.apply(input, None, False), out)
    axis = wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return _out(ProdDim.apply(input, None, False), out)
    return _out(ProdDim.apply(input, axis, keepdim), out)


# ---- max, min and their indices ----------------------------------------------------------------


class Amax(Op):
    """amax/amin: the gradient is split evenly among tied extremes, as PyTorch's."""

    save_inputs = (0,)
    _reduce = "amax"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.save_output()
        ctx.meta = (axes, keepdim)
        xp = array_module(x)
        ufunc = xp.maximum if ctx._op._reduce == "amax" else xp.minimum  # both propagate NaN
        return ufunc.reduce(x, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        axes, keepdim = ctx.meta
        xd = x._data
        y = ctx.output._data
        if not keepdim and axes is not None:
            y = y.reshape(keepdim_shape(xd.shape, axes))
        mask = xd == y
        with np.errstate(invalid="ignore", divide="ignore"):
            w = mask / mask.sum(axis=axes, keepdims=True)  # an all-NaN slice gets NaN, as torch
        return _expand_back(grad, xd.shape, axes, keepdim) * _const(w.astype(xd.dtype))


class Amin(Amax):
    _reduce = "amin"


class MaxAll(Op):
    """max()/min() without dim (MaxBackward1): gradient shared evenly among equal elements."""

    node_name = "MaxBackward1"
    save_inputs = (0,)
    _largest = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        xp = array_module(x)
        return xp.max(x) if ctx._op._largest else xp.min(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return evenly_distribute(grad, x._data, ctx.output._data)


class MinAll(MaxAll):
    node_name = "MinBackward1"
    _largest = False


class MaxDim(Op):
    """max(dim)/min(dim): (values, indices), first occurrence; gradient goes to the index."""

    node_name = "MaxBackward0"
    non_differentiable = (1,)
    _largest = True

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        xp = array_module(x)
        x1 = x.reshape(1) if x.ndim == 0 else x
        arg = xp.argmax if ctx._op._largest else xp.argmin
        idx = arg(x1, axis=axis, keepdims=True)
        vals = xp.take_along_axis(x1, idx, axis)
        if x.ndim == 0:
            vals, idx = vals.reshape(()), idx.reshape(())
        elif not keepdim:
            vals, idx = vals.squeeze(axis), idx.squeeze(axis)
        ctx.meta = (x.shape, axis, keepdim, idx)
        return vals, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _):
        shape, axis, keepdim, idx = ctx.meta
        return select_backward(grad, idx, axis, shape, keepdim), None, None


class MinDim(MaxDim):
    node_name = "MinBackward0"
    _largest = False


def _extreme(name, input, dim, keepdim, other, largest):
    T = _op.Tensor
    if isinstance(dim, T) or other is not None:
        b = dim if isinstance(dim, T) else other
        return (maximum if largest else minimum)(input, b)
    x = input._data
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments: keepdim "
                            "needs dim")
        _check_reduce_nonempty(name, x, None)
        return (MaxAll if largest else MinAll).apply(input)
    if not isinstance(dim, (_int, np.integer)) or isinstance(dim, _bool):
        raise TypeError(f"{name}() received an invalid combination of arguments - got dim of "
                        f"type {type(dim).__name__}, expected int")
    axis = wrap_dim(dim, x.ndim)
    if x.ndim:
        _check_reduce_nonempty(name, x, (axis,))
    cls, out_t = (MaxDim, _max_t) if largest else (MinDim, _min_t)
    return out_t(*cls.apply(input, axis, keepdim))


def max(input, dim=None, keepdim: bool = False, *, other=None, out=None):
    """max(x) -> value; max(x, dim) -> (values, indices); max(x, y) -> elementwise maximum."""
    return _extreme("max", input, dim, keepdim, other, True)


def min(input, dim=None, keepdim: bool = False, *, other=None, out=None):
    """min(x) -> value; min(x, dim) -> (values, indices); min(x, y) -> elementwise minimum."""
    return _extreme("min", input, dim, keepdim, other, False)


def _amax(cls, name, input, dim, keepdim):
    x = input._data
    axes = reduce_axes(() if dim is None else dim, x.ndim)
    _check_reduce_nonempty(name, x, axes)
    return cls.apply(input, axes, keepdim)


def amax(input, dim=(), keepdim: bool = False, *, out=None):
    return _out(_amax(Amax, "amax", input, dim, keepdim), out)


def amin(input, dim=(), keepdim: bool = False, *, out=None):
    return _out(_amax(Amin, "amin", input, dim, keepdim), out)


def _arg(name, input, dim, keepdim):
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    xp = array_module(x)
    fn = xp.argmax if name == "argmax" else xp.argmin
    if dim is None:
        _check_reduce_nonempty(name, x, None)
        i = fn(x.reshape(-1))
        shape = (1,) * x.ndim if keepdim else ()
        return _const(xp.asarray(i, np.int64).reshape(shape))
    axis = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return _const(xp.zeros((), np.int64))
    _check_reduce_nonempty(name, x, (axis,))
    return _const(fn(x, axis=axis, keepdims=keepdim).astype(np.int64, copy=False))


def argmax(input, dim=None, keepdim: bool = False):
    """Index of the first maximum (NaN counts as the maximum), over all elements or along dim."""
    return _arg("argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim: bool = False):
    return _arg("argmin", input, dim, keepdim)


def aminmax(input, *, dim=None, keepdim: bool = False):
    """(min, max) in one call."""
    d = () if dim is None else dim
    return _aminmax_t(amin(input, d, keepdim), amax(input, d, keepdim))


# ---- var, std -------------------------------------------------------------------------------------


class Var(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        ctx.meta = (axes, correction, keepdim)
        acc = _acc(x)
        y = _moment(array_module(x).var, x, axes, correction, keepdim, acc)
        return y if acc is None else y.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return _var_backward(grad, x, *ctx.meta)


def _var_backward(grad, x, axes, correction, keepdim):
    """d var / dx = 2 (x - mean) / (N - correction), written in ember ops (differentiable)."""
    n = _count(x.shape, axes) - correction
    centred = x - Mean.apply(x, axes, True)
    scale = 2.0 / n if n > 0 else _float("inf")
    return _keep(grad, x.shape, axes, keepdim) * scale * centred


class Std(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        ctx.meta = (axes, correction, keepdim)
        ctx.save_output()
        acc = _acc(x)
        y = _moment(array_module(x).std, x, axes, correction, keepdim, acc)
        return y if acc is None else y.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        out = ctx.output
        zero = _const(out._data == 0)
        g = where(zero, 0.0, grad / (where(zero, 1.0, out) * 2))  # std'(0) = 0, as torch
        return _var_backward(g, x, *ctx.meta)


def _moment(fn, x, axes, correction, keepdim, acc):
    """xp.var / xp.std, with NumPy's own 'Degrees of freedom <= 0' warning silenced (ember has
    already warned torch's way)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if _count(x.shape, axes) - correction > 0:
            return fn(x, axis=axes, ddof=correction, keepdims=keepdim, dtype=acc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(x, axis=axes, ddof=correction, keepdims=keepdim, dtype=acc)


def _var_args(name, input, dim, unbiased, keepdim, correction):
    """Parse var/std's overloads: (dim, unbiased, keepdim), (unbiased) and correction=."""
    _require_float(name, input, "std and var only support floating point and complex dtypes")
    if isinstance(dim, _bool):
        dim, unbiased = None, dim
    if correction is not None and unbiased is not None:
        raise RuntimeError(f"{name}: can't specify both correction and unbiased arguments")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    axes = reduce_axes(dim, input._data.ndim)
    if _count(input._data.shape, axes) - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be "
                      "strictly less than the reduction factor (input numel divided by output "
                      "numel).", UserWarning, stacklevel=3)
    return axes, correction, keepdim


def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None):
    """Variance with Bessel's correction by default (correction=1)."""
    return _out(Var.apply(input, *_var_args("var", input, dim, unbiased, keepdim,
                                            correction)), out)


def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None):
    return _out(Std.apply(input, *_var_args("std", input, dim, unbiased, keepdim,
                                            correction)), out)


def var_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(var, mean) over the same dims."""
    axes, c, keepdim = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return Var.apply(input, axes, c, keepdim), Mean.apply(input, axes, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    axes, c, keepdim = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return Std.apply(input, axes, c, keepdim), Mean.apply(input, axes, keepdim)


# ---- norm, logsumexp ------------------------------------------------------------------------------


class Norm(Op):
    """Vector p-norm over `axes` (LinalgVectorNormBackward0); gradient 0 at 0, as PyTorch."""

    node_name = "LinalgVectorNormBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        ctx.meta = (p, axes, keepdim)
        ctx.save_output()
        xp = array_module(x)
        acc = _acc(x)
        a = xp.abs(x) if acc is None else xp.abs(x).astype(acc)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if p == 2:
                y = xp.sqrt(xp.sum(a * a, axis=axes, keepdims=keepdim))
            elif p == 1:
                y = xp.sum(a, axis=axes, keepdims=keepdim)
            elif p == math.inf:
                y = xp.max(a, axis=axes, keepdims=keepdim)
            elif p == -math.inf:
                y = xp.min(a, axis=axes, keepdims=keepdim)
            elif p == 0:
                y = xp.sum(a != 0, axis=axes, keepdims=keepdim).astype(a.dtype)
            else:
                y = xp.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        p, axes, keepdim = ctx.meta
        return _norm_backward(grad, x, ctx.output, p, axes, keepdim)


def _norm_backward(grad, x, norm, p, axes, keepdim):
    """PyTorch's norm_backward in ember ops; sign(x) and the zero masks are constants."""
    xd = x._data
    xp = array_module(xd)
    grad = _keep(grad, xd.shape, axes, keepdim)
    norm = _keep(norm, xd.shape, axes, keepdim)
    if p == 0:
        return grad * _const(xp.zeros_like(xd))
    s = Sgn.apply(x)
    if p == 1:
        return grad * s
    nd = norm._data
    if p == 2:
        zero = _const(nd == 0)
        return grad * (x / where(zero, 1.0, norm))
    if math.isinf(p):
        ad = xp.abs(xd)
        mask = (ad == nd) | xp.isnan(ad)
        w = mask / mask.sum(axis=axes, keepdims=True)
        return s * (grad * _const(w.astype(xd.dtype)))
    ax = x * s  # |x| with the right derivative
    if p < 1:
        xzero = _const(xd == 0)
        scaled = where(xzero, 0.0, s * where(xzero, 1.0, ax) ** (p - 1))
        return scaled * grad * norm ** (1 - p)
    nzero = _const(nd == 0)
    scale = where(nzero, 0.0, grad / where(nzero, 1.0, norm) ** (p - 1))
    if p < 2:
        return s * ax ** (p - 1) * scale
    return x * ax ** (p - 2) * scale


def _norm_p(p):
    if p is None or p == "fro":
        return 2.0
    if isinstance(p, str):
        raise RuntimeError(  # noqa: TRY004 - PyTorch raises RuntimeError for a bad norm type
            f"norm(): p={p!r} is not supported for vector norms; use torch.linalg.matrix_norm")
    return _float(p)


def norm(input, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None):
    """Vector p-norm of all elements or over `dim` (p: number, inf, -inf, 'fro')."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_cap(input.dtype)}")
    if p == "fro" and dim is not None and not isinstance(dim, _int) and len(dim) > 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(map(str, dim))}")
    pv = _norm_p(p)
    axes = reduce_axes(dim, input._data.ndim)
    if math.isinf(pv) and input._data.size == 0:
        _check_reduce_nonempty_norm(input._data, axes)
    return _out(Norm.apply(input, pv, axes, keepdim), out)


def _check_reduce_nonempty_norm(x, axes) -> None:
    if axes is None or any(x.shape[a] == 0 for a in axes):
        raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty tensor "
                           "because the operation does not have an identity")


def dist(input, other, p=2):
    """p-norm of input - other."""
    return norm(input - other, p)


class Logsumexp(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.meta = (axes, keepdim)
        ctx.save_output()
        xp = array_module(x)
        acc = _acc(x)
        xa = x if acc is None else x.astype(acc)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if x.size == 0:
                return xp.log(xp.sum(xp.exp(xa), axis=axes, keepdims=keepdim)).astype(x.dtype)
            m = xp.max(xa, axis=axes, keepdims=True)
            m = xp.where(xp.isinf(m), 0, m)  # all -inf (or an inf) slices: no shift
            y = xp.log(xp.sum(xp.exp(xa - m), axis=axes, keepdims=True)) + m
        if not keepdim:
            y = y.reshape([n for i, n in enumerate(y.shape) if axes is not None and i not in axes])
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        axes, keepdim = ctx.meta
        out = _keep(ctx.output, x.shape, axes, keepdim)
        return _keep(grad, x.shape, axes, keepdim) * exp(x - out)


def logsumexp(input, dim, keepdim: bool = False, *, out=None):
    """log(sum(exp(x))) computed stably (shifted by the max); integer inputs become float."""
    if input._data.dtype.kind in "biu":
        input = input.to(_dt.get_default_dtype())
    axes = reduce_axes(dim, input._data.ndim)
    return _out(Logsumexp.apply(input, axes, keepdim), out)


# ---- cumulative sum / product ---------------------------------------------------------------------


class Cumsum(Op):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        acc = _acc(x)
        y = array_module(x).cumsum(x.reshape(1) if x.ndim == 0 else x, axis=axis, dtype=acc)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return _rev_cumsum(grad, ctx.axis), None


def _rev_cumsum(t, axis):
    if t.ndim == 0:
        return t
    return Flip.apply(Cumsum.apply(Flip.apply(t, axis), axis), axis)


class Cumprod(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        ctx.save_output()
        y = array_module(x).cumprod(x.reshape(1) if x.ndim == 0 else x, axis=axis)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        axis = ctx.axis
        if x.ndim == 0:
            return grad, None
        y = ctx.output
        xd = x._data
        xp = array_module(xd)
        zeros = xd == 0
        if not zeros.any():
            return _rev_cumsum(grad * y, axis) / x, None
        if _op._grad_state.enabled:  # create_graph: a form whose derivative is exact too
            return _cumprod_backward_graph(grad, x, axis), None
        # With zeros (PyTorch's cumprod_backward): before a slice's first zero z the usual
        # formula holds; at z the gradient is sum_{i>=z} g_i prod_{j<=i, j!=z} x_j; after it, 0.
        seen = xp.cumsum(zeros, axis=axis)
        before = _const(seen == 0)
        at = zeros & (seen == 1)
        part1 = _rev_cumsum(grad * y, axis) / where(before, x, 1.0)
        y_skip = cumprod(where(_const(at), 1.0, x), axis)
        part2 = _rev_cumsum(grad * y_skip, axis)
        return where(before, part1, where(_const(at), part2, 0.0)), None


def _cumprod_backward_graph(grad, x, axis):
    """O(n^2) but twice differentiable with zeros: row k is the cumprod of x with x_k := 1."""
    xd = x._data
    xp = array_module(xd)
    n, shape, nd = xd.shape[axis], xd.shape, xd.ndim
    mat = [n] + [1] * nd
    mat[axis + 1] = n
    onehot = _const(xp.eye(n, dtype=bool).reshape(mat))  # [k, ..., j, ...]: j == k
    upper = _const(xp.triu(xp.ones((n, n), xd.dtype)).reshape(mat))  # [k, ..., i, ...]: i >= k
    big = (n,) + shape
    rows = cumprod(where(onehot, 1.0, Expand.apply(x.reshape((1,) + shape), big)), axis + 1)
    g = Sum.apply(rows * grad.reshape((1,) + shape) * upper, (axis + 1,), False)
    perm = tuple(range(1, axis + 1)) + (0,) + tuple(range(axis + 1, nd))
    return permute(g, perm)


def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along dim; integer and bool inputs accumulate in int64."""
    input = _int_to_long(input, dtype)
    return _out(Cumsum.apply(input, wrap_dim(dim, input._data.ndim)), out)


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along dim; the gradient is exact with zeros in the input."""
    input = _int_to_long(input, dtype)
    return _out(Cumprod.apply(input, wrap_dim(dim, input._data.ndim)), out)
