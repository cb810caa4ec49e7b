"""scatter_reduce (and index_reduce over it) for every reduction, with and without the input's
own values, against torch: values and gradients, including zeros (prod) and ties (amax/amin)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check

IDX = np.array([[0, 1, 0], [2, 0, 2], [0, 1, 1], [1, 1, 0]])


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_grads(reduce, include_self):
    check(lambda lib, x, s: x.scatter_reduce(0, lib.tensor(IDX), s, reduce,
                                             include_self=include_self),
          [(3, 3), (4, 3)], dtype="float64", grad2=True)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["prod", "amax", "amin"])
def test_zeros_and_ties(reduce, include_self):
    x = np.array([[0.0, 2.0, 1.0], [3.0, 0.0, 5.0], [1.0, 1.0, 0.0]])
    s = np.array([[0.0, 2.0, 1.0], [3.0, 0.0, 5.0], [1.0, 2.0, 0.0], [0.0, 3.0, 5.0]])
    check(lambda lib, x, s: lib.scatter_reduce(x, 0, lib.tensor(IDX), s, reduce,
                                               include_self=include_self),
          inputs=[x, s], dtype="float64")


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax"])
def test_larger_src_and_dim1(reduce):
    index = np.array([[1, 0], [0, 0]])
    # values only: torch's backward fails when src is larger than index
    check(lambda lib, x, s: x.scatter_reduce(1, lib.tensor(index), s, reduce),
          [(2, 3), (3, 4)], dtype="float64", grad=False)
    check(lambda lib, x, s: x.scatter_reduce(1, lib.tensor(index), s[:2, :2], reduce),
          [(2, 3), (3, 4)], dtype="float64")


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_grads(reduce):
    check(lambda lib, x, s: x.index_reduce(0, lib.tensor([0, 2, 0, 1]), s, reduce),
          [(3, 2), (4, 2)], dtype="float64")


@pytest.mark.parametrize("reduce", ["sum", "prod", "amax", "amin"])
def test_bool_inputs(reduce):
    x = np.array([True, False, False])
    s = np.array([True, True, False, False])
    check(lambda lib, x, s: x.scatter_reduce(0, lib.tensor([0, 1, 1, 2]), s, reduce),
          inputs=[x, s], grad=False)
    check(lambda lib, x, s: x.scatter_reduce(0, lib.tensor([0, 1, 1, 2]), s, reduce,
                                             include_self=False), inputs=[x, s], grad=False)
