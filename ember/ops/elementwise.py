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
from . import _op
from ._common import (  # noqa: F401 - still re-exported here until every importer moves
    _INT_EXACT,
    _NO_SCALARS,
    _cast,
    _check_alpha,
    _check_operand,
    _float_input,
    _grad_state,
    _ndarray,
    _np_add,
    _np_multiply,
    _np_scalar,
    _scalar_or_none,
    _xp,
    binary,
    check_broadcast,
    result_dtype,
)
from ._op import Op
from ._output import _cap, _out
from .creation import scalar_tensor

__all__ = [
    "add",
    "addcdiv",
    "addcmul",
    "div",
    "divide",
    "mul",
    "multiply",
    "neg",
    "negative",
    "pow",
    "rsub",
    "sub",
    "subtract",
    "true_divide",
    "where",
]

# NumPy reports overflow/invalid/divide-by-zero as RuntimeWarnings; PyTorch stays silent and
# returns inf/nan. Silence them only when raised from ember's op modules (no per-call errstate).
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\.ops\.")

_float = builtins.float
_int = builtins.int
_bool = builtins.bool
_np_subtract = np.subtract
_np_true_divide = np.true_divide


# ---- arithmetic ------------------------------------------------------------------------------


class Add(Op):
    differentiable_args = (0, 1)  # `x + 2` lists the number as (None, 0), as PyTorch

    @staticmethod
    def forward(ctx, x, y, alpha=None, dtype=None):
        if alpha is None and dtype is None and x.__class__ is _ndarray:
            return _np_add(x, y)  # the common case: one host dtype, no alpha
        if dtype is not None:
            x, y = _cast(x, dtype), _cast(y, dtype)
        if alpha is not None and alpha != 1:
            ctx.alpha = alpha
            y = _scaled(y, alpha)
        return _xp(x).add(x, y)

    @staticmethod
    def backward(ctx, grad):
        gy = None
        if ctx.needs_input_grad[1]:
            alpha = ctx.__dict__.get("alpha")
            gy = grad if alpha is None else grad * alpha
        return (grad if ctx.needs_input_grad[0] else None), gy


class Sub(Op):
    differentiable_args = (0, 1)

    @staticmethod
    def forward(ctx, x, y, alpha=None, dtype=None):
        if alpha is None and dtype is None and x.__class__ is _ndarray:
            return _np_subtract(x, y)  # the common case: one host dtype, no alpha
        x, y = _cast(x, dtype), _cast(y, dtype)
        if alpha is not None and alpha != 1:
            ctx.alpha = alpha
            y = _scaled(y, alpha)
        return _xp(x, y).subtract(x, y)

    @staticmethod
    def backward(ctx, grad):
        gy = None
        if ctx.needs_input_grad[1]:
            alpha = ctx.__dict__.get("alpha")
            gy = -grad if alpha is None else grad * (-alpha)
        return (grad if ctx.needs_input_grad[0] else None), gy


def _scaled(y, alpha):
    """alpha * y in y's dtype (a bool alpha with bool tensors stays bool, as PyTorch)."""
    r = y * alpha
    if y.__class__ is _float:  # a Python number beside a float tensor
        return r
    return r if r.dtype == y.dtype else r.astype(y.dtype)


class Rsub(Sub):
    """`number - tensor`, applied as (number, tensor): RsubBackward1, whose one edge is the tensor."""

    differentiable_args = None
    node_name = "RsubBackward1"


class RsubTensor(Op):
    """rsub(x, y) = y - alpha * x for two tensors (RsubBackward0, edges in x, y order)."""

    node_name = "RsubBackward0"

    @staticmethod
    def forward(ctx, x, y, alpha=None, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.alpha = alpha
        if alpha is not None and alpha != 1:
            x = _scaled(x, alpha)
        return _xp(x, y).subtract(y, x)

    @staticmethod
    def backward(ctx, grad):
        gx = None
        if ctx.needs_input_grad[0]:
            gx = -grad if ctx.alpha is None or ctx.alpha == 1 else grad * (-ctx.alpha)
        return gx, (grad if ctx.needs_input_grad[1] else None)


class Mul(Op):
    save_inputs = (0, 1)
    differentiable_args = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        if dtype is None and x.__class__ is _ndarray:  # the common case: one host dtype
            if y.__class__ is not _ndarray:  # a number (backward multiplies by it)
                ctx.scalars = (None, y)
            return _np_multiply(x, y)
        ctx.scalars = (_scalar_or_none(x), _scalar_or_none(y))
        x, y = _cast(x, dtype), _cast(y, dtype)
        return _xp(x, y).multiply(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        sx, sy = ctx.__dict__.get("scalars", _NO_SCALARS)
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad * _conj(y if y is not None else sy)
        if ctx.needs_input_grad[1]:
            gy = grad * _conj(x if x is not None else sx)
        return gx, gy


class Div(Op):
    save_inputs = (0, 1)
    differentiable_args = (0, 1)

    @staticmethod
    def forward(ctx, x, y, rounding_mode=None, dtype=None):
        # x/0 warnings are filtered for ember.ops (see the top)
        if rounding_mode is None and dtype is None and x.__class__ is _ndarray:
            if y.__class__ is not _ndarray:  # a number (backward divides by it)
                ctx.scalars = (None, y)
            return _np_true_divide(x, y)  # the common case: one host dtype
        ctx.scalars = (_scalar_or_none(x), _scalar_or_none(y))
        x, y = _cast(x, dtype), _cast(y, dtype)
        xp = _xp(x, y)
        if rounding_mode is None:
            return xp.true_divide(x, y)
        ctx.rounding_mode = rounding_mode
        return _rounded_divide(xp, x, y, rounding_mode)

    @staticmethod
    def backward(ctx, grad):
        if "rounding_mode" in ctx.__dict__:  # floor/trunc division is piecewise constant
            return (grad * 0 if ctx.needs_input_grad[0] else None,
                    grad * 0 if ctx.needs_input_grad[1] else None)
        x, y = ctx.inputs
        sx, sy = ctx.__dict__.get("scalars", _NO_SCALARS)
        y = y if y is not None else sy
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad / _conj(y)
        if ctx.needs_input_grad[1]:
            x = x if x is not None else sx
            gy = -grad * _conj(x / (y * y))
        return gx, gy


def _conj(v):
    """The conjugate of a complex tensor or number (backward's conjugate-Wirtinger factors);
    real values are returned as they are."""
    if v.__class__ is _op.Tensor:
        return v.conj() if v._data.dtype.kind == "c" else v
    return v.conjugate() if isinstance(v, (complex, np.complexfloating)) else v


class DivRounded(Div):
    """div with a rounding_mode: PyTorch's DivBackward2 (zero gradient, see Div.backward)."""

    node_name = "DivBackward2"


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
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and exponent in _POW_BY_PRODUCTS:
            return _POW_BY_PRODUCTS[exponent](xp, x)
        return xp.power(x, _cast(exponent, x.dtype) if x.dtype.kind in "iu" else exponent)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        p = ctx.exponent
        if p == 0:
            return grad * 0, None
        return grad * _conj(p * x ** (p - 1)), None


# Exponents PyTorch's CPU kernel computes with products and square roots instead of pow (for float
# and double; half types compute in float32 and round once, as NumPy's power does); the
# rounding differs from pow's in the last bit, so ember computes them the same way.
_POW_BY_PRODUCTS = {
    3: lambda xp, x: x * x * x,
    -2: lambda xp, x: 1 / (x * x),
    -0.5: lambda xp, x: 1 / xp.sqrt(x),
}


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
            gy = grad * where((x == 0) & (y >= 0), 0.0, out * x.log())
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
    """where(cond, x, y): cond is data, not differentiable (no edge in next_functions)."""

    differentiable_args = (1, 2)

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


def add(input, other, *, alpha=1, out=None):
    if alpha.__class__ is _int and alpha == 1:
        return _out(binary(Add, input, other), out)
    _check_alpha(input, other, alpha)
    if isinstance(input, _op.Tensor) or isinstance(other, _op.Tensor):
        return _out(binary(Add, input, other, alpha=alpha), out)
    return _out(binary(Add, input, other), out)


def _check_sub_bool(input, other) -> None:
    """PyTorch refuses `-` with any bool operand (tensor or Python bool)."""
    a = getattr(input, "dtype", None) is _dt.bool or input.__class__ is bool
    b = getattr(other, "dtype", None) is _dt.bool or other.__class__ is bool
    if a and b:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if a or b:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def sub(input, other, *, alpha=1, out=None):
    if other.__class__ is bool or input.__class__ is bool or \
            getattr(other, "dtype", None) is _dt.bool or getattr(input, "dtype", None) is _dt.bool:
        _check_sub_bool(input, other)
    if alpha.__class__ is _int and alpha == 1:
        return _out(binary(Sub, input, other), out)
    _check_alpha(input, other, alpha)
    return _out(binary(Sub, input, other, alpha=alpha), out)


def rsub(input, other, *, alpha=1):
    """other - alpha * input: RsubBackward0 for a tensor `other`, RsubBackward1 for a number."""
    if not isinstance(input, _op.Tensor):
        raise TypeError(f"rsub() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    if input.dtype is _dt.bool or other.__class__ is bool \
            or getattr(other, "dtype", None) is _dt.bool:
        _check_sub_bool(input, other)
    op, a, b = (RsubTensor, input, other) if isinstance(other, _op.Tensor) else \
        (Rsub, other, input)
    if alpha.__class__ is _int and alpha == 1:
        return binary(op, a, b)
    _check_alpha(input, other, alpha)
    return binary(op, a, b, alpha=alpha)


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
    return _out(binary(DivRounded, input, other, rounding_mode=rounding_mode), out)


divide = div


def true_divide(dividend, divisor, *, out=None):
    return div(dividend, divisor, out=out)


def neg(input, *, out=None):
    if input.__class__ is _op.Tensor:
        return _out(Neg.apply(input), out)
    return _out(Neg.apply(input), out)


negative = neg


def pow(input, exponent, *, out=None):
    T = _op.Tensor
    if isinstance(exponent, np.generic):  # a NumPy scalar is a Python number to torch
        exponent = exponent.item()
    if isinstance(input, np.generic):
        input = input.item()
    if input.__class__ is T and (exponent.__class__ is _int or exponent.__class__ is _float) \
            and input._data.dtype.kind == "f":  # a float tensor keeps its dtype: no promotion
        return _out(Pow.apply(input, exponent), out)
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
        input = scalar_tensor(input, dtype=d)
    return _out(Where.apply(condition, input, other, dtype=d.np_dtype), out)


# ---- addcmul / addcdiv: input + value * t1 (* or /) t2 ---------------------------------------


class Addcmul(Op):
    """input + value * tensor1 * tensor2 in the promoted dtype (AddcmulBackward0)."""

    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, t1, t2, value, dtype):
        x, t1, t2 = _cast(x, dtype), _cast(t1, dtype), _cast(t2, dtype)
        v = _cast(value, dtype)  # an integer result truncates a float value, as torch
        ctx.value = v.item()
        return x + v * t1 * t2

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.inputs
        v = ctx.value
        n = ctx.needs_input_grad
        return (grad if n[0] else None, grad * (t2 * v) if n[1] else None,
                grad * (t1 * v) if n[2] else None, None, None)


class Addcdiv(Op):
    """input + value * tensor1 / tensor2 in the promoted dtype (AddcdivBackward0)."""

    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, t1, t2, value, dtype):
        x, t1, t2 = _cast(x, dtype), _cast(t1, dtype), _cast(t2, dtype)
        v = _cast(value, dtype)
        ctx.value = v.item()
        return x + v * t1 / t2

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.inputs
        v = ctx.value
        n = ctx.needs_input_grad
        return (grad if n[0] else None, grad * (v / t2) if n[1] else None,
                -grad * (v * t1 / (t2 * t2)) if n[2] else None, None, None)


_ADDCDIV_INT_MSG = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
    "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
    "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all "
    "dtypes.")


def _addc(op, name, input, tensor1, tensor2, value, out):
    """Shared checks of addcmul/addcdiv: Tensor operands, one broadcast shape, torch's dtype."""
    for pos, (arg, t) in enumerate((("input", input), ("tensor1", tensor1),
                                    ("tensor2", tensor2)), 1):
        if not isinstance(t, _op.Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    check_broadcast(check_broadcast(input.shape, tensor1.shape), tensor2.shape)
    if op is Addcdiv and not tensor1.dtype.is_floating_point \
            and not tensor2.dtype.is_floating_point:
        raise RuntimeError(_ADDCDIV_INT_MSG)
    d = _dt.result_type(input, tensor1, tensor2)
    if d is _dt.bool:
        raise NotImplementedError(f"\"{name}_cpu_out\" not implemented for 'Bool'")
    return _out(op.apply(input, tensor1, tensor2, value, d.np_dtype), out)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2, broadcast and promoted as torch.addcmul."""
    return _addc(Addcmul, "addcmul", input, tensor1, tensor2, value, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2 (float tensor1 or tensor2), as torch.addcdiv."""
    return _addc(Addcdiv, "addcdiv", input, tensor1, tensor2, value, out)
