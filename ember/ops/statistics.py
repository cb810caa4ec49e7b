"""Statistics: cov/corrcoef, diff, quantile/nanquantile, logcumsumexp, renorm (differentiable,
mostly composed of other ops) and the counting functions isin, bincount, histc, histogram,
histogramdd (no gradient, as PyTorch)."""
from __future__ import annotations

import builtins
import functools
import math
import warnings

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Op
from ._output import _out, with_out
from ._util import _const, wrap_dim
from .creation import _wrapped_scalar
from .shape import cat
from .sorting import return_type

__all__ = ["bincount", "corrcoef", "cov", "diff", "histc", "histogram", "histogramdd", "isin",
           "logcumsumexp", "nanquantile", "quantile", "renorm"]



def _tensor(a):
    return _op._new_tensor(a)


def _is_tensor(x) -> bool:
    return isinstance(x, _op.Tensor)


# ---- cov, corrcoef ---------------------------------------------------------------------------


def cov(input, *, correction: int = 1, fweights=None, aweights=None):
    """The covariance of the rows (variables) of a 1-D or 2-D input whose columns are observations."""
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input "
                         f"with {input.dim()} dimensions")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    if not x.dtype.is_floating_point and not x.dtype.is_complex:
        x = x.to(_dt.get_default_dtype())
    n = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, n, "fweights", integral=True)
        w = fweights
    if aweights is not None:
        _check_weights(aweights, n, "aweights", integral=False)
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1, keepdim=True) if n else x.sum(1, keepdim=True)
        norm = builtins.float(n - correction)
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / w_sum
        if correction == 0:
            norm = w_sum
        elif aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights.to(x.dtype)).sum() / w_sum
    if (norm if w is None else builtins.float(norm.real.item() if norm.dtype.is_complex
                                             else norm.item())) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = 0.0 if w is None else norm.clamp(min=0)
    xm = x - avg
    xw = xm if w is None else xm * w
    c = xw @ xm.conj().T / norm
    return c.squeeze()


def _check_weights(w, n, name, integral):
    if not _is_tensor(w) or w.dim() > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{getattr(w, 'ndim', 0)} dimensions")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w.numel()} != {n}")
    if integral and w.dtype.is_floating_point:
        raise RuntimeError(f"cov(): expected {name} to have integral dtype but got {w.dtype}")
    if not integral and not w.dtype.is_floating_point:
        raise RuntimeError(f"cov(): expected {name} to have floating point dtype but got "
                           f"{w.dtype}")
    if bool((w._data < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def corrcoef(input):
    """Pearson correlation coefficients of the rows of input (clamped to [-1, 1])."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    stddev = d.real.sqrt() if c.dtype.is_complex else d.sqrt()
    c = c / stddev[:, None]
    c = c / stddev[None, :]
    return c if c.dtype.is_complex else c.clamp(-1, 1)


# ---- diff ------------------------------------------------------------------------------------


def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None, *, out=None):
    """The n-th forward difference along dim (bool inputs: logical xor), after prepend/append."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0:
        return input if out is None else _out(input, out)
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat([_along_shape(p, input, dim) for p in parts], dim) if len(parts) > 1 else input
    d = wrap_dim(dim, x.dim())
    for _ in range(n):
        if x.shape[d] == 0:
            break
        a, b = x.narrow(d, 1, x.shape[d] - 1), x.narrow(d, 0, x.shape[d] - 1)
        x = a.logical_xor(b) if x.dtype == _dt.bool else a - b
    return x if out is None else _out(x, out)


def _along_shape(p, like, dim):
    """A prepend/append operand: a number becomes a size-1 slice shaped like `like`."""
    if _is_tensor(p):
        return p
    shape = list(like.shape)
    shape[wrap_dim(dim, like.dim())] = 1
    t = _wrapped_scalar(p)
    return t.to(like.dtype).expand(shape) if not t.dtype.is_floating_point else t.expand(shape)


# ---- quantile --------------------------------------------------------------------------------


_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_quantile(name, input, q, interpolation):
    if not _is_tensor(input):
        raise TypeError(f"{name}(): argument 'input' must be Tensor")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if input.dtype not in (_dt.float32, _dt.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _MODES:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint "
                         f"or nearest. Got {interpolation}")
    if _is_tensor(q):
        if q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._data.astype(np.float64)
    else:
        qa = np.asarray(float(q))
    if not bool(((qa >= 0) & (qa <= 1)).all()):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    return qa


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    qa = _check_quantile(name, input, q, interpolation)
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = wrap_dim(dim, input.dim())
        x = input if input.dim() else input.reshape(1)
    s = x.sort(d).values.movedim(d, -1)  # NaNs sort last
    xp = array_module(s._data)
    n = s.shape[-1]
    nans = xp.isnan(s._data)
    cnt = (n - nans.sum(-1, keepdims=True)) if ignore_nan else xp.full(s.shape[:-1] + (1,), n)
    bad = (cnt == 0) if ignore_nan else nans[..., -1:]
    qv = qa.reshape(qa.shape + (1,) * s.dim())
    rank = xp.where(bad, n - 1, qv * (cnt - 1))  # (Q?, ..., 1)
    lo, hi = xp.floor(rank), xp.ceil(rank)
    if interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    elif interpolation == "nearest":
        lo = hi = xp.round(rank)
    full = s.expand(rank.shape[:-1] + (n,))
    below = full.gather(-1, _const(lo.astype(np.int64)))
    if interpolation in ("lower", "higher", "nearest"):
        r = below
    else:
        above = full.gather(-1, _const(hi.astype(np.int64)))
        if interpolation == "midpoint":
            w = _const(xp.asarray(0.5, dtype=s._data.dtype))
        elif _is_tensor(q):  # the weight carries q's gradient, as PyTorch's lerp does
            qt = q.reshape(q.shape + (1,) * s.dim())
            w = (qt * _const((cnt - 1).astype(s._data.dtype))).where(
                _const(~bad), _const(xp.asarray(n - 1.0, dtype=s._data.dtype))) - _const(
                lo.astype(s._data.dtype))
        else:
            w = _const((rank - lo).astype(s._data.dtype))
        r = below.lerp(above, w)
    r = r.squeeze(-1)
    if keepdim:
        lead = 1 if qa.ndim else 0
        if dim is None:
            r = r.reshape(r.shape[:lead] + (1,) * input.dim())
        elif input.dim():
            r = r.unsqueeze(lead + d)
    elif dim is not None and not input.dim():
        r = r.squeeze(-1) if r.dim() > qa.ndim else r
    return r


def quantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear",
             out=None):
    """The q-th quantiles of input along dim (all elements when dim is None); NaN rows give NaN."""
    r = _quantile("quantile", input, q, dim, keepdim, interpolation, False)
    return r if out is None else _out(r, out)


def nanquantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear",
                out=None):
    """quantile ignoring NaNs (an all-NaN row gives NaN)."""
    r = _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)
    return r if out is None else _out(r, out)


# ---- logcumsumexp, renorm --------------------------------------------------------------------


class Logcumsumexp(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        ctx.save_output()
        xp = array_module(x)
        if x.ndim == 0:
            return x.copy()
        return xp.logaddexp.accumulate(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        x, y, a = ctx.inputs[0], ctx.output, ctx.axis
        if x.dim() == 0:
            return grad
        lowest = grad.new_tensor(float(np.finfo(grad._data.dtype).min))
        log_abs = grad.abs().log()
        out = None
        for mask in (grad._data > 0, grad._data < 0):  # each sign's magnitude in log space
            g = log_abs.where(_const(mask), lowest)
            part = (logcumsumexp((g - y).flip(a), a).flip(a) + x).exp()
            out = part if out is None else out - part
        return out


def logcumsumexp(input, dim: int, *, out=None):
    """log(cumsum(exp(input))) along dim, computed without overflow."""
    d = wrap_dim(dim, max(input.dim(), 1))
    if not input.dtype.is_floating_point and not input.dtype.is_complex:
        raise NotImplementedError('"logcumsumexp_out_cpu" not implemented for '
                                  f"'{_type_name(input)}'")
    r = Logcumsumexp.apply(input, d)
    return r if out is None else _out(r, out)


@with_out
def renorm(input, p, dim: int, maxnorm):
    """Each slice along dim with p-norm above maxnorm rescaled to norm maxnorm."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = wrap_dim(dim, input.dim())
    axes = [i for i in range(input.dim()) if i != d]
    norm = input.abs().pow(p).sum(axes, keepdim=True).pow(1 / p) if p != math.inf else \
        input.abs().amax(axes, keepdim=True)
    factor = maxnorm / (norm + 1e-7)
    return input * factor.where(_const(norm._data > maxnorm), norm.new_tensor(1.0))


# ---- counting: isin, bincount, histc, histogram ----------------------------------------------


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """Whether each element is in test_elements (a bool tensor shaped like elements)."""
    if not _is_tensor(elements) and not _is_tensor(test_elements):
        raise TypeError("isin() received an invalid combination of arguments")
    e = elements._data if _is_tensor(elements) else np.asarray(elements)
    t = test_elements._data if _is_tensor(test_elements) else np.asarray(test_elements)
    xp = array_module(e if _is_tensor(elements) else t)
    r = xp.isin(e, t, invert=invert)
    return _tensor(xp.asarray(r))


def bincount(input, weights=None, minlength: int = 0):
    """Counts of each value of a 1-D non-negative integer tensor (weighted sums with weights)."""
    if input.dim() != 1 or input.dtype.is_floating_point or input.dtype == _dt.bool:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    x = input._data
    xp = array_module(x)
    if x.size and x.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _tensor(xp.bincount(x, minlength=minlength).astype(np.int64))
    if weights.dim() != 1 or weights.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    w = weights._data
    r = xp.bincount(x, weights=w.astype(np.float64), minlength=minlength)
    return _tensor(r.astype(np.float32 if w.dtype == np.float32 else np.float64))


def _type_name(t) -> str:
    """PyTorch's scalar type name in dispatch errors: Long, Int, Bool, Float..."""
    names = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
             "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half"}
    s = str(t.dtype).split(".")[-1]
    return names.get(s, s.capitalize())


def _check_hist_input(name, input):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_type_name(input)}\'')


def _range_of(xp, x, lo, hi):
    """PyTorch's histogram range: the data's min/max when lo == hi, widened by 1 if still equal."""
    if lo == hi and x.size:
        finite = x[xp.isfinite(x)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (lo, hi)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    return lo, hi


def _histogram_range(xp, x, range):
    """torch.histogram's range: the given one or the data's (finite) min/max, [0, 1] for no
    data; a range of one point is widened by 0.5 on each side (histc widens by 1)."""
    if range is not None:
        lo, hi = builtins.float(range[0]), builtins.float(range[1])
    else:
        finite = x[xp.isfinite(x)] if x.size else x
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def histc(input, bins: int = 100, min: float = 0, max: float = 0, *, out=None):
    """A histogram of `bins` equal bins over [min, max] (elements outside are ignored)."""
    _check_hist_input("histogram_histc", input)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    x = input._data.reshape(-1)
    xp = array_module(x)
    lo, hi = _range_of(xp, x, builtins.float(min), builtins.float(max))
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    counts = _bin_counts(xp, x, lo, hi, bins, None)
    r = _tensor(counts.astype(x.dtype))
    return r if out is None else _out(r, out)


def _bin_counts(xp, x, lo, hi, bins, w):
    """Counts (or weight sums) of x in `bins` equal bins over [lo, hi], the last one closed."""
    keep = (x >= lo) & (x <= hi)
    pos = ((x[keep].astype(np.float64) - lo) * bins / (hi - lo)).astype(np.int64)
    pos = xp.minimum(pos, bins - 1)
    wk = None if w is None else w[keep].astype(np.float64)
    return xp.bincount(pos, weights=wk, minlength=bins)[:bins]


Histogram = return_type("histogram", ("hist", "bin_edges"))
Histogramdd = return_type("histogramdd", ("hist", "bin_edges"))


def histogram(input, bins, *, range=None, weight=None, density: bool = False, out=None):
    """(hist, bin_edges) of input over `bins` equal bins (an int) or the given bin edges."""
    _check_hist_input("histogram", input)
    x = input._data.reshape(-1)
    xp = array_module(x)
    w = None if weight is None else weight._data.reshape(-1)
    if _is_tensor(bins):
        edges = bins._data.astype(x.dtype)
        idx = xp.searchsorted(edges, x, side="right") - 1
        last = len(edges) - 2
        idx = xp.minimum(idx, last)  # the last edge itself: the last (closed) bin
        keep = (idx >= 0) & (x >= edges[0]) & (x <= edges[-1])
        hist = xp.bincount(idx[keep], weights=None if w is None else w[keep].astype(np.float64),
                           minlength=last + 1)[:last + 1].astype(np.float64)
    else:
        lo, hi = _histogram_range(xp, x, range)
        edges = xp.linspace(lo, hi, int(bins) + 1).astype(x.dtype)
        hist = _bin_counts(xp, x, lo, hi, int(bins), w).astype(np.float64)
    if density:
        widths = xp.diff(edges.astype(np.float64))
        hist = hist / (hist.sum() * widths)
    return Histogram(_tensor(hist.astype(x.dtype)), _tensor(xp.asarray(edges)))


def histogramdd(input, bins, *, range=None, weight=None, density: bool = False):
    """The D-dimensional histogram of the points in input's last dimension."""
    _check_hist_input("histogramdd", input)
    x = input._data.reshape(-1, input.shape[-1]).astype(np.float64)
    dims = x.shape[1]
    if isinstance(bins, int):
        bins = [bins] * dims
    pairs = [None if range is None else (range[2 * i], range[2 * i + 1])
             for i in builtins.range(dims)]
    if range is not None or all(isinstance(b, int) for b in bins):
        range = [_histogram_range(np, x[:, i], pairs[i]) for i in builtins.range(dims)]
    w = None if weight is None else weight._data.reshape(-1).astype(np.float64)
    dt = input._data.dtype
    if any(_is_tensor(b) for b in bins):  # given edges, searched as given (even unsorted)
        xp = array_module(x)
        edges = [b._data.astype(dt).astype(x.dtype) if _is_tensor(b) else
                 xp.linspace(*_histogram_range(xp, x[:, i], pairs[i]), b + 1)
                 for i, b in enumerate(bins)]
        hist = _counts_by_edges(x, edges, w)
        if density:
            volume = functools.reduce(xp.multiply.outer, [xp.diff(e) for e in edges])
            hist = hist / (hist.sum() * volume)
    else:
        hist, edges = np.histogramdd(x, bins=bins, range=range, weights=w, density=density)
    return Histogramdd(_tensor(hist.astype(dt)), tuple(_tensor(e.astype(dt)) for e in edges))


def _counts_by_edges(x, edges, w):
    """Counts (weight sums) of the points x (n, d) in the cells that `edges` cut: a point
    counts when edges[0] <= x <= edges[-1] in every dim, the last bin closed."""
    xp = array_module(x)
    keep = xp.ones(len(x), dtype=bool)
    cell = xp.zeros(len(x), dtype=np.int64)
    sizes = [len(e) - 1 for e in edges]
    for i, e in enumerate(edges):
        v = x[:, i]
        pos = xp.searchsorted(e, v, side="right") - 1
        pos = xp.minimum(pos, sizes[i] - 1)  # the last edge itself: the last (closed) bin
        keep &= (v >= e[0]) & (v <= e[-1]) & (pos >= 0)
        cell = cell * sizes[i] + xp.maximum(pos, 0)
    total = math.prod(sizes)
    counts = xp.bincount(cell[keep], weights=None if w is None else w[keep], minlength=total)
    return counts[:total].astype(x.dtype).reshape(sizes)
