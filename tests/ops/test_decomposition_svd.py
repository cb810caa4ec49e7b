"""linalg.svd / svdvals / eigh / eigvalsh (ops/decomposition_svd.py) against torch: singular
vectors and eigenvectors compared through gauge-invariant quantities (reconstructions, |U|)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.oracle import check, check_raises

DTYPES = ["float32", "float64"]


def _svd_parts(lib, x, full=False):
    u, s, vh = lib.linalg.svd(x, full_matrices=full)
    k = s.shape[-1]
    rec = (u[..., :k] * s[..., None, :]) @ vh[..., :k, :]
    return rec, s, u[..., :k].abs(), vh[..., :k, :].abs()


@pytest.mark.parametrize("dtype", DTYPES)
def test_svd(dtype):
    check(_svd_parts, [(2, 4, 3)], dtype=dtype, grad2=dtype == "float64")
    check(_svd_parts, [(3, 5)], dtype=dtype)
    check(lambda lib, x: _svd_parts(lib, x, full=True), [(2, 3, 4)], dtype=dtype)
    check(lambda lib, x: lib.linalg.svdvals(x), [(2, 4, 3)], dtype=dtype, grad2=True)
    check(lambda lib, x: lib.linalg.svdvals(x), [(0, 3, 2)], dtype=dtype)
    check_raises(lambda lib, x: lib.linalg.svd(x, driver="gesvd"), [(2, 2)], match="driver=")


def test_out_arguments():
    def f(lib, x):
        out = lib.empty(0, dtype=x.dtype)
        res = lib.linalg.det(x.detach(), out=out)
        w, v = lib.empty(0, dtype=x.dtype), lib.empty(0, dtype=x.dtype)
        pair = lib.linalg.eigh(x.detach(), out=(w, v))
        return res is out, pair[0] is w, out, w, pair.eigenvectors.abs()
    check(f, [(3, 3)], grad=False)


def _eigh_parts(lib, x, uplo="L"):
    w, v = lib.linalg.eigh(x, UPLO=uplo)
    return (v * w[..., None, :]) @ v.mT, w, v.abs()


@pytest.mark.parametrize("dtype", DTYPES)
def test_eigh(dtype):
    check(lambda lib, x: _eigh_parts(lib, x + x.mT), [(2, 3, 3)], dtype=dtype,
          grad2=dtype == "float64")
    check(lambda lib, x: _eigh_parts(lib, x, "U"), [(3, 3)], dtype=dtype)
    check(lambda lib, x: lib.linalg.eigvalsh(x), [(2, 3, 3)], dtype=dtype, grad2=True)
    check_raises(lambda lib, x: lib.linalg.eigh(x, UPLO="X"), [(2, 2)])


def test_degenerate_singular_values_and_eigenvalues():
    """Repeated values: torch's gradients of the values alone stay finite."""
    check(lambda lib, x: lib.linalg.svdvals(x), inputs=[np.eye(3)], grad2=True)
    check(lambda lib, x: lib.linalg.eigvalsh(x), inputs=[np.eye(3)], grad2=True)


def test_nan_input_raises_like_torch():
    x = np.ones((3, 4, 4), np.float32)
    x[1, 2, 0] = np.nan
    for f in (lambda lib, a: lib.linalg.svd(a), lambda lib, a: lib.linalg.svdvals(a),
              lambda lib, a: lib.linalg.svd(a[1:2, :3]), lambda lib, a: lib.linalg.svd(a[1])):
        with pytest.raises(RuntimeError) as want:
            f(torch, torch.tensor(x))
        got = check_raises(f, inputs=[x])
        assert str(got) == str(want.value)
        assert type(got).__name__ == "_LinAlgError"
