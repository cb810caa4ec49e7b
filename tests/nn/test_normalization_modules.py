"""Normalization layers (BatchNorm1d/2d/3d, InstanceNorm, LayerNorm, GroupNorm, RMSNorm,
LocalResponseNorm) against torch: outputs, input and parameter grads over several training steps,
running stats, eval mode, repr, state_dict keys, default init and input-rank errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, to_ember, to_numpy

# ---- modules -----------------------------------------------------------------------------------


def _pair(name, *args, **kwargs):
    t = getattr(torch.nn, name)(*args, **kwargs)
    e = getattr(ember.nn, name)(*args, **kwargs)
    e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    return t, e


def _compare_module(t, e, x_np, steps=1):
    """Forward/backward `steps` times; compare outputs, input and parameter grads, and buffers."""
    for _ in range(steps):
        tx = torch.from_numpy(x_np.copy()).requires_grad_(True)
        ex = to_ember(tx, requires_grad=True)
        ty, ey = t(tx), e(ex)
        assert_same(ey, ty)
        up = np.random.default_rng(3).uniform(-1, 1, tuple(ty.shape)).astype(x_np.dtype)
        ty.backward(torch.from_numpy(up))
        ey.backward(ember.from_numpy(up))
        assert_same(ex.grad, tx.grad, slack=4.0, where="input grad")
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters()):
        assert tn == en
        assert_same(ep.grad, tp.grad, slack=4.0, where=f"{tn}.grad")
    tb, eb = dict(t.named_buffers()), dict(e.named_buffers())
    assert list(tb) == list(eb)
    for k, v in tb.items():
        assert_same(eb[k], v, where=k)


def _x(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (4, 3)), ("BatchNorm1d", (4, 3, 5)),
                                        ("BatchNorm2d", (2, 3, 4, 4)),
                                        ("BatchNorm3d", (2, 3, 2, 3, 2))])
def test_batchnorm_module_train_then_eval(name, shape):
    t, e = _pair(name, 3)
    _compare_module(t, e, _x(shape), steps=3)
    t.eval()
    e.eval()
    _compare_module(t, e, _x(shape, seed=1))


@pytest.mark.parametrize("kwargs", [{"momentum": None}, {"affine": False},
                                    {"track_running_stats": False}, {"eps": 1e-3, "momentum": 0.3}])
def test_batchnorm_module_options(kwargs):
    t, e = _pair("BatchNorm1d", 3, **kwargs)
    _compare_module(t, e, _x((5, 3)), steps=3)
    t.eval()
    e.eval()
    _compare_module(t, e, _x((5, 3), seed=2))


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
    t, e = _pair("BatchNorm2d", 3)
    _compare_module(t, e, _x((2, 3, 2, 2)), steps=2)
    assert e.num_batches_tracked.dtype == ember.int64 and e.num_batches_tracked.dim() == 0
    assert int(e.num_batches_tracked) == int(t.num_batches_tracked) == 2


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (2, 3, 4, 4)), ("BatchNorm2d", (2, 3, 4)),
                                        ("BatchNorm3d", (2, 3, 4, 4)), ("BatchNorm1d", (3,))])
def test_batchnorm_module_rank_error(name, shape):
    t, e = _pair(name, 3)
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
    t, e = _pair("LayerNorm", *args, **kwargs)
    with torch.no_grad():
        for p in t.parameters():
            p.uniform_(-1, 1)
    e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    _compare_module(t, e, _x(shape))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("args,kwargs,shape", [
    ((2, 4), {}, (3, 4, 5)), ((1, 3), {"affine": False}, (2, 3)), ((3, 6), {"eps": 1e-3},
                                                                    (2, 6, 2, 2))])
def test_groupnorm_module(args, kwargs, shape):
    t, e = _pair("GroupNorm", *args, **kwargs)
    _compare_module(t, e, _x(shape))
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
    t, e = _pair("RMSNorm", *args, **kwargs)
    _compare_module(t, e, _x((3, 5)))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("name,kwargs,shape", [
    ("InstanceNorm1d", {}, (2, 3, 5)), ("InstanceNorm1d", {}, (3, 5)),
    ("InstanceNorm2d", {"affine": True}, (2, 3, 4, 4)),
    ("InstanceNorm2d", {"track_running_stats": True}, (2, 3, 4, 4)),
    ("InstanceNorm1d", {"affine": True, "track_running_stats": True, "momentum": 0.5}, (2, 3, 5))])
def test_instancenorm_module(name, kwargs, shape):
    t, e = _pair(name, 3, **kwargs)
    _compare_module(t, e, _x(shape), steps=2)
    t.eval()
    e.eval()
    _compare_module(t, e, _x(shape, seed=1))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_local_response_norm_module():
    t, e = _pair("LocalResponseNorm", 3, alpha=0.01)
    _compare_module(t, e, _x((2, 5, 3)))
    assert repr(e) == repr(t)


def test_batchnorm_default_init_matches_torch():
    torch.manual_seed(0)
    ember.manual_seed(0)
    t, e = torch.nn.BatchNorm2d(4), ember.nn.BatchNorm2d(4)
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(to_numpy(e.state_dict()[k]), to_numpy(v))


def test_instancenorm_module_feature_mismatch():
    t, e = _pair("InstanceNorm1d", 4, affine=True)
    with pytest.raises(ValueError) as te:
        t(torch.zeros(2, 3, 5))
    with pytest.raises(ValueError) as ee:
        e(ember.zeros(2, 3, 5))
    assert str(ee.value) == str(te.value)
