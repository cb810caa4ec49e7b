"""Differential tests for ember/ops/reduction.py against torch."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

DIMS = [None, 0, -1, 1, (0, 2), (-1, 0), []]
NAN = float("nan")
INF = float("inf")


def _ties(shape, seed=0, high=3):
    """Small-integer-valued floats: plenty of ties."""
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.float32)


# ---- sum / mean / nansum / nanmean ---------------------------------------------------------------


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean", "nansum", "amax", "amin", "logsumexp", "var",
                                  "std", "norm"])
def test_dim_reductions(name, dim, keepdim):
    if name == "logsumexp" and not dim and dim != 0:
        dim = (0, 1, 2)  # torch's logsumexp needs a dim (and errors on dim=[])
    # torch's var/std double backward with dim=[] is nan (its bug): compare first order there
    grad2 = not (dim == [] and name in ("var", "std"))
    if dim is None:
        check(lambda x: getattr(x, name)(), shapes=[(2, 3, 4)], grad2=True)
        if name not in ("norm",):
            return
    if name == "norm":
        check(lambda x: x.norm(2, dim, keepdim), shapes=[(2, 3, 4)], grad2=True)
    else:
        check(lambda x: getattr(x, name)(dim, keepdim=keepdim), shapes=[(2, 3, 4)], grad2=grad2)


@pytest.mark.parametrize("name", ["sum", "mean", "nansum", "prod", "amax", "amin", "logsumexp",
                                  "var", "std", "norm", "max", "min", "median", "nanmedian"])
def test_zero_dim_input(name):
    grad2 = name != "var"  # torch's var grad of a 0-d input is a constant nan
    if name != "logsumexp":
        check(lambda x: getattr(x, name)(), shapes=[()], grad2=grad2)
    for d in (0, -1):
        if name == "norm":
            check(lambda x, d=d: x.norm(2, d), shapes=[()], grad2=True)
        else:
            check(lambda x, d=d: getattr(x, name)(d), shapes=[()], grad2=grad2)
            check(lambda x, d=d: getattr(x, name)(d, keepdim=True), shapes=[()], grad2=grad2)


def test_zero_dim_bad_dim():
    check_raises(lambda x: x.sum(1), shapes=[()])
    check_raises(lambda x: x.max(2), shapes=[()])


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(), lambda x: x.mean(), lambda x: x.prod(), lambda x: x.sum(0),
    lambda x: x.mean(0), lambda x: x.sum(1), lambda x: x.amax(1), lambda x: x.max(1),
    lambda x: x.logsumexp(0), lambda x: x.var(0), lambda x: x.norm(), lambda x: x.norm(1, 0),
    lambda x: x.cumsum(0), lambda x: x.cumprod(1), lambda x: x.nansum(),
    lambda x: x.all(), lambda x: x.any(), lambda x: x.count_nonzero(), lambda x: x.sort(0),
    lambda x: x.argmax(1), lambda x: x.median(1), lambda x: x.std(1),
])
def test_empty(fn):
    check(fn, shapes=[(0, 3)])


@pytest.mark.parametrize("fn", [
    lambda x: x.max(), lambda x: x.min(), lambda x: x.amax(), lambda x: x.amax(0),
    lambda x: x.max(0), lambda x: x.argmax(), lambda x: x.argmin(0), lambda x: x.median(0),
    lambda x: x.mode(0), lambda x: x.norm(INF), lambda x: x.kthvalue(1, 0),
])
def test_empty_raises(fn):
    check_raises(fn, shapes=[(0, 3)])


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float64", "float16"])
def test_sum_prod_dtypes(dtype):
    for fn in (lambda x: x.sum(), lambda x: x.sum(1), lambda x: x.prod(), lambda x: x.prod(0),
               lambda x: x.cumsum(1), lambda x: x.cumprod(0), lambda x: x.nansum(0)):
        check(fn, shapes=[(3, 4)], dtype=dtype, grad=dtype.startswith("float"))


def test_sum_dtype_arg():
    check(lambda lib, x: x.sum(dtype=lib.float64), shapes=[(3, 4)], dtype="int32", grad=False)
    check(lambda lib, x: x.sum(1, dtype=lib.float64), shapes=[(3, 4)])
    check(lambda lib, x: x.mean(dtype=lib.float32), shapes=[(3, 4)], dtype="int8", grad=False)
    check(lambda lib, x: x.cumsum(0, dtype=lib.float32), shapes=[(3, 4)], dtype="int8",
          grad=False)
    check(lambda lib, x: lib.prod(x, 1, dtype=lib.float64), shapes=[(3, 4)])


def test_float16_accumulation():
    check(lambda x: x.sum(), shapes=[(4000,)], dtype="float16", low=0, high=1, op="sum")
    check(lambda x: x.mean(0), shapes=[(4000, 2)], dtype="float16", low=0, high=1)


@pytest.mark.parametrize("dtype", ["int64", "bool"])
def test_mean_int_raises(dtype):
    check_raises(lambda x: x.mean(), shapes=[(3,)], dtype=dtype)
    check_raises(lambda x: x.nanmean(), shapes=[(3,)], dtype=dtype)
    check_raises(lambda x: x.var(), shapes=[(3,)], dtype=dtype)
    check_raises(lambda x: x.std(0), shapes=[(3,)], dtype=dtype)
    check_raises(lambda x: x.norm(), shapes=[(3,)], dtype=dtype)


def test_nan_reductions():
    a = np.array([[1.0, NAN, 2.0], [NAN, NAN, NAN], [3.0, 4.0, 5.0]], np.float32)
    check(lambda x: x.nansum(1), inputs=[a], grad2=True)
    check(lambda x: x.nanmean(1), inputs=[a], grad2=True)
    check(lambda x: x.nanmean(), inputs=[a], grad2=True)
    check(lambda x: x.sum(0), inputs=[a])


def test_noncontiguous():
    for fn in (lambda x: x.t().sum(1), lambda x: x.t().mean(0), lambda x: x.t().prod(1),
               lambda x: x.t().amax(0), lambda x: x.t().max(1), lambda x: x.t().var(1),
               lambda x: x.t().norm(3, 1), lambda x: x.t().logsumexp(0),
               lambda x: x.t().cumsum(1), lambda x: x.t().cumprod(0), lambda x: x.t().sort(1),
               lambda x: x.t().topk(2, 0), lambda x: x.t().median(1), lambda x: x.t().cummax(1),
               lambda x: x.t().argmin(0), lambda x: x.transpose(0, 1).std(0)):
        check(fn, shapes=[(3, 4)], grad2=True)


def test_bad_dims():
    check_raises(lambda x: x.sum(3), shapes=[(2, 3)])
    check_raises(lambda x: x.sum(-3), shapes=[(2, 3)])
    check_raises(lambda x: x.sum((0, 0)), shapes=[(2, 3)])
    check_raises(lambda x: x.amax((1, -1)), shapes=[(2, 3)])
    check_raises(lambda x: x.max(2), shapes=[(2, 3)])
    check_raises(lambda x: x.argmax(2), shapes=[(2, 3)])
    check_raises(lambda lib, x: lib.max(x, dim=(0, 1)), shapes=[(2, 3)])
    check_raises(lambda x: x.cumsum(2), shapes=[(2, 3)])
    check_raises(lambda x: x.sort(2), shapes=[(2, 3)])
    check_raises(lambda x: x.logsumexp(2), shapes=[(2, 3)])
    check_raises(lambda x: x.all(5), shapes=[(2, 3)])


# ---- prod ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("zeros", [0, 1, 2])
def test_prod_grad_with_zeros(zeros):
    a = np.random.default_rng(zeros).uniform(0.5, 2, (3, 4))
    a[0, :zeros] = 0
    a[2, 3:3 + zeros] = 0
    for fn in (lambda x: x.prod(), lambda x: x.prod(1), lambda x: x.prod(0, True),
               lambda x: x.prod(-1, keepdim=True), lambda x: x.t().prod(0)):
        check(fn, inputs=[a], grad2=True)


def test_prod_float32_with_zero():
    a = np.array([[0.0, 2.0, 3.0], [1.5, -2.0, 0.5]], np.float32)
    check(lambda x: x.prod(), inputs=[a], grad2=True)
    check(lambda x: x.prod(1), inputs=[a], grad2=True)


# ---- max / min / amax / amin / argmax --------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_dim_ties(dim, keepdim):
    a = _ties((4, 5))
    for fn in (lambda x: x.max(dim, keepdim), lambda x: x.min(dim, keepdim=keepdim),
               lambda lib, x: lib.max(x, dim, keepdim),
               lambda lib, x: lib.argmax(x, dim, keepdim), lambda x: x.argmin(dim, keepdim),
               lambda x: x.amax(dim, keepdim), lambda x: x.amin(dim, keepdim)):
        check(fn, inputs=[a], grad2=True)


def test_max_no_dim_ties():
    a = _ties((4, 5))
    for fn in (lambda x: x.max(), lambda x: x.min(), lambda x: x.amax(), lambda x: x.amin(),
               lambda x: x.argmax(), lambda x: x.argmin(), lambda x: x.argmax(keepdim=True),
               lambda x: x.amax((0, 1)), lambda x: x.amin((1, 0), True)):
        check(fn, inputs=[a], grad2=True)


def test_max_return_type():
    def fn(lib, x):
        r = lib.max(x, 1)
        v, i = r
        assert r.values is r[0] and r.indices is r[1]
        return v, i, r.values * 2, r.indices
    check(fn, shapes=[(3, 4)])


def test_return_type_repr():
    import torch

    import ember

    a = np.array([[1.0, 3.0], [4.0, 2.0]], np.float32)
    assert repr(ember.from_numpy(a).max(1)) == repr(torch.from_numpy(a).max(1))
    assert repr(ember.from_numpy(a).sort(0)) == repr(torch.from_numpy(a).sort(0))


def test_max_nan():
    a = np.array([[1.0, NAN, 3.0, NAN], [2.0, 0.0, -1.0, 4.0]], np.float32)
    for fn in (lambda x: x.max(1), lambda x: x.min(1), lambda x: x.max(), lambda x: x.min(),
               lambda x: x.amax(1), lambda x: x.argmax(1), lambda x: x.argmin(1),
               lambda x: x.argmax(), lambda x: x.amax()):
        check(fn, inputs=[a])


def test_max_int_bool():
    check(lambda x: x.max(1), shapes=[(3, 4)], dtype="int64")
    check(lambda x: x.min(), shapes=[(3, 4)], dtype="int32")
    check(lambda x: x.amax(0), shapes=[(3, 4)], dtype="bool")
    check(lambda x: x.max(), shapes=[(3, 4)], dtype="bool")
    check(lambda x: x.argmax(0), shapes=[(3, 4)], dtype="uint8")
    check_raises(lambda x: x.argmax(), shapes=[(3,)], dtype="bool")


def test_max_binary():
    check(lambda lib, x, y: lib.max(x, y), shapes=[(3, 4), (4,)])
    check(lambda lib, x, y: lib.min(x, y), shapes=[(3, 4), (3, 4)])


def test_aminmax():
    check(lambda lib, x: lib.aminmax(x), shapes=[(3, 4)], grad2=True)
    check(lambda lib, x: lib.aminmax(x, dim=1), shapes=[(3, 4)])
    check(lambda lib, x: lib.aminmax(x, dim=0, keepdim=True), inputs=[_ties((3, 4))])
    check(lambda x: x.aminmax(dim=-1).max, shapes=[(3, 4)])


# ---- var / std -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.var(1, unbiased=False), lambda x: x.var(False), lambda x: x.std(True),
    lambda x: x.var(1, True, True), lambda x: x.std(0, correction=0),
    lambda x: x.std((0, 1), correction=2, keepdim=True), lambda x: x.var(correction=3),
    lambda lib, x: lib.var_mean(x, 1), lambda lib, x: lib.std_mean(x, (0, 1), keepdim=True),
    lambda lib, x: lib.std_mean(x, correction=0), lambda lib, x: lib.var_mean(x, 0, False),
])
def test_var_std_variants(fn):
    check(fn, shapes=[(3, 4)], grad2=True)


def test_var_std_degenerate():
    check(lambda x: x.var(), shapes=[(1,)])
    check(lambda x: x.std(1), shapes=[(3, 1)])
    check(lambda x: x.var(correction=2), shapes=[(2,)])
    check(lambda x: x.var(), shapes=[(0,)])
    a = np.ones((2, 3), np.float64)
    check(lambda x: x.std(1), inputs=[a])  # std'(0) is 0, not nan
    check(lambda x: x.var(0), inputs=[a], grad2=True)


# ---- norm / dist -------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 1.5, -1, INF, -INF, 0, "fro", 4.5])
def test_norm_p(p):
    check(lambda x: x.norm(p), shapes=[(3, 4)], grad2=True)
    check(lambda x: x.norm(p, 1), shapes=[(3, 4)], grad2=True)
    check(lambda lib, x: lib.norm(x, p, (0, 1), keepdim=True), shapes=[(3, 4)])


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 1.5, INF, -1, "fro"])
def test_norm_grad_at_zero(p):
    a = np.zeros((2, 3), np.float64)
    a[1] = [0.0, 1.5, -2.0]
    check(lambda x: x.norm(p, 1), inputs=[a])
    check(lambda x: x.norm(p), inputs=[np.zeros((2, 3))])


def test_norm_args():
    check(lambda lib, x: lib.norm(x, dim=1, p=3), shapes=[(2, 3)])
    check(lambda lib, x: lib.norm(x, dtype=lib.float64), shapes=[(2, 3)])
    check(lambda lib, x: lib.norm(x, "fro", (0, 1)), shapes=[(2, 3)])
    check_raises(lambda lib, x: lib.norm(x, "fro", (0, 1, 2)), shapes=[(2, 3, 4)])
    check(lambda x: x.norm(2, -1), inputs=[np.array([[1e20, 1e20]], np.float64)])


def test_dist():
    check(lambda lib, x, y: lib.dist(x, y), shapes=[(3, 4), (4,)], grad2=True)
    check(lambda lib, x, y: lib.dist(x, y, 3), shapes=[(3, 4), (3, 4)], grad2=True)
    check(lambda x, y: x.dist(y, INF), shapes=[(3, 4), (3, 4)])


# ---- logsumexp ---------------------------------------------------------------------------------


def test_logsumexp_stable():
    a = np.array([[1000.0, 1000.0, -1000.0], [-INF, -INF, -INF], [INF, 1.0, 2.0],
                  [-1000.0, -1001.0, -INF]], np.float32)
    check(lambda x: x.logsumexp(1), inputs=[a])
    check(lambda x: x.logsumexp(1, keepdim=True), inputs=[a[[0, 3]]], grad2=True)


def test_logsumexp_int_and_errors():
    check(lambda x: x.logsumexp(0), shapes=[(3,)], dtype="int64")
    check(lambda x: x.logsumexp((0, 1)), shapes=[(2, 3)], grad2=True)
    check_raises(lambda lib, x: lib.logsumexp(x), shapes=[(3,)])


# ---- cumulative --------------------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_cumprod(dim):
    check(lambda x: x.cumsum(dim), shapes=[(3, 4)], grad2=True)
    check(lambda x: x.cumprod(dim), shapes=[(3, 4)], grad2=True)
    check(lambda lib, x: lib.cumsum(x, dim=dim), shapes=[(2, 3, 4)], grad2=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cumprod_grad_with_zeros(seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2, (3, 6))
    a[0, 2] = 0
    a[1, [1, 4]] = 0
    a[2, 0] = 0
    check(lambda x: x.cumprod(1), inputs=[a], grad2=True)
    check(lambda x: x.cumprod(0), inputs=[a.T.copy()[:, :3]], grad2=True)


def test_cumsum_inplace():
    def fn(x):
        y = x * 1
        y.cumsum_(1)
        return y
    check(fn, shapes=[(3, 4)], grad2=True)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin(name):
    check(lambda x: getattr(x, name)(1), inputs=[_ties((4, 6))], grad2=True)
    check(lambda x: getattr(x, name)(0), shapes=[(4, 6)], grad2=True)
    check(lambda x: getattr(x, name)(0), shapes=[()], grad2=True)
    check(lambda x: getattr(x, name)(0), shapes=[(4,)], dtype="int64")
    a = np.array([1.0, NAN, 3.0, NAN, 0.0], np.float32)
    check(lambda x: getattr(x, name)(0), inputs=[a])


# ---- logical ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "uint8"])
@pytest.mark.parametrize("name", ["all", "any", "count_nonzero"])
def test_logical(name, dtype):
    a = np.random.default_rng(0).integers(0, 2, (3, 4)).astype(dtype)
    a[0] = 1
    if dtype == "float32":
        a[1, 1] = NAN
    check(lambda x: getattr(x, name)(), inputs=[a])
    check(lambda x: getattr(x, name)(1), inputs=[a])
    if name != "count_nonzero":
        check(lambda x: getattr(x, name)(0, keepdim=True), inputs=[a])
    check(lambda lib, x: getattr(lib, name)(x, (0, 1)), inputs=[a])


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(), lambda x: x.sum(1), lambda x: x.mean(), lambda x: x.mean(0),
    lambda x: x.prod(), lambda x: x.prod(1), lambda x: x.max(), lambda x: x.max(1)[0],
    lambda x: x.min(), lambda x: x.min(0).values, lambda x: x.amax(1), lambda x: x.amin(),
    lambda x: x.var(1), lambda x: x.std(), lambda x: x.norm(), lambda x: x.norm(1, 0),
    lambda x: x.logsumexp(1), lambda x: x.cumsum(0), lambda x: x.cumprod(1),
    lambda x: x.cummax(0)[0], lambda x: x.cummin(1)[0], lambda x: x.nansum(),
    lambda x: x.nanmean(), lambda x: x.sort()[0], lambda x: x.topk(2)[0],
    lambda x: x.kthvalue(2)[0], lambda x: x.median(), lambda x: x.median(0)[0],
    lambda x: x.nanmedian(), lambda x: x.mode(1)[0],
    lambda x: x.sum(dim=None, keepdim=True), lambda x: x.mean(dim=None, keepdim=True),
    lambda x: x.double().sum(dim=None, keepdim=True), lambda x: x.sum(dim=()),
])
def test_grad_fn_names(fn):
    import torch

    import ember

    a = np.random.default_rng(0).uniform(-1, 1, (3, 4)).astype(np.float32)
    t = fn(torch.from_numpy(a).requires_grad_())
    e = fn(ember.from_numpy(a).requires_grad_())
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


# ---- regressions found by tests/test_fuzz_ops.py ------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda x: x.all(dim=()), lambda x: x.any(dim=[], keepdim=True), lambda x: x.byte().all(dim=()),
])
@pytest.mark.parametrize("shape", [(0,), (2, 3)])
def test_fuzz_all_any_empty_dims_reduce_nothing(fn, shape):
    check(fn, shapes=[shape], grad=False)


@pytest.mark.parametrize("name,kw", [("std", {}), ("var", {"dim": 1}), ("var_mean", {}),
                                     ("std_mean", {"correction": 2})])
def test_var_std_warn_torch_way_when_dof_not_positive(name, kw):
    """torch warns `<name>(): degrees of freedom is <= 0` and returns nan; NumPy's own
    RuntimeWarning must not leak."""
    import warnings

    import torch

    import ember
    shape = (3, 1) if "dim" in kw else (1,) if "correction" not in kw else (2,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e = getattr(ember, name)(ember.ones(shape), **kw)
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        t = getattr(torch, name)(torch.ones(shape), **kw)
    kinds = [(w.category, str(w.message).split(".")[0]) for w in caught]
    assert kinds == [(UserWarning, f"{name}(): degrees of freedom is <= 0")], kinds
    from tests.oracle import assert_same
    assert_same(e, t)
