"""dtypes against torch: the promotion lattice, result_type's 0-d and scalar rules, finfo/iinfo,
the default dtype, dtype attributes, and torch.Size."""
from __future__ import annotations

import itertools
import pickle

import pytest
import torch

import ember
from tests.oracle import check, check_raises

NAMES = ["float16", "bfloat16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64",
         "bool"]
PAIRS = list(itertools.product(NAMES, NAMES))


def same(fn):
    return check(fn, inputs=[], grad=False)


@pytest.mark.parametrize("a", NAMES)
def test_promote_types_table(a):
    for b in NAMES:
        e = ember.promote_types(getattr(ember, a), getattr(ember, b))
        t = torch.promote_types(getattr(torch, a), getattr(torch, b))
        assert str(e) == str(t), f"promote_types({a}, {b}): {e} != {t}"


@pytest.mark.parametrize("sa,sb", [((2,), (2,)), ((2,), ()), ((), (2,)), ((), ())])
def test_result_type_tensors(sa, sb):
    for a, b in PAIRS:
        e = ember.result_type(ember.zeros(sa, dtype=getattr(ember, a)),
                              ember.zeros(sb, dtype=getattr(ember, b)))
        t = torch.result_type(torch.zeros(sa, dtype=getattr(torch, a)),
                              torch.zeros(sb, dtype=getattr(torch, b)))
        assert str(e) == str(t), f"result_type({a}{list(sa)}, {b}{list(sb)}): {e} != {t}"


@pytest.mark.parametrize("scalar", [True, 2, -1, 2.5])
@pytest.mark.parametrize("shape", [(2,), ()])
def test_result_type_tensor_scalar(scalar, shape):
    for a in NAMES:
        x_e, x_t = ember.zeros(shape, dtype=getattr(ember, a)), torch.zeros(shape,
                                                                             dtype=getattr(torch, a))
        assert str(ember.result_type(x_e, scalar)) == str(torch.result_type(x_t, scalar)), a
        assert str(ember.result_type(scalar, x_e)) == str(torch.result_type(scalar, x_t)), a


@pytest.mark.parametrize("s1,s2", [(1, 2), (1, 2.5), (True, 2), (True, False), (2.5, True)])
def test_result_type_scalars(s1, s2):
    same(lambda lib: lib.result_type(s1, s2))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(2, dtype=lib.int64) + lib.tensor(1.5, dtype=lib.float64),
    lambda lib: lib.ones(2, dtype=lib.float16) + lib.tensor(1.5, dtype=lib.float64),
    lambda lib: lib.ones(2, dtype=lib.uint8) + lib.ones(2, dtype=lib.int8),
    lambda lib: lib.ones(2, dtype=lib.bool) + 1,
    lambda lib: lib.ones(2, dtype=lib.bool) + 1.5,
    lambda lib: lib.ones(2, dtype=lib.int32) * 2.5,
    lambda lib: lib.ones(2, dtype=lib.uint8) + lib.tensor(1000),
    lambda lib: lib.ones(2, dtype=lib.bfloat16) + lib.ones(2, dtype=lib.float16),
    lambda lib: lib.tensor(1, dtype=lib.int8) + lib.tensor(1, dtype=lib.int16),
])
def test_promotion_in_ops(fn):
    same(fn)


def test_promotion_with_default_float64():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for shape in [(2,), ()]:
            for a in NAMES:
                e = ember.result_type(ember.zeros(shape, dtype=getattr(ember, a)), 2.5)
                t = torch.result_type(torch.zeros(shape, dtype=getattr(torch, a)), 2.5)
                assert str(e) == str(t), a
    finally:
        torch.set_default_dtype(torch.float32)


# ---- finfo / iinfo -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo(name):
    same(lambda lib: [getattr(lib.finfo(getattr(lib, name)), a) for a in
                      ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution")])
    same(lambda lib: (repr(lib.finfo(getattr(lib, name))), lib.finfo(getattr(lib, name)).dtype))


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(name):
    same(lambda lib: (lib.iinfo(getattr(lib, name)).bits, lib.iinfo(getattr(lib, name)).max,
                      lib.iinfo(getattr(lib, name)).min, lib.iinfo(getattr(lib, name)).dtype,
                      repr(lib.iinfo(getattr(lib, name)))))


def test_finfo_default_and_errors():
    same(lambda lib: lib.finfo().bits)
    check_raises(lambda lib: lib.finfo(lib.int32), inputs=[])
    check_raises(lambda lib: lib.iinfo(lib.float32), inputs=[])
    check_raises(lambda lib: lib.iinfo(lib.bool), inputs=[])


# ---- default dtype and dtype objects -----------------------------------------------------------


def test_default_dtype():
    same(lambda lib: lib.get_default_dtype())
    ember.set_default_dtype(ember.float64)
    assert ember.get_default_dtype() is ember.float64
    assert ember.tensor([1.5]).dtype is ember.float64 and ember.zeros(1).dtype is ember.float64
    ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.5]).dtype is ember.float32
    check_raises(lambda lib: lib.set_default_dtype(lib.int64), inputs=[])


@pytest.mark.parametrize("name", NAMES)
def test_dtype_attributes(name):
    same(lambda lib: (repr(getattr(lib, name)), str(getattr(lib, name)),
                      getattr(lib, name).is_floating_point, getattr(lib, name).is_signed,
                      getattr(lib, name).itemsize, getattr(lib, name).is_complex))
    d = getattr(ember, name)
    assert pickle.loads(pickle.dumps(d)) is d and d.to_real() is d


def test_dtype_aliases_and_can_cast():
    same(lambda lib: (lib.float is lib.float32, lib.double is lib.float64, lib.half is lib.float16,
                      lib.long is lib.int64, lib.int is lib.int32, lib.short is lib.int16,
                      lib.float32 == lib.float64))
    for a, b in PAIRS:
        assert ember.can_cast(getattr(ember, a), getattr(ember, b)) == \
            torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)


# ---- Size --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda lib: repr(lib.Size([2, 3])), lambda lib: repr(lib.Size([])), lambda lib: str(lib.Size([5])),
    lambda lib: lib.Size([2, 3])[1], lambda lib: lib.Size([2, 3])[-1],
    lambda lib: repr(lib.Size([2, 3, 4])[1:]), lambda lib: lib.Size([2, 3, 4]).numel(),
    lambda lib: lib.Size([]).numel(), lambda lib: lib.Size([2, 3]) == (2, 3),
    lambda lib: repr(lib.Size([2, 3]) + (4,)), lambda lib: repr((4,) + lib.Size([2, 3])),
    lambda lib: repr(lib.Size([2, 3]) * 2), lambda lib: repr(lib.Size((lib.tensor(2), 3))),
    lambda lib: repr(pickle.loads(pickle.dumps(lib.Size([2, 3])))),
    lambda lib: (lib.Size([2, 3]).count(2), lib.Size([2, 3]).index(3), len(lib.Size([2, 3]))),
    lambda lib: hash(lib.Size([2, 3])) == hash((2, 3)),
    lambda lib: type(lib.ones(2, 3).shape[1:]).__name__,
    lambda lib: repr(lib.ones(2, 3).shape), lambda lib: lib.ones(2, 3).shape == lib.Size([2, 3]),
])
def test_size(fn):
    same(fn)


@pytest.mark.parametrize("fn", [lambda lib: lib.Size([2.5]), lambda lib: lib.Size(3),
                                lambda lib: lib.Size([2, 3])[5]])
def test_size_errors(fn):
    check_raises(fn, inputs=[])
