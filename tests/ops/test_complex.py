"""Differential tests of ember/ops/complex.py and complex support in unary/reduction/linalg ops:
values, dtypes, and gradients of real losses through complex intermediates (torch's convention)."""
from __future__ import annotations

import pytest

from tests.oracle import check, check_raises

CDTYPES = ["complex64", "complex128"]


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("fn", [
    lambda lib, z: z.real,
    lambda lib, z: z.imag,
    lambda lib, z: lib.real(z) * 2 - lib.imag(z),
    lambda lib, z: z.abs(),
    lambda lib, z: z.sgn(),
    lambda lib, z: lib.sgn(z * (z.real > 0)),
    lambda lib, z: lib.abs(z).pow(2.0),
    lambda lib, z: z.angle(),
    lambda lib, z: z.conj(),
    lambda lib, z: z.conj_physical(),
    lambda lib, z: z.conj().resolve_conj(),
    lambda lib, z: lib.view_as_real(z),
    lambda lib, z: lib.view_as_real(z[1:]),
    lambda lib, z: lib.view_as_complex(lib.view_as_real(z)),
    lambda lib, z: z + z.conj(),
    lambda lib, z: z - 1.5,
    lambda lib, z: z.sum(),
    lambda lib, z: z.sum(0),
    lambda lib, z: z.mean(),
    lambda lib, z: z.mean(1, keepdim=True),
    lambda lib, z: z.t().reshape(-1)[1:4],
])
def test_complex_unary(fn, dtype):
    check(fn, shapes=[(3, 4)], dtype=dtype)


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("name", ["exp", "exp2", "expm1", "sin", "cos", "tan", "sinh", "cosh",
                                  "tanh", "sigmoid", "reciprocal", "rsqrt", "asin", "acos",
                                  "asinh", "acosh"])
def test_complex_math(name, dtype):
    """Holomorphic functions: the gradient is grad * conj(f'(z))."""
    check(lambda lib, z: getattr(lib, name)(z), shapes=[(2, 3)], dtype=dtype, low=-1, high=1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", [
    lambda lib, a, b: lib.complex(a, b),
    lambda lib, a, b: lib.polar(a, b),
    lambda lib, a, b: lib.polar(a, b).abs(),
    lambda lib, a, b: lib.view_as_complex(lib.stack([a, b], -1)),
    lambda lib, a, b: lib.complex(a, b).angle(),
    lambda lib, a, b: lib.complex(a, b).to(a.dtype),
    lambda lib, a, b: a.to(lib.complex64 if a.dtype == lib.float32 else lib.complex128) + b,
])
def test_complex_from_real(fn, dtype):
    check(fn, shapes=[(2, 3), (2, 3)], dtype=dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_angle_and_conj_of_real(dtype):
    check(lambda lib, x: (lib.angle(x), x.conj(), x.real, lib.conj_physical(x)), shapes=[(5,)],
          dtype=dtype, low=-3, high=3)


def test_conj_flags():
    check(lambda lib, z: (z.conj().is_conj(), z.is_conj(), z.conj().resolve_conj().is_conj(),
                          z.is_neg(), z.resolve_neg().is_neg(), lib.is_complex(z)),
          shapes=[(2,)], dtype="complex64", grad=False)
    check(lambda lib, x: (x.conj() is x, x.resolve_conj() is x, x.is_conj()), shapes=[(2,)],
          grad=False)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_conjugate_transposes(dtype):
    """mH, H and adjoint conjugate complex tensors (a conj view, as torch's), gradients too."""
    check(lambda lib, z: (z.mH, z.H, z.adjoint(), z.mH.is_conj(), z.adjoint().is_conj()),
          shapes=[(2, 3)], dtype=dtype)
    check(lambda lib, z: (z.mH, z.adjoint(), lib.adjoint(z)), shapes=[(2, 2, 3)], dtype=dtype)
    check(lambda lib, x: (x.mH, x.H, x.adjoint(), x.mH.is_conj()), shapes=[(2, 3)])


@pytest.mark.parametrize("shapes", [[(2, 3), (3, 4)], [(3,), (3,)], [(2, 3), (3,)], [(3,), (3, 2)],
                                    [(2, 2, 3), (3, 4)], [(2, 2, 3), (2, 3, 2)]])
@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_matmul(shapes, dtype):
    check(lambda x, y: x @ y, shapes=shapes, dtype=dtype)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x, y: lib.vdot(x, y), [(3,), (3,)]),
    (lambda lib, x, y: lib.dot(x, y), [(3,), (3,)]),
    (lambda lib, x, y: lib.mm(x, y), [(2, 3), (3, 2)]),
    (lambda lib, x, y: lib.bmm(x, y), [(2, 2, 3), (2, 3, 2)]),
    (lambda lib, x, y: lib.mv(x, y), [(2, 3), (3,)]),
    (lambda lib, x, y, z: lib.addmm(z, x, y), [(2, 3), (3, 2), (2, 2)]),
])
def test_complex_linalg(fn, shapes):
    check(fn, shapes=shapes, dtype="complex128")


def test_complex_printing_through_ops():
    check(lambda lib, z: repr(z.detach() * 0 + 1), shapes=[(2,)], dtype="complex64", grad=False)


@pytest.mark.parametrize("call,dtype", [
    (lambda lib, x: x.imag, "float32"),
    (lambda lib, x: lib.view_as_real(x), "float32"),
    (lambda lib, x: lib.view_as_real(x.conj()), "complex64"),
    (lambda lib, x: lib.view_as_complex(x), "float32"),
    (lambda lib, x: lib.view_as_complex(x[:, :2].t()), "float64"),
    (lambda lib, x: lib.view_as_complex(x[0, 0]), "float64"),
    (lambda lib, x: lib.view_as_complex(x), "complex64"),
    (lambda lib, x: lib.complex(x, x.double()), "float32"),
    (lambda lib, x: lib.polar(x, x), "complex64"),
    (lambda lib, x: lib.complex(x.long(), x.long()), "float32"),
    (lambda lib, x: lib.ones(2, dtype=lib.int64).requires_grad_(), "float32"),
])
def test_complex_errors(call, dtype):
    check_raises(call, shapes=[(3, 3)], dtype=dtype)


def test_real_imag_are_views():
    def fn(lib, z):
        w = z.detach().clone()
        w.real.mul_(2)
        w.imag[0] = 5.0
        lib.view_as_real(w)[1, 0] = -1.0
        return w, w.real.is_contiguous(), w.real.stride(), lib.view_as_real(w).stride()
    check(fn, shapes=[(3,)], dtype="complex64", grad=False)


def test_shape_ops_keep_complex():
    check(lambda lib, z: (lib.cat([z, z.conj()]), lib.stack([z, z]), z[1:],
                          z.reshape(3, 1).expand(3, 2), lib.where(z.real > 0, z, z * 2)),
          shapes=[(3,)], dtype="complex128")


def test_grad_fn_names():
    def fn(lib, z, x):
        return [type(t.grad_fn).__name__ for t in (
            z.real, z.imag, z.conj(), z.abs(), z.angle(), lib.view_as_real(z),
            z.conj().resolve_conj(), lib.complex(x, x), lib.polar(x, x),
            lib.view_as_complex(lib.stack([x, x], -1)), z.conj_physical())]
    check(fn, shapes=[(3,), (3,)], dtypes=["complex64", "float32"], grad=False)
