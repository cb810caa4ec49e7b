"""The array routines of ops/_lapack.py through the public functions that expose them, against
torch: getrf's pivots and zero-pivot info, substitution past a zero diagonal, Cholesky's failing
minor, and out= for single and tuple results."""
from __future__ import annotations

import numpy as np

from tests.oracle import check, check_raises


def test_getrf_pivots_and_info():
    rank_one = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])
    check(lambda lib, x: lib.linalg.lu_factor_ex(x), inputs=[rank_one], grad=False)
    check(lambda lib, x: lib.linalg.lu_factor_ex(x), inputs=[np.zeros((2, 3, 3))], grad=False)
    check(lambda lib, x: lib.linalg.lu_factor_ex(x), [(3, 6, 4)], dtype="float64")


def test_triangular_substitution_past_a_zero_diagonal():
    a = np.array([[1.0, 2.0], [0.0, 0.0]])
    check(lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True),
          inputs=[a, np.ones((2, 1))], grad=False)


def test_cholesky_failing_minor():
    a = np.diag([1.0, 2.0, -1.0, 4.0])
    check(lambda lib, x: lib.linalg.cholesky_ex(x).info, inputs=[a])
    check_raises(lambda lib, x: lib.linalg.cholesky(x, upper=True), inputs=[a],
                 match="leading minor of order 3")


def test_out_tuple_needs_matching_tensors():
    def f(lib, x):
        return lib.linalg.qr(x, out=(lib.empty(0),))
    check_raises(f, [(2, 2)])


def test_empty_matrices():
    check(lambda lib, x: lib.linalg.lu_factor(x), [(3, 0)])
    check(lambda lib, x: lib.linalg.lu(x), [(2, 0, 3)])
    check(lambda lib, x: lib.geqrf(x), [(5, 0)], grad=False)
    check(lambda lib, x: lib.linalg.ldl_factor_ex(x), [(0, 0)], grad=False)
    check(lambda lib, x: lib.linalg.ldl_factor(x), [(0, 2, 2)], grad=False)
