"""Flat group state (ember/optim/_flat.py): bit-identical to the per-tensor path, torch's
trajectories and state_dict layout when every parameter has a gradient every step, and the
state kept right across torch checkpoints, replaced state tensors and skipped gradients."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.optim._flat as flat_module
import ember.optim.optimizer as optimizer_module
from tests.oracle import to_numpy

from .test_optimizers import _ember_sd_to_torch, assert_close, assert_same_state

# large parameters (updated in place), runs of small ones (packed), a 0-d one
SHAPES = [(3, 4), (5,), (130, 140), (7,), (2, 3, 2), (), (20000,), (6,), (4, 1), (3,), (2, 2),
          (9,)]

ELEMENTWISE = [
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01,
             "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.5}),
    ("Adadelta", {"lr": 0.5, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.01, "maximize": True}),
]


def _id(case):
    return case[0] + str(sorted(case[1].items()))


def _params(lib, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.uniform(-1.5, 1.5, s), dtype=getattr(lib, dtype), requires_grad=True)
            for s in SHAPES]


def _grads(lib, ps, i, skip=()):
    """Gradients of sum(c/2 (p - 1)^2 + 0.3 sin(3p)); parameters in `skip` get none."""
    for k, p in enumerate(ps):
        if k in skip:
            p.grad = None
            continue
        a = to_numpy(p)
        p.grad = lib.tensor((1.0 + 0.5 * k) * (a - 1.0) + 0.9 * np.cos(3.0 * a), dtype=p.dtype)


def _run(lib, name, kwargs, dtype, steps, ps=None, opt=None, skip=lambda i: ()):
    ps = _params(lib, dtype) if ps is None else ps
    opt = getattr(lib.optim, name)(ps, **kwargs) if opt is None else opt
    for i in range(steps):
        _grads(lib, ps, i, skip(i))
        opt.step()
    return opt, ps


def _flat_plans(opt):
    return [p for p in opt.__dict__.get("_flat_plans", {}).values()
            if isinstance(p, flat_module._Plan)]


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("name,kwargs", ELEMENTWISE, ids=[_id(c) for c in ELEMENTWISE])
def test_flat_bitwise_equals_per_tensor(monkeypatch, name, kwargs, threads):
    """float32: the flat path (serial or on worker threads) changes no bit of params or state."""
    monkeypatch.setattr(optimizer_module, "get_num_threads", lambda: threads)
    monkeypatch.setattr(optimizer_module, "_PARALLEL_MIN_NUMEL", 0)
    flat_opt, flat_ps = _run(ember, name, kwargs, "float32", 6)
    assert _flat_plans(flat_opt)
    monkeypatch.setattr(type(flat_opt), "_flat_state", lambda self, group: False)
    ref_opt, ref_ps = _run(ember, name, kwargs, "float32", 6)
    assert not _flat_plans(ref_opt)
    for a, b in zip(flat_ps, ref_ps):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    flat_sd, ref_sd = flat_opt.state_dict(), ref_opt.state_dict()
    assert list(flat_sd["state"]) == list(ref_sd["state"])
    for k, ref in ref_sd["state"].items():
        assert list(flat_sd["state"][k]) == list(ref)
        for key, value in ref.items():
            assert flat_sd["state"][k][key].dtype == value.dtype
            np.testing.assert_array_equal(to_numpy(flat_sd["state"][k][key]), to_numpy(value))


@pytest.mark.parametrize("name,kwargs", ELEMENTWISE, ids=[_id(c) for c in ELEMENTWISE])
def test_flat_matches_torch(name, kwargs):
    """Every parameter has a gradient every step (the flat path throughout): torch's values
    and state_dict."""
    t_opt, t_ps = _run(torch, name, kwargs, "float64", 12)
    e_opt, e_ps = _run(ember, name, kwargs, "float64", 12)
    assert _flat_plans(e_opt)
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        assert_close(to_numpy(e), to_numpy(t), "float64", f"param {k}")
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "float64")


def test_state_is_views_of_one_buffer_per_kind():
    ps = _params(ember, "float32")
    opt = ember.optim.Adam(ps, lr=0.01)
    _run(ember, "Adam", {}, "float32", 2, ps, opt)
    for key in ("exp_avg", "exp_avg_sq", "step"):
        bases = {id(opt.state[p][key]._data.base) for p in ps}
        assert len(bases) == 1 and None not in bases, key
        assert all(opt.state[p][key].shape == p.shape or key == "step" for p in ps)


def test_torch_checkpoint_into_flat_state():
    """torch's state_dict (in memory and as ember tensors) loaded, then flat steps: as torch."""
    name, kwargs = "Adam", {"lr": 0.05, "amsgrad": True}
    t_opt, t_ps = _run(torch, name, kwargs, "float64", 4)
    e_ps = [ember.tensor(to_numpy(p), requires_grad=True) for p in t_ps]
    e_opt = ember.optim.Adam(e_ps, **kwargs)
    _run(ember, name, kwargs, "float64", 1, e_ps, e_opt)  # a flat plan exists, then goes stale
    for p, t in zip(e_ps, t_ps):
        p.data = ember.tensor(to_numpy(t))
    e_opt.load_state_dict(t_opt.state_dict())
    _run(torch, name, kwargs, "float64", 5, t_ps, t_opt)
    _run(ember, name, kwargs, "float64", 5, e_ps, e_opt)
    assert _flat_plans(e_opt)
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        assert_close(to_numpy(e), to_numpy(t), "float64", f"param {k}")
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "float64")


def test_flat_checkpoint_file_into_torch(tmp_path):
    """ember.save of flat state (views sharing storages) loads in torch and continues as torch."""
    name, kwargs = "SGD", {"lr": 0.05, "momentum": 0.9}
    e_opt, e_ps = _run(ember, name, kwargs, "float64", 3)
    ember.save(e_opt.state_dict(), tmp_path / "opt.pt")
    t_ps = [torch.tensor(to_numpy(p), requires_grad=True) for p in e_ps]
    t_opt = torch.optim.SGD(t_ps, **kwargs)
    t_opt.load_state_dict(torch.load(tmp_path / "opt.pt"))
    _run(torch, name, kwargs, "float64", 4, t_ps, t_opt)
    _run(ember, name, kwargs, "float64", 4, e_ps, e_opt)
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        assert_close(to_numpy(e), to_numpy(t), "float64", f"param {k}")
    assert_same_state(_ember_sd_to_torch(e_opt.state_dict()), t_opt.state_dict(), "float64")


@pytest.mark.parametrize("lib_state", ["replace", "inplace"])
def test_user_edits_to_state(lib_state):
    """A state tensor replaced by the user, or edited in place, is what the next step uses."""
    results = []
    for lib in (torch, ember):
        opt, ps = _run(lib, "Adam", {"lr": 0.05}, "float64", 2)
        if lib_state == "replace":
            opt.state[ps[2]]["exp_avg"] = lib.full_like(ps[2], 0.25).detach()
        else:
            opt.state[ps[1]]["exp_avg_sq"].mul_(3.0)
        _run(lib, "Adam", {}, "float64", 3, ps, opt)
        results.append((ps, opt.state_dict()))
    (t_ps, t_sd), (e_ps, e_sd) = results
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        assert_close(to_numpy(e), to_numpy(t), "float64", f"param {k}")
    assert_same_state(e_sd, t_sd, "float64")


def test_skipped_gradients_then_all_again():
    """A parameter without gradient for some steps (the per-tensor path, unequal step counts),
    then every parameter again, and a new parameter group: torch's trajectory."""
    skip = {1: (2,), 2: (2, 5)}.get
    out = []
    for lib in (torch, ember):
        opt, ps = _run(lib, "Adam", {"lr": 0.05}, "float64", 5, skip=lambda i: skip(i, ()))
        extra = lib.tensor(np.linspace(-1, 1, 9), requires_grad=True)
        opt.add_param_group({"params": [extra], "lr": 0.01})
        extra.grad = lib.ones_like(extra)
        opt.step()
        out.append((ps + [extra], opt.state_dict()))
    (t_ps, t_sd), (e_ps, e_sd) = out
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        assert_close(to_numpy(e), to_numpy(t), "float64", f"param {k}")
    assert_same_state(e_sd, t_sd, "float64")


def test_few_small_parameters_take_the_per_tensor_path():
    """A group with fewer than _PACK_MIN_COUNT small tensors (a small MLP) is not packed."""
    ps = [ember.zeros(300, 200, requires_grad=True), ember.zeros(200, requires_grad=True)]
    opt = ember.optim.Adam(ps)
    for _ in range(2):
        for p in ps:
            p.grad = ember.ones_like(p)
        opt.step()
    assert not _flat_plans(opt)
    assert opt.state[ps[0]]["exp_avg"]._data.base is None


@pytest.mark.parametrize("name,kwargs", [c for c in ELEMENTWISE if c[0] in ("SGD", "Adam")],
                         ids=[_id(c) for c in ELEMENTWISE if c[0] in ("SGD", "Adam")])
def test_cache_sized_chunks_bitwise(monkeypatch, name, kwargs):
    """SGD's and Adam's chunk-by-chunk passes (forced on every parameter, in 5-element chunks)
    change no bit."""
    import ember.optim.adam as adam_module
    import ember.optim.sgd as sgd_module

    ref_opt, ref_ps = _run(ember, name, kwargs, "float32", 4)
    monkeypatch.setattr(sgd_module, "_SCRATCH_FROM", 0)
    monkeypatch.setattr(sgd_module, "_CHUNK", 5)
    monkeypatch.setattr(adam_module, "_CHUNK", 5)
    opt, ps = _run(ember, name, kwargs, "float32", 4)
    for a, b in zip(ps, ref_ps):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    for k, ref in ref_opt.state_dict()["state"].items():
        for key, value in ref.items():
            np.testing.assert_array_equal(to_numpy(opt.state_dict()["state"][k][key]),
                                          to_numpy(value))
