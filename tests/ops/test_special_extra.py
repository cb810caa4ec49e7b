"""Differential tests for ember/ops/special_elementwise.py, ember/ops/special_poly.py, the
SpecialMethods mixin (called unbound until Tensor inherits it) and grad_fn names."""
import numpy as np
import pytest
import torch

import ember
from ember._tensor_methods.special import SpecialMethods
from ember.ops import special as SP
from ember.ops import special_elementwise as E
from tests.oracle import check, check_raises


def _fn(lib, name):
    return getattr(lib, name) if lib is torch else getattr(E, name)


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logaddexp(name, dtype):
    check(lambda lib, x, y: _fn(lib, name)(x, y), shapes=[(3, 4), (4,)], dtype=dtype, low=-3,
          high=3, grad2=dtype == "float64")
    big = np.array([1e4, -1e4, np.inf, -np.inf, 0.0], dtype=dtype)
    check(lambda lib, x, y: _fn(lib, name)(x, y), inputs=[big, big[::-1].copy()], grad=False)
    check(lambda lib, x, y: _fn(lib, name)(x, y), shapes=[(3,), (3,)],
          dtypes=["float32", "float64"])
    check_raises(lambda lib, x, y: _fn(lib, name)(x, y), inputs=[np.array([1]), np.array([2])])
    check_raises(lambda lib, x: _fn(lib, name)(x, 1.0), shapes=[(3,)])


def test_frexp_ldexp():
    x = np.array([1.5, -2.0, 0.0, 1e-40, 3e38, np.inf, np.nan, -0.0], np.float32)
    check(lambda lib, x: tuple(_fn(lib, "frexp")(x)), inputs=[x], grad=False)
    check(lambda lib, x: _fn(lib, "frexp")(x).mantissa, shapes=[(4,)], dtype="float64")
    check_raises(lambda lib, x: _fn(lib, "frexp")(x), inputs=[np.array([1, 2])])
    check(lambda lib, x, e: _fn(lib, "ldexp")(x, e), inputs=[np.array([1.5, -2.0, 3.0]),
                                                           np.array([1, -3, 4])])
    check(lambda lib, x, e: _fn(lib, "ldexp")(x, e), inputs=[np.array([1, 2]), np.array([3, 1])])


def test_float_power():
    check(lambda lib, x: _fn(lib, "float_power")(x, 2), shapes=[(3, 2)])
    check(lambda lib, x, y: _fn(lib, "float_power")(x, y), shapes=[(3,), (3,)], low=0.5, high=2)
    check(lambda lib, x, y: _fn(lib, "float_power")(x, y),
          inputs=[np.array([1, 2, -3]), np.array([2, 3, -3])])
    check(lambda lib, y: _fn(lib, "float_power")(2, y), shapes=[(3,)])


def test_heaviside_nextafter_gcd_lcm_signbit():
    x = np.array([-1.5, 0.0, 2.0, -0.0, np.nan], np.float32)
    v = np.array([0.5, 0.25, 0.5, 0.75, 1.0], np.float32)
    check(lambda lib, x, v: _fn(lib, "heaviside")(x, v), inputs=[x, v], grad=False)
    check(lambda lib, x, v: _fn(lib, "heaviside")(x, v), inputs=[np.array([-2, 0, 3]),
                                                               np.array([7, 8, 9])])
    check_raises(lambda lib, x, v: _fn(lib, "heaviside")(x, v), inputs=[x, v.astype(np.float64)])
    check(lambda lib, x, y: _fn(lib, "nextafter")(x, y), inputs=[x, v], grad=False)
    check(lambda lib, x, y: _fn(lib, "nextafter")(x, y),
          inputs=[x.astype(np.float64), v.astype(np.float64)], grad=False)
    a, b = np.array([12, -18, 0, 7, 0]), np.array([8, 12, 5, -21, 0])
    check(lambda lib, a, b: _fn(lib, "gcd")(a, b), inputs=[a, b])
    check(lambda lib, a, b: _fn(lib, "lcm")(a, b), inputs=[a, b])
    check(lambda lib, a, b: _fn(lib, "gcd")(a, b), inputs=[a.astype(np.int32), b])
    check_raises(lambda lib, a, b: _fn(lib, "gcd")(a, b), shapes=[(2,), (2,)])
    check(lambda lib, x: _fn(lib, "signbit")(x), inputs=[x], grad=False)
    check(lambda lib, x: _fn(lib, "signbit")(x), inputs=[np.array([-1, 0, 2])])


@pytest.mark.parametrize("name", ["rad2deg", "deg2rad"])
def test_angles(name):
    check(lambda lib, x: _fn(lib, name)(x), shapes=[(3, 2)], grad2=True)
    check(lambda lib, x: _fn(lib, name)(x), inputs=[np.array([1, 2, -3])])
    check(lambda lib, x: getattr(lib, name + "_")(x.clone()) if lib is torch else
          getattr(E, name + "_")(x.clone()), shapes=[(4,)])


POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
         "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
         "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]


@pytest.mark.parametrize("name", POLYS)
def test_polynomials(name):
    x = np.array([-1.0, -0.7, 0.0, 0.3, 1.0, 1.5, -2.0, 0.9])  # torch's NaN rows vary by build
    n = np.array([0, 1, 2, 3, 5, 4, 2, 12])
    check(lambda lib, x, n: getattr(lib.special, name)(x, n), inputs=[x, n], grad=False)
    for k in (-1, 0, 3, 7, 3.5):
        check(lambda lib, x, k=k: getattr(lib.special, name)(x, k), inputs=[x.astype(np.float32)],
              grad=False)
    check(lambda lib, x: getattr(lib.special, name)(x, 2), inputs=[np.array([1, 2, 3])],
          grad=False)


# ---- grad_fn names, in-place forms, the Tensor mixin ------------------------------------------

NODES = {"lgamma": "LgammaBackward0", "digamma": "DigammaBackward0", "i0": "I0Backward0",
         "sinc": "SincBackward0", "logit": "LogitBackward0"}


@pytest.mark.parametrize("name", sorted(NODES))
def test_grad_fn_names(name):
    x = ember.tensor([0.3, 0.6], requires_grad=True)
    assert type(getattr(SP, name)(x).grad_fn).__name__ == NODES[name]
    t = torch.tensor([0.3, 0.6], requires_grad=True)
    assert type(getattr(torch, name)(t).grad_fn).__name__ == NODES[name]
    assert type(ember.special.erfcx(x).grad_fn).__name__ == "SpecialErfcxBackward0"
    assert type(ember.special.i1e(x).grad_fn).__name__ == "SpecialI1EBackward0"


METHODS = [("lgamma", ()), ("digamma", ()), ("polygamma", (2,)), ("mvlgamma", (2,)),
           ("i0", ()), ("logit", (0.1,)), ("sinc", ()), ("rad2deg", ()), ("deg2rad", ())]


@pytest.mark.parametrize("name,args", METHODS)
def test_methods(name, args):
    check(lambda lib, x: getattr(x, name)(*args) if lib is torch else
          getattr(SpecialMethods, name)(x, *args), shapes=[(3,)], low=1.1, high=3)
    check(lambda lib, x: getattr(x.clone(), name + "_")(*args) if lib is torch else
          getattr(SpecialMethods, name + "_")(x.clone(), *args), shapes=[(3,)], low=1.1, high=3,
          grad=name != "mvlgamma")  # torch's mvlgamma_ saves the overwritten input


def test_binary_methods():
    check(lambda lib, a, x: a.detach().igamma(x) if lib is torch else
          SpecialMethods.igamma(a.detach(), x), shapes=[(3,), (3,)], low=0.5, high=3)
    check(lambda lib, a, x: a.detach().igammac_(x) if lib is torch else
          SpecialMethods.igammac_(a.detach(), x), shapes=[(3,), (3,)], low=0.5, high=3,
          grad=False)
    check(lambda lib, x: x.quantile(0.3, 0) if lib is torch else
          SpecialMethods.quantile(x, 0.3, 0), shapes=[(4, 3)])
    check(lambda lib, x: x.cov() if lib is torch else SpecialMethods.cov(x), shapes=[(2, 5)])
