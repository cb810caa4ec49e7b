"""Differential tests for ember/ops/rearrange.py against torch: repeat, tile, repeat_interleave,
flip, roll, rot90, tril/triu, diagonal, diag, diag_embed, unfold."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises

# ---- repeat / tile / repeat_interleave ---------------------------------------------------------


@pytest.mark.parametrize("shape,reps", [
    ((2, 3), (2, 1)), ((2, 3), (1, 2, 2)), ((), (3,)), ((3,), (2, 0)), ((2, 1), (3, 4)),
])
def test_repeat(shape, reps):
    check(lambda x: x.repeat(*reps), shapes=[shape], grad2=True)
    check(lambda x: x.repeat(reps), shapes=[shape])


@pytest.mark.parametrize("shape,reps", [((2, 3), (2,)), ((2, 3), (2, 1, 2)), ((), (2, 2))])
def test_tile(shape, reps):
    check(lambda x: x.tile(reps), shapes=[shape], grad2=True)
    check(lambda lib, x: lib.tile(x, reps), shapes=[shape])


def test_repeat_bad():
    check_raises(lambda x: x.repeat(2), shapes=[(2, 3)])
    check_raises(lambda x: x.repeat(2, -1), shapes=[(2, 3)])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.repeat_interleave(2), lambda lib, x: x.repeat_interleave(2, dim=1),
    lambda lib, x: x.repeat_interleave(lib.tensor([1, 0, 2]), dim=0),
    lambda lib, x: lib.repeat_interleave(x, lib.tensor([3]), dim=-1),
    lambda lib, x: lib.repeat_interleave(x, 0, dim=1),
])
def test_repeat_interleave(fn):
    check(fn, shapes=[(3, 2)], grad2=True)


def test_repeat_interleave_tensor_only():
    check(lambda lib, r: lib.repeat_interleave(r), inputs=[np.array([2, 0, 3])])
    check(lambda lib, x: x.repeat_interleave(3), shapes=[()])
    check_raises(lambda lib, x: x.repeat_interleave(lib.tensor([1, 2]), dim=0), shapes=[(3,)])


# ---- flip / roll / rot90 / tril / triu ---------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.flip(0), lambda x: x.flip(-1, 0), lambda x: x.flip((1, 2)), lambda x: x.fliplr(),
    lambda x: x.flipud(), lambda x: x.roll(1), lambda x: x.roll(-2, 1),
    lambda x: x.roll((1, 5), (0, 2)), lambda x: x.rot90(), lambda x: x.rot90(2, (1, 2)),
    lambda x: x.rot90(-1), lambda x: x.rot90(4), lambda lib, x: lib.roll(x, 3),
])
def test_flip_roll_rot90(fn):
    e, t = check(fn, shapes=[(2, 3, 4)], grad2=True)
    if "rot90" not in fn.__code__.co_names:
        assert e.grad_fn.name() == t.grad_fn.name()


def test_flip_is_a_copy():
    x = ember.ones(3)
    y = x.flip(0)
    y[0] = 5.0
    assert x.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("fn", [
    lambda x: x.roll((1, 2), 0), lambda x: x.flip(0, 0), lambda x: x.rot90(1, (0, 0)),
    lambda x: x.fliplr(), lambda x: x.tril(),
])
def test_flip_roll_errors(fn):
    check_raises(fn, shapes=[(3,)])


@pytest.mark.parametrize("k", [0, 1, -1, 5, -5])
@pytest.mark.parametrize("shape", [(3, 4), (2, 4, 3), (0, 3)])
def test_tril_triu(k, shape):
    check(lambda x: x.tril(k), shapes=[shape], grad2=True)
    check(lambda lib, x: lib.triu(x, diagonal=k), shapes=[shape], grad2=True)
    check(lambda x: (x * 1).tril_(k), shapes=[shape], grad2=True)
    check(lambda x: x.triu(k), shapes=[shape], dtype="int64")


# ---- diagonal / diag / diag_embed / unfold -----------------------------------------------------


@pytest.mark.parametrize("args", [(), (1,), (-1,), (5,), (0, 1, 2), (1, -1, 0), (-2, 0, 2)])
def test_diagonal(args):
    e, t = check(lambda x: x.diagonal(*args), shapes=[(3, 4, 5)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_diagonal_is_a_writable_view():
    x = ember.zeros(3, 3)
    x.diagonal().fill_(1.0) if hasattr(x, "fill_") else x.diagonal().__setitem__(
        slice(None), 1.0)
    assert x.tolist() == torch.eye(3).tolist()
    check(lambda x: x.t().diagonal(1), shapes=[(3, 4)], grad2=True)
    check_raises(lambda x: x.diagonal(0, 1, 1), shapes=[(3, 3)])
    check_raises(lambda x: x.diagonal(), shapes=[(3,)])


@pytest.mark.parametrize("shape,k", [((3,), 0), ((3,), 1), ((3,), -2), ((3, 4), 0), ((3, 4), 2),
                                     ((3, 4), -1), ((0,), 0)])
def test_diag(shape, k):
    check(lambda lib, x: lib.diag(x, k), shapes=[shape], grad2=True)
    check(lambda x: x.diag(k), shapes=[shape], dtype="int64")


def test_diag_bad():
    check_raises(lambda lib, x: lib.diag(x), shapes=[(2, 2, 2)])


@pytest.mark.parametrize("args", [(), (1,), (-1, 0, 2), (0, 2, 0)])
def test_diag_embed(args):
    check(lambda lib, x: lib.diag_embed(x, *args), shapes=[(2, 3)], grad2=True)


@pytest.mark.parametrize("shape,args", [
    ((7,), (0, 2, 1)), ((7,), (0, 3, 2)), ((3, 6), (1, 3, 3)), ((3, 6), (-1, 2, 4)),
    ((3, 6), (0, 3, 1)), ((), (0, 1, 1)), ((4,), (0, 0, 1)),
])
def test_unfold(shape, args):
    e, t = check(lambda x: x.unfold(*args), shapes=[shape], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_unfold_bad():
    check_raises(lambda x: x.unfold(0, 5, 1), shapes=[(3,)])
    check_raises(lambda x: x.unfold(0, 2, 0), shapes=[(3,)])


# ---- tril/triu indices, meshgrid, cartesian_prod ------------------------------------------------


@pytest.mark.parametrize("args", [(3, 3), (3, 4, 1), (4, 3, -1), (0, 3), (3, 5, -10), (2, 2, 5)])
def test_tril_triu_indices(args):
    for name in ("tril_indices", "triu_indices"):
        want = getattr(torch, name)(*args)
        got = getattr(ember, name)(*args)
        assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    got = ember.tril_indices(3, 3, dtype=ember.int32)
    assert got.dtype is ember.int32


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(indexing):
    for shapes in ([(3,), (2,)], [(3,), (2,), (4,)], [(), (2,)], [(1,), (0,)]):
        def f(lib, *xs):
            return lib.meshgrid(*xs, indexing=indexing)

        e, t = check(f, shapes=shapes, grad2=True)
        if all(len(sh) == 1 and sh[0] > 1 for sh in shapes):  # views: torch's strides
            assert [g.stride() for g in e] == [g.stride() for g in t]
    check(lambda lib, x, y: lib.meshgrid([x, y], indexing=indexing), shapes=[(3,), (2,)])


def test_meshgrid_warns_and_errors_like_torch():
    with pytest.warns(UserWarning, match="required to pass the indexing argument"):
        ember.meshgrid(ember.ones(2), ember.ones(3))
    check_raises(lambda lib, x, y: lib.meshgrid(x, y, indexing="bad"), shapes=[(2,), (3,)])
    check_raises(lambda lib, x: lib.meshgrid(x, indexing="ij"), shapes=[(2, 2)])
    check_raises(lambda lib, x, y: lib.meshgrid(x, y.double(), indexing="ij"),
                 shapes=[(2,), (3,)])


def test_cartesian_prod():
    e, t = check(lambda lib, x, y: lib.cartesian_prod(x, y), shapes=[(3,), (2,)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()
    check(lambda lib, x, y, z: lib.cartesian_prod(x, y, z), shapes=[(2,), (2,), (3,)])
    check(lambda lib, x: lib.cartesian_prod(x), shapes=[(4,)])


def test_flip_dims_keyword():
    check(lambda lib, x: lib.flip(x, dims=(0, -1)), shapes=[(3, 4)])
    check(lambda lib, x: x.flip(dims=[1]), shapes=[(3, 4)])
    check_raises(lambda lib, x: x.flip(0, dims=[1]), shapes=[(3, 4)])


@pytest.mark.parametrize("dtype", ["float32", "bool", "int8", "int16", "float64"])
def test_tri_indices_refuse_non_int32_int64_dtypes(dtype):
    for name in ("tril_indices", "triu_indices"):
        check_raises(lambda lib, name=name: getattr(lib, name)(3, 3, dtype=getattr(lib, dtype)),
                     inputs=[])
