"""Differential tests of ember/ops/linalg.py against torch: values, gradients, second derivatives."""
from __future__ import annotations

import pytest
import torch

import ember
from tests.oracle import check, check_raises

MATMUL_SHAPES = [
    ((3,), (3,)),                 # dot -> 0-d
    ((3,), (3, 4)),               # vector @ matrix
    ((2, 3), (3,)),               # mv
    ((2, 3), (3, 4)),             # mm
    ((5, 2, 3), (3,)),            # batched @ vector
    ((5, 2, 3), (3, 4)),          # folded into one mm
    ((3,), (5, 3, 4)),            # vector @ batched
    ((2, 3), (5, 3, 4)),          # matrix @ batched
    ((5, 2, 3), (5, 3, 4)),       # bmm
    ((1, 2, 3), (5, 3, 4)),       # batch broadcast
    ((7, 1, 2, 3), (5, 3, 4)),    # batch broadcast over two dims
    ((4, 5, 2, 3), (3,)),
    ((3,), (4, 5, 3, 2)),
    ((0, 3), (3, 4)),             # empty
    ((2, 0), (0, 4)),             # empty contraction -> zeros
    ((2, 2, 0), (0, 3)),
]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul(sa, sb):
    check(lambda x, y: x @ y, shapes=[sa, sb], grad2=True)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES[:12])
def test_matmul_float64(sa, sb):
    check(lambda lib, x, y: lib.matmul(x, y), shapes=[sa, sb], dtype="float64", grad2=True)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES[:10])
def test_matmul_int64(sa, sb):
    check(lambda x, y: x.matmul(y), shapes=[sa, sb], dtype="int64", low=-9, high=9)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "float16", "bfloat16"])
def test_matmul_dtypes(dtype):
    check(lambda x, y: x @ y, shapes=[(4, 3), (3, 5)], dtype=dtype, low=0, high=3)
    check(lambda x, y: x @ y, shapes=[(2, 4, 3), (3,)], dtype=dtype, low=0, high=3)


def test_matmul_noncontiguous():
    check(lambda x, y: x.t() @ y, shapes=[(3, 2), (3, 4)], grad2=True)
    check(lambda x, y: x.transpose(1, 2) @ y.t(), shapes=[(5, 3, 2), (4, 3)], grad2=True)
    check(lambda x, y: x @ y.transpose(0, 2), shapes=[(2, 3), (4, 3, 5)], grad2=True)


def test_matmul_grad_fn_names():
    cases = {((3,), (3,)): "DotBackward0", ((2, 3), (3,)): "MvBackward0",
             ((2, 3), (3, 4)): "MmBackward0", ((3,), (3, 4)): "SqueezeBackward4",
             ((5, 2, 3), (3, 4)): "UnsafeViewBackward0"}
    for (sa, sb), name in cases.items():
        x = ember.ones(sa, requires_grad=True)
        y = ember.ones(sb)
        assert type((x @ y).grad_fn).__name__ == name
        assert (torch.ones(sa, requires_grad=True) @ torch.ones(sb)).grad_fn.name() == name
    assert type(ember.bmm(ember.ones(2, 2, 3, requires_grad=True),
                          ember.ones(2, 3, 4)).grad_fn).__name__ == "BmmBackward0"


@pytest.mark.parametrize("sa,sb,dtypes", [
    ((3,), (4,), None), ((2, 3), (4,), None), ((3,), (4, 5), None), ((2, 3), (4, 5), None),
    ((5, 2, 3), (4, 5), None), ((5, 2, 3), (4, 3, 4), None), ((), (3,), None), ((3,), (), None),
    ((5, 2, 3), (2, 3, 4), None),
    ((2, 3), (3, 4), ["float32", "float64"]), ((3,), (3,), ["int64", "float32"]),
    ((2, 3), (3,), ["float64", "float32"]), ((5, 2, 3), (5, 3, 4), ["float32", "float64"]),
    ((2, 3), (3, 4), ["bool", "bool"]), ((3,), (3,), ["bool", "bool"]),
    ((2, 2, 3), (2, 3, 4), ["bool", "bool"]),
])
def test_matmul_errors(sa, sb, dtypes):
    check_raises(lambda x, y: x @ y, shapes=[sa, sb], dtypes=dtypes)


def test_matmul_error_messages():
    check_raises(lambda x, y: x @ y, shapes=[(2, 3), (4, 5)],
                 match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)")
    check_raises(lambda x, y: x @ y, shapes=[(2, 3), (3, 4)], dtypes=["float32", "float64"],
                 match="expected m1 and m2 to have the same dtype")
    check_raises(lambda lib, x: lib.matmul(x, 2), shapes=[(2, 3)])
    check_raises(lambda x: x @ 2, shapes=[(2, 3)])


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x, y: lib.mm(x, y), [(2, 3), (3, 4)]),
    (lambda lib, x, y: x.mm(y), [(1, 1), (1, 6)]),
    (lambda lib, x, y: lib.bmm(x, y), [(4, 2, 3), (4, 3, 5)]),
    (lambda lib, x, y: lib.mv(x, y), [(2, 3), (3,)]),
    (lambda lib, x, y: lib.dot(x, y), [(5,), (5,)]),
    (lambda lib, x, y: lib.vdot(x, y), [(5,), (5,)]),
    (lambda lib, x, y: lib.outer(x, y), [(3,), (4,)]),
    (lambda lib, x, y: lib.ger(x, y), [(3,), (2,)]),
    (lambda lib, x, y: lib.inner(x, y), [(2, 3), (4, 3)]),
    (lambda lib, x, y: lib.inner(x, y), [(3,), (3,)]),
    (lambda lib, x, y: lib.inner(x, y), [(), (2, 3)]),
    (lambda lib, x, y: lib.tensordot(x, y, dims=1), [(2, 3), (3, 4)]),
    (lambda lib, x, y: lib.tensordot(x, y), [(2, 3, 4), (3, 4, 5)]),
    (lambda lib, x, y: lib.tensordot(x, y, dims=([0, 2], [2, 0])), [(2, 3, 4), (4, 5, 2)]),
    (lambda lib, x, y: lib.tensordot(x, y, dims=0), [(2,), (3,)]),
    (lambda lib, x, y: lib.kron(x, y), [(2, 3), (3, 4)]),
    (lambda lib, x, y: lib.kron(x, y), [(2,), (3, 2)]),
    (lambda lib, x, y: lib.cross(x, y, dim=1), [(2, 3), (2, 3)]),
    (lambda lib, x, y: lib.cross(x, y, dim=-1), [(4, 1, 3), (1, 5, 3)]),
    (lambda lib, x, y: lib.linalg.cross(x, y) if lib is torch else lib.cross(x, y, dim=-1),
     [(2, 3), (2, 3)]),
    (lambda lib, x, y, z: lib.chain_matmul(x, y, z), [(2, 3), (3, 4), (4, 2)]),
])
def test_products(fn, shapes):
    check(fn, shapes=shapes, grad2=True)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, i, x, y: lib.addmm(i, x, y), [(4,), (2, 3), (3, 4)]),
    (lambda lib, i, x, y: lib.addmm(i, x, y, beta=0.5, alpha=-2.0), [(2, 4), (2, 3), (3, 4)]),
    (lambda lib, i, x, y: lib.addmm(i, x, y, beta=0, alpha=3), [(1, 4), (2, 3), (3, 4)]),
    (lambda lib, i, x, y: i.addmm(x, y, alpha=2), [(), (2, 3), (3, 4)]),
    (lambda lib, i, x, y: lib.addmv(i, x, y, beta=2, alpha=0.5), [(2,), (2, 3), (3,)]),
    (lambda lib, i, x, y: lib.addmv(i, x, y), [(), (2, 3), (3,)]),
    (lambda lib, i, x, y: lib.baddbmm(i, x, y, beta=0.5, alpha=2), [(5, 2, 4), (5, 2, 3),
                                                                   (5, 3, 4)]),
    (lambda lib, i, x, y: lib.baddbmm(i, x, y), [(2, 4), (5, 2, 3), (5, 3, 4)]),
    (lambda lib, i, x, y: lib.addbmm(i, x, y, beta=-1, alpha=0.25), [(2, 4), (5, 2, 3),
                                                                     (5, 3, 4)]),
])
def test_add_products(fn, shapes):
    check(fn, shapes=shapes, grad2=True)


def test_add_products_int():
    check(lambda lib, i, x, y: lib.addmm(i, x, y, beta=2, alpha=3), shapes=[(4,), (2, 3), (3, 4)],
          dtype="int64")
    check(lambda lib, i, x, y: lib.addmm(i, x, y, beta=1.5, alpha=2.5),
          shapes=[(4,), (2, 3), (3, 4)], dtype="int64")  # coefficients cast to int, as torch


def test_addmm_grad_fn_names():
    x = ember.ones(2, 3, requires_grad=True)
    assert type(ember.addmm(ember.ones(4), x, ember.ones(3, 4)).grad_fn).__name__ \
        == "AddmmBackward0"
    assert type(ember.addmv(ember.ones(2), x, ember.ones(3)).grad_fn).__name__ == "AddmvBackward0"


def test_add_products_inplace():
    check(lambda lib, i, x, y: i.clone().addmm_(x, y, beta=0.5), shapes=[(2, 4), (2, 3), (3, 4)],
          grad2=True)
    check(lambda lib, i, x, y: i.clone().baddbmm_(x, y, alpha=2),
          shapes=[(5, 2, 4), (5, 2, 3), (5, 3, 4)])


@pytest.mark.parametrize("fn,shapes,dtypes", [
    (lambda lib, x, y: lib.mm(x, y), [(2, 3), (4, 5)], None),
    (lambda lib, x, y: lib.mm(x, y), [(3,), (3, 5)], None),
    (lambda lib, x, y: lib.mm(x, y), [(2, 3), (3, 4)], ["float32", "float64"]),
    (lambda lib, x, y: lib.bmm(x, y), [(2, 3), (3, 4)], None),
    (lambda lib, x, y: lib.bmm(x, y), [(5, 2, 4), (4, 2, 3)], None),
    (lambda lib, x, y: lib.bmm(x, y), [(5, 2, 4), (5, 3, 3)], None),
    (lambda lib, x, y: lib.bmm(x, y), [(5, 2, 3), (5, 3, 3)], ["float32", "float64"]),
    (lambda lib, x, y: lib.mv(x, y), [(2, 4), (3,)], None),
    (lambda lib, x, y: lib.mv(x, y), [(2, 4, 3), (3,)], None),
    (lambda lib, x, y: lib.dot(x, y), [(3,), (3, 1)], None),
    (lambda lib, x, y: lib.dot(x, y), [(3,), (4,)], None),
    (lambda lib, x, y: lib.outer(x, y), [(3, 1), (4,)], None),
    (lambda lib, i, x, y: lib.addmm(i, x, y), [(4,), (2, 3), (4, 4)], None),
    (lambda lib, i, x, y: lib.addmm(i, x, y), [(3,), (2, 3), (3, 4)], None),
    (lambda lib, i, x, y: lib.addmm(i, x, y), [(4,), (2, 3), (3, 4)],
     ["float64", "float32", "float32"]),
    (lambda lib, i, x, y: lib.baddbmm(i, x, y), [(2, 4), (5, 2, 3), (4, 3, 4)], None),
    (lambda lib, x, y: lib.tensordot(x, y, dims=1), [(2, 3), (4, 5)], None),
    (lambda lib, x, y: lib.cross(x, y, dim=1), [(2, 4), (2, 4)], None),
    (lambda lib, x, y: lib.cross(x, y, dim=2), [(2, 3), (2, 3)], None),
    (lambda lib, x, y: lib.cross(x, y, dim=-1), [(4, 1, 3), (5, 3)], None),
])
def test_product_errors(fn, shapes, dtypes):
    check_raises(fn, shapes=shapes, dtypes=dtypes)


# ---- einsum ------------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),                   # implicit output
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->i", [(2, 3)]),
    ("ii->i", [(3, 3)]),                           # diagonal
    ("ii", [(3, 3)]),                              # trace
    ("iij->j", [(3, 3, 2)]),
    ("...ij,...jk->...ik", [(4, 2, 3), (3, 5)]),   # ellipsis with broadcasting
    ("...ij->...ji", [(4, 5, 2, 3)]),
    ("...ij->ij", [(4, 2, 3)]),                    # ellipsis summed away
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    ("...i,...i", [(2, 1, 3), (4, 3)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),               # size-1 broadcast of a named letter
    ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 5)]),
    ("Ab,ba", [(3, 2), (2, 3)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    ("ij,kl->", [(2, 3), (4, 5)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
def test_einsum(eq, shapes):
    check(lambda lib, *xs: lib.einsum(eq, *xs), shapes=shapes, grad2=True)


def test_einsum_list_operands_and_dtypes():
    check(lambda lib, x, y: lib.einsum("ij,jk", [x, y]), shapes=[(2, 3), (3, 4)])
    check(lambda lib, x, y: lib.einsum("ij,jk->ik", x, y), shapes=[(2, 3), (3, 4)],
          dtype="float64", grad2=True)
    check(lambda lib, x, y: lib.einsum("i,i", x, y), shapes=[(3,), (3,)], dtype="int64")
    for half in ("float16", "bfloat16"):
        check(lambda lib, x, y: lib.einsum("ij,jk", x, y), shapes=[(2, 3), (3, 4)], dtype=half)


@pytest.mark.parametrize("eq,shapes,dtypes", [
    ("ij", [(3, 3, 3)], None),
    ("ij,jk", [(3, 3)], None),
    ("ij", [(3, 3), (3,)], None),
    ("ij->ii", [(3, 3)], None),
    ("ij->k", [(3, 3)], None),
    ("ij,jk", [(2, 3), (4, 5)], None),
    ("i,i", [(3,), (3,)], ["float32", "float64"]),
    ("i1,i", [(3, 3), (3,)], None),
])
def test_einsum_errors(eq, shapes, dtypes):
    check_raises(lambda lib, *xs: lib.einsum(eq, *xs), shapes=shapes, dtypes=dtypes)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_vector_matrix_complex_gradients(dtype):
    """VecMat's own backward (y^H grad, outer(x^H, grad)) against torch's lifted-row one."""
    check(lambda x, y: x @ y, shapes=[(3,), (3, 4)], dtype=dtype, grad2=dtype == "complex128")
