"""The *_copy functions against torch: the view's values as a new tensor, with gradients."""
from __future__ import annotations

import pytest
import torch

import ember
from tests.oracle import check


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.alias_copy(x),
    lambda lib, x: lib.as_strided_copy(x, (2, 2), (1, 3), 1),
    lambda lib, x: lib.diagonal_copy(x, 1), lambda lib, x: lib.expand_copy(x[:1], (3, 4)),
    lambda lib, x: lib.permute_copy(x, (1, 0)), lambda lib, x: lib.select_copy(x, 1, -1),
    lambda lib, x: lib.slice_copy(x, 1, 1, None, 2), lambda lib, x: lib.split_copy(x, 2, 1),
    lambda lib, x: lib.split_with_sizes_copy(x, [1, 2], 0), lambda lib, x: lib.squeeze_copy(
        x[:1]), lambda lib, x: lib.t_copy(x), lambda lib, x: lib.transpose_copy(x, 0, 1),
    lambda lib, x: lib.unbind_copy(x, 1), lambda lib, x: lib.unfold_copy(x, 1, 2, 1),
    lambda lib, x: lib.unsqueeze_copy(x, -1), lambda lib, x: lib.view_copy(x, (4, 3)),
])
def test_copy_variants(fn):
    check(fn, shapes=[(3, 4)])


def test_detach_copy_requires_grad_but_has_no_derivative():
    check(lambda lib, x: lib.detach_copy(x), shapes=[(3,)], grad=False)
    for lib in (torch, ember):
        y = lib.detach_copy(lib.ones(2, requires_grad=True))
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::detach_copy is not impl"):
            y.sum().backward()


def test_copies_do_not_share_memory():
    for lib in (torch, ember):
        x = lib.zeros(2, 3)
        y = lib.t_copy(x)
        y.fill_(1.0)
        assert x.sum().item() == 0.0
