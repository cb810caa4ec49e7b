"""trapezoid/trapz, cumulative_trapezoid, gradient, combinations and block_diag against torch:
values and gradients, sample points or spacing, every dim, edge orders, integer inputs, empty
and single-sample inputs, errors."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises

X = np.array([0.0, 0.5, 1.5, 3.0, 3.25])


@pytest.mark.parametrize("fn", [
    lambda lib, y: lib.trapezoid(y),
    lambda lib, y: lib.trapezoid(y, dx=0.3, dim=0),
    lambda lib, y: lib.trapezoid(y, lib.tensor(X)),
    lambda lib, y: lib.trapz(y, lib.tensor(X), dim=-1),
    lambda lib, y: lib.cumulative_trapezoid(y),
    lambda lib, y: lib.cumulative_trapezoid(y, dx=2.0, dim=0),
    lambda lib, y: lib.cumulative_trapezoid(y, lib.tensor(X)),
])
def test_trapezoid_family(fn):
    check(fn, shapes=[(3, 5)])


def test_trapezoid_edges():
    check(lambda lib, y: lib.trapezoid(y), shapes=[(0,)])
    check(lambda lib, y: lib.trapezoid(y), shapes=[(1,)])
    check(lambda lib: lib.trapezoid(lib.tensor([1, 2, 3])), inputs=[])
    check(lambda lib: lib.cumulative_trapezoid(lib.tensor([1, 2, 3])), inputs=[])


@pytest.mark.parametrize("kwargs", [
    {}, {"spacing": 2.0}, {"dim": 1}, {"dim": [0, 1], "spacing": [0.5, 2.0]}, {"edge_order": 2},
])
def test_gradient(kwargs):
    check(lambda lib, y: lib.gradient(y, **kwargs), shapes=[(4, 5)])


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_with_coordinates(edge_order):
    check(lambda lib, y: lib.gradient(y, spacing=(lib.tensor(X),), dim=1,
                                      edge_order=edge_order), shapes=[(3, 5)])


def test_gradient_errors():
    check_raises(lambda lib, y: lib.gradient(y, edge_order=2), shapes=[(2,)])
    check_raises(lambda lib, y: lib.gradient(y, edge_order=3), shapes=[(4,)])
    check_raises(lambda lib, y: lib.gradient(y, spacing=[1.0, 2.0], dim=0), shapes=[(4, 3)])


@pytest.mark.parametrize("r,replace", [(2, False), (3, False), (2, True), (0, False),
                                       (5, False)])
def test_combinations(r, replace):
    check(lambda lib, x: lib.combinations(x, r, replace), shapes=[(4,)])


def test_block_diag():
    check(lambda lib, a, b, c: lib.block_diag(a, b, c), shapes=[(), (3,), (2, 2)])
    check(lambda lib, a: lib.block_diag(a, lib.ones(2, 1, dtype=lib.int64)), shapes=[(2,)])
    check_raises(lambda lib, a: lib.block_diag(a), shapes=[(1, 2, 3)])
