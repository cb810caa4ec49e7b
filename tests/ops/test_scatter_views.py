"""The *_scatter family, index_put, put, as_strided, fill_diagonal_, h/v/dsplit, split_with_sizes,
diagflat, addr, narrow_copy, resize_, new() and the Python maps against torch: values, gradients
(through the clone-and-assign compositions and as_strided's storage scatter), errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises

IDX = np.array([0, 2, 0])


@pytest.mark.parametrize("fn", [
    lambda lib, x, s: lib.select_scatter(x, s, 1, -1),
    lambda lib, x, s: x.slice_scatter(s.unsqueeze(1).expand(3, 2), 1, 0, 4, 2),
    lambda lib, x, s: lib.diagonal_scatter(x, s, 1),
    lambda lib, x, s: lib.diagonal_scatter(x[:, :3], s, 0, 1, 0),
], ids=["select", "slice", "diagonal", "diagonal_dims"])
def test_scatters(fn):
    check(fn, shapes=[(3, 4), (3,)])


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_and_put(accumulate):
    check(lambda lib, x, v: lib.index_put(x, (lib.tensor([0, 2, 0]), lib.tensor([1, 3, 1])), v,
                                          accumulate=accumulate), shapes=[(3, 4), (3,)])
    check(lambda lib, x, v: lib.index_put(x, (lib.tensor([True, False, True]),), v,
                                          accumulate=accumulate), shapes=[(3, 4), (4,)])
    check(lambda lib, x, v: (x * 1).index_put_((lib.tensor([1]),), v, accumulate=accumulate),
          shapes=[(3, 4), ()])
    check(lambda lib, x, v: lib.put(x, lib.tensor([0, -1, 5]), v, accumulate=accumulate),
          shapes=[(3, 4), (3,)])
    check(lambda lib, x, v: (x * 1).put_(lib.tensor([[1, 2]]), v, accumulate=accumulate),
          shapes=[(3, 4), (1, 2)])


def test_as_strided_views_and_gradients():
    check(lambda lib, x: lib.as_strided(x, (2, 3), (1, 2), 1), shapes=[(3, 4)])
    check(lambda lib, x: x.t().as_strided((3, 3), (4, 1)), shapes=[(3, 4)])  # overlapping reads
    check(lambda lib, x: x[1:].as_strided((2,), (5,)), shapes=[(3, 4)])
    # torch 2.13's gradient for `input` is grad kept *inside* the scattered region (the opposite
    # of slice_scatter's and of d out / d input); ember returns the mathematical one, so only
    # the values and src's gradient are compared
    base = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    check(lambda lib, s: lib.as_strided_scatter(lib.tensor(base), s, (2, 2), (4, 1), 1),
          shapes=[(2, 2)])
    x = ember.tensor(base, requires_grad=True)
    ember.as_strided_scatter(x, ember.ones(2, 2), (2, 2), (4, 1), 1).sum().backward()
    assert x.grad.tolist() == [[1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 1]]
    check_raises(lambda lib, x: x.as_strided((20,), (1,)), shapes=[(3, 4)])
    for lib in (torch, ember):  # a view: writes show through
        x = lib.zeros(6)
        x.as_strided((2,), (3,), 1).fill_(7.0)
        assert x.tolist() == [0.0, 7.0, 0.0, 0.0, 7.0, 0.0]


def test_splits():
    for fn in (lambda lib, x: lib.hsplit(x, [1, 3]), lambda lib, x: x.hsplit(2),
               lambda lib, x: lib.vsplit(x, 3), lambda lib, x: lib.split_with_sizes(x, [1, 3], 1),
               lambda lib, x: x.unsafe_split(2, 1), lambda lib, x: x.unsafe_chunk(2, 1),
               lambda lib, x: x.unsafe_split_with_sizes([2, 1]),
               lambda lib, x: lib.narrow_copy(x, 1, 1, 2)):
        check(fn, shapes=[(3, 4)])
    check(lambda lib, x: lib.dsplit(x, [1]), shapes=[(2, 2, 3)])
    for fn in (lambda lib, x: lib.hsplit(x, 3), lambda lib, x: lib.dsplit(x, 2),
               lambda lib, x: lib.split_with_sizes(x, [1, 1])):
        check_raises(fn, shapes=[(3, 4)])
    check_raises(lambda lib, x: lib.hsplit(x, 2), shapes=[()])


def test_diagflat_addr():
    check(lambda lib, x: lib.diagflat(x, -1), shapes=[(2, 2)])
    check(lambda lib, m, a, b: lib.addr(m, a, b, beta=0.5, alpha=2), shapes=[(2, 3), (2,), (3,)])
    check(lambda lib, m, a, b: (m * 1).addr_(a, b), shapes=[(2, 3), (2,), (3,)])
    check(lambda lib, m, a, b: lib.addr(m, a, b, beta=0), shapes=[(3,), (2,), (3,)])
    check_raises(lambda lib, m, a, b: lib.addr(m, a, b), shapes=[(2, 3), (2, 1), (3,)])


def test_fill_diagonal():
    for shape, wrap in (((4, 3), False), ((7, 3), True), ((3, 7), True), ((3, 3, 3), False)):
        check(lambda lib, x, wrap=wrap: (x * 1).fill_diagonal_(-2.0, wrap=wrap), shapes=[shape])
    check_raises(lambda lib, x: (x * 1).fill_diagonal_(1.0), shapes=[(2, 3, 3)])


def test_resize_new_maps_and_devices():
    for lib in (torch, ember):
        assert lib.arange(6.0).resize_(2, 2).tolist() == [[0.0, 1.0], [2.0, 3.0]]
        assert tuple(lib.arange(4.0).resize_(3, 3).shape) == (3, 3)
        assert tuple(lib.ones(2).resize_as_(lib.ones(1, 5)).shape) == (1, 5)
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            lib.ones(2, requires_grad=True).resize_(3)
        assert tuple(lib.ones(2).new(2, 3).shape) == (2, 3)
        assert lib.ones(2, dtype=lib.int32).new([1, 2]).dtype == lib.int32
        assert lib.ones(2).new().shape == (0,)
        assert lib.arange(4.0).apply_(lambda v: v * 2).tolist() == [0.0, 2.0, 4.0, 6.0]
        assert lib.arange(3.0).map_(lib.ones(1), lambda a, b: a - b).tolist() == [-1.0, 0, 1]
        assert lib.arange(2.0).map2_(lib.ones(2), lib.ones(2) * 3,
                                     lambda a, b, c: a + b * c).tolist() == [3.0, 4.0]
        assert lib.ones(2).get_device() == -1 and not lib.ones(2).is_pinned()
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            lib.ones(2).pin_memory()
