"""torch's top-level decompositions (det, inverse, svd, qr, cholesky, matrix_exp...) against torch:
values, gradients (second order where cheap), float32 and float64, batches and torch's errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises

SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


def spd(lib, x):
    """A symmetric positive-definite matrix from any square x."""
    return x @ x.mT + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype)


def shifted(lib, x):
    """x + 3 I: well conditioned for entries in [-2, 2]."""
    return x + 3 * lib.eye(x.shape[-1], dtype=x.dtype)


DTYPES = ["float32", "float64"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_det(dtype):
    check(lambda lib, x: lib.det(x), [(2, 3, 3)], dtype=dtype, grad2=True)
    check(lambda x: x.det(), [(4, 4)], dtype=dtype)


def test_det_singular_gradient_is_the_cofactor_matrix():
    check(lambda x: x.det(), inputs=[SINGULAR], grad2=True)
    check(lambda x: x.det(), inputs=[np.zeros((2, 3, 3))])


def test_det_empty():
    check(lambda x: x.det(), [(0, 3, 3)])
    check(lambda x: x.det(), [(2, 0, 0)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_slogdet_logdet(dtype):
    check(lambda lib, x: lib.slogdet(x), [(2, 3, 3)], dtype=dtype, grad2=True)
    check(lambda lib, x: lib.logdet(spd(lib, x)), [(2, 3, 3)], dtype=dtype)
    check(lambda x: x.logdet(), inputs=[np.array([[0.0, 1.0], [1.0, 0.0]])], grad=False)
    check(lambda x: x.slogdet(), inputs=[SINGULAR], grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_inverse(dtype):
    check(lambda lib, x: lib.inverse(shifted(lib, x)), [(2, 3, 3)], dtype=dtype, grad2=True)
    check(lambda lib, x: shifted(lib, x).inverse(), [(0, 2, 2)], dtype=dtype)


def test_inverse_singular_raises_linalg_error():
    err = check_raises(lambda x: x.inverse(), inputs=[SINGULAR],
                       match="The diagonal element 2 is zero")
    assert isinstance(err, ember.linalg.LinAlgError)
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    batch = np.stack([np.eye(2), SINGULAR])
    check_raises(lambda x: x.inverse(), inputs=[batch], match=r"^linalg.inv: \(Batch element 1\)")


def test_square_and_dtype_errors():
    check_raises(lambda x: x.det(), [(2, 3)], match="A must be batches of square matrices, but "
                                                     "they are 2 by 3 matrices")
    check_raises(lambda x: x.det(), [(3,)], match="must have at least 2 dimensions")
    check_raises(lambda x: x.inverse(), inputs=[np.ones((2, 2), np.int64)],
                 match="Expected a floating point or complex tensor as input. Got Long")


@pytest.mark.parametrize("dtype", DTYPES)
def test_cholesky_family(dtype):
    check(lambda lib, x: lib.cholesky(spd(lib, x)), [(2, 3, 3)], dtype=dtype, grad2=True)
    check(lambda lib, x: spd(lib, x).cholesky(upper=True), [(3, 3)], dtype=dtype)
    check(lambda lib, x: lib.cholesky_inverse(lib.linalg.cholesky(spd(lib, x))), [(2, 3, 3)],
          dtype=dtype)
    check(lambda lib, x: lib.cholesky_inverse(x.triu() + 3 * lib.eye(3, dtype=x.dtype), True),
          [(3, 3)], dtype=dtype)
    check(lambda lib, b, x: b.cholesky_solve(x.tril() + 3 * lib.eye(3, dtype=x.dtype)),
          [(2, 3, 2), (3, 3)], dtype=dtype)


def test_cholesky_not_positive_definite():
    check_raises(lambda lib, x: lib.cholesky(-x), inputs=[np.eye(3)],
                 match=r"^cholesky: The factorization could not be completed because the input "
                       r"is not positive-definite \(the leading minor of order 1 is not "
                       r"positive-definite\).")


@pytest.mark.parametrize("dtype", DTYPES)
def test_qr(dtype):
    check(lambda lib, x: lib.qr(x), [(2, 4, 3)], dtype=dtype, grad2=True)
    check(lambda x: x.qr(some=False), [(3, 5)], dtype=dtype)


def _svd_invariants(lib, x, some=True):
    u, s, v = lib.svd(x, some=some)
    k = s.shape[-1]
    return (u[..., :k] * s[..., None, :]) @ v[..., :k].mT, u.abs(), s, v[..., :k].abs()


@pytest.mark.parametrize("dtype", DTYPES)
def test_svd(dtype):
    check(_svd_invariants, [(2, 4, 3)], dtype=dtype, grad2=dtype == "float64")
    check(lambda lib, x: _svd_invariants(lib, x, some=False)[0], [(3, 3)], dtype=dtype)
    check(lambda x: x.svd(compute_uv=False), [(2, 3, 4)], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matrix_exp(dtype):
    check(lambda x: x.matrix_exp(), [(2, 3, 3)], dtype=dtype, grad2=True)
    check(lambda lib, x: lib.matrix_exp(4 * x), [(5, 5)], dtype=dtype)
    check(lambda x: x.matrix_exp(), [(0, 0)], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matrix_power(dtype):
    check(lambda x: x.matrix_power(5), [(2, 3, 3)], dtype=dtype, low=-1, high=1, grad2=True)
    check(lambda lib, x: lib.matrix_power(shifted(lib, x), -3), [(3, 3)], dtype=dtype)
    check(lambda x: x.matrix_power(0), [(2, 3, 3)], dtype=dtype)
    check(lambda x: x.matrix_power(2), inputs=[np.arange(4).reshape(2, 2)])


def test_matrix_power_errors():
    check_raises(lambda x: x.matrix_power(-1), inputs=[SINGULAR], match="linalg.inv: The diagonal")
    check_raises(lambda x: x.matrix_power(2), [(2, 3)], match="linalg.matrix_power: A must be")


@pytest.mark.parametrize("dtype", DTYPES)
def test_pinverse(dtype):
    check(lambda x: x.pinverse(), [(2, 4, 3)], dtype=dtype, grad2=True)
    check(lambda lib, x: lib.pinverse(x, rcond=0.3), [(3, 5)], dtype=dtype)


def test_trace():
    check(lambda x: x.trace(), [(3, 4)], grad2=True)
    check(lambda lib, x: lib.trace(x), inputs=[np.arange(6, dtype=np.int32).reshape(2, 3)])
    check_raises(lambda x: x.trace(), [(2, 2, 2)], match="trace: expected a matrix")


def test_vander():
    # torch.vander's backward fails in torch itself (an in-place cumprod): values only
    check(lambda lib, x: lib.vander(x), [(4,)], grad=False)
    check(lambda lib, x: lib.vander(x, 3, increasing=True), [(2,)], dtype="float64", grad=False)
    check(lambda lib, x: lib.vander(x, 0), inputs=[np.array([1, 2, 3], np.int32)])
    check_raises(lambda lib, x: lib.vander(x), [(2, 2)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_triangular_solve(dtype):
    check(lambda lib, b, a: lib.triangular_solve(b, shifted(lib, a)), [(2, 3, 2), (3, 3)],
          dtype=dtype)
    check(lambda b, a: b.triangular_solve(a + 3, upper=False, transpose=True, unitriangular=True),
          [(3, 2), (3, 3)], dtype=dtype)


def test_geqrf_orgqr_ormqr():
    check(lambda x: x.geqrf(), [(2, 4, 3)], dtype="float64", grad=False)
    check(lambda lib, x, t: lib.orgqr(x, t), [(4, 3), (3,)], dtype="float64")
    for left in (True, False):
        for tr in (True, False):
            c = (4, 2) if left else (2, 4)
            check(lambda lib, x, c, left=left, tr=tr: lib.ormqr(*lib.geqrf(x.detach()), c, left, tr),
                  [(4, 3), c], dtype="float64")


def test_lu_top_level():
    check(lambda lib, x: lib.lu(x, get_infos=True), [(2, 4, 4)], dtype="float64")
    check(lambda lib, x, b: b.lu_solve(*x.lu()), [(2, 3, 3), (2, 3, 2)], dtype="float64")
    check(lambda lib, x: lib.lu_unpack(*lib.lu(x)), [(4, 3)], dtype="float64")
    check(lambda lib, x: lib.lu_unpack(*lib.lu(x), unpack_pivots=False), [(3, 4)])


def test_grad_fn_names():
    x = ember.randn(3, 3, requires_grad=True)
    tx = torch.randn(3, 3, requires_grad=True)
    for f in (lambda a: a.det(), lambda a: a.inverse(), lambda a: a.matrix_exp(),
              lambda a: a.qr()[0], lambda a: a.svd()[1]):
        assert type(f(x).grad_fn).__name__ == type(f(tx).grad_fn).__name__


def _lowrank(lib, x, q, pca=False):
    lib.manual_seed(1)  # the Gaussian sketch is drawn from torch's stream in both
    u, s, v = lib.pca_lowrank(x, q) if pca else lib.svd_lowrank(x, q=q, niter=1)
    return s, u.abs(), v.abs(), (u * s[..., None, :]) @ v.mT


@pytest.mark.parametrize("shape", [(2, 6, 4), (4, 7)])
def test_svd_lowrank_and_pca_lowrank(shape):
    check(lambda lib, x: _lowrank(lib, x, 3), [shape], dtype="float64")
    check(lambda lib, x: _lowrank(lib, x, 3, pca=True), [shape], dtype="float64")
    check_raises(lambda lib, x: lib.pca_lowrank(x, q=9), [shape])


def test_norm_with_the_nuclear_norm():
    """ops.decomposition.norm: torch.norm including p='nuc' (to become ember.norm)."""
    from ember.ops.decomposition import norm

    def f(lib, x, **kw):
        return norm(x, **kw) if lib is ember else torch.norm(x, **kw)
    check(lambda lib, x: f(lib, x, p="nuc"), [(3, 4)])
    check(lambda lib, x: f(lib, x, p="nuc", dim=(0, 2), keepdim=True), [(2, 3, 4)])
    check(lambda lib, x: f(lib, x, p=3, dim=1), [(2, 3)])
    check_raises(lambda lib, x: f(lib, x, p="nuc"), [(2, 3, 4)])
