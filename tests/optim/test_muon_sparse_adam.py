"""Muon (trajectories, Newton-Schulz in bfloat16, lr adjustment, errors), SparseAdam (checks
and its dense-gradient error) and swap_in_optimizer_params_and_state, against torch.optim."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import to_numpy

from .test_optimizers import assert_same_state


def _same_error(fn):
    """fn(lib) raises the same exception type with the same message under both."""
    caught = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:  # the type and message compared below
            fn(lib)
        caught.append(info.value)
    t, e = caught
    assert type(e).__name__ == type(t).__name__, (e, t)
    assert str(e) == str(t)


# ---- Muon -------------------------------------------------------------------------------------

MUON_SHAPES = [(6, 4), (3, 7), (5, 5)]


def _muon_run(lib, dtype, kwargs, steps=6):
    rng = np.random.default_rng(1)
    ps = [lib.tensor(rng.uniform(-1, 1, s), dtype=getattr(lib, dtype), requires_grad=True)
          for s in MUON_SHAPES]
    opt = lib.optim.Muon(ps, **kwargs)
    for i in range(steps):
        for k, p in enumerate(ps):
            a = to_numpy(p)
            g = (1.0 + k) * (a - 0.5) + 0.4 * np.cos(3.0 * a) + 0.1 * i
            p.grad = lib.tensor(g, dtype=p.dtype)
        opt.step()
    return opt, ps


MUON_CASES = [
    {"lr": 0.02},
    {"lr": 0.02, "nesterov": False, "weight_decay": 0.0, "momentum": 0.9},
    {"lr": 0.01, "adjust_lr_fn": "match_rms_adamw", "ns_steps": 3},
    {"lr": 0.05, "adjust_lr_fn": "original", "ns_coefficients": (2.0, -1.5, 0.5), "eps": 1e-5},
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", MUON_CASES, ids=str)
def test_muon_matches_torch(kwargs, dtype):
    """bfloat16 Newton-Schulz: ember rounds as torch, so only float32 accumulation order and
    the final add may differ (a bfloat16 ulp of the update at most, times lr)."""
    t_opt, t_ps = _muon_run(torch, dtype, kwargs)
    e_opt, e_ps = _muon_run(ember, dtype, kwargs)
    for k, (e, t) in enumerate(zip(e_ps, t_ps)):
        np.testing.assert_allclose(to_numpy(e), to_numpy(t), rtol=1e-5, atol=1e-5,
                                   err_msg=f"param {k}")
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "float32")
    assert repr(e_opt) == repr(t_opt)


def test_muon_newton_schulz_bitwise():
    from torch.optim._muon import _zeropower_via_newtonschulz

    from ember.optim.muon import _newton_schulz

    rng = np.random.default_rng(0)
    for shape in [(8, 5), (5, 8), (16, 16)]:
        g = rng.standard_normal(shape).astype(np.float32)
        t = _zeropower_via_newtonschulz(torch.from_numpy(g), (3.4445, -4.775, 2.0315), 5, 1e-7)
        np.testing.assert_array_equal(_newton_schulz(g, (3.4445, -4.775, 2.0315), 5, 1e-7),
                                      t.float().numpy())


def test_muon_bfloat16_rounding():
    from ember.optim.muon import _bf16

    rng = np.random.default_rng(2)
    x = rng.standard_normal(4000) * 10.0 ** rng.integers(-37, 38, 4000)
    x[:4] = [np.nan, np.inf, -np.inf, 0.0]
    for a in (x, x.astype(np.float32)):
        np.testing.assert_array_equal(_bf16(a), torch.from_numpy(a).bfloat16().float().numpy())


@pytest.mark.parametrize("kwargs", [{"lr": -1}, {"momentum": -1}, {"weight_decay": -1},
                                    {"adjust_lr_fn": "sqrt"}], ids=str)
def test_muon_constructor_errors(kwargs):
    _same_error(lambda lib: lib.optim.Muon([lib.zeros(3, 4, requires_grad=True)], **kwargs))


def test_muon_non_2d_errors():
    _same_error(lambda lib: lib.optim.Muon([lib.zeros(3, requires_grad=True)]))

    def late_1d(lib):
        p, q = lib.zeros(3, 4, requires_grad=True), lib.zeros(3, requires_grad=True)
        opt = lib.optim.Muon([p])
        opt.add_param_group({"params": [q]})
        p.grad, q.grad = lib.ones(3, 4), lib.ones(3)
        opt.step()

    _same_error(late_1d)


@pytest.mark.parametrize("kwargs", [{"ns_steps": 100}, {"ns_coefficients": (1.0, 2.0)}],
                         ids=str)
def test_muon_step_errors(kwargs):
    def step(lib):
        p = lib.zeros(3, 4, requires_grad=True)
        p.grad = lib.ones(3, 4)
        lib.optim.Muon([p], **kwargs).step()

    _same_error(step)


# ---- SparseAdam ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{"lr": 0}, {"eps": 0.0}, {"betas": (1.0, 0.9)},
                                    {"betas": (0.9, -0.1)}], ids=str)
def test_sparse_adam_constructor_errors(kwargs):
    _same_error(lambda lib: lib.optim.SparseAdam([lib.zeros(3, requires_grad=True)], **kwargs))


def test_sparse_adam_tensor_lr_and_complex_errors():
    _same_error(lambda lib: lib.optim.SparseAdam([lib.zeros(3, requires_grad=True)],
                                                 lr=lib.tensor([1.0, 2.0])))
    _same_error(lambda lib: lib.optim.SparseAdam(
        [lib.zeros(3, requires_grad=True),
         lib.zeros(2, dtype=lib.complex64, requires_grad=True)]))


def test_sparse_adam_dense_gradient_error_and_layout():
    for lib in (torch, ember):
        p = lib.zeros(3, requires_grad=True)
        opt = lib.optim.SparseAdam([p], lr=0.01, maximize=True)
        assert opt.step(lambda: 7.0) == 7.0  # no gradient: nothing to refuse
    e_p, t_p = ember.zeros(3, requires_grad=True), torch.zeros(3, requires_grad=True)
    e_opt, t_opt = ember.optim.SparseAdam([e_p]), torch.optim.SparseAdam([t_p])
    assert repr(e_opt) == repr(t_opt)
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "float32")

    def dense_step(lib):
        p = lib.zeros(3, requires_grad=True)
        p.grad = lib.ones(3)
        lib.optim.SparseAdam([p]).step()

    _same_error(dense_step)


# ---- swap_in_optimizer_params_and_state -------------------------------------------------------

def _swap_setup(lib):
    rng = np.random.default_rng(3)
    ps = [lib.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in [(3, 2), (5,), (4,)]]
    opt = lib.optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1}], lr=0.01)
    for p in ps:
        p.grad = lib.ones_like(p)
    opt.step()
    return ps, opt


def test_swap_in_steps_other_params_and_restores():
    out = []
    for lib in (torch, ember):
        ps, opt = _swap_setup(lib)
        other = {f"p{i}": lib.tensor(to_numpy(p) * 2, requires_grad=True)
                 for i, p in enumerate(ps)}
        for t in other.values():
            t.grad = lib.full_like(t, 0.5)
        osd = opt.state_dict()
        osd = {"state": {k: {n: v.clone() for n, v in s.items()}
                         for k, s in osd["state"].items()},
               "param_groups": osd["param_groups"]}
        osd["param_groups"][1]["lr"] = 0.2
        with lib.optim.swap_in_optimizer_params_and_state(opt, other, osd):
            assert opt.param_groups[1]["lr"] == 0.2
            opt.step()
        assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[0]["params"][0] is ps[0]
        opt.step()
        out.append(([to_numpy(t) for t in other.values()], [to_numpy(p) for p in ps],
                    opt.state_dict(), osd))
    (t_other, t_ps, t_sd, t_osd), (e_other, e_ps, e_sd, e_osd) = out
    for e, t in zip(e_other + e_ps, t_other + t_ps):
        np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-7)
    assert_same_state(e_sd, t_sd, "float32")
    assert_same_state(e_osd, t_osd, "float32")  # the swapped-in state changed in place


@pytest.mark.parametrize("case", ["empty", "not_dict", "state_list", "groups_len", "ids",
                                  "keys", "extra", "too_few"])
def test_swap_in_errors(case):
    def run(lib):
        ps, opt = _swap_setup(lib)
        if case == "empty":
            opt.state.clear()
        params = {"a": ps[0], "b": ps[1], "c": ps[2]}
        osd = opt.state_dict()
        if case == "not_dict":
            osd = [osd]
        elif case == "state_list":
            osd["state"] = []
        elif case == "groups_len":
            osd["param_groups"] = osd["param_groups"][:1]
        elif case == "ids":
            osd["param_groups"][0]["params"] = ["x"]
        elif case == "keys":
            osd["param_groups"][0]["extra_key"] = 1
        elif case == "extra":
            osd["state"][7] = {}
        elif case == "too_few":
            params = {"a": ps[0], "b": ps[1]}
        with lib.optim.swap_in_optimizer_params_and_state(opt, params, osd):
            pass

    _same_error(run)
