"""Tensor methods that draw random numbers in place (uniform_, normal_, bernoulli_, random_...).

Elements are written in the order PyTorch's TensorIterator visits them (memory order), so
strided and transposed tensors get torch's values too. On a non-leaf that requires grad the
tensor gets PyTorch's zero-gradient node (UniformBackward0, ...); on a leaf it raises.
"""
from __future__ import annotations

import numpy as np

from .. import _sampling as S
from .. import random as R
from ..backend import array_module
from ..ops import _op
from ..ops._output import _cap, check_inplace, commit_inplace


def _perm(a):
    """Axes of `a` from slowest to fastest in memory (None when already C-contiguous)."""
    if a.flags.c_contiguous:
        return None
    return sorted(range(a.ndim), key=lambda i: -abs(a.strides[i]))


def _order_view(a):
    """(view, contiguous): a view of `a` whose C order is TensorIterator's visiting order."""
    perm = _perm(a)
    return (a, True) if perm is None else (a.transpose(perm), False)


def _fill(t, name: str, make, perm_like=None):
    """Write make(n, contiguous, view) (flat, in visiting order) into t; record autograd."""
    check_inplace(t)
    data = t._data
    if t._requires_grad and _op._grad_state.enabled:
        new = data.copy()
        view, contig = _order_view(new)
        _write(view, make(view.size, contig, view))
        commit_inplace(t, R._random_of(name, (t,), new))
        return t
    view, contig = _order_view(data)
    _write(view, make(view.size, contig, view))
    t._vbox[0] += 1
    return t


_DIRECT = (np.dtype(np.float32), np.dtype(np.float64))


def _direct(view):
    """`view` flattened when samplers can write float32 or float64 values straight into it,
    else None."""
    if view.__class__ is np.ndarray and view.dtype in _DIRECT and view.flags.c_contiguous:
        return view.reshape(-1)
    return None


def _write(view, vals) -> None:
    if vals.__class__ is np.ndarray and view.__class__ is np.ndarray and \
            np.may_share_memory(vals, view):
        return  # the sampler wrote into view itself (through _direct)
    vals = vals.reshape(view.shape)
    if view.__class__ is not np.ndarray:
        vals = array_module(view).asarray(vals)
        view[...] = vals.astype(view.dtype, copy=False)
        return
    np.copyto(view, vals, casting="unsafe")  # one pass, casting as astype would


def _require_float(t, kernel: str):
    if not t.is_floating_point():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_cap(t.dtype)}\'')


def _fmt(v) -> str:
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


class RandomMethods:
    __slots__ = ()

    def uniform_(self, from_=0.0, to=1.0, *, generator=None):
        """Fill with samples from U[from, to)."""
        _require_float(self, "check_uniform_bounds")
        if from_ > to:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={_fmt(from_)} > to={_fmt(to)}")
        g = R._gen(generator)
        return _fill(self, "UniformBackward0",
                     lambda n, c, v: S.uniform(g, n, v.dtype, float(from_), float(to),
                                               out=_direct(v)))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill with samples from N(mean, std**2), torch's stream (blocked when contiguous)."""
        _require_float(self, "normal_kernel_cpu")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        g = R._gen(generator)
        return _fill(self, "NormalBackward0",
                     lambda n, c, v: S.normal(g, n, v.dtype, float(mean), float(std), c,
                                              out=_direct(v)))

    def bernoulli_(self, p=0.5, *, generator=None):
        """Fill with 0/1 draws: probability p (a number, or a tensor broadcast to self)."""
        g = R._gen(generator)
        if isinstance(p, type(self)):
            probs = p._host()
            if probs.dtype.kind == "f" and not np.all((probs >= 0) & (probs <= 1)):
                raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
            if probs.dtype.kind != "f" or probs.dtype.itemsize < 4:
                probs = probs.astype(np.float32)
            full = np.broadcast_to(probs, self._data.shape)
            perm = _perm(self._data)
            pv = np.ascontiguousarray(full if perm is None else full.transpose(perm))

            return _fill(self, "BernoulliBackward1", lambda n, c, v: S.bernoulli_tensor(g, pv))
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
        return _fill(self, "BernoulliBackward2",
                     lambda n, c, v: S.bernoulli_scalar(g, n, float(p)))

    def random_(self, *args, generator=None, **kwargs):
        """random_(), random_(to) or random_(from, to): integers drawn as torch draws them."""
        g = R._gen(generator)
        if "from" in kwargs or "to" in kwargs:
            args = (kwargs.get("from", 0), kwargs.get("to"))
        if not args:
            return _fill(self, "RandomBackward2",
                         lambda n, c, v: S.random_default(g, n, v.dtype))
        if len(args) == 1:
            low, high, name = 0, args[0], "RandomBackward1"
        else:
            low, high, name = args[0], args[1], "RandomBackward0"
        low = int(low)
        if high is None:
            high = _max_inclusive(self.dtype) + 1
        high = int(high)
        R._check_from_to(low, high, self.dtype)
        return _fill(self, name, lambda n, c, v: S.random_from_to(g, n, v.dtype, low, high - low))

    def exponential_(self, lambd=1.0, *, generator=None):
        _require_float(self, "exponential_cpu")
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
        g = R._gen(generator)
        return _fill(self, "ExponentialBackward0",
                     lambda n, c, v: S.exponential(g, n, float(lambd), v.dtype))

    def geometric_(self, p, *, generator=None):
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
        g = R._gen(generator)
        return _fill(self, "GeometricBackward0", lambda n, c, v: S.geometric(g, n, float(p)))

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        _require_float(self, "log_normal_cpu")
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
        g = R._gen(generator)
        return _fill(self, "LogNormalBackward0",
                     lambda n, c, v: S.log_normal(g, n, float(mean), float(std)))

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        _require_float(self, "cauchy_cpu")
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
        g = R._gen(generator)
        return _fill(self, "CauchyBackward0",
                     lambda n, c, v: S.cauchy(g, n, float(median), float(sigma)))

    def bernoulli(self, p=None, *, generator=None):
        return R.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        return R.multinomial(self, num_samples, replacement, generator=generator)


def _max_inclusive(d) -> int:
    """random_(from, None)'s upper end: 2**mantissa digits for floats, the max for integers."""
    digits = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
    if d.name in digits:
        return 1 << digits[d.name]
    if d.name == "bool":
        return 1
    return int(np.iinfo(d.np_dtype).max)
