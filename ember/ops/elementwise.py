"""Elementwise ops: the shared machinery (type promotion, in-place, out=) and arithmetic.

Binary ops decide their result dtype with PyTorch's rules (dtype.result_type) before NumPy sees
the operands, so `int_tensor * 2.5` is float32 as in PyTorch, never float64 as in NumPy.
The family continues in unary.py (math), binary.py (maximum, fmod, clamp, ...) and comparison.py
(comparisons, logic, bitwise, isclose); this module re-exports all of them.
"""
from __future__ import annotations

import builtins
import warnings

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Op
from .creation import _check_scalar_fits

__all__ = [
    "add",
    "div",
    "divide",
    "fill",
    "fill_",
    "mul",
    "multiply",
    "neg",
    "neg_",
    "negative",
    "negative_",
    "pow",
    "rsub",
    "sub",
    "subtract",
    "true_divide",
    "where",
    "zero_",
]

# NumPy reports overflow/invalid/divide-by-zero as RuntimeWarnings; PyTorch stays silent and
# returns inf/nan. Silence them only when raised from ember's op modules (no per-call errstate).
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\.ops\.")

_float = builtins.float
_int = builtins.int
_bool = builtins.bool


# ---- dtype resolution shared by every binary op -----------------------------------------------


def _np_scalar(value, np_dtype):
    """A Python scalar as a NumPy scalar of `np_dtype`, wrapping integers as PyTorch does."""
    return np.array(value).astype(np_dtype)[()]


def _cast(x, np_dtype):
    """Cast one forward operand (array or Python scalar) to the op's computation dtype."""
    if np_dtype is None:
        return x
    if isinstance(x, (np.ndarray, np.generic)) or hasattr(x, "__cuda_array_interface__"):
        return x if x.dtype == np_dtype else x.astype(np_dtype)
    return _np_scalar(x, np_dtype)


def _scalar_or_none(x):
    """The Python number a forward received in place of a tensor (backward multiplies by it)."""
    return None if hasattr(x, "shape") else x


def result_dtype(a, b) -> _dt.dtype:
    return _dt.result_type(a, b)


def _check_operand(x) -> None:
    if not isinstance(x, (_op.Tensor, _int, _float, _bool, np.number, np.bool_)):
        raise TypeError(f"unsupported operand type: '{type(x).__name__}'; expected a Tensor or a "
                        "number")


def binary(op, a, b, *, float_only: bool = False, **kwargs):
    """Apply a binary Op to Tensor/scalar operands after PyTorch's type promotion.

    `float_only` ops (true division, atan2, ...) compute integer inputs in the default float dtype.
    Ops with a `ufunc` skip apply() when nothing is recorded and no promotion is needed.
    """
    try:
        T = _op.Tensor
        if a.__class__ is T:
            x = a._data
            if b.__class__ is T:
                y = b._data
                if x.dtype is y.dtype and (not float_only or x.dtype.kind == "f"):
                    ufunc = op.ufunc
                    if (ufunc is not None and not kwargs and x.__class__ is _ndarray
                            and y.__class__ is _ndarray and not (
                                (a._requires_grad or b._requires_grad) and _grad_state.enabled)):
                        out = ufunc(x, y)
                        return _op._new_tensor(out if out.__class__ is _ndarray else _op.as_array(out))
                    return op.apply(a, b, **kwargs)
            elif b.__class__ is _float and x.dtype.kind == "f":
                ufunc = op.ufunc
                if (ufunc is not None and not kwargs and x.__class__ is _ndarray
                        and not (a._requires_grad and _grad_state.enabled)):
                    out = ufunc(x, b)
                    return _op._new_tensor(out if out.__class__ is _ndarray else _op.as_array(out))
                return op.apply(a, b, **kwargs)
        _check_operand(a)
        _check_operand(b)
        if not isinstance(a, T) and not isinstance(b, T):
            from .creation import _wrapped_scalar

            a = _wrapped_scalar(a)
        d = _dt.result_type(a, b)
        if float_only and not d.is_floating_point:
            d = _dt.get_default_dtype()
        return op.apply(a, b, dtype=d.np_dtype, **kwargs)
    except ValueError:
        check_broadcast(getattr(a, "shape", ()), getattr(b, "shape", ()))
        raise


def check_broadcast(sa, sb) -> tuple:
    """The broadcast shape of two shapes, or PyTorch's RuntimeError naming the clashing dim."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        out.append(x if y == 1 else y)
    return tuple(out)


_ndarray = np.ndarray
_grad_state = _op._grad_state
_np_add = np.add
_np_multiply = np.multiply
_NO_SCALARS = (None, None)


def _xp(x, y=None):
    if isinstance(x, (np.ndarray, np.generic)):
        return np
    return array_module(x)


# ---- in-place: compute out of place, then write into self --------------------------------------

_LEAF_INPLACE_MSG = "a leaf Variable that requires grad is being used in an in-place operation."


def check_inplace(t) -> None:
    """PyTorch refuses in-place changes to a leaf (or a view of one) that requires grad."""
    if not _op._grad_state.enabled:
        return
    if t._requires_grad and t._grad_fn is None:
        raise RuntimeError(_LEAF_INPLACE_MSG)
    base = t._base
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def commit_inplace(t, result):
    """Make tensor `t` hold `result` (the out-of-place value of an in-place op) and its history."""
    rd = result.dtype
    td = t.dtype
    if rd._category > td._category:
        raise RuntimeError(f"result type {_cap(rd)} can't be cast to the desired output type "
                           f"{_cap(td)}")
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast "
                           f"shape {list(result._data.shape)}")
    xp = array_module(t._data)
    if result._requires_grad:
        _snapshot_saved_self(t, result._grad_fn)
    xp.copyto(t._data, result._data, casting="unsafe")
    t._vbox[0] += 1
    if result._requires_grad:
        if t._base is not None and t._view_of is not None:
            from .inplace_view import rebase_view

            rebase_view(t, result)
        else:
            t._grad_fn = result._grad_fn
            t._output_nr = result._output_nr
            t._requires_grad = True
    return t


def _snapshot_saved_self(t, node) -> None:
    """If the op saved `t` for backward, keep a copy of its old value: t is about to change."""
    saved = node.__dict__.get("_saved_inputs") if node is not None else None
    if not saved:
        return
    if not any(s is t for s, _ in saved):
        return
    old = _op._new_tensor(t._data.copy(), t._requires_grad)
    old._grad_fn, old._output_nr = t._grad_fn, t._output_nr
    node._saved_inputs = tuple((old, 0) if s is t else (s, v) for s, v in saved)


def _cap(d: _dt.dtype) -> str:
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
             "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
             "bool": "Bool"}
    return names[d.name]


def inplace(t, fn, *args, **kwargs):
    """Run an out-of-place op `fn(t, *args)` and commit its result into t."""
    check_inplace(t)
    try:
        result = fn(t, *args, **kwargs)
    except (NotImplementedError, RuntimeError):
        _inplace_precheck(t, args)  # PyTorch reports a bad output shape or cast first
        raise
    return commit_inplace(t, result)


def _inplace_precheck(t, args) -> None:
    """The output checks PyTorch makes before running an in-place kernel: cast, then shape."""
    operands = [a for i, a in enumerate(args) if isinstance(a, _op.Tensor)
                or i == 0 and isinstance(a, (int, float, bool))]
    try:
        rd = _dt.result_type(t, *operands)
    except Exception:  # noqa: BLE001 - the op's own error is the one to report
        return
    if rd._category > t.dtype._category:
        raise RuntimeError(f"result type {_cap(rd)} can't be cast to the desired output type "
                           f"{_cap(t.dtype)}")
    shape = t._data.shape
    for a in operands:
        if isinstance(a, _op.Tensor) and a._data.shape != shape:
            b = check_broadcast(shape, a._data.shape)
            if b != shape:
                raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast "
                                   f"shape {list(b)}")


# ---- arithmetic ------------------------------------------------------------------------------


class Add(Op):
    ufunc = np.add

    @staticmethod
    def forward(ctx, x, y, alpha=None, dtype=None):
        if dtype is not None:
            x, y = _cast(x, dtype), _cast(y, dtype)
        if alpha is not None and alpha != 1:
            ctx.alpha = alpha
            y = _scaled(y, alpha)
        if x.__class__ is _ndarray:
            return _np_add(x, y)
        return _xp(x).add(x, y)

    @staticmethod
    def backward(ctx, grad):
        gy = None
        if ctx.needs_input_grad[1]:
            alpha = ctx.__dict__.get("alpha")
            gy = grad if alpha is None else grad * alpha
        return (grad if ctx.needs_input_grad[0] else None), gy


class Sub(Op):
    ufunc = np.subtract

    @staticmethod
    def forward(ctx, x, y, alpha=None, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.alpha = alpha
        if alpha is not None and alpha != 1:
            y = _scaled(y, alpha)
        return _xp(x, y).subtract(x, y)

    @staticmethod
    def backward(ctx, grad):
        gy = None
        if ctx.needs_input_grad[1]:
            gy = -grad if ctx.alpha is None or ctx.alpha == 1 else grad * (-ctx.alpha)
        return (grad if ctx.needs_input_grad[0] else None), gy


def _scaled(y, alpha):
    """alpha * y in y's dtype (a bool alpha with bool tensors stays bool, as PyTorch)."""
    r = y * alpha
    return r if r.dtype == y.dtype else r.astype(y.dtype)


class Rsub(Sub):
    """`scalar - tensor`: PyTorch names its node RsubBackward1."""

    ufunc = None

    node_name = "RsubBackward1"


class Mul(Op):
    save_inputs = (0, 1)
    ufunc = np.multiply

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        if dtype is None and x.__class__ is _ndarray and y.__class__ is _ndarray:
            return _np_multiply(x, y)  # the common case: two host tensors of one dtype
        ctx.scalars = (_scalar_or_none(x), _scalar_or_none(y))
        x, y = _cast(x, dtype), _cast(y, dtype)
        return _xp(x, y).multiply(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        sx, sy = ctx.__dict__.get("scalars", _NO_SCALARS)
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad * (y if y is not None else sy)
        if ctx.needs_input_grad[1]:
            gy = grad * (x if x is not None else sx)
        return gx, gy


class Div(Op):
    save_inputs = (0, 1)
    ufunc = np.true_divide

    @staticmethod
    def forward(ctx, x, y, rounding_mode=None, dtype=None):
        ctx.scalars = (_scalar_or_none(x), _scalar_or_none(y))
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.rounding_mode = rounding_mode
        xp = _xp(x, y)
        if rounding_mode is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                return xp.true_divide(x, y)
        return _rounded_divide(xp, x, y, rounding_mode)

    @staticmethod
    def backward(ctx, grad):
        if ctx.rounding_mode is not None:  # floor/trunc division is piecewise constant
            return (grad * 0 if ctx.needs_input_grad[0] else None,
                    grad * 0 if ctx.needs_input_grad[1] else None)
        x, y = ctx.inputs
        sx, sy = ctx.scalars
        y = y if y is not None else sy
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad / y
        if ctx.needs_input_grad[1]:
            x = x if x is not None else sx
            gy = -grad * x / (y * y)
        return gx, gy


def _rounded_divide(xp, x, y, mode):
    """floor/trunc division with PyTorch's integer-by-zero error."""
    dt = np.result_type(x, y)
    if dt.kind in "iub":
        if getattr(x, "size", 1) and xp.any(xp.asarray(y) == 0):  # an empty result never divides
            raise RuntimeError("ZeroDivisionError")
        if mode == "floor":
            return xp.floor_divide(x, y)
        q = xp.floor_divide(x, y)
        fix = (q < 0) & (xp.remainder(x, y) != 0)
        return q + fix.astype(q.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "floor":
            return xp.floor_divide(x, y)
        if mode == "trunc":
            return xp.trunc(xp.true_divide(x, y))
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                       f"found '{mode}'")


class Neg(Op):
    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                               "you are trying to invert a mask, use the `~` or `logical_not()` "
                               "operator instead.")
        return _xp(x).negative(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Op):
    """tensor ** scalar (PowBackward0)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, exponent, dtype=None):
        x = _cast(x, dtype)
        ctx.exponent = exponent
        xp = _xp(x)
        if x.dtype.kind in "iu" and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if x.dtype.kind == "b":  # bool ** bool: x ** True is x, x ** False is all True
            return x.copy() if exponent else xp.ones_like(x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return xp.power(x, _cast(exponent, x.dtype) if x.dtype.kind in "iu" else exponent)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        p = ctx.exponent
        if p == 0:
            return grad * 0, None
        return grad * (p * x ** (p - 1)), None


class PowTensor(Op):
    """tensor ** tensor (PowBackward1)."""

    node_name = "PowBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.save_output()
        xp = _xp(x, y)
        if x.dtype.kind in "iu":
            return _int_power(xp, x, y)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return xp.power(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            # d/dx x**y = y * x**(y-1), with 0 where y == 0 (PyTorch masks it)
            gx = grad * where(y == 0, 0.0, y * x ** (y - 1))
        if ctx.needs_input_grad[1]:
            out = ctx.output
            # d/dy x**y = x**y * log(x), with 0 where x == 0 and y >= 0 (PyTorch masks it)
            gy = grad * where((x == 0) & (y >= 0), 0.0, out * log(x))
        return gx, gy


class RPow(Op):
    """scalar ** tensor (PowBackward2)."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, base, y, dtype=None):
        y = _cast(y, dtype)
        base = _cast(base, y.dtype)
        ctx.base = base
        ctx.save_output()
        xp = _xp(y)
        if y.dtype.kind in "iu":
            return _int_power(xp, base, y)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return xp.power(base, y)

    @staticmethod
    def backward(ctx, grad):
        b = ctx.base
        if b == 0:
            return None, grad * 0
        return None, grad * (ctx.output * _float(np.log(_float(b))))


def _int_power(xp, x, y):
    """Integer x ** tensor y as PyTorch: a negative exponent gives 1 for base 1, +-1 for base -1
    and 0 otherwise (only a Python-number exponent is refused)."""
    neg = xp.asarray(y) < 0
    if not neg.any():
        return xp.power(x, y)
    r = xp.power(x, xp.where(neg, 0, y))
    x = xp.asarray(x)
    small = xp.where(x == 1, 1, xp.where(x == -1, 1 - 2 * (y & 1), 0)).astype(r.dtype)
    return xp.where(neg, small, r)


class Where(Op):
    """where(cond, x, y): cond is data, not differentiable."""

    @staticmethod
    def forward(ctx, cond, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.cond = cond
        return _xp(cond).where(cond, x, y)

    @staticmethod
    def backward(ctx, grad):
        c = _op._new_tensor(ctx.cond)
        gx = where(c, grad, 0.0) if ctx.needs_input_grad[1] else None
        gy = where(c, 0.0, grad) if ctx.needs_input_grad[2] else None
        return None, gx, gy


# ---- public functions ------------------------------------------------------------------------


def _float_input(x):
    """Unary float ops promote integer tensors to the default float dtype (exp(int) is float)."""
    if x.__class__ is not _op.Tensor and not isinstance(x, _op.Tensor):
        raise TypeError(f"expected a Tensor as input, but got {type(x).__name__}")
    if x._data.dtype.kind in "iub":
        return x.to(_dt.get_default_dtype())
    return x


def _check_alpha(input, other, alpha) -> None:
    """PyTorch refuses a float alpha for integer results and a bool alpha for non-bool ones."""
    d = _dt.result_type(input, other)
    if isinstance(alpha, _bool):
        if d is not _dt.bool:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, _float) and not d.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")


def add(input, other, *, alpha=1, out=None):
    if alpha.__class__ is _int and alpha == 1:
        return _out(binary(Add, input, other), out)
    _check_alpha(input, other, alpha)
    if isinstance(input, _op.Tensor) or isinstance(other, _op.Tensor):
        return _out(binary(Add, input, other, alpha=alpha), out)
    return _out(binary(Add, input, other), out)


def sub(input, other, *, alpha=1, out=None):
    if getattr(other, "dtype", None) is _dt.bool or getattr(input, "dtype", None) is _dt.bool \
            or other.__class__ is bool or input.__class__ is bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    op = Sub if isinstance(input, _op.Tensor) else Rsub
    if alpha.__class__ is _int and alpha == 1:
        return _out(binary(op, input, other), out)
    _check_alpha(input, other, alpha)
    return _out(binary(op, input, other, alpha=alpha), out)


def rsub(input, other, *, alpha=1):
    """other - alpha * input (RsubBackward)."""
    if not isinstance(input, _op.Tensor):
        raise TypeError(f"rsub() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    return sub(other, input, alpha=alpha) if alpha != 1 else sub(other, input)


subtract = sub


def mul(input, other, *, out=None):
    return _out(binary(Mul, input, other), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _out(binary(Div, input, other, float_only=True), out)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    return _out(binary(Div, input, other, rounding_mode=rounding_mode), out)


divide = div


def true_divide(dividend, divisor, *, out=None):
    return div(dividend, divisor, out=out)


def neg(input, *, out=None):
    return _out(Neg.apply(input), out)


negative = neg


def pow(input, exponent, *, out=None):
    T = _op.Tensor
    if isinstance(input, T) and not isinstance(exponent, T):
        _check_operand(exponent)
        d = _dt.result_type(input, exponent)
        kw = {} if d is input.dtype else {"dtype": d.np_dtype}
        return _out(Pow.apply(input, exponent, **kw), out)
    if not isinstance(input, T):
        _check_operand(input)
        d = _dt.result_type(input, exponent)
        kw = {} if d is exponent.dtype else {"dtype": d.np_dtype}
        if d is _dt.bool:
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return _out(RPow.apply(input, exponent, **kw), out)
    if input.dtype is _dt.bool and exponent.dtype is _dt.bool:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    return _out(binary(PowTensor, input, exponent), out)


def where(condition, input=None, other=None, *, out=None):
    """where(cond, x, y) picks elementwise; where(cond) is nonzero(cond, as_tuple=True)."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    T = _op.Tensor
    if not isinstance(condition, T) or condition.dtype is not _dt.bool:
        if isinstance(condition, T):
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {_cap(condition.dtype)}")
        raise TypeError("where(): argument 'condition' must be Tensor")
    d = _dt.result_type(input, other)
    if not isinstance(input, T) and not isinstance(other, T):
        from .creation import scalar_tensor

        input = scalar_tensor(input, dtype=d)
    return _out(Where.apply(condition, input, other, dtype=d.np_dtype), out)


def _out(result, out):
    """Honour `out=`: resize-free copy into the given tensor (PyTorch checks the dtype category)."""
    if out is None:
        return result
    if result._requires_grad and _op._grad_state.enabled:
        raise RuntimeError("functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if out._data.shape != result._data.shape:
        out._data = array_module(result._data).empty_like(result._data, dtype=out._data.dtype)
    return commit_inplace(out, result.detach())


# ---- in-place arithmetic: straight into self's memory when nothing is recorded ----------------


def _direct(t, other, need_float: bool) -> bool:
    """True when `t op= other` can run as one NumPy ufunc into t: no graph to record, and a
    dtype pair on which NumPy and PyTorch agree (same dtype, or a float tensor with a number)."""
    T = _op.Tensor
    oc = other.__class__
    if _op._grad_state.enabled and (t._requires_grad or (oc is T and other._requires_grad)):
        return False
    k = t._data.dtype.kind
    if oc is T:
        return other._data.dtype == t._data.dtype and (k == "f" or not need_float)
    return (oc is _float or oc is _int) and k == "f"


def _ufunc_(t, ufunc, other, alpha=None):
    """Apply `ufunc(t, other * alpha, out=t)`; None when shapes need the general path's error."""
    y = other._data if other.__class__ is _op.Tensor else other
    if alpha is not None:
        y = y * alpha
    try:
        ufunc(t._data, y, out=t._data)
    except ValueError:  # broadcast to a bigger shape, or a read-only (expanded) array
        return None
    t._vbox[0] += 1
    return t


def add_(input, other, *, alpha=1):
    if _direct(input, other, False) and input._data.__class__ is np.ndarray:
        a = None if alpha.__class__ is _int and alpha == 1 else alpha
        if a is None or input._data.dtype.kind == "f":
            r = _ufunc_(input, np.add, other, a)
            if r is not None:
                return r
    return inplace(input, add, other, alpha=alpha)


def sub_(input, other, *, alpha=1):
    if _direct(input, other, False) and input._data.dtype.kind != "b" \
            and input._data.__class__ is np.ndarray:
        a = None if alpha.__class__ is _int and alpha == 1 else alpha
        if a is None or input._data.dtype.kind == "f":
            r = _ufunc_(input, np.subtract, other, a)
            if r is not None:
                return r
    return inplace(input, sub, other, alpha=alpha)


def mul_(input, other):
    if _direct(input, other, False) and input._data.__class__ is np.ndarray:
        r = _ufunc_(input, np.multiply, other)
        if r is not None:
            return r
    return inplace(input, mul, other)


def div_(input, other, *, rounding_mode=None):
    if rounding_mode is None and _direct(input, other, True) \
            and input._data.__class__ is np.ndarray:
        r = _ufunc_(input, np.true_divide, other)
        if r is not None:
            return r
    return inplace(input, div, other, rounding_mode=rounding_mode)


def pow_(input, exponent):
    return inplace(input, pow, exponent)


def neg_(input):
    return inplace(input, neg)


negative_ = neg_


# ---- fill_, zero_, copy_ ---------------------------------------------------------------------


def _records(t, src=None) -> bool:
    """Whether an in-place write into t must be recorded in the graph."""
    if not _op._grad_state.enabled:
        return False
    return t._requires_grad or (isinstance(src, _op.Tensor) and src._requires_grad)


class Fill(Op):
    """t.fill_(number): the old values no longer matter, so their gradient is zero."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return _xp(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class FillTensor(Op):
    """t.fill_(0-d tensor): the value's gradient is the sum of the upstream gradient."""

    node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, x, value):
        y = _xp(x).empty_like(x)
        y[...] = value.astype(x.dtype)
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = _zeros_like(grad) if ctx.needs_input_grad[0] else None
        return gx, (grad.sum() if ctx.needs_input_grad[1] else None)


class Zero(Op):
    @staticmethod
    def forward(ctx, x):
        return _xp(x).zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class Copy(Op):
    """t.copy_(src): src broadcast and cast into t's shape and dtype; gradient flows to src."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        y = _xp(x).empty_like(x)
        _copy_into(y, src)
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = _zeros_like(grad) if ctx.needs_input_grad[0] else None
        return gx, (grad if ctx.needs_input_grad[1] else None)


def _zeros_like(grad):
    return _op._new_tensor(_xp(grad._data).zeros_like(grad._data))


def _copy_into(dst, src) -> None:
    """Broadcast-and-cast copy of a raw array or number into dst (PyTorch's size error)."""
    if hasattr(src, "shape") and src.__class__ is not dst.__class__ \
            and not isinstance(src, np.generic):
        from ..backend import to_device

        src = to_device(src, _op._new_tensor(dst).device)
    if len(getattr(src, "shape", ())) > dst.ndim:  # NumPy would drop leading 1s; PyTorch refuses
        raise RuntimeError(f"output with shape {list(dst.shape)} doesn't match the broadcast "
                           f"shape {list(check_broadcast(dst.shape, src.shape))}")
    try:
        array_module(dst).copyto(dst, src, casting="unsafe")
    except ValueError:
        check_broadcast(dst.shape, getattr(src, "shape", ()))
        raise


def _check_overlap(dst, src) -> None:
    """PyTorch refuses a copy whose source partially overlaps the destination."""
    if dst.__class__ is not np.ndarray or src.__class__ is not np.ndarray:
        return
    if not np.may_share_memory(dst, src):
        return
    same = (dst.__array_interface__["data"][0] == src.__array_interface__["data"][0]
            and dst.strides == src.strides and dst.shape == src.shape)
    if not same and np.shares_memory(dst, src):
        raise RuntimeError("unsupported operation: some elements of the input tensor and the "
                           "written-to tensor refer to a single memory location. Please clone() "
                           "the tensor before performing the operation.")


def fill_(input, value):
    """Write `value` (a number or a 0-d tensor) into every element of input."""
    T = _op.Tensor
    if isinstance(value, T):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
    else:
        _check_operand(value)
        _check_scalar_fits(value, input._data.dtype)
    check_inplace(input)
    if _records(input, value):
        if isinstance(value, T):
            return commit_inplace(input, FillTensor.apply(input, value))
        return commit_inplace(input, Fill.apply(input, _np_scalar(value, input._data.dtype)))
    _copy_into(input._data, value._data if isinstance(value, T)
               else _np_scalar(value, input._data.dtype))  # wraps -1 into uint8 as PyTorch
    input._vbox[0] += 1
    return input


def fill(input, value):
    """Out-of-place fill: a tensor like input filled with value."""
    return fill_(input.clone(), value)


def zero_(input):
    check_inplace(input)
    if _records(input):
        return commit_inplace(input, Zero.apply(input))
    input._data.fill(0)
    input._vbox[0] += 1
    return input


def copy_(input, src, non_blocking: bool = False):
    """Copy src into input, broadcasting and casting; differentiable with respect to src."""
    check_inplace(input)
    if not isinstance(src, _op.Tensor):
        _check_operand(src)
    if isinstance(src, _op.Tensor):
        _check_overlap(input._data, src._data)
    if _records(input, src):
        return commit_inplace(input, Copy.apply(input, src))
    _copy_into(input._data, src._data if isinstance(src, _op.Tensor) else src)
    input._vbox[0] += 1
    return input


# ---- the rest of the family, re-exported -----------------------------------------------------

from . import binary as _binary
from . import comparison as _comparison
from . import unary as _unary
from .binary import *
from .comparison import *
from .unary import *

__all__ += _unary.__all__ + _binary.__all__ + _comparison.__all__
