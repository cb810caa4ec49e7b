"""Differential tests for ember/ops/sorting.py (sort, topk, median, mode, kthvalue...) vs torch."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

NAN = float("nan")


def _ties(shape, seed=0, high=3):
    """Small-integer-valued floats: plenty of ties."""
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.float32)


NAN_ROWS = np.array([[1.0, NAN, 3.0, NAN, 0.0], [2.0, 0.0, -1.0, 4.0, 2.0],
                     [NAN, NAN, NAN, NAN, NAN]], np.float32)


# ---- sort / argsort / msort ---------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort(dim, descending):
    check(lambda x: x.sort(dim, descending), shapes=[(4, 5)], grad2=True)
    check(lambda lib, x: lib.sort(x, dim=dim, descending=descending, stable=True),
          inputs=[_ties((4, 5))], grad2=True)
    check(lambda x: x.argsort(dim, descending), inputs=[_ties((4, 5), seed=1)])
    check(lambda x: x.sort(dim, descending), inputs=[NAN_ROWS])


def test_sort_dtypes_and_edges():
    check(lambda x: x.sort(), shapes=[(3, 4)], dtype="int64")
    check(lambda x: x.sort(descending=True), shapes=[(3, 4)], dtype="uint8")
    check(lambda x: x.sort(0, True), shapes=[(6,)], dtype="bool")
    check(lambda x: x.sort(), shapes=[()], grad2=True)
    check(lambda x: x.sort(0), shapes=[(0, 3)])
    check(lambda x: x.t().sort(1), shapes=[(3, 4)], grad2=True)
    check(lambda lib, x: lib.msort(x), shapes=[(4, 3)], grad2=True)
    check(lambda lib, x: lib.argsort(x, stable=True, dim=0), inputs=[_ties((6, 2))])
    check_raises(lambda x: x.sort(2), shapes=[(3, 4)])


def test_sort_return_type():
    def fn(lib, x):
        r = lib.sort(x, 1)
        v, i = r
        assert r.values is v and r.indices is i
        return v, i
    check(fn, shapes=[(3, 4)])


# ---- topk ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("k", [0, 1, 3])
def test_topk(k, dim, largest):
    check(lambda x: x.topk(k, dim, largest), shapes=[(4, 5)], grad2=True)
    check(lambda lib, x: lib.topk(x, k, dim=dim, largest=largest, sorted=True),
          shapes=[(3, 4, 5)], grad2=True)


def test_topk_edges():
    a = np.array([[1.0, NAN, 3.0, NAN, 0.0], [2.0, 0.0, -1.0, 4.0, 2.5]], np.float32)
    check(lambda x: x.topk(2), inputs=[a])  # torch's topk order among ties is unspecified
    check(lambda x: x.topk(2, largest=False), inputs=[a])
    check(lambda x: x.topk(3), shapes=[(2, 6)], dtype="int64")
    check(lambda x: x.topk(1), shapes=[()], grad2=True)
    check(lambda x: x.topk(2, 0), shapes=[(4, 0)])
    check(lambda x: x.t().topk(2, 1), shapes=[(5, 3)], grad2=True)
    check_raises(lambda x: x.topk(6), shapes=[(2, 5)])
    check_raises(lambda x: x.topk(-1), shapes=[(2, 5)])
    check_raises(lambda x: x.topk(1, 2), shapes=[(2, 5)])


# ---- kthvalue / median / nanmedian / mode -----------------------------------------------------


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_kthvalue(dim, keepdim):
    for k in (1, 2, 4):
        check(lambda x, k=k: x.kthvalue(k, dim, keepdim), shapes=[(4, 5)], grad2=True)
    check(lambda lib, x: lib.kthvalue(x, 2, dim=dim, keepdim=keepdim), shapes=[(4, 5)],
          dtype="int64", high=1000)


def test_kthvalue_edges():
    check(lambda x: x.kthvalue(1), shapes=[()], grad2=True)
    check(lambda x: x.kthvalue(1, 0), shapes=[(1, 3)], grad2=True)
    check_raises(lambda x: x.kthvalue(0), shapes=[(2, 5)])
    check_raises(lambda x: x.kthvalue(6), shapes=[(2, 5)])
    check_raises(lambda x: x.kthvalue(1, 2), shapes=[(2, 5)])
    check_raises(lambda x: x.kthvalue(1, 0), shapes=[(0, 5)])


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("n", [4, 5])
def test_median_dim(n, dim, keepdim):
    check(lambda x: x.median(dim, keepdim), shapes=[(n, 6)], grad2=True)
    check(lambda lib, x: lib.median(x, dim, keepdim=keepdim), inputs=[_ties((n, 6))],
          grad2=True)
    check(lambda x: x.nanmedian(dim, keepdim), shapes=[(n, 6)], grad2=True)


def test_median_all():
    check(lambda x: x.median(), shapes=[(4, 5)], grad2=True)
    check(lambda x: x.median(), shapes=[(4, 6)], grad2=True)
    check(lambda x: x.median(), inputs=[_ties((4, 6))], grad2=True)  # gradient split on ties
    check(lambda x: x.nanmedian(), inputs=[_ties((4, 6))], grad2=True)
    check(lambda x: x.median(), shapes=[(0,)])
    check(lambda x: x.median(), shapes=[(3, 4)], dtype="int64")
    check(lambda x: x.median(0), shapes=[(3, 4)], dtype="int32")


def test_median_nan():
    check(lambda x: x.median(1), inputs=[NAN_ROWS])
    check(lambda x: x.median(), inputs=[NAN_ROWS])
    check(lambda x: x.median(), inputs=[NAN_ROWS[:2]])
    check(lambda x: x.nanmedian(1), inputs=[NAN_ROWS[:2]], grad2=True)
    check(lambda x: x.nanmedian(1).values, inputs=[NAN_ROWS], grad=False)
    check(lambda x: x.nanmedian(), inputs=[NAN_ROWS], grad2=True)
    check(lambda x: x.nanmedian(), inputs=[NAN_ROWS[2:]])


def test_median_errors():
    check_raises(lambda x: x.median(0), shapes=[(0, 3)])
    check_raises(lambda x: x.median(2), shapes=[(2, 3)])
    check(lambda x: x.median(0), shapes=[(3, 0)])


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_mode(dim, keepdim):
    check(lambda x: x.mode(dim, keepdim), inputs=[_ties((5, 7))], grad2=True)
    check(lambda x: x.mode(dim, keepdim), inputs=[_ties((5, 7), seed=2, high=5)], grad2=True)
    check(lambda x: x.mode(dim, keepdim), shapes=[(5, 7)], dtype="int64", low=0, high=3)


def test_mode_edges():
    check(lambda x: x.mode(), shapes=[()], grad2=True)
    check(lambda x: x.mode(), shapes=[(6,)], grad2=True)  # all distinct: the smallest
    check(lambda x: x.mode(), inputs=[np.array([1.0, NAN, 3.0, NAN], np.float32)])
    check(lambda x: x.t().mode(1), inputs=[_ties((6, 4))])
    check_raises(lambda x: x.mode(0), shapes=[(0, 2)])


# ---- cummax / cummin live here but are tested in test_reduction; unique ------------------------


@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_unique(dtype):
    a = np.array([[3, 1, 2], [1, 3, 3]]).astype(dtype)
    check(lambda lib, x: lib.unique(x), inputs=[a], grad=False)
    check(lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True), inputs=[a],
          grad=False)
    check(lambda x: x.unique(return_counts=True), inputs=[a], grad=False)
    check(lambda x: x.unique(dim=1, return_inverse=True), inputs=[np.array([[1, 2, 1],
                                                                              [0, 5, 0]])])


# ---- regressions found by tests/test_fuzz_ops.py ------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.topk(1), lambda x: x.kthvalue(1), lambda x: x.median(), lambda x: x.median(0),
    lambda x: x.nanmedian(), lambda x: x.nanmedian(0),
])
def test_fuzz_bool_refused(fn):
    check_raises(fn, shapes=[(3,)], dtype="bool")


@pytest.mark.parametrize("dtype", ["int64", "uint8", "int32", "float32"])
def test_fuzz_median_of_empty(dtype):
    check(lambda x: x.median(), shapes=[(0,)], dtype=dtype, grad=False)
    check(lambda x: x.nanmedian(), shapes=[(0,)], dtype=dtype, grad=False)


# ---- searchsorted / bucketize ------------------------------------------------------------------


def _ints(*values):
    return np.array(values, dtype=np.int64)


@pytest.mark.parametrize("kw", [{}, {"right": True}, {"side": "right"}, {"side": "left"},
                                {"out_int32": True}], ids=str)
def test_searchsorted(kw):
    seq = np.array([1.0, 3.0, 3.0, 5.0, 7.0], np.float32)
    vals = np.array([[3.0, 0.0], [7.5, 5.0]], np.float32)
    check(lambda lib, s, v: lib.searchsorted(s, v, **kw), inputs=[seq, vals], grad=False)
    rows = np.array([[1, 3, 5], [2, 4, 6]], np.int64)
    check(lambda lib, s, v: lib.searchsorted(s, v, **kw), inputs=[rows, _ints(3, 4, 4, 7)
                                                                  .reshape(2, 2)], grad=False)
    check(lambda lib, s: lib.searchsorted(s, 4.0, **kw), inputs=[seq], grad=False)
    check(lambda lib, s, v: lib.searchsorted(s, v, **kw), inputs=[seq, _ints(3, 6)], grad=False)
    check(lambda lib, s, v, o: lib.searchsorted(s, v, sorter=o, **kw),
          inputs=[np.array([5.0, 1.0, 3.0]), np.array([2.0, 4.0]), _ints(1, 2, 0)], grad=False)


def test_searchsorted_errors():
    seq = np.array([1.0, 3.0])
    check_raises(lambda lib, s, v: lib.searchsorted(s, v, side="middle"),
                 inputs=[seq, np.array([2.0])])
    check_raises(lambda lib, s, v: lib.searchsorted(s, v, side="left", right=True),
                 inputs=[seq, np.array([2.0])])
    check_raises(lambda lib, s, v: lib.searchsorted(s, v),
                 inputs=[np.array([[1, 3, 5], [2, 4, 6]]), _ints(3)])


@pytest.mark.parametrize("kw", [{}, {"right": True}, {"out_int32": True}], ids=str)
def test_bucketize(kw):
    bounds = np.array([1.0, 3.0, 5.0, 7.0])
    check(lambda lib, v, b: lib.bucketize(v, b, **kw),
          inputs=[np.array([[1.0, 6.0], [3.0, 9.0]]), bounds], grad=False)
    check(lambda lib, b: lib.bucketize(3.0, b, **kw), inputs=[bounds], grad=False)
    check_raises(lambda lib, v, b: lib.bucketize(v, b, **kw),
                 inputs=[np.array([1.0]), np.array([[1.0, 2.0]])])
