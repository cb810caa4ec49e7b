"""optim.swa_utils against torch: AveragedModel (SWA default, avg_fn, multi_avg_fn, EMA,
use_buffers), update_bn, SWALR's anneal strategies, and their errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import to_numpy


def _model(lib, dtype="float32"):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    rng = np.random.default_rng(0)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.uniform(-1, 1, tuple(p.shape))))
    return model.to(getattr(lib, dtype))


def _batches(lib, dtype, n=4):
    rng = np.random.default_rng(1)
    return [lib.tensor(rng.standard_normal((5, 3)), dtype=getattr(lib, dtype)) for _ in range(n)]


def _train_and_average(lib, make_avg, dtype="float32"):
    model = _model(lib, dtype)
    avg = make_avg(lib, model)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    for x in _batches(lib, dtype):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
        avg.update_parameters(model)
    return avg


def _compare_state(e_sd, t_sd, rtol=2e-6):
    assert list(e_sd) == list(t_sd)
    for k in t_sd:
        assert str(e_sd[k].dtype) == str(t_sd[k].dtype), k
        np.testing.assert_allclose(to_numpy(e_sd[k]), to_numpy(t_sd[k]), rtol=rtol, atol=1e-7,
                                   err_msg=k)


AVERAGING = {
    "swa": lambda lib, m: lib.optim.swa_utils.AveragedModel(m),
    "swa_buffers": lambda lib, m: lib.optim.swa_utils.AveragedModel(m, use_buffers=True),
    "ema_multi": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.9), use_buffers=True),
    "swa_multi": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_swa_multi_avg_fn()),
    "ema_avg_fn": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lib.optim.swa_utils.get_ema_avg_fn(0.8)),
    "swa_avg_fn": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lib.optim.swa_utils.get_swa_avg_fn(), use_buffers=True),
    "custom": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lambda a, c, n: 0.25 * a + 0.75 * c),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", list(AVERAGING))
def test_averaged_model(kind, dtype):
    t_avg = _train_and_average(torch, AVERAGING[kind], dtype)
    e_avg = _train_and_average(ember, AVERAGING[kind], dtype)
    _compare_state(e_avg.state_dict(), t_avg.state_dict())
    assert repr(e_avg) == repr(t_avg)
    x = _batches(torch, dtype, 1)[0]
    t_avg.eval()
    e_avg.eval()
    np.testing.assert_allclose(to_numpy(e_avg(ember.tensor(x.numpy()))), to_numpy(t_avg(x)),
                               rtol=1e-5, atol=1e-6)


def test_averaged_model_errors():
    for lib in (torch, ember):
        swa = lib.optim.swa_utils
        with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
            swa.AveragedModel(_model(lib), avg_fn=swa.get_swa_avg_fn(),
                              multi_avg_fn=swa.get_swa_multi_avg_fn())
        for fn in (swa.get_ema_avg_fn, swa.get_ema_multi_avg_fn):
            with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided. Please "
                                                 r"provide a value in \[0,1\] range."):
                fn(1.5)


def test_swa_multi_avg_fn_tensor_count_float64():
    """A tensor count gives a float32 weight 1/(n+1), used as such on float64 parameters."""
    out = []
    for lib in (torch, ember):
        a = [lib.tensor([0.1, 0.7, 1.3], dtype=lib.float64)]
        lib.optim.swa_utils.get_swa_multi_avg_fn()(a, [lib.tensor([1.0, 2.0, 3.3],
                                                                   dtype=lib.float64)],
                                                   lib.tensor(2))
        out.append(to_numpy(a[0]))
    np.testing.assert_allclose(out[1], out[0], rtol=1e-14, atol=0)  # a float64 1/3: 1e-8 off


@pytest.mark.parametrize("tuples", [False, True])
def test_update_bn(tuples):
    out = []
    for lib in (torch, ember):
        model = _model(lib)
        model.eval()
        model[1].momentum = 0.3
        loader = _batches(lib, "float32", 3)
        if tuples:
            loader = [(x, lib.zeros(5)) for x in loader]
        lib.optim.swa_utils.update_bn(loader, model)
        assert not model.training and model[1].momentum == 0.3
        out.append(model.state_dict())
    _compare_state(out[1], out[0], rtol=1e-5)


def test_update_bn_without_batchnorm_is_a_no_op():
    model = ember.nn.Linear(2, 2)
    ember.optim.swa_utils.update_bn([ember.ones(1, 2)], model)


def _lrs(lib, kwargs, steps=7, groups=1):
    params = [{"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5 + i} for i in range(groups)]
    opt = lib.optim.SGD(params, lr=1.0)
    sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
    lrs = [sched.get_last_lr()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(steps):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
    return lrs, sched


@pytest.mark.parametrize("kwargs", [
    {"swa_lr": 0.05}, {"swa_lr": 0.05, "anneal_strategy": "linear", "anneal_epochs": 3},
    {"swa_lr": 0.05, "anneal_epochs": 0}, {"swa_lr": [0.05, 0.2], "anneal_epochs": 4},
    {"swa_lr": 0.01, "anneal_strategy": "linear", "anneal_epochs": 1},
], ids=str)
def test_swalr(kwargs):
    groups = 2 if isinstance(kwargs["swa_lr"], list) else 1
    t_lrs, t_sched = _lrs(torch, kwargs, groups=groups)
    e_lrs, e_sched = _lrs(ember, kwargs, groups=groups)
    np.testing.assert_allclose(e_lrs, t_lrs, rtol=1e-12, atol=1e-15)
    e_sd, t_sd = e_sched.state_dict(), t_sched.state_dict()
    assert sorted(e_sd) == sorted(t_sd)
    fresh = _lrs(ember, {**kwargs, "anneal_strategy": "cos"}, steps=0, groups=groups)[1]
    fresh.load_state_dict(e_sd)
    linear = kwargs.get("anneal_strategy") == "linear"
    assert fresh.anneal_func is (fresh._linear_anneal if linear else fresh._cosine_anneal)
    assert fresh.get_last_lr() == e_sched.get_last_lr()


@pytest.mark.parametrize("kwargs", [{"anneal_strategy": "exp"}, {"anneal_epochs": -1},
                                    {"anneal_epochs": 2.0}, {"swa_lr": [0.1, 0.2]}], ids=str)
def test_swalr_errors(kwargs):
    caught = []
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        with pytest.raises(ValueError) as info:
            lib.optim.swa_utils.SWALR(opt, **{"swa_lr": 0.1, **kwargs})
        caught.append(str(info.value))
    assert caught[0] == caught[1]
