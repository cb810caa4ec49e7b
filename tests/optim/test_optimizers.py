"""Every optimizer against torch.optim: 50+ steps of a fixed loss on a small parameter list, the
parameters compared every few steps, then the state_dict; torch's state_dict loaded into ember
(and back) continues on the same trajectory."""
from __future__ import annotations

import math
from copy import deepcopy

import numpy as np
import pytest
import torch

import ember
from tests.oracle import to_numpy

SHAPES = [(3, 4), (5,), (2, 3, 2), ()]
TOL = {"float64": (1e-9, 1e-11), "float32": (2e-4, 2e-5),
       "lbfgs": (1e-5, 1e-8), "tensor_betas": (1e-6, 1e-8),
       "layout": (0.0, np.finfo(np.float64).max)}  # "layout": structure and exact ints only


def _params(lib, dtype: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.uniform(-1.5, 1.5, s), dtype=getattr(lib, dtype), requires_grad=True)
            for s in SHAPES]


def _loss_and_grad(a: np.ndarray, k: int):
    """The fixed loss sum(c/2 (p - 1)^2 + 0.3 sin(3p)) of parameter k and its gradient."""
    c = 1.0 + 0.5 * k
    loss = float(np.sum(0.5 * c * (a - 1.0) ** 2 + 0.3 * np.sin(3.0 * a)))
    return loss, c * (a - 1.0) + 0.9 * np.cos(3.0 * a)


def _set_grads(lib, ps, i: int) -> float:
    """Fresh gradients from each framework's own parameters; the 0-d one skips odd steps."""
    total = 0.0
    for k, p in enumerate(ps):
        if k == 3 and i % 2:
            p.grad = None
            continue
        loss, g = _loss_and_grad(to_numpy(p), k)
        total += loss
        p.grad = lib.tensor(g, dtype=p.dtype)
    return total


def _build(lib, name, kwargs, ps, groups):
    kw = kwargs(lib) if callable(kwargs) else dict(kwargs)
    params = ps
    if groups:
        params = [{"params": ps[:2]}, {"params": ps[2:], **groups}]
    return getattr(lib.optim, name)(params, **kw)


def _run(lib, name, kwargs, dtype, steps, groups=None, every=5):
    ps = _params(lib, dtype)
    opt = _build(lib, name, kwargs, ps, groups)
    snaps = []
    for i in range(steps):
        _set_grads(lib, ps, i)
        opt.step()
        if i % every == every - 1:
            snaps.append([to_numpy(p) for p in ps])
    return opt, ps, snaps


def assert_close(e, t, dtype, where):
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=where)


def assert_same_state(e, t, dtype, where="state_dict"):
    """Same nesting, keys in the same order, value types, tensor dtypes/shapes and values."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, (ember.Tensor, torch.Tensor)), f"{where}: {type(e).__name__}"
        assert str(e.dtype) == str(t.dtype), f"{where}: dtype"
        assert tuple(e.shape) == tuple(t.shape), f"{where}: shape"
        assert_close(to_numpy(e), to_numpy(t), dtype, where)
    elif isinstance(t, dict):
        assert list(e.keys()) == list(t.keys()), f"{where}: keys {list(e)} != {list(t)}"
        for k in t:
            assert_same_state(e[k], t[k], dtype, f"{where}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t), f"{where}: {e!r} != {t!r}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_same_state(a, b, dtype, f"{where}[{i}]")
    elif isinstance(t, float) and isinstance(e, float):
        rtol, atol = TOL[dtype]
        assert math.isclose(e, t, rel_tol=rtol, abs_tol=atol), f"{where}: {e} != {t}"
    else:
        assert type(e) is type(t) and e == t, f"{where}: {e!r} != {t!r}"


def compare(name, kwargs, dtype="float64", steps=50, groups=None, tol=None):
    t_opt, _, t_snaps = _run(torch, name, kwargs, dtype, steps, groups)
    e_opt, _, e_snaps = _run(ember, name, kwargs, dtype, steps, groups)
    for n, (es, ts) in enumerate(zip(e_snaps, t_snaps)):
        for k, (e, t) in enumerate(zip(es, ts)):
            assert_close(e, t, tol or dtype, f"param {k} after step {5 * (n + 1)}")
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), tol or dtype)
    assert repr(e_opt) == repr(t_opt)
    return e_opt, t_opt


def _tensor_lr(lr):
    return lambda lib: {"lr": lib.tensor(lr)}


CASES = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.02, "momentum": 0.5, "maximize": True}),
    ("SGD", _tensor_lr(0.03)),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.03, "betas": (0.8, 0.95), "eps": 1e-6, "maximize": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", _tensor_lr(0.04)),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.3, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "betas": (0.9, 0.9)}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "eps": 1e-6, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 0.5, "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 10, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.05, "t0": 5, "maximize": True}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.02, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.1)}),
    ("Rprop", {"lr": 0.01, "maximize": True}),
    *[(name, _tensor_lr(lr)) for name, lr in [
        ("AdamW", 0.05), ("Adamax", 0.05), ("NAdam", 0.05), ("RAdam", 0.05), ("RMSprop", 0.01),
        ("Adagrad", 0.1), ("Adadelta", 0.5), ("ASGD", 0.05), ("Rprop", 0.01)]],
]


def _id(case):
    name, kw = case
    return name + ("(tensors)" if callable(kw) else str(sorted(kw.items())))


def test_lbfgs_param_without_grad():
    results = []
    for lib in (torch, ember):
        x = lib.tensor(np.linspace(-1.2, 1.0, 6), requires_grad=True)
        unused = lib.ones(3, dtype=lib.float64, requires_grad=True)
        opt = lib.optim.LBFGS([x, unused], line_search_fn="strong_wolfe")
        closure = _quadratic_closure(lib, x, opt)
        opt.step(closure)
        results.append((to_numpy(x), to_numpy(unused), opt.state_dict()))
    (t_x, t_u, t_sd), (e_x, e_u, e_sd) = results
    assert_close(e_x, t_x, "lbfgs", "x")
    np.testing.assert_array_equal(e_u, t_u)
    assert_same_state(e_sd, t_sd, "lbfgs")


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_id(c) for c in CASES])
def test_trajectory_float64(name, kwargs):
    compare(name, kwargs, "float64", steps=60)


@pytest.mark.parametrize("name,kwargs", [
    ("Adam", lambda lib: {"lr": 0.05, "betas": (lib.tensor(0.9), lib.tensor(0.99))}),
    ("AdamW", lambda lib: {"lr": lib.tensor(0.05), "betas": (lib.tensor([0.8]), lib.tensor(0.9)),
                           "amsgrad": True}),
    ("RAdam", lambda lib: {"lr": 0.05, "betas": (lib.tensor(0.9), lib.tensor(0.99))}),
])
def test_tensor_betas(name, kwargs):
    """float32 0-d betas: PyTorch's float32 pow (SLEEF, 1 ulp) sets the agreement, not float64."""
    compare(name, kwargs, "float64", steps=50, tol="tensor_betas")


FLOAT32 = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta",
           "ASGD"]


@pytest.mark.parametrize("name", FLOAT32)
def test_trajectory_float32(name):
    kw = {"lr": 0.01} if name != "Adadelta" else {}
    if name == "SGD":
        kw["momentum"] = 0.9
    compare(name, kw, "float32", steps=50)


@pytest.mark.parametrize("name,kwargs,group", [
    ("SGD", {"lr": 0.05, "momentum": 0.9}, {"lr": 0.01, "nesterov": True}),
    ("Adam", {"lr": 0.05}, {"lr": 0.01, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}, {"centered": True, "momentum": 0.3}),
    ("Rprop", {"lr": 0.01}, {"lr": 0.05}),
])
def test_param_groups(name, kwargs, group):
    compare(name, kwargs, "float64", steps=50, groups=group)


def _torch_sd_to_ember(sd):
    if isinstance(sd, torch.Tensor):
        return ember.from_numpy(sd.detach().numpy().copy())
    if isinstance(sd, dict):
        return {k: _torch_sd_to_ember(v) for k, v in sd.items()}
    if isinstance(sd, list):
        return [_torch_sd_to_ember(v) for v in sd]
    return sd


def _ember_sd_to_torch(sd):
    if isinstance(sd, ember.Tensor):
        return torch.from_numpy(sd.numpy().copy())
    if isinstance(sd, dict):
        return {k: _ember_sd_to_torch(v) for k, v in sd.items()}
    if isinstance(sd, list):
        return [_ember_sd_to_torch(v) for v in sd]
    return sd


RESUME = [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.05, "amsgrad": True}),
          ("AdamW", {"lr": 0.05}), ("Adamax", {"lr": 0.05}), ("NAdam", {"lr": 0.05}),
          ("RAdam", {"lr": 0.05}), ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
          ("Adagrad", {"lr": 0.1}), ("Adadelta", {}), ("ASGD", {"lr": 0.05, "t0": 5}),
          ("Rprop", {"lr": 0.01})]


def _resume(src, dst, convert, name, kwargs):
    """20 steps in `src`, its state_dict loaded into a fresh `dst` optimizer, 30 more there."""
    s_ps = _params(src, "float64")
    s_opt = getattr(src.optim, name)(s_ps, **kwargs)
    for i in range(20):
        _set_grads(src, s_ps, i)
        s_opt.step()
    d_ps = [dst.tensor(to_numpy(p), requires_grad=True) for p in s_ps]
    d_opt = getattr(dst.optim, name)(d_ps, **kwargs)
    d_opt.load_state_dict(convert(s_opt.state_dict()))
    for i in range(20, 50):
        _set_grads(dst, d_ps, i)
        d_opt.step()
    return d_opt, d_ps


@pytest.mark.parametrize("name,kwargs", RESUME, ids=[n for n, _ in RESUME])
@pytest.mark.parametrize("direction", ["torch_to_ember", "ember_to_torch", "torch_in_memory"])
def test_resume_across_frameworks(name, kwargs, direction):
    """A checkpoint crosses frameworks and training follows torch's own save/load/continue;
    `torch_in_memory` hands torch's state_dict (torch tensors) to ember's load_state_dict."""
    ref_opt, ref_ps = _resume(torch, torch, lambda sd: sd, name, kwargs)
    if direction == "torch_to_ember":
        d_opt, d_ps = _resume(torch, ember, _torch_sd_to_ember, name, kwargs)
    elif direction == "torch_in_memory":
        d_opt, d_ps = _resume(torch, ember, lambda sd: sd, name, kwargs)
    else:
        d_opt, d_ps = _resume(ember, torch, _ember_sd_to_torch, name, kwargs)
    for k, (d, r) in enumerate(zip(d_ps, ref_ps)):
        assert_close(to_numpy(d), to_numpy(r), "float64", f"param {k}")
    assert_same_state(d_opt.state_dict(), ref_opt.state_dict(), "float64")


def test_load_torch_state_dict_in_memory_copies():
    """Tensor lr and betas, and state, from torch's live state_dict: ember continues as torch
    does, and torch's optimizer is left untouched (ember copies, never aliases)."""
    kwargs = {"lr": 0.05, "betas": (0.8, 0.9), "amsgrad": True}
    t_ps = _params(torch, "float64")
    t_opt = torch.optim.Adam(t_ps, **kwargs)
    for i in range(5):
        _set_grads(torch, t_ps, i)
        t_opt.step()
    frozen = deepcopy(t_opt.state_dict())
    t_opt.param_groups[0]["lr"] = torch.tensor(0.02, dtype=torch.float64)
    e_ps = [ember.tensor(to_numpy(p), requires_grad=True) for p in t_ps]
    e_opt = ember.optim.Adam(e_ps, lr=ember.tensor(0.05, dtype=ember.float64), betas=(0.8, 0.9),
                             amsgrad=True)
    e_opt.load_state_dict(t_opt.state_dict())
    for i in range(5, 15):
        _set_grads(ember, e_ps, i)
        e_opt.step()
    assert_same_state(t_opt.state_dict()["state"], frozen["state"], "float64", "torch's state")
    for i in range(5, 15):
        _set_grads(torch, t_ps, i)
        t_opt.step()
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        assert_close(to_numpy(e), to_numpy(t), "float64", f"param {k}")
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "float64")


def test_lbfgs_load_torch_state_dict_in_memory():
    """LBFGS's history (lists of tensors, None slots, Python numbers) loads from torch."""
    t_x = torch.tensor(np.linspace(-1.2, 1.0, 6), requires_grad=True)
    t_opt = torch.optim.LBFGS([t_x], history_size=4, max_iter=5)
    t_closure = _quadratic_closure(torch, t_x, t_opt)
    t_opt.step(t_closure)
    e_x = ember.tensor(to_numpy(t_x), requires_grad=True)
    e_opt = ember.optim.LBFGS([e_x], history_size=4, max_iter=5)
    e_opt.load_state_dict(t_opt.state_dict())
    e_opt.step(_quadratic_closure(ember, e_x, e_opt))
    t_opt.step(t_closure)
    assert_close(to_numpy(e_x), to_numpy(t_x), "lbfgs", "x")
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "lbfgs")


# ---- LBFGS -------------------------------------------------------------------------------------


def _rosenbrock_closure(lib, x, opt):
    def closure():
        opt.zero_grad()
        a = to_numpy(x)
        loss = float(np.sum(100.0 * (a[1:] - a[:-1] ** 2) ** 2 + (1 - a[:-1]) ** 2))
        g = np.zeros_like(a)
        g[:-1] += -400.0 * a[:-1] * (a[1:] - a[:-1] ** 2) - 2.0 * (1 - a[:-1])
        g[1:] += 200.0 * (a[1:] - a[:-1] ** 2)
        x.grad = lib.tensor(g, dtype=x.dtype)
        return lib.tensor(np.float64(loss))
    return closure


def _quadratic_closure(lib, x, opt):
    h = np.diag(np.arange(1.0, 7.0)) + 0.1

    def closure():
        opt.zero_grad()
        a = to_numpy(x)
        x.grad = lib.tensor(h @ a - 1.0, dtype=x.dtype)
        return lib.tensor(np.float64(0.5 * a @ h @ a - a.sum()))
    return closure


def _lbfgs_run(lib, x0, problem, kwargs):
    x = lib.tensor(x0, requires_grad=True)
    opt = lib.optim.LBFGS([x], **kwargs)
    closure = problem(lib, x, opt)
    losses = [float(opt.step(closure)) for _ in range(4)]
    return to_numpy(x), np.array(losses), opt


def _flat(value) -> np.ndarray:
    """A state entry (tensor, number, None, or a list of them) as one float vector."""
    if isinstance(value, list):
        return np.concatenate([_flat(v) for v in value]) if value else np.zeros(0)
    if value is None:
        return np.array([np.nan])
    if isinstance(value, (torch.Tensor, ember.Tensor)):
        return to_numpy(value).astype(np.float64).ravel()
    return np.array([float(value)])


def _assert_lbfgs_state(e_sd, t_sd, perturbed_sds) -> None:
    """Same layout (keys, types, dtypes, shapes; n_iter and func_evals exactly); each entry within
    TOL['lbfgs'] or 10x what torch's own state moves when x0 moves by one ulp. The history of
    an ill-conditioned problem amplifies last-bit rounding, and torch's reductions round
    differently from NumPy's (its sum order depends on the CPU's vector width; its dot is
    MKL's, with FMA): measured, ember differs from torch by 0-3x that one-ulp sensitivity."""
    assert_same_state(e_sd, t_sd, "layout")
    e, t = e_sd["state"][0], t_sd["state"][0]
    rtol, atol = TOL["lbfgs"]
    for key in t:
        tv = _flat(t[key])
        noise = max(np.nanmax(np.abs(_flat(p["state"][0][key]) - tv), initial=0.0)
                    for p in perturbed_sds)
        np.testing.assert_allclose(_flat(e[key]), tv, rtol=rtol, atol=max(atol, 10 * noise),
                                   err_msg=f"state[{key!r}]")


@pytest.mark.parametrize("problem", [_rosenbrock_closure, _quadratic_closure])
@pytest.mark.parametrize("kwargs", [
    {}, {"line_search_fn": "strong_wolfe"}, {"history_size": 3, "max_iter": 7, "lr": 0.5},
    {"line_search_fn": "strong_wolfe", "history_size": 4, "tolerance_change": 1e-12},
])
def test_lbfgs(problem, kwargs):
    x0 = np.linspace(-1.2, 1.0, 6)
    e_x, e_l, e_opt = _lbfgs_run(ember, x0, problem, kwargs)
    t_x, t_l, t_opt = _lbfgs_run(torch, x0, problem, kwargs)
    assert_close(e_l, t_l, "lbfgs", "losses")
    assert_close(e_x, t_x, "lbfgs", "x")
    perturbed = []
    for i, toward in ((0, 0.0), (-1, 2.0)):  # x0 with one coordinate one ulp off
        x1 = x0.copy()
        x1[i] = np.nextafter(x1[i], toward)
        perturbed.append(_lbfgs_run(torch, x1, problem, kwargs)[2].state_dict())
    _assert_lbfgs_state(e_opt.state_dict(), t_opt.state_dict(), perturbed)
    assert repr(e_opt) == repr(t_opt)


# ---- large groups update on worker threads -----------------------------------------------------


@pytest.mark.parametrize("name,kwargs", [
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("Rprop", {"lr": 0.01}),
    ("NAdam", {"lr": 0.05}),
])
def test_threaded_update_matches_torch(monkeypatch, name, kwargs):
    """The worker-thread path (normally for groups above ~1M elements) forced on small ones."""
    import ember.optim.optimizer as optimizer_module

    monkeypatch.setattr(optimizer_module, "_PARALLEL_MIN_NUMEL", 0)
    monkeypatch.setattr(optimizer_module, "get_num_threads", lambda: 3)
    compare(name, kwargs, "float64", steps=30)


@pytest.mark.parametrize("kwargs", [
    {"lr": 0.05}, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True},
    {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
])
def test_adam_chunked_update_matches_torch(monkeypatch, kwargs):
    """Adam's cache-sized chunks (normally above 128K elements) forced on 3-element chunks."""
    import ember.optim.adam as adam_module

    monkeypatch.setattr(adam_module, "_CHUNK", 3)
    compare("Adam", kwargs, "float64", steps=30)
    compare("Adam", kwargs, "float32", steps=30)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
                                  "Adagrad", "Adadelta", "ASGD", "Rprop"])
def test_empty_and_non_contiguous(name):
    """An empty parameter, and a transposed (non-contiguous) parameter and gradient."""
    kw = {"lr": 0.05, "momentum": 0.9} if name == "SGD" else {}
    out = {}
    for lib in (torch, ember):
        empty = lib.zeros((0, 3), dtype=lib.float64, requires_grad=True)
        base = lib.tensor(np.arange(12.0).reshape(3, 4) / 7 - 0.5)
        w = base.t().detach().requires_grad_(True)  # a non-contiguous leaf
        opt = getattr(lib.optim, name)([empty, w], **kw)
        for i in range(5):
            empty.grad = lib.zeros((0, 3), dtype=lib.float64)
            w.grad = lib.tensor(np.cos(to_numpy(w).T * (i + 1))).t()
            opt.step()
        out[lib] = (to_numpy(w), opt.state_dict())
    assert_close(out[ember][0], out[torch][0], "float64", "w")
    assert_same_state(out[ember][1], out[torch][1], "float64")
