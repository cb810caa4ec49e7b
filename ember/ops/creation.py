"""Tensor factories: tensor, as_tensor, from_numpy, zeros/ones/full/empty, arange, linspace, eye...

Dtype inference follows PyTorch: Python floats become the default dtype, ints int64, bools bool;
NumPy arrays and scalars keep their dtype, and mixed sequences promote. arange and linspace
reproduce PyTorch's CPU kernels bit for bit (fused multiply-adds, vector-lane bases).
"""
from __future__ import annotations

import builtins
import itertools
import math
import os
import warnings

import numpy as np

from .. import _dtype as _dt
from .. import _memory_format as _mf
from ..backend import to_device
from ..device import DEFAULT as _DEFAULT_DEVICE
from ..device import as_device
from . import _op

__all__ = [
    "arange",
    "as_tensor",
    "asarray",
    "empty",
    "empty_like",
    "empty_strided",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "linspace",
    "logspace",
    "ones",
    "ones_like",
    "range",
    "scalar_tensor",
    "tensor",
    "zeros",
    "zeros_like",
]

_int, _float, _bool, _complex = builtins.int, builtins.float, builtins.bool, builtins.complex
_PY_SCALARS = (_bool, _int, _float)
_PY_SCALAR_SET = frozenset(_PY_SCALARS)
_ndarray = np.ndarray


def _finish(arr, dtype=None, device=None, requires_grad: bool = False):
    """Cast, place and wrap a host array as a new Tensor."""
    if dtype is not None:
        np_dtype = _dt.to_numpy_dtype(dtype)
        if arr.dtype != np_dtype:
            arr = arr.astype(np_dtype)
    if device is None:
        device = _DEFAULT_DEVICE[0]  # set_default_device / `with torch.device(...)`
    if device is not None:
        arr = to_device(arr, as_device(device))
    t = _op._new_tensor(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ---- tensor(): nested Python data -> array, with PyTorch's dtype inference ----------------------


def _leaf_dtype(x) -> _dt.dtype:
    t = type(x)
    if t is _float:
        return _dt.get_default_dtype()
    if t is _int:
        if not -2 ** 63 <= x < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
        return _dt.int64
    if t is _bool:
        return _dt.bool
    if t is _complex:
        return _dt.get_default_dtype().to_complex()
    if isinstance(x, np.generic):
        return _dt.from_numpy_dtype(x.dtype)
    if isinstance(x, _op.Tensor):
        return x.dtype
    if isinstance(x, str):
        raise ValueError(f"too many dimensions '{t.__name__}'")  # noqa: TRY004 - as PyTorch
    raise RuntimeError(f"Could not infer dtype of {t.__name__}")


def _walk(x, dim: int, shape: list, state: list, leaves: list) -> None:
    """Check that nested sequences are rectangular (PyTorch's messages) and collect the leaves."""
    if isinstance(x, _ndarray) and x.ndim:
        x = list(x)
    elif isinstance(x, _op.Tensor) and x._data.ndim:
        if x._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        x = x.reshape(())
    if isinstance(x, (list, tuple)):
        if state[0]:  # the depth is already known and this is below it
            if dim >= len(shape):
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
        else:
            if dim == len(shape):
                shape.append(len(x))
        if shape[dim] != len(x):
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} "
                             f"(got {len(x)})")
        if not x:
            state[0] = True
        for item in x:
            _walk(item, dim + 1, shape, state, leaves)
        return
    if state[0] and dim != len(shape):
        raise TypeError("not a sequence")
    state[0] = True
    leaves.append(x)


def _from_nested(data, exact: bool = False):
    """The slow, exact path: walk every leaf, promote their dtypes, build the array.

    `exact` (an explicit dtype was asked for) keeps Python floats in double precision, so the
    one rounding is the final cast to that dtype, as in PyTorch."""
    shape: list = []
    leaves: list = []
    _walk(data, 0, shape, [False], leaves)
    dtype = None
    for i, leaf in enumerate(leaves):
        if i and isinstance(leaf, str):  # torch reads only a leading str as a sequence
            raise TypeError(f"new(): invalid data type '{type(leaf).__name__}'")
        d = _leaf_dtype(leaf)
        dtype = d if dtype is None else _dt.promote_types(dtype, d)
    dtype = dtype or _dt.get_default_dtype()
    values = [v.item() if isinstance(v, (_op.Tensor, np.generic)) else v for v in leaves]
    if exact and dtype.is_floating_point:
        return np.array(values, dtype=np.float64).reshape(shape)
    np_dtype = np.float32 if dtype is _dt.bfloat16 else dtype.np_dtype
    return np.array(values, dtype=np_dtype).reshape(shape).astype(dtype.np_dtype, copy=False)


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _plain_python_array(data, exact: bool = False):
    """The fast path: nested lists of Python bools/ints/floats only, converted by NumPy."""
    if type(_first_leaf(data)) not in _PY_SCALARS:
        return None
    try:
        arr = np.asarray(data)
    except (ValueError, TypeError):
        return None
    kind = arr.dtype.kind
    if kind not in "bif" or (kind != "b" and arr.dtype.itemsize != 8):
        return None
    leaves = data
    for _ in builtins.range(arr.ndim - 1):
        leaves = itertools.chain.from_iterable(leaves)
    if not set(map(type, leaves)) <= _PY_SCALAR_SET:  # NumPy scalars or tensors mixed in
        return None
    if kind == "f" and not exact:
        arr = arr.astype(_dt.get_default_dtype().np_dtype, copy=False)
    return arr


def _infer_array(data, exact: bool = False):
    """(host array, is_fresh) from any tensor() input, with PyTorch's dtype inference.

    With `exact` (the caller casts to an explicit dtype next) Python floats stay float64."""
    if isinstance(data, _op.Tensor):
        return data._host(), False
    if isinstance(data, _ndarray):
        _dt.from_numpy_dtype(data.dtype)
        return data, False
    if isinstance(data, np.generic):
        _dt.from_numpy_dtype(data.dtype)
        return np.asarray(data), True
    t = type(data)
    if t in _PY_SCALARS or t is _complex:
        d = _leaf_dtype(data)
        if exact and d.is_floating_point:
            return np.array(data, dtype=np.float64), True
        return np.array(data, dtype=d.np_dtype), True
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{t.__name__}'")
    if isinstance(data, (list, tuple)):
        arr = _plain_python_array(data, exact)
        if arr is not None:
            return arr, True
        return _from_nested(data, exact), True
    if data is None or not hasattr(data, "__len__") and not hasattr(data, "__iter__"):
        raise RuntimeError(f"Could not infer dtype of {t.__name__}")
    return _from_nested(list(data), exact), True


def _check_int_range(arr, dtype) -> None:
    """Python numbers that do not fit an integer dtype are an error in PyTorch (not a wrap)."""
    if dtype._category != 1 or arr.dtype.kind not in "iuf" or arr.size == 0:
        return
    info = np.iinfo(dtype.np_dtype)
    # an unsigned type takes negative Python ints down to -max (they wrap); floats must fit
    lo = -_int(info.max) if info.min == 0 and arr.dtype.kind != "f" else _int(info.min)
    if arr.min() < lo or arr.max() > info.max:
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False):
    """A new tensor holding a copy of `data` (lists, tuples, scalars, arrays, tensors)."""
    if isinstance(data, _op.Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr, fresh = _infer_array(data, exact=dtype is not None)
    if dtype is not None and fresh and not isinstance(data, np.generic):
        _check_int_range(arr, dtype)
    if not fresh:
        arr = np.array(arr, copy=True, order="C")
    return _finish(arr, dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or Tensor when nothing must change."""
    if isinstance(data, _op.Tensor):
        if (dtype is None or dtype is data.dtype) and (device is None
                                                       or as_device(device) == data.device):
            return data
        return data.to(dtype=dtype, device=device)
    if isinstance(data, _ndarray):
        _dt.from_numpy_dtype(data.dtype)
        return _finish(data, dtype, device)
    arr, _ = _infer_array(data, exact=dtype is not None)
    return _finish(arr, dtype, device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False):
    """as_tensor with numpy-style `copy`: True always copies, False refuses to (None: if needed)."""
    t = as_tensor(obj, dtype=dtype, device=device)
    shares = t is obj or (isinstance(obj, _ndarray) and t._data is obj)
    if copy and shares:
        t = t.detach().clone() if isinstance(obj, _op.Tensor) else _op._new_tensor(obj.copy())
    elif copy is False and not shares and isinstance(obj, (_op.Tensor, _ndarray)):
        raise ValueError("can't alias tensor since copy=False and a conversion is needed")
    if requires_grad:
        if t is obj:
            t = obj.detach()
        t.requires_grad_(True)
    return t


def from_numpy(ndarray):
    """A tensor sharing memory with `ndarray` (writes through both ways)."""
    if not isinstance(ndarray, _ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported.")
    _dt.from_numpy_dtype(ndarray.dtype)
    return _op._new_tensor(ndarray)


def scalar_tensor(value, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
                  pin_memory: bool = False):
    """A 0-d tensor from a Python number, in the default float dtype unless given (as PyTorch)."""
    if isinstance(value, _op.Tensor):
        value = value.item()
    d = dtype or _dt.get_default_dtype()
    return _finish(np.array(value, dtype=d.np_dtype), None, device, requires_grad)


def _wrapped_scalar(value):
    """A 0-d tensor for a bare Python number in a binary op (its dtype by the scalar rules)."""
    return _op._new_tensor(np.array(value, dtype=_dt.scalar_dtype(value).np_dtype))


# ---- filled tensors --------------------------------------------------------------------------


def _parse_size(size, name: str = "zeros") -> tuple:
    """zeros(2, 3), zeros((2, 3)), zeros([2, 3]) and zeros(Size) all mean shape (2, 3)."""
    if len(size) == 1:
        s = size[0]
        if s.__class__ is _int and s >= 0:  # the common zeros(n): nothing else to check
            return (s,)
        if isinstance(s, (tuple, list)):
            size = s
    out = []
    for s in size:
        if isinstance(s, _op.Tensor) and s._data.ndim == 0 and s._data.dtype.kind in "iu":
            s = _int(s._data)
        if not isinstance(s, (_int, np.integer)) or isinstance(s, _bool):
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"{name}: Dimension size must be non-negative.")
        out.append(_int(s))
    return tuple(out)


def _filled(shape, value, dtype, device, requires_grad):
    d = dtype or _dt.get_default_dtype()
    if value == 0:
        arr = np.zeros(shape, dtype=_dt.to_numpy_dtype(d))
    else:
        npd = _dt.to_numpy_dtype(d)
        if value.__class__ is int and value < 0 and npd.kind == "u":
            value = np.array(value).astype(npd)[()]  # -1 wraps to 255 in uint8, as PyTorch
        arr = np.full(shape, value, dtype=npd)
    return _finish(arr, None, device, requires_grad)


def _check_out(out) -> None:
    if out is not None:
        raise TypeError("out= is not supported by ember's factory functions")


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False):
    _check_out(out)
    return _filled(_parse_size(size, "zeros"), 0, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False):
    _check_out(out)
    return _filled(_parse_size(size, "ones"), 1, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None):
    """Uninitialised in PyTorch; zero-filled here (deterministic and just as fast in NumPy)."""
    _check_out(out)
    shape = _parse_size(size, "empty")
    order = _mf.axis_order(_mf.check(memory_format, "empty"), len(shape))
    return _filled_in(shape, order, 0, dtype, device, requires_grad)


def _filled_in(shape, order, value, dtype, device, requires_grad):
    """_filled with its memory laid out in axis `order` (slowest first; None: row-major)."""
    if order is None:
        return _filled(shape, value, dtype, device, requires_grad)
    t = _filled(tuple(shape[i] for i in order), value, dtype, device, requires_grad)
    t._data = t._data.transpose(_mf.inverse(order))  # a fresh array: no view bookkeeping needed
    return t


def empty_strided(size, stride, *, dtype=None, layout=None, device=None,
                  requires_grad: bool = False, pin_memory: bool = False):
    return _filled(_parse_size((size,), "empty_strided"), 0, dtype, device, requires_grad)


def _fill_number(fill_value, name: str):
    """A fill value as a Python number: 0-d tensors and NumPy scalars count as numbers."""
    if isinstance(fill_value, _op.Tensor):
        if fill_value._data.ndim:
            raise TypeError(f"{name}(): argument 'fill_value' (position 2) must be Number, not "
                            "Tensor")
        return fill_value.item()
    if isinstance(fill_value, np.generic):
        return fill_value.item()
    if not isinstance(fill_value, (_int, _float, _bool, _complex)):
        raise TypeError(f"{name}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    return fill_value


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False):
    """A tensor of `size` filled with `fill_value` (dtype from the value: bool, int64 or float)."""
    _check_out(out)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    fill_value = _fill_number(fill_value, "full")
    d = dtype or _dt.scalar_dtype(fill_value)
    if d.np_dtype is not None:
        _check_scalar_fits(fill_value, d.np_dtype)
        if d.np_dtype == np.float16 and math.isfinite(fill_value.real) \
                and abs(fill_value) > 65504:
            raise RuntimeError("value cannot be converted to type c10::Half without overflow")
    return _filled(_parse_size((size,), "full"), fill_value, d, device, requires_grad)


def _check_scalar_fits(value, np_dtype) -> None:
    """PyTorch's checked scalar conversion when filling: integers must fit (unsigned types wrap
    ints down to -max), floats must lie in an integer type's range, and finite floats past
    float32's range overflow it.
    """
    kind = np_dtype.kind
    if value.__class__ is bool or kind not in "iuf" or not isinstance(value, (int, float)):
        return
    if kind == "f":
        if np_dtype.itemsize == 4 and math.isfinite(value) and abs(value) > 3.4028234663852886e38:
            raise RuntimeError("value cannot be converted to type float without overflow")
        return
    info = np.iinfo(np_dtype)
    lo = -int(info.max) if kind == "u" and value.__class__ is not float else int(info.min)
    if not (math.isfinite(value) and lo <= value <= info.max):
        raise RuntimeError(f"value cannot be converted to type {np_dtype.name}_t without overflow")


def layout_perm(a):
    """Axes of array `a` from slowest to fastest in memory when `*_like` must keep that layout
    (torch's preserve_format), else None (C-contiguous, 0/1-d, or expanded with zero strides:
    torch makes those contiguous)."""
    if a.ndim < 2 or a.flags.c_contiguous:
        return None
    strides = a.strides
    if builtins.any(st == 0 for st, n in zip(strides, a.shape) if n > 1):
        return None
    return sorted(builtins.range(a.ndim), key=lambda d: -builtins.abs(strides[d]))


def _like(input, value, dtype, device, requires_grad, memory_format=None, name="empty_like"):
    """A new tensor shaped like `input`, in `memory_format` (default preserve: input's layout)."""
    d = dtype or input.dtype
    dev = device if device is not None else input.device
    fmt = _mf.check(memory_format, name)
    if fmt is None or fmt is _mf.preserve_format:
        order = layout_perm(input._data)
    else:
        order = _mf.axis_order(fmt, input._data.ndim)
    return _filled_in(input._data.shape, order, value, d, dev, requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None):
    return _like(input, 0, dtype, device, requires_grad, memory_format, "zeros_like")


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None):
    return _like(input, 1, dtype, device, requires_grad, memory_format, "ones_like")


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None):
    return _like(input, 0, dtype, device, requires_grad, memory_format)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None):
    return _like(input, _fill_number(fill_value, "full_like"), dtype, device, requires_grad,
                 memory_format, "full_like")


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False, pin_memory: bool = False):
    """The n x m identity matrix (m defaults to n)."""
    _check_out(out)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = dtype or _dt.get_default_dtype()
    return _finish(np.eye(n, n if m is None else m, dtype=_dt.to_numpy_dtype(d)), None, device,
                   requires_grad)


# ---- ranges: PyTorch's CPU kernels, reproduced exactly ------------------------------------------
#
# PyTorch fills a range in chunks of GRAIN_SIZE per thread; inside a chunk, runs of two SIMD vectors
# take one base value each (lane j = base + j*step), and the tail is computed element by element.
# The compiler fuses each `a + b*c` into one FMA, so the arithmetic below is FMA-exact.

_GRAIN = 32768
_VEC_BYTES = 32  # AVX2 lanes: 8 float32, 4 float64, 16 half


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    c = 134217729.0 * a  # 2**27 + 1: Veltkamp's split into two 26-bit halves
    hi = c - (c - a)
    return hi, a - hi


def _fma64(a, b, c):
    """a*b + c in float64 with one rounding (Dekker's exact product + an exact sum)."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s, t = _two_sum(p, c)
    return s + (t + e)


def _fma32(a, b, c):
    """a*b + c in float32 with one rounding: the product is exact in float64."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    s, t = _two_sum(a * b, c)
    r = s.astype(np.float32)
    # s may sit exactly between two float32s while t breaks the tie: round towards t
    rd = r.astype(np.float64)
    towards = np.nextafter(r, np.where(t > 0, np.float32(np.inf), np.float32(-np.inf)))
    mid = (rd + towards.astype(np.float64)) / 2
    return np.where((s == mid) & (t != 0), towards, r)


def _lanes(n: int, lane_count: int):
    """(index, base index, lane) of each element, following PyTorch's chunked SIMD loop.

    Elements outside the vectorised runs are their own base, lane 0 (the scalar path).
    """
    idx = np.arange(n)
    base = idx.copy()
    tasks = min(_threads(), -(-n // _GRAIN)) if n > _GRAIN else 1
    chunk = -(-n // tasks) if n else 1
    for start in builtins.range(0, n, chunk):
        stop = min(n, start + chunk)
        nv = ((stop - start) // (2 * lane_count)) * 2 * lane_count
        seg = idx[start:start + nv]
        base[start:start + nv] = start + ((seg - start) // lane_count) * lane_count
    return idx, base, idx - base


def _arange_float(start, step, n: int, d: _dt.dtype):
    """PyTorch's arange for a floating dtype: accumulate in float64 (float32 for half types)."""
    np_dtype = d.np_dtype
    _, base, lane = _lanes(n, _VEC_BYTES // np_dtype.itemsize)
    fma = _fma64
    if np_dtype.itemsize < 4:
        fma = _fma32
        start, step = _float(np.float32(start)), _float(np.float32(step))
    b = fma(step, base.astype(np.float64), start)
    if np_dtype != np.float64:  # a vector's base is stored in the output type first
        b = b.astype(np_dtype).astype(np.float64)
    if d is _dt.bfloat16:  # its lanes are a float32 multiply and add, not fused
        f32 = np.float32
        return (b.astype(f32) + lane.astype(f32) * f32(step)).astype(np_dtype)
    return fma(lane.astype(np.float64), step, b).astype(np_dtype)


def _number(x):
    if isinstance(x, _op.Tensor):
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    return x


def _is_float(v) -> bool:
    return isinstance(v, _float)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False, pin_memory: bool = False):
    """Values start, start+step, ... below end; int64 unless an argument is a float."""
    _check_out(out)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        dtype = _dt.get_default_dtype() if any(map(_is_float, (start, end, step))) \
            else _dt.int64
    if dtype is _dt.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    for v in (start, end):
        if isinstance(v, _float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {_fmt(start)} -> {_fmt(end)}")
    if dtype.is_floating_point:
        start, end, step = _float(start), _float(end), _float(step)
        if step == 0:
            raise RuntimeError("step must be nonzero")
        _check_range_sign(start, end, step)
        n = math.ceil((end - start) / step)
        arr = _arange_float(start, step, n, dtype)
    else:  # integer dtypes step from int(start) by int(step), as PyTorch's kernel does
        if step == 0:
            raise RuntimeError("step must be nonzero")
        s, e, st = _int(start), _int(end), _int(step)
        if dtype is _dt.int64:  # int64 also counts the elements in integers
            if st == 0:
                raise ValueError("step must be nonzero")
            _check_range_sign(s, e, st)
            n = -((s - e) // st)
        else:
            _check_range_sign(start, end, step)
            n = math.ceil((end - start) / step)
        arr = (s + np.arange(n, dtype=np.int64) * st).astype(dtype.np_dtype)
    return _finish(arr, None, device, requires_grad)


def _fmt(v) -> str:
    return str(v) if not isinstance(v, _float) or not v.is_integer() else str(_int(v))


def _check_range_sign(start, end, step) -> None:
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False):
    """Deprecated in PyTorch: like arange but includes `end`, default float dtype."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its "
                  "behavior is inconsistent with Python's range builtin. Instead, use torch.arange,"
                  " which produces values in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    _check_range_sign(start, end, step)
    n = _int(math.floor((end - start) / step)) + 1
    d = dtype or _dt.get_default_dtype()
    vals = _fma64(_float(step), np.arange(n, dtype=np.float64), _float(start))
    return _finish(vals, d, device, requires_grad)


def _linspace_values(start, end, steps: int, d: _dt.dtype):
    """PyTorch's linspace kernel: from start below the halfway point, from end above it."""
    np_dtype = d.np_dtype
    i = np.arange(steps)
    half = steps // 2
    k = steps - 1 - i
    if d._category == 1:  # integer dtypes: integer ends, float64 step, truncation
        s, e = _int(start), _int(end)
        step = (_float(e) - _float(s)) / (steps - 1)
        vals = np.where(i < half, _fma64(step, i, s), _fma64(-step, k, e))
        return np.trunc(vals).astype(np.int64).astype(np_dtype)
    if np_dtype.itemsize < 4:  # half types: every operation rounds to the type (no FMA)
        def rnd(x):
            return np.asarray(x, np.float32).astype(np_dtype).astype(np.float32)

        s, e = rnd(start), rnd(end)
        step = rnd(rnd(e - s) / rnd(steps - 1))  # the count, too, is rounded to the type
        lo = rnd(s + rnd(step * rnd(i)))
        hi = rnd(e - rnd(step * rnd(k)))
        return np.where(i < half, lo, hi).astype(np_dtype)
    ty = np_dtype.type
    s, e = ty(start), ty(end)
    step = (e - s) / ty(steps - 1)
    fma = _fma32 if np_dtype == np.float32 else _fma64
    vals = np.where(i < half, fma(step, i.astype(np_dtype), s), fma(-step, k.astype(np_dtype), e))
    return vals.astype(np_dtype)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False):
    """`steps` evenly spaced points from start to end (both included)."""
    _check_out(out)
    if not isinstance(steps, (_int, np.integer)) or isinstance(steps, _bool):
        raise TypeError(f"linspace() received an invalid combination of arguments - got "
                        f"({type(start).__name__}, {type(end).__name__}, "
                        f"{type(steps).__name__}), but expected int steps")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = _number(start), _number(end)
    d = dtype or _dt.get_default_dtype()
    if d is _dt.bool:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    np_dtype = _dt.to_numpy_dtype(d)
    if steps == 0:
        arr = np.empty((0,), np_dtype)
    elif steps == 1:
        arr = np.array([_int(start) if d._category == 1 else start]).astype(np_dtype)
    else:
        arr = _linspace_values(start, end, _int(steps), d)
    return _finish(arr, None, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False):
    """base ** linspace(start, end, steps), computed as PyTorch does (in float64 for integers)."""
    _check_out(out)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = dtype or _dt.get_default_dtype()
    start, end = _number(start), _number(end)
    if steps == 0:
        return _finish(np.empty((0,), _dt.to_numpy_dtype(d)), None, device, requires_grad)
    work = _dt.float64 if d._category != 2 else d
    if steps == 1:
        exps = np.array([start], dtype=np.float64)
    else:
        exps = _linspace_values(start, end, _int(steps), work).astype(np.float64)
    if work is _dt.float64:
        vals = np.power(_float(base), exps)
    else:
        vals = np.power(work.np_dtype.type(base), exps.astype(work.np_dtype))
    return _finish(np.asarray(vals), d, device, requires_grad)


def _legacy_tensor(*args, **kwargs):
    """ember.Tensor(...) overloads: sizes give a zero-filled tensor, data a copy; the default
    dtype unless a legacy type (FloatTensor, LongTensor ...) passes its own."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)  # a legacy type's (FloatTensor ...); the default otherwise
    d = _dt.to_numpy_dtype(dtype or _dt.get_default_dtype())
    if not args:
        arr = np.zeros((0,), d)
    elif all(isinstance(a, (_int, np.integer)) and not isinstance(a, _bool) for a in args):
        arr = np.zeros(args, d)
    elif len(args) == 1 and isinstance(args[0], _op.Tensor):
        return args[0]._data
    elif len(args) == 1 and isinstance(args[0], (list, tuple, _ndarray)):
        data = args[0]
        if isinstance(data, tuple) and type(data).__name__ == "Size":
            arr = np.zeros(tuple(data), d)
        else:
            src = _infer_array(data)[0]
            _check_int_range(src, dtype or _dt.get_default_dtype())
            arr = np.array(src, dtype=d)
    else:
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    if device is not None:
        arr = to_device(arr, as_device(device))
    return arr
