"""LU (lu_factor(_ex), lu, lu_solve, lu_unpack), Householder QR (householder_product, ormqr) and
LDL^T (ldl_factor(_ex), ldl_solve) against torch: packed results, pivots, info and gradients."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises

DTYPES = ["float32", "float64"]
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
RNG = np.random.default_rng(7)


def _sym(n, batch=()):
    a = RNG.uniform(-2, 2, batch + (n, n))
    return a + np.swapaxes(a, -1, -2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 4, 4), (5, 3), (3, 5)])
def test_lu_factor(dtype, shape):
    check(lambda lib, x: lib.linalg.lu_factor_ex(x), [shape], dtype=dtype)
    check(lambda lib, x: lib.linalg.lu(x), [shape], dtype=dtype)


def test_lu_factor_square_second_order():
    check(lambda lib, x: lib.linalg.lu_factor(x).LU, [(3, 3)], dtype="float64", grad2=True)


def test_lu_factor_singular():
    check(lambda lib, x: lib.linalg.lu_factor_ex(x), inputs=[SINGULAR], grad=False)
    check_raises(lambda lib, x: lib.linalg.lu_factor(x), inputs=[np.stack([np.eye(2), SINGULAR])],
                 match=r"^torch.linalg.lu_factor: \(Batch element 1\): U\[2,2\] is zero")
    check_raises(lambda lib, x: lib.linalg.lu_factor(x, pivot=False), [(2, 2)])
    check(lambda lib, x: lib.linalg.lu_factor(x), [(0, 3, 3)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_lu_solve(dtype):
    for left in (True, False):
        for adjoint in (True, False):
            b = (3, 2) if left else (2, 3)
            check(lambda lib, x, b, left=left, adjoint=adjoint: lib.linalg.lu_solve(
                      *lib.linalg.lu_factor(x), b, left=left, adjoint=adjoint),
                  [(2, 3, 3), b], dtype=dtype)


def test_lu_unpack():
    for shape in ((4, 3), (3, 4)):
        check(lambda lib, x: lib.lu_unpack(*lib.linalg.lu_factor(x)), [shape], dtype="float64")
    # torch's backward through the empty L and U fails in torch itself: values only
    check(lambda lib, x: lib.lu_unpack(*lib.linalg.lu_factor(x), unpack_data=False), [(3, 3)],
          grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_householder_product(dtype):
    check(lambda lib, x, t: lib.linalg.householder_product(x, t), [(2, 4, 3), (2, 3)],
          dtype=dtype, grad2=dtype == "float64")
    check(lambda lib, x, t: lib.linalg.householder_product(x, t), [(3, 3), (1,)], dtype=dtype)


def test_householder_product_of_geqrf_is_qr():
    check(lambda lib, x: lib.linalg.householder_product(*lib.geqrf(x.detach())),
          [(5, 3)], dtype="float64")


def test_ldl_factor():
    check(lambda lib, x: lib.linalg.ldl_factor(x), inputs=[_sym(4, (3,))], grad=False)
    two_by_two = np.array([[0.0, 1, 2], [1, 0, 3], [2, 3, 0]])  # needs a 2x2 pivot
    check(lambda lib, x: lib.linalg.ldl_factor(x), inputs=[two_by_two], grad=False)
    scaled = _sym(8, (10,)) * np.array([1, 1e-3, 1, 1, 1e2, 1, 1, 1])
    check(lambda lib, x: lib.linalg.ldl_factor_ex(x), inputs=[scaled], grad=False)
    check(lambda lib, x: lib.linalg.ldl_factor_ex(x), inputs=[np.zeros((2, 2))], grad=False)
    check(lambda lib, x: lib.linalg.ldl_factor(x, hermitian=True),
          inputs=[_sym(3).astype(np.float32)], grad=False)


def test_ldl_solve():
    for a in (_sym(5, (2,)), np.array([[0.0, 1, 2], [1, 0, 3], [2, 3, 0]])):
        b = RNG.uniform(-1, 1, (a.shape[-1], 2))
        check(lambda lib, x, b: lib.linalg.ldl_solve(*lib.linalg.ldl_factor(x), b),
              inputs=[a, b], grad=False)
