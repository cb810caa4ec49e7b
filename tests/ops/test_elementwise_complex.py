"""Complex arithmetic of ember/ops/elementwise.py and _common.py against torch: true division,
Python complex scalars, and the conjugated backward of mul/div/pow (torch's convention)."""
from __future__ import annotations

import pytest

from tests.oracle import check

CDTYPES = ["complex64", "complex128"]


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("fn", [
    lambda x, y: x * y,
    lambda x, y: x / y,
    lambda x, y: x * y.conj() - y,
    lambda x, y: (x * 2.5 + 1j) / (y - 0.5j),
    lambda x, y: 1j * x + (2 - 1j) / y,
    lambda x, y: x ** 2 + y ** 3,
    lambda x, y: (x * y).abs().sum(),
    lambda x, y: (x / y).prod(1),
    lambda x, y: x.prod(),
])
def test_complex_arithmetic(fn, dtype):
    check(fn, shapes=[(2, 3), (2, 3)], dtype=dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", [
    lambda lib, x, y: (x * 1j + y).abs(),
    lambda lib, x, y: (lib.complex(x, y) * x).angle(),
    lambda lib, x, y: lib.view_as_real(lib.complex(x, y) / (x + 3.0)),
    lambda lib, x, y: (lib.complex(x, y) * lib.complex(y, x)).real,
])
def test_real_loss_through_complex(fn, dtype):
    check(fn, shapes=[(4,), (4,)], dtype=dtype)


def test_complex_division_of_integers():
    check(lambda x: x / 2j, shapes=[(3,)], dtype="int64", grad=False)
    check(lambda x: x * (1 + 1j), shapes=[(3,)], dtype="int64", grad=False)


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("name", ["log", "log2", "log10", "log1p", "sqrt", "atan", "atanh"])
def test_complex_math_with_division(name, dtype):
    """Backwards written with true division (grad / f'(z)) keep complex dtypes."""
    check(lambda lib, z: getattr(lib, name)(z), shapes=[(2, 3)], dtype=dtype, low=-1, high=1)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_rand_randn(dtype):
    """ember/random.py: complex rand/randn draw the real and imaginary parts in turn (as torch)."""
    def fn(lib, fill):
        lib.manual_seed(0)
        return getattr(lib, fill)(3, 4, dtype=getattr(lib, dtype))
    check(fn, inputs=["rand"], grad=False)
    check(fn, inputs=["randn"], grad=False)


@pytest.mark.parametrize("write", [
    lambda lib, y: y.real.mul_(2.0),
    lambda lib, y: y.imag.add_(1.0),
    lambda lib, y: y[1:].real.zero_(),
    lambda lib, y: lib.view_as_real(y)[0].mul_(3.0),
])
def test_inplace_through_complex_views(write):
    """ember/ops/inplace_view.py: writes into .real/.imag keep the other component's gradient."""
    def fn(lib, z):
        y = z * 1
        write(lib, y)
        return y
    check(fn, shapes=[(3,)], dtype="complex128")
