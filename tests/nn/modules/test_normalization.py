"""Normalization layers (BatchNorm1d/2d/3d, InstanceNorm, LayerNorm, GroupNorm, RMSNorm,
LocalResponseNorm) against torch: outputs, input and parameter grads over several training steps,
running stats, eval mode, repr, state_dict keys, default init and input-rank errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import (
    assert_same,
    check_module,
    compare_module,
    module_pair,
    to_ember,
    to_numpy,
)

# ---- modules -----------------------------------------------------------------------------------


def _x(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (4, 3)), ("BatchNorm1d", (4, 3, 5)),
                                        ("BatchNorm2d", (2, 3, 4, 4)),
                                        ("BatchNorm3d", (2, 3, 2, 3, 2))])
def test_batchnorm_module_train_then_eval(name, shape):
    t, e = module_pair(name, 3)
    for _ in range(3):
        compare_module(t, e, [_x(shape)])
    t.eval()
    e.eval()
    compare_module(t, e, [_x(shape, seed=1)])


@pytest.mark.parametrize("kwargs", [{"momentum": None}, {"affine": False},
                                    {"track_running_stats": False}, {"eps": 1e-3, "momentum": 0.3}])
def test_batchnorm_module_options(kwargs):
    t, e = module_pair("BatchNorm1d", 3, **kwargs)
    for _ in range(3):
        compare_module(t, e, [_x((5, 3))])
    t.eval()
    e.eval()
    compare_module(t, e, [_x((5, 3), seed=2)])


def test_batchnorm_module_state_and_repr():
    for args in [(3,), (4,)]:
        for kw in [{}, {"affine": False, "track_running_stats": False, "momentum": None}]:
            for name in ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]:
                t = getattr(torch.nn, name)(*args, **kw)
                e = getattr(ember.nn, name)(*args, **kw)
                assert repr(e) == repr(t)
                assert list(e.state_dict()) == list(t.state_dict())
                for k, v in t.state_dict().items():
                    assert_same(e.state_dict()[k], v, where=k)


def test_batchnorm_num_batches_tracked():
    t, e = module_pair("BatchNorm2d", 3)
    for _ in range(2):
        compare_module(t, e, [_x((2, 3, 2, 2))])
    assert e.num_batches_tracked.dtype == ember.int64 and e.num_batches_tracked.dim() == 0
    assert int(e.num_batches_tracked) == int(t.num_batches_tracked) == 2


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (2, 3, 4, 4)), ("BatchNorm2d", (2, 3, 4)),
                                        ("BatchNorm3d", (2, 3, 4, 4)), ("BatchNorm1d", (3,))])
def test_batchnorm_module_rank_error(name, shape):
    t, e = module_pair(name, 3)
    with pytest.raises(ValueError) as te:
        t(torch.zeros(shape))
    with pytest.raises(ValueError) as ee:
        e(ember.zeros(shape))
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("args,kwargs,shape", [
    (((5,),), {}, (3, 5)), ((5,), {}, (2, 3, 5)), (((3, 5),), {"eps": 1e-3}, (2, 3, 5)),
    ((5,), {"elementwise_affine": False}, (3, 5)), ((5,), {"bias": False}, (3, 5)),
])
def test_layernorm_module(args, kwargs, shape):
    t, e = module_pair("LayerNorm", *args, **kwargs)
    with torch.no_grad():
        for p in t.parameters():
            p.uniform_(-1, 1)
    e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    compare_module(t, e, [_x(shape)])
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("args,kwargs,shape", [
    ((2, 4), {}, (3, 4, 5)), ((1, 3), {"affine": False}, (2, 3)), ((3, 6), {"eps": 1e-3},
                                                                    (2, 6, 2, 2))])
def test_groupnorm_module(args, kwargs, shape):
    t, e = module_pair("GroupNorm", *args, **kwargs)
    compare_module(t, e, [_x(shape)])
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_groupnorm_module_bad_groups():
    with pytest.raises(ValueError) as te:
        torch.nn.GroupNorm(2, 3)
    with pytest.raises(ValueError) as ee:
        ember.nn.GroupNorm(2, 3)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("args,kwargs", [((5,), {}), ([5], {"eps": 1e-3}),
                                         ((5,), {"elementwise_affine": False})])
def test_rmsnorm_module(args, kwargs):
    t, e = module_pair("RMSNorm", *args, **kwargs)
    compare_module(t, e, [_x((3, 5))])
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("name,kwargs,shape", [
    ("InstanceNorm1d", {}, (2, 3, 5)), ("InstanceNorm1d", {}, (3, 5)),
    ("InstanceNorm2d", {"affine": True}, (2, 3, 4, 4)),
    ("InstanceNorm2d", {"track_running_stats": True}, (2, 3, 4, 4)),
    ("InstanceNorm1d", {"affine": True, "track_running_stats": True, "momentum": 0.5}, (2, 3, 5))])
def test_instancenorm_module(name, kwargs, shape):
    t, e = module_pair(name, 3, **kwargs)
    for _ in range(2):
        compare_module(t, e, [_x(shape)])
    t.eval()
    e.eval()
    compare_module(t, e, [_x(shape, seed=1)])
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_local_response_norm_module():
    t, e = module_pair("LocalResponseNorm", 3, alpha=0.01)
    compare_module(t, e, [_x((2, 5, 3))])
    assert repr(e) == repr(t)


def test_batchnorm_default_init_matches_torch():
    torch.manual_seed(0)
    ember.manual_seed(0)
    t, e = torch.nn.BatchNorm2d(4), ember.nn.BatchNorm2d(4)
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(to_numpy(e.state_dict()[k]), to_numpy(v))


def test_instancenorm_module_feature_mismatch():
    t, e = module_pair("InstanceNorm1d", 4, affine=True)
    with pytest.raises(ValueError) as te:
        t(torch.zeros(2, 3, 5))
    with pytest.raises(ValueError) as ee:
        e(ember.zeros(2, 3, 5))
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("size", [2, 3, 5, 9])
def test_cross_map_lrn2d_legacy_forward_and_backward(size):
    x = np.random.default_rng(size).normal(size=(2, 7, 3, 3))  # float64: no parameters to cast
    check_module("CrossMapLRN2d", (size, 0.5, 0.75, 1.5), inputs=[x])
    assert repr(ember.nn.CrossMapLRN2d(3)) == "CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)"
