"""Differential tests for ember/ops/inplace.py against torch: in-place arithmetic, version
counter and leaf rules, fill_, zero_, copy_."""
import pytest

from tests.oracle import check, check_raises


def test_inplace_add_on_nonleaf():
    check(lambda x, y: (x * 1).add_(y), shapes=[(2, 3), (3,)])


def test_inplace_mul_saves_old_self():
    check(lambda x, y: (x * 1).mul_(y), shapes=[(2, 3), (2, 3)], grad2=True)


def test_inplace_leaf_raises():
    check_raises(lambda x: x.add_(1), shapes=[(2,)], grad=True)


def test_inplace_int_from_float_raises():
    check_raises(lambda x: x.add_(1.5), shapes=[(2,)], dtype="int64")


def test_inplace_broadcast_shape_raises():
    check_raises(lambda x, y: x.add_(y), shapes=[(3,), (2, 3)])



# ---- in-place arithmetic, fill_, zero_, copy_ ------------------------------------------------


@pytest.mark.parametrize("op", [
    lambda x, y: x.clone().add_(y), lambda x, y: x.clone().sub_(y, alpha=2),
    lambda x, y: x.clone().mul_(y), lambda x, y: x.clone().div_(y),
    lambda x, y: x.clone().add_(2.5), lambda x, y: x.clone().mul_(3),
    lambda x, y: x.clone().add_(y, alpha=0.5), lambda x, y: x.clone().div_(y.double()),
    lambda x, y: x.clone().pow_(2), lambda x, y: x.clone().fmod_(0.7),
    lambda x, y: x.clone().remainder_(y), lambda x, y: x.clone().atan2_(y),
    lambda x, y: x.clone().lerp_(y, 0.25), lambda x, y: x.clone().hypot_(y),
    lambda x, y: x.clone().copysign_(y), lambda x, y: x.clone().xlogy_(y),
    lambda x, y: x.clone().floor_divide_(y),
])
def test_inplace_binary(op):
    check(op, shapes=[(2, 3), (3,)], low=0.5, high=2, grad=False)
    if "floor_divide_" not in op.__code__.co_names:
        check(lambda x, y: op(x * 1, y), shapes=[(2, 3), (3,)], low=0.5, high=2, grad2=True)


def test_inplace_without_grad_writes_through():
    import ember

    x = ember.ones(4)
    data, version = x._data, x._version
    for r in (x.add_(1), x.sub_(ember.ones(4), alpha=2), x.mul_(3), x.div_(2.0), x.add_(x),
              x.fill_(3), x.zero_(), x.copy_(ember.ones(1))):
        assert r is x and x._data is data
    assert x._version == version + 8
    w = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        w.add_(ember.ones(3), alpha=-0.5)
        w.mul_(2).fill_(4.0)
    assert w.requires_grad and w.is_leaf and w.tolist() == [4.0, 4.0, 4.0]


def test_inplace_dtype_rules():
    check(lambda x, y: x.clone().add_(y), shapes=[(3,), (3,)], dtypes=["float32", "int64"],
          grad=False)
    check(lambda x, y: x.clone().mul_(y), shapes=[(3,), (3,)], dtypes=["int32", "int64"],
          grad=False)
    check(lambda x: x.clone().add_(2), shapes=[(3,)], dtype="int32", grad=False)
    check(lambda x: x.clone().add_(2, alpha=3), shapes=[(3,)], dtype="int64", grad=False)
    check_raises(lambda x: x.clone().div_(2), shapes=[(3,)], dtype="int64")
    check_raises(lambda x: x.clone().add_(1, alpha=1.5), shapes=[(3,)], dtype="int64")
    check_raises(lambda x: x.add(x, alpha=True), shapes=[(3,)])
    check(lambda x: x.add(x, alpha=2), shapes=[(3,)], dtype="bool", grad=False)
    check(lambda lib, x: lib.sub(x, 1.5, alpha=2), shapes=[(3,)], dtype="int64", grad=False)


def test_fill_zero():
    check(lambda x: (x * 1).fill_(2.5), shapes=[(2, 3)], grad2=True)
    check(lambda x, v: (x * 1).fill_(v), shapes=[(2, 3), ()], grad2=True)
    check(lambda x, v: x.clone().detach().fill_(v), shapes=[(2, 3), ()])
    check(lambda x: (x * 1).zero_(), shapes=[(2, 3)])
    check(lambda x: x.clone().fill_(1.7), shapes=[(3,)], dtype="int64", grad=False)
    check(lambda x: x.clone().fill_(2), shapes=[(3,)], dtype="bool", grad=False)
    check(lambda lib, x: lib.fill(x, 3.0), shapes=[(2,)])
    check(lambda x: x.t().clone().zero_(), shapes=[(2, 3)], grad=False)
    check_raises(lambda x, v: x.clone().fill_(v), shapes=[(3,), (1,)])
    check_raises(lambda x: x.fill_(1), shapes=[(3,)], grad=True)
    check_raises(lambda x: x.zero_(), shapes=[(3,)], grad=True)
    check_raises(lambda x: x.clone().fill_("a"), shapes=[(3,)])


def test_copy():
    check(lambda x, y: (x * 1).copy_(y), shapes=[(2, 3), (3,)], grad2=True)
    check(lambda x, y: (x * 1).copy_(y), shapes=[(2, 3), (2, 3)], dtypes=["float32", "float64"])
    check(lambda x, y: x.clone().detach().copy_(y), shapes=[(2, 3), (2, 1)])
    check(lambda x, y: x.clone().copy_(y), shapes=[(3,), (3,)], dtypes=["int64", "float32"],
          low=-3, high=3, grad=False)
    check(lambda x, y: x.clone().copy_(y.t()), shapes=[(3, 2), (2, 3)], grad=False)
    check(lambda x: _copy_onto_self(x.clone(), False), shapes=[(3, 3)], grad=False)
    check_raises(lambda x: _copy_onto_self(x.clone(), True), shapes=[(3, 3)])
    check_raises(lambda x, y: x.clone().copy_(y), shapes=[(3,), (2,)])
    check_raises(lambda x, y: x.copy_(y), shapes=[(3,), (3,)], grad=True)


def _copy_onto_self(y, transposed: bool):
    """y.copy_(y) is allowed; a partially overlapping source (y.t()) is refused, as PyTorch."""
    return y.copy_(y.t() if transposed else y)
