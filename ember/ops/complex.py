"""Complex-number ops: real/imag views, conj, angle, polar, complex, view_as_real/view_as_complex.

Gradients follow PyTorch's convention: the gradient of a real loss L with respect to a complex z
is dL/d(Re z) + i dL/d(Im z) (the conjugate Wirtinger derivative, times two).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as _dt
from .._dtype import cdouble, cfloat, complex64, complex128
from ..backend import array_module
from . import _op
from ._common import check_broadcast
from ._op import Op
from ._output import _SCALAR_TYPE_NAMES, _out
from .elementwise import where

__all__ = ["angle", "cdouble", "cfloat", "complex", "complex64", "complex128", "conj",
           "conj_physical", "imag", "is_complex", "is_conj", "is_neg", "polar", "real",
           "resolve_conj", "resolve_neg", "view_as_complex", "view_as_real"]

def _is_c(t) -> bool:
    return t._data.dtype.kind == "c"


def _tensor(x, name: str, pos: int = 1, arg: str = "input"):
    if not isinstance(x, _op.Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")
    return x


# ---- views: real, imag, view_as_real, view_as_complex ----------------------------------------


class Real(Op):
    """z.real: a float view of the real parts (torch records it as a select of view_as_real)."""

    is_view = True
    node_name = "SelectBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.real

    @staticmethod
    def backward(ctx, grad):
        return complex(grad, grad * 0)


class Imag(Op):
    is_view = True
    node_name = "SelectBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.imag

    @staticmethod
    def backward(ctx, grad):
        return complex(grad * 0, grad)


class ViewAsReal(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x[..., None].view(x.real.dtype)

    @staticmethod
    def backward(ctx, grad):
        return view_as_complex(grad.contiguous())


class ViewAsComplex(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.view(np.complex64 if x.dtype == np.float32 else np.complex128)[..., 0]

    @staticmethod
    def backward(ctx, grad):
        return view_as_real(grad)


def real(input):
    """The real part: a view for complex tensors, the tensor itself for real ones."""
    return Real.apply(input) if _is_c(_tensor(input, "real")) else input


def imag(input):
    """The imaginary part of a complex tensor, as a view."""
    if not _is_c(_tensor(input, "imag")):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return Imag.apply(input)


def view_as_real(input):
    """A complex tensor of shape S as a real view of shape S + (2,)."""
    if not _is_c(_tensor(input, "view_as_real")):
        raise RuntimeError("view_as_real is only supported for complex tensors")
    if input.is_conj():
        raise RuntimeError("view_as_real doesn't work on unresolved conjugated tensors.  To "
                           "resolve the conjugate tensor so you can view it as real, use "
                           "self.resolve_conj()")
    return ViewAsReal.apply(input)


def view_as_complex(input):
    """A float tensor of shape S + (2,) (last dim contiguous) as a complex view of shape S."""
    d = _tensor(input, "view_as_complex")._data
    if d.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"view_as_complex is only supported for float and double tensors, but "
                           f"got a tensor of scalar type: {input.dtype}")
    if d.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if d.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride(-1) != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in input.stride()[:-1]) or input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return ViewAsComplex.apply(input)


# ---- conj ------------------------------------------------------------------------------------


class Conj(Op):
    """The complex conjugate (materialized; `is_conj()` still reports torch's lazy conj bit)."""

    @staticmethod
    def forward(ctx, x):
        return array_module(x).conj(x)

    @staticmethod
    def backward(ctx, grad):
        return conj_physical(grad)


class ConjPhysical(Conj):
    pass


class ResolveConj(Op):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def conj(input):
    """The conjugate; a real tensor is returned as is (as torch)."""
    if not _is_c(_tensor(input, "conj")):
        return input
    y = Conj.apply(input)
    y._conj_bit = True
    return y


def conj_physical(input, *, out=None):
    if not _is_c(_tensor(input, "conj_physical")):
        return _out(input.clone(), out) if out is not None else input
    return _out(ConjPhysical.apply(input), out)


def resolve_conj(input):
    """A tensor without the lazy-conjugate bit: a copy when `input.is_conj()`, else input."""
    return ResolveConj.apply(input) if is_conj(input) else input


def resolve_neg(input):
    return _tensor(input, "resolve_neg")


def is_conj(input) -> bool:
    return bool(_tensor(input, "is_conj").__dict__.get("_conj_bit", False))


def is_neg(input) -> bool:
    _tensor(input, "is_neg")
    return False


def is_complex(input) -> bool:
    return _tensor(input, "is_complex")._data.dtype.kind == "c"


# ---- angle, polar, complex -------------------------------------------------------------------


class Angle(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        if x.dtype.kind == "c":
            return xp.angle(x)
        y = xp.where(x < 0, math.pi, 0.0).astype(x.dtype)  # angle(-x) = pi, angle(nan) = nan
        return xp.where(xp.isnan(x), x, y)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.inputs
        if not _is_c(z):
            return grad * 0
        r2 = z.real * z.real + z.imag * z.imag
        g = grad / r2
        g = _op.Tensor.__mul__(z, complex(g * 0, g))  # i z / |z|^2, times grad
        return where_zero(z, g)


def where_zero(z, g):
    """g with 0 where z == 0 (the derivative torch uses at the origin)."""
    return where(_op._new_tensor(z._data == 0), 0.0, g)


class Polar(Op):
    @staticmethod
    def forward(ctx, r, theta):
        xp = array_module(r)
        ctx.save_output()
        return (r * xp.cos(theta) + 1j * (r * xp.sin(theta))).astype(_cx(r.dtype))

    @staticmethod
    def backward(ctx, grad):
        # torch's polar_backward: Re(conj(g) sgn(out)) and Re(conj(g) i out) (so a negative
        # abs gets the gradient of |abs|, as in torch)
        out = ctx.output
        g = conj_physical(grad)
        gr = (g * _op._new_tensor(array_module(out._data).sign(out._data))).real \
            if ctx.needs_input_grad[0] else None
        gt = (g * complex(out.imag * -1, out.real)).real if ctx.needs_input_grad[1] else None
        return gr, gt


class Complex(Op):
    @staticmethod
    def forward(ctx, re, im):
        y = array_module(re).empty(check_broadcast(re.shape, im.shape), _cx(re.dtype))
        y.real = re
        y.imag = im
        return y

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        return (grad.real if n[0] else None), (grad.imag if n[1] else None)


def _cx(np_dtype):
    return np.complex64 if np_dtype == np.float32 else np.complex128


def _check_real_pair(name: str, a, b) -> None:
    _tensor(a, name, 1, "abs" if name == "polar" else "real")
    _tensor(b, name, 2, "angle" if name == "polar" else "imag")
    for t in (a, b):
        if t._data.dtype not in (np.float32, np.float64):
            raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                               f"{_name(a.dtype)} and {_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_name(a.dtype)} but got scalar type "
                           f"{_name(b.dtype)} for second argument")


def scalar_type_name(d) -> str:
    """torch's ScalarType name of a dtype for error messages (Float, ComplexFloat, ...)."""
    return _SCALAR_TYPE_NAMES.get(d.name) or _COMPLEX_NAMES[d.name]


_COMPLEX_NAMES = {"complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_name = scalar_type_name


def complex(real, imag, *, out=None):
    """real + i * imag from two float tensors of one dtype (complex64 from float32)."""
    _check_real_pair("complex", real, imag)
    return _out(Complex.apply(real, imag), out)


def polar(abs, angle, *, out=None):
    """abs * (cos(angle) + i sin(angle)) from two float tensors of one dtype."""
    _check_real_pair("polar", abs, angle)
    return _out(Polar.apply(abs, angle), out)


def angle(input, *, out=None):
    """The argument of each element (float); integer inputs compute in the default float."""
    d = _tensor(input, "angle")._data.dtype
    if d.kind in "biu":
        input = input.to(_dt.get_default_dtype())
    return _out(Angle.apply(input), out)
