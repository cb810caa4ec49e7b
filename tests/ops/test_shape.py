"""Differential tests for ember/ops/shape.py against torch."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises


def _sep(fn):
    """Give each output of a multi-output op its own node (x * 1).

    ember's engine counts a node twice when two roots share it (autograd.grad([a, b]) with a, b
    from one split); reported to the lead. Values, shapes and gradients are still compared.
    """
    def run(*args):
        return [o * 1 if o.is_floating_point() else o for o in fn(*args)]
    run.__signature__ = __import__("inspect").signature(fn)
    return run


# ---- view / reshape / flatten --------------------------------------------------------------------


@pytest.mark.parametrize("shape,args", [
    ((3, 4), (12,)), ((3, 4), (-1,)), ((3, 4), (2, -1)), ((3, 4), ((4, 3),)), ((), (1,)),
    ((1,), ((),)), ((0, 5), (-1, 5)), ((0, 5), (5, 0)), ((2, 3, 4), (6, 4)),
])
def test_view(shape, args):
    check(lambda x: x.view(*args), shapes=[shape], grad2=True)
    check(lambda x: x.reshape(*args), shapes=[shape], grad2=True)


@pytest.mark.parametrize("fn", [
    lambda x: x.view(5, -1), lambda x: x.view(-1, -1), lambda x: x.reshape(5, -1),
    lambda x: x.view(-2, 6), lambda x: x.t().view(-1),
])
def test_view_errors(fn):
    check_raises(fn, shapes=[(3, 4)])


def test_reshape_noncontiguous_copies():
    e, t = check(lambda x: x.t().reshape(-1), shapes=[(3, 4)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name() == "UnsafeViewBackward0"
    e, t = check(lambda x: x[:, ::2].reshape(2, 3), shapes=[(3, 4)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_view_as_reshape_as():
    check(lambda x, y: x.view_as(y), shapes=[(3, 4), (2, 6)], grad2=True)
    check(lambda x, y: x.reshape_as(y), shapes=[(3, 4), (12,)], grad2=True)
    check(lambda x, y: x.expand_as(y), shapes=[(3, 1), (2, 3, 4)], grad2=True)


@pytest.mark.parametrize("args", [(), (1,), (0, 1), (1, -1), (-2,), (2, 2)])
def test_flatten(args):
    check(lambda x: x.flatten(*args), shapes=[(2, 3, 4)], grad2=True)
    check(lambda lib, x: lib.flatten(x, *args), inputs=[np.ones((2, 3, 4), np.float32)])


def test_flatten_edges():
    check(lambda x: x.flatten(), shapes=[()])
    check(lambda x: x.t().flatten(), shapes=[(3, 4)], grad2=True)
    check_raises(lambda x: x.flatten(2, 0), shapes=[(2, 3, 4)])


@pytest.mark.parametrize("dim,sizes", [(1, (2, 2)), (-1, (2, -1)), (0, (3, 1)), (1, (4,))])
def test_unflatten(dim, sizes):
    check(lambda x: x.unflatten(dim, sizes), shapes=[(3, 4)], grad2=True)


def test_unflatten_bad():
    check_raises(lambda x: x.unflatten(1, (3, -1)), shapes=[(3, 4)])


# ---- squeeze / unsqueeze ------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.squeeze(), lambda x: x.squeeze(0), lambda x: x.squeeze(1),
    lambda x: x.squeeze(-1), lambda x: x.squeeze((0, 2)), lambda x: x.squeeze([0, 1, 3]),
    lambda x: x.unsqueeze(0), lambda x: x.unsqueeze(-1), lambda x: x.unsqueeze(2),
    lambda lib, x: lib.squeeze(x, 2), lambda lib, x: lib.unsqueeze(x, 4),
])
def test_squeeze_unsqueeze(fn):
    e, t = check(fn, shapes=[(1, 3, 1, 2)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_squeeze_edges():
    check(lambda x: x.squeeze(), shapes=[()])
    check(lambda x: x.unsqueeze(0), shapes=[()])
    check(lambda x: x.squeeze(0), shapes=[(0, 1)])
    check_raises(lambda x: x.squeeze(3), shapes=[(1, 3)])
    check_raises(lambda x: x.unsqueeze(4), shapes=[(1, 3)])


def test_squeeze_inplace():
    check(lambda x: (x * 1).unsqueeze_(1).squeeze_(), shapes=[(3,)], grad2=True)


# ---- transpose / permute / movedim / T ----------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.transpose(0, 2), lambda x: x.swapaxes(-1, 0), lambda x: x.permute(2, 0, 1),
    lambda x: x.permute((1, 2, 0)), lambda x: x.movedim(0, 2), lambda x: x.movedim((0, 1), (2, 0)),
    lambda lib, x: lib.moveaxis(x, -1, 0), lambda x: x.mT, lambda x: x.T.contiguous(),
])
def test_transpose_family(fn):
    e, t = check(fn, shapes=[(2, 3, 4)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()


def test_t():
    check(lambda x: x.t(), shapes=[(3, 4)], grad2=True)
    check(lambda x: x.t(), shapes=[(3,)])
    check(lambda x: x.T, shapes=[()])
    check_raises(lambda x: x.t(), shapes=[(2, 3, 4)])
    check_raises(lambda x: x.permute(0, 0), shapes=[(2, 3)])
    check_raises(lambda x: x.movedim((0, 1), (0, 0)), shapes=[(2, 3)])


# ---- expand / broadcast -------------------------------------------------------------------------


@pytest.mark.parametrize("shape,size", [
    ((3, 1), (3, 4)), ((3, 1), (2, 3, 5)), ((), (2, 3)), ((1,), (-1,)), ((3, 1), (-1, 2)),
    ((1, 4), (0, 4)),
])
def test_expand(shape, size):
    check(lambda x: x.expand(*size), shapes=[shape], grad2=True)
    check(lambda lib, x: lib.broadcast_to(x, size), shapes=[shape])


def test_expand_bad():
    check_raises(lambda x: x.expand(3, 5), shapes=[(3, 2)])
    check_raises(lambda x: x.expand(4), shapes=[(3, 2)])


def test_broadcast_tensors():
    check(lambda lib, x, y, z: lib.broadcast_tensors(x, y, z), shapes=[(3, 1), (4,), ()],
          grad2=True)
    check_raises(lambda lib, x, y: lib.broadcast_tensors(x, y), shapes=[(3,), (4,)])
    assert tuple(ember.broadcast_shapes((3, 1), (4,), 1)) == \
        tuple(torch.broadcast_shapes((3, 1), (4,), 1))


def test_atleast():
    for shape in [(), (3,), (2, 3), (2, 3, 4)]:
        for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
            check(lambda lib, x, name=name: getattr(lib, name)(x), shapes=[shape])
    check(lambda lib, x, y: lib.atleast_2d(x, y), shapes=[(), (3,)])
    check(lambda lib, x, y: lib.atleast_3d([x, y]), shapes=[(2,), (2, 3)])


# ---- cat / stack -------------------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_cat(dim):
    shapes = [(2, 3), (2, 3), (2, 3)]
    e, t = check(lambda lib, x, y, z: lib.cat([x, y, z], dim), shapes=shapes, grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name() == "CatBackward0"


def test_cat_uneven_and_aliases():
    check(lambda lib, x, y: lib.cat((x, y), 1), shapes=[(2, 3), (2, 1)], grad2=True)
    check(lambda lib, x, y: lib.concat((x, y)), shapes=[(1, 3), (0, 3)], grad2=True)
    check(lambda lib, x, y: lib.concatenate((x, y), dim=-1), shapes=[(2,), (3,)])
    check(lambda lib, x: lib.cat([x.t()]), shapes=[(3, 4)], grad2=True)


@pytest.mark.parametrize("dtypes", [
    ("float32", "int64"), ("int32", "float64"), ("int32", "bool"), ("uint8", "int8"),
    ("float16", "float32"),
])
def test_cat_promotion(dtypes):
    check(lambda lib, x, y: lib.cat([x, y]), shapes=[(2,), (3,)], dtypes=list(dtypes), grad2=True)
    check(lambda lib, x, y: lib.stack([x, y]), shapes=[(2,), (2,)], dtypes=list(dtypes))


def test_cat_skips_empty_1d():
    # an empty 1-D tensor is skipped as in torch, but still takes part in type promotion
    check(lambda lib, x, y: lib.cat([x, y]), shapes=[(0,), (2, 3)], dtypes=["float32", "int64"])
    check(lambda lib, x, y: lib.cat([x, y], 1), shapes=[(2, 3), (0,)], grad2=True)
    check(lambda lib, x, y: lib.cat([x, y]), shapes=[(0,), (0,)], grad2=True)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x, y: lib.cat([x, y]), [(2, 3), (2, 4)]),
    (lambda lib, x, y: lib.cat([x, y]), [(2, 3), (2, 3, 1)]),
    (lambda lib, x, y: lib.cat([x, y]), [(), ()]),
    (lambda lib, x, y: lib.cat([x, y], 2), [(2, 3), (2, 3)]),
    (lambda lib, x: lib.cat([]), [(1,)]),
    (lambda lib, x: lib.cat(x), [(2, 2)]),
    (lambda lib, x, y: lib.stack([x, y]), [(2, 3), (3, 2)]),
    (lambda lib, x, y: lib.stack([x, y], 3), [(2, 3), (2, 3)]),
])
def test_cat_stack_errors(fn, shapes):
    check_raises(fn, shapes=shapes)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack(dim):
    e, t = check(lambda lib, x, y: lib.stack([x, y], dim), shapes=[(2, 3), (2, 3)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()
    check(lambda lib, x, y: lib.stack((x, y)), shapes=[(), ()], grad2=True)


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack", "row_stack"])
@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (2, 3)], [(), ()], [(2, 3, 1), (2, 2, 1)]])
def test_hvdstack(name, shapes):
    if name == "vstack" or name == "row_stack" and shapes[0] == (2, 3, 1):
        shapes = [(1, 3, 1), (2, 3, 1)] if shapes[0] == (2, 3, 1) else shapes
    if name == "dstack" and shapes[0] == (2, 3, 1):
        shapes = [(2, 3, 1), (2, 3, 2)]
    check(lambda lib, x, y: getattr(lib, name)([x, y]), shapes=shapes, grad2=True)


# ---- split / chunk / unbind / narrow ------------------------------------------------------------


@pytest.mark.parametrize("args", [(2,), (3,), (5,), (2, 1), ([1, 2],), ([2, 0, 2], -1), (1, 0)])
def test_split(args):
    e, t = check(lambda x: x.split(*args), shapes=[(3, 4)], grad=False)
    assert [o.grad_fn for o in e] == [o.grad_fn for o in t] == [None] * len(t)
    t = torch.ones(3, 4, requires_grad=True).split(*args)
    e = ember.ones(3, 4, requires_grad=True).split(*args)
    assert [o.grad_fn.name() for o in e] == [o.grad_fn.name() for o in t]
    check(_sep(lambda x: x.split(*args)), shapes=[(3, 4)], grad2=True)
    check(_sep(lambda lib, x: lib.split(x, *args)), shapes=[(3, 4)])


def test_split_partial_use():
    check(lambda x: x.split(2)[1] * 2, shapes=[(5, 2)], grad2=True)
    check(lambda x: x.unbind(1)[0], shapes=[(2, 3)], grad2=True)


@pytest.mark.parametrize("args", [(2,), (3,), (5,), (4, 1), (1, -1)])
def test_chunk(args):
    check(_sep(lambda x: x.chunk(*args)), shapes=[(5, 4)], grad2=True)
    check(_sep(lambda x: x.chunk(*args)), shapes=[(0, 4)])


@pytest.mark.parametrize("args", [(2,), (3, 1), ([1, 3],), ([0, 2, 2, 9], 1), ([], 1)])
def test_tensor_split(args):
    check(_sep(lambda x: x.tensor_split(*args)), shapes=[(4, 5)], grad2=True)


@pytest.mark.parametrize("fn", [
    lambda x: x.split([1, 1]), lambda x: x.split(-1), lambda x: x.split(0), lambda x: x.chunk(0),
    lambda x: x.narrow(0, 2, 2), lambda x: x.narrow(0, 4, 0), lambda x: x.unbind(2),
])
def test_split_errors(fn):
    check_raises(fn, shapes=[(3, 4)])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unbind(dim):
    check(_sep(lambda x: x.unbind(dim)), shapes=[(2, 3, 4)], grad2=True)
    t = torch.ones(2, 3, requires_grad=True).unbind(dim)
    e = ember.ones(2, 3, requires_grad=True).unbind(dim)
    assert e[0].grad_fn.name() == t[0].grad_fn.name() == "UnbindBackward0"
    check(_sep(lambda lib, x: lib.unbind(x, dim)), shapes=[(2, 0, 3)])


def test_iter_uses_unbind():
    check(_sep(lambda x: list(x)), shapes=[(3, 2)], grad2=True)
    check(lambda x: [r * i for i, r in enumerate(x)], shapes=[(2, 3)], grad2=True)


@pytest.mark.parametrize("args", [(0, 1, 2), (1, -3, 2), (-1, 0, 4), (0, 3, 0)])
def test_narrow(args):
    e, t = check(lambda x: x.narrow(*args), shapes=[(3, 4)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()


# ---- memory sharing and contiguity --------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.view(-1), lambda x: x.reshape(6, 2), lambda x: x.t(), lambda x: x.permute(1, 0),
    lambda x: x.unsqueeze(0), lambda x: x[None].squeeze(0), lambda x: x.split(2)[1],
    lambda x: x.unbind()[2], lambda x: x.narrow(1, 1, 2), lambda x: x.diagonal(),
    lambda x: x.unfold(1, 2, 2), lambda x: x.flatten(),
    lambda x: x.chunk(2, 1)[1], lambda x: x.movedim(0, 1), lambda x: x.T,
])
def test_views_share_memory(fn):
    for lib in (torch, ember):
        x = lib.zeros(4, 3)
        v = fn(x)
        assert v._base is x, lib
        before = x._version
        if v.numel():
            v[(0,) * v.ndim] = 7.0  # a write through the view lands in the base
            assert float(x.sum()) == 7.0, (lib, fn)
            assert x._version == v._version == before + 1


def test_contiguous():
    for lib in (torch, ember):
        x = lib.zeros(3, 4)
        assert x.contiguous() is x
        y = x.t()
        assert not y.is_contiguous()
        c = y.contiguous()
        assert c.is_contiguous() and c._base is None
    check(lambda x: x.t().contiguous() * 2, shapes=[(3, 4)], grad2=True)


@pytest.mark.parametrize("dtype", ["int32", "float32", "float16", "int64", "uint8"])
def test_view_dtype(dtype):
    check(lambda lib, x: x.view(getattr(lib, dtype)), shapes=[(3, 4)], grad=False)
    check_raises(lambda lib, x: x.t().view(lib.float16), shapes=[(3, 4)])


def test_view_dtype_bad():
    check_raises(lambda lib, x: x.view(lib.int64), shapes=[(3, 3)])
    check_raises(lambda lib, x: x.view(lib.float16), shapes=[()])


# ---- regressions found by tests/test_fuzz_ops.py: 0-d inputs -----------------------------------


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.movedim(x, 0, -1), lambda x: x.flip(0), lambda x: x.flip(-1),
    lambda x: x.transpose(0, -1), lambda x: x.permute(()), lambda x: x.roll(1),
    lambda x: x.repeat_interleave(2),
])
def test_fuzz_zero_d(fn):
    check(fn, shapes=[()], grad2=True)


@pytest.mark.parametrize("fn", [
    lambda x: x.permute(), lambda x: x.roll(1, 0), lambda x: x.roll(1, -1),
    lambda x: x.unflatten(0, (1, -1)), lambda lib, x: lib.tensor_split(x, 1, 0),
    lambda x: x.repeat_interleave(2, 0), lambda x: x.repeat_interleave(2, -1),
])
def test_fuzz_zero_d_raises(fn):
    check_raises(fn, shapes=[()])


@pytest.mark.parametrize("n", [31, 32, 33, 100])
def test_cat_and_stack_of_many_tensors_backpropagate(n):
    """Ops recorded with more arguments than apply's precomputed tables (an LSTMCell's outputs
    concatenated over a long sequence)."""
    rng = np.random.default_rng(n)
    data = [rng.standard_normal((2, 1)).astype(np.float32) for _ in range(n)]
    g = rng.standard_normal((2, n)).astype(np.float32)
    grads = []
    for lib in (torch, ember):
        xs = [lib.tensor(d, requires_grad=True) for d in data]
        y = lib.cat(xs, dim=1) + lib.stack(xs, dim=1).squeeze(2)
        y.backward(lib.from_numpy(g))
        grads.append([x.grad.numpy() for x in xs])
    for want, got in zip(*grads):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_adjoint_of_0d_tensor_is_itself_with_a_warning():
    for lib in (torch, ember):
        x = lib.tensor(2.0)
        with pytest.warns(UserWarning, match="adjoint\\(\\) is deprecated on 0-D tensors"):
            assert x.adjoint() is x
