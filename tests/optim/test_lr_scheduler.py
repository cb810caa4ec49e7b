"""lr_scheduler, differential: the same script runs on torch and ember, lrs must agree exactly.

Each case builds an optimizer (one or more param groups) and a scheduler in both frameworks, steps
optimizer then scheduler 100+ times and compares every group's lr (and momentum/betas), the
scheduler's get_last_lr and last_epoch. Resume cases load one framework's scheduler state_dict
mid-run into a fresh scheduler of the other (both directions) and continue.
"""
from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.optim.lr_harness import (
    DIRECTIONS,
    STEPS,
    _sched,
    assert_traces,
    check_resume,
    check_schedule,
    make_opt,
    snapshot,
)
from tests.oracle import to_ember, to_numpy

CASES = {
    "step": (_sched("StepLR", 7), {}),
    "step_gamma_groups": (_sched("StepLR", step_size=3, gamma=0.7), {"groups": 3}),
    "multistep": (_sched("MultiStepLR", [10, 30, 30, 80], gamma=0.5), {"groups": 2}),
    "multistep_unsorted": (_sched("MultiStepLR", (50, 5, 20)), {}),
    "constant": (_sched("ConstantLR"), {}),
    "constant_groups": (_sched("ConstantLR", factor=0.25, total_iters=40), {"groups": 2}),
    "constant_zero_iters": (_sched("ConstantLR", factor=0.5, total_iters=0), {}),
    "linear": (_sched("LinearLR"), {}),
    "linear_decay": (
        _sched("LinearLR", start_factor=1.0, end_factor=0.01, total_iters=90), {"groups": 2}
    ),
    "exponential": (_sched("ExponentialLR", 0.97), {"groups": 2}),
    "polynomial": (_sched("PolynomialLR"), {}),
    "polynomial_power": (_sched("PolynomialLR", total_iters=100, power=2.5), {"groups": 2}),
    "cosine": (_sched("CosineAnnealingLR", 30), {}),
    "cosine_eta_min": (_sched("CosineAnnealingLR", T_max=17, eta_min=0.003), {"groups": 2}),
    "lambda": (_sched("LambdaLR", lambda e: 0.95**e), {"groups": 2}),
    "lambda_list": (
        _sched("LambdaLR", [lambda e: 1 / (1 + e), lambda e: math.cos(e / 10) + 1.5]),
        {"groups": 2},
    ),
    "multiplicative": (_sched("MultiplicativeLR", lambda e: 0.98 if e % 2 else 1.0), {}),
    "multiplicative_adam": (
        _sched("MultiplicativeLR", [lambda e: 0.99, lambda e: 0.9]), {"opt": "Adam", "groups": 2}
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_schedule_matches_torch(case):
    make, opt_kw = CASES[case]
    check_schedule(make, opt_kw)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_resume_from_state_dict(case, direction):
    make, opt_kw = CASES[case]
    check_resume(make, opt_kw, split=37, **DIRECTIONS[direction])


def test_resume_with_last_epoch_argument():
    """Constructing with last_epoch >= 0 (initial_lr already in the groups) as torch does."""
    def trace(lib):
        opt = make_opt(lib, groups=2)
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"]
            g["lr"] = g["lr"] * 0.5
        out = []
        for cls, kw in [("CosineAnnealingLR", {"T_max": 20}), ("StepLR", {"step_size": 4}),
                        ("ExponentialLR", {"gamma": 0.9})]:
            sched = getattr(lib.optim.lr_scheduler, cls)(opt, last_epoch=9, **kw)
            for _ in range(30):
                opt.step()
                sched.step()
                out.append(snapshot(opt, sched))
        return out

    assert_traces(trace(ember), trace(torch))


def test_resume_without_initial_lr_raises():
    for lib in (torch, ember):
        opt = make_opt(lib)
        with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
            lib.optim.lr_scheduler.StepLR(opt, 3, last_epoch=4)


def test_initial_lr_and_base_lrs():
    """initial_lr is set once (setdefault), base_lrs read from it, as torch."""
    for lib in (torch, ember):
        opt = make_opt(lib, groups=2)
        s1 = lib.optim.lr_scheduler.StepLR(opt, 2)
        opt.param_groups[0]["lr"] = 5.0
        s2 = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        assert s1.base_lrs == s2.base_lrs == [0.1, 0.2]
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.2]


# ---- the deprecated step(epoch) path: closed forms ----------------------------------------------

EPOCH_CASES = {
    "step": _sched("StepLR", 5, gamma=0.3),
    "multistep": _sched("MultiStepLR", [3, 3, 9]),
    "constant": _sched("ConstantLR", factor=0.2, total_iters=6),
    "linear": _sched("LinearLR", start_factor=0.1, total_iters=8),
    "exponential": _sched("ExponentialLR", 0.8),
    "polynomial": _sched("PolynomialLR", total_iters=7, power=1.5),
    "cosine": _sched("CosineAnnealingLR", 6, eta_min=0.01),
    "lambda": _sched("LambdaLR", lambda e: 1.0 / (e + 1)),
}


@pytest.mark.parametrize("case", list(EPOCH_CASES))
def test_step_with_epoch_closed_form(case):
    """step(epoch) jumps (also backwards) with the closed form and warns as torch does."""
    def trace(lib):
        opt = make_opt(lib, groups=2)
        sched = EPOCH_CASES[case](lib, opt)
        out = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch in [0, 1, 2, 5, 3, 9, 12, 7, 20, 4]:
                opt.step()
                sched.step(epoch)
                out.append(snapshot(opt, sched))
            for _ in range(10):  # the chainable form continues from the jumped-to state
                opt.step()
                sched.step()
                out.append(snapshot(opt, sched))
        return out, [str(w.message) for w in caught]

    (e_out, e_warn), (t_out, t_warn) = trace(ember), trace(torch)
    assert_traces(e_out, t_out)
    assert e_warn == t_warn and len(e_warn) == 10


# ---- the spec's adjust_learning_rate pattern: the user edits group['lr'] ------------------------

@pytest.mark.parametrize("case", ["step", "exponential", "cosine", "linear_decay", "multistep"])
def test_manual_lr_edits_compose_with_chainable_schedulers(case):
    make, opt_kw = CASES[case]

    def trace(lib):
        opt = make_opt(lib, **opt_kw)
        sched = make(lib, opt)
        out = []
        for epoch in range(STEPS):
            if epoch % 25 == 10:  # adjust_learning_rate(optimizer, epoch)
                for g in opt.param_groups:
                    g["lr"] = g["lr"] * 0.5
            opt.step()
            sched.step()
            out.append(snapshot(opt, sched))
        return out

    assert_traces(trace(ember), trace(torch))


def test_custom_scheduler_subclass():
    """A user subclass of LRScheduler / _LRScheduler with its own get_lr behaves as in torch."""
    def trace(lib):
        class Halving(lib.optim.lr_scheduler._LRScheduler):
            def get_lr(self):
                return [base / (1 + self.last_epoch // 10) for base in self.base_lrs]

        opt = make_opt(lib, groups=2)
        sched = Halving(opt)
        out = []
        for _ in range(STEPS):
            opt.step()
            sched.step()
            out.append(snapshot(opt, sched))
        return out, issubclass(Halving, lib.optim.lr_scheduler.LRScheduler)

    assert trace(ember) == trace(torch)
    assert ember.optim.lr_scheduler._LRScheduler.__name__ == "_LRScheduler"


# ---- tensor-valued lr and a real checkpoint round trip -------------------------------------------

TENSOR_LR = {
    "step": _sched("StepLR", 4, gamma=0.5),
    "exponential": _sched("ExponentialLR", 0.9),
    "cosine": _sched("CosineAnnealingLR", 10),
    "cyclic": _sched("CyclicLR", 0.01, 0.1, step_size_up=5),
    "linear": _sched("LinearLR", total_iters=8),
}


@pytest.mark.parametrize("case", list(TENSOR_LR))
def test_tensor_lr(case):
    """A tensor lr is updated in place (fill_), get_last_lr returns clones, as torch."""
    def trace(lib):
        opt = lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=lib.tensor(0.1), momentum=0.9)
        lr_obj = opt.param_groups[0]["lr"]
        sched = TENSOR_LR[case](lib, opt)
        out = []
        for _ in range(30):
            opt.step()
            sched.step()
            last = sched.get_last_lr()[0]
            out.append((float(lr_obj), float(last), type(last).__name__,
                        last is opt.param_groups[0]["lr"], opt.param_groups[0]["lr"] is lr_obj))
        return out, [float(b) for b in sched.base_lrs]

    assert trace(ember) == trace(torch)


def _to_ember_tree(obj):
    if isinstance(obj, torch.Tensor):
        return to_ember(obj)
    if isinstance(obj, dict):
        return {k: _to_ember_tree(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_ember_tree(v) for v in obj)
    return obj


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_checkpoint_resume_training(opt_name):
    """torch trains, checkpoints (optimizer + OneCycleLR); ember resumes on the same trajectory."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3)).astype(np.float32)
    y = rng.standard_normal(16).astype(np.float32)

    def train(lib, w, opt, sched, steps):
        xs, ys = lib.tensor(x), lib.tensor(y)
        out = []
        for _ in range(steps):
            opt.zero_grad()
            ((xs @ w - ys) ** 2).mean().backward()
            opt.step()
            sched.step()
            g = opt.param_groups[0]
            out.append((float(g["lr"]), g.get("momentum"), g.get("betas")))
        return out

    def build(lib, w):
        kw = {"momentum": 0.9} if opt_name == "SGD" else {}
        opt = getattr(lib.optim, opt_name)([w], lr=0.01, **kw)
        return opt, lib.optim.lr_scheduler.OneCycleLR(opt, 0.05, total_steps=60)

    tw = torch.zeros(3, requires_grad=True)
    t_opt, t_sched = build(torch, tw)
    train(torch, tw, t_opt, t_sched, 25)
    ckpt = copy.deepcopy({"w": tw.detach(), "opt": t_opt.state_dict(),
                          "sched": t_sched.state_dict()})  # state_dict() aliases live tensors
    t_rest = train(torch, tw, t_opt, t_sched, 35)

    ew = to_ember(ckpt["w"], requires_grad=True)
    e_opt, e_sched = build(ember, ew)  # scheduler first, then load (torch docs)
    e_opt.load_state_dict(_to_ember_tree(ckpt["opt"]))
    e_sched.load_state_dict(ckpt["sched"])
    e_rest = train(ember, ew, e_opt, e_sched, 35)
    assert e_rest == t_rest
    np.testing.assert_allclose(to_numpy(ew), to_numpy(tw), rtol=1e-5, atol=1e-6)


def test_spec_adjust_learning_rate():
    """The spec's hand-written schedule: set group['lr'] each epoch, then a scheduler takes over."""
    def trace(lib):
        params = [lib.ones(3, requires_grad=True), lib.ones(2, requires_grad=True)]
        optimizer = lib.optim.SGD(params, lr=0.5, momentum=0.9)

        def adjust_learning_rate(optimizer, epoch):
            lr = 0.5 * (0.1 ** (epoch // 3))
            for param_group in optimizer.param_groups:
                param_group["lr"] = lr

        out = []
        for epoch in range(10):
            optimizer.zero_grad()
            sum((p * p).sum() for p in params).backward()
            optimizer.step()
            adjust_learning_rate(optimizer, epoch)
            out.append([g["lr"] for g in optimizer.param_groups])
        sched = lib.optim.lr_scheduler.StepLR(optimizer, 4, gamma=0.5)
        for _ in range(12):
            optimizer.step()
            sched.step()
            out.append((sched.get_last_lr(), sched.base_lrs))
        return out, [to_numpy(p).tolist() for p in params]

    e, t = trace(ember), trace(torch)
    assert e[0] == t[0]
    np.testing.assert_allclose(np.concatenate(e[1]), np.concatenate(t[1]), rtol=1e-6)
