"""lr_scheduler, differential (part 2): plateau, cyclical and composed schedulers, warnings, errors.

Same method as test_lr_scheduler.py: one script, run on torch and on ember, must give the same
lrs/momenta step for step (exact float equality), the same state_dict keys, warnings and errors.
"""
from __future__ import annotations

import warnings

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

# ---- ReduceLROnPlateau ---------------------------------------------------------------------------

# a loss that improves in bursts, with noise and long plateaus
LOSS = [1.0 / (1 + i // 9) + 0.02 * ((i * 37) % 11) / 11 for i in range(STEPS)]
GAIN = [-x for x in LOSS]

PLATEAU = {
    "min_rel": (_sched("ReduceLROnPlateau"), {}, LOSS),
    "min_abs_cooldown": (
        _sched("ReduceLROnPlateau", factor=0.5, patience=3, threshold=0.05,
               threshold_mode="abs", cooldown=2),
        {"groups": 2}, LOSS,
    ),
    "max_rel": (_sched("ReduceLROnPlateau", mode="max", patience=2, cooldown=5), {}, GAIN),
    "max_abs": (
        _sched("ReduceLROnPlateau", mode="max", factor=0.3, patience=1, threshold=0.01,
               threshold_mode="abs"),
        {}, GAIN,
    ),
    "min_lr_per_group": (
        _sched("ReduceLROnPlateau", factor=0.5, patience=0, min_lr=[0.01, 0.05]),
        {"groups": 2}, LOSS,
    ),
    "eps_blocks_small_updates": (
        _sched("ReduceLROnPlateau", factor=0.9, patience=0, eps=0.02), {"groups": 2}, LOSS,
    ),
    "adam": (_sched("ReduceLROnPlateau", patience=4, min_lr=1e-3), {"opt": "Adam"}, LOSS),
}


@pytest.mark.parametrize("case", list(PLATEAU))
def test_plateau_matches_torch(case):
    make, opt_kw, metrics = PLATEAU[case]
    check_schedule(make, opt_kw, metrics)


@pytest.mark.parametrize("case", ["min_rel", "min_abs_cooldown", "min_lr_per_group"])
@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_plateau_resume(case, direction):
    make, opt_kw, metrics = PLATEAU[case]
    check_resume(make, opt_kw, metrics, **DIRECTIONS[direction])


def test_plateau_tensor_metric():
    make, opt_kw, metrics = PLATEAU["min_abs_cooldown"]
    check_schedule(make, opt_kw, metrics, tensor_metric=True)


def test_plateau_new_param_group():
    """A param group added later gets the default min_lr; with a min_lr list torch raises."""
    def trace(lib, min_lr):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=min_lr)
        opt.add_param_group({"params": [lib.zeros(1, requires_grad=True)], "lr": 0.5})
        out = []
        try:
            for m in LOSS[:20]:
                sched.step(m)
                out.append(snapshot(opt, sched))
        except RuntimeError as e:
            out.append(str(e))
        return out

    assert trace(ember, 0.001) == trace(torch, 0.001)
    assert trace(ember, [0.001]) == trace(torch, [0.001])
    assert "differs from when `ReduceLROnPlateau` was initialized" in trace(ember, [0.001])[-1]


# ---- CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts ------------------------------------------

CYCLIC = {
    "triangular": (_sched("CyclicLR", 0.01, 0.1, step_size_up=10), {}),
    "triangular2": (
        _sched("CyclicLR", [0.01, 0.02], [0.1, 0.3], step_size_up=8, step_size_down=5,
               mode="triangular2"),
        {"groups": 2},
    ),
    "exp_range": (_sched("CyclicLR", 0.001, 0.05, step_size_up=7, mode="exp_range",
                         gamma=0.99), {}),
    "scale_fn_iterations": (
        _sched("CyclicLR", 0.01, 0.1, step_size_up=6, scale_fn=lambda x: 1 / (1 + x / 50),
               scale_mode="iterations"),
        {},
    ),
    "scale_fn_cycle": (
        _sched("CyclicLR", 0.01, 0.1, step_size_up=6, scale_fn=lambda x: 0.8**x), {},
    ),
    "no_momentum_cycle": (
        _sched("CyclicLR", 0.01, 0.1, step_size_up=4, cycle_momentum=False), {"momentum": 0.0},
    ),
    "adam_betas": (
        _sched("CyclicLR", 0.001, 0.01, step_size_up=9, base_momentum=0.85, max_momentum=0.95),
        {"opt": "Adam", "groups": 2},
    ),
    "onecycle_cos": (_sched("OneCycleLR", 0.5, total_steps=STEPS), {}),
    "onecycle_linear_3phase": (
        _sched("OneCycleLR", [0.5, 1.0], total_steps=STEPS + 5, anneal_strategy="linear",
               three_phase=True),
        {"groups": 2},
    ),
    "onecycle_epochs_adam": (
        _sched("OneCycleLR", 0.01, epochs=12, steps_per_epoch=10, pct_start=0.25,
               div_factor=10.0, final_div_factor=100.0),
        {"opt": "Adam"},
    ),
    "onecycle_no_momentum": (
        _sched("OneCycleLR", 0.3, total_steps=STEPS + 1, cycle_momentum=False, pct_start=0.5),
        {"groups": 2},
    ),
    "onecycle_adamw_3phase_momentum_lists": (
        _sched("OneCycleLR", 0.01, total_steps=STEPS, three_phase=True,
               base_momentum=[0.8, 0.7], max_momentum=[0.9, 0.99]),
        {"opt": "AdamW", "groups": 2},
    ),
    "warm_restarts": (_sched("CosineAnnealingWarmRestarts", 10), {}),
    "warm_restarts_mult": (
        _sched("CosineAnnealingWarmRestarts", 5, T_mult=2, eta_min=0.001), {"groups": 2},
    ),
}


@pytest.mark.parametrize("case", list(CYCLIC))
def test_cyclical_matches_torch(case):
    make, opt_kw = CYCLIC[case]
    check_schedule(make, opt_kw)


@pytest.mark.parametrize("case", list(CYCLIC))
@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_cyclical_resume(case, direction):
    make, opt_kw = CYCLIC[case]
    check_resume(make, opt_kw, **DIRECTIONS[direction])


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_fractional_epochs(T_mult):
    """step(epoch + i / iters) inside an epoch, then jumps back and forth, as torch's docs."""
    def trace(lib):
        opt = make_opt(lib, groups=2)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 3, T_mult=T_mult,
                                                                   eta_min=0.01)
        iters = 7
        out = []
        for epoch in range(20):
            for i in range(iters):
                opt.step()
                sched.step(epoch + i / iters)
                out.append(snapshot(opt, sched) + (sched.T_cur, sched.T_i))
        for epoch in [2.5, 0, 40, 7.25, 3, 100]:
            sched.step(epoch)
            out.append(snapshot(opt, sched) + (sched.T_cur, sched.T_i))
        sched.step()
        out.append(snapshot(opt, sched) + (sched.T_cur, sched.T_i))
        return out

    assert_traces(trace(ember), trace(torch))


def test_onecycle_past_total_steps_raises():
    for lib in (torch, ember):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=3)
        for _ in range(3):
            opt.step()
            sched.step()
        with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of "
                                             "total steps is 3"):
            sched.step()


# ---- SequentialLR and ChainedScheduler -----------------------------------------------------------

def _sequential(lib, opt):
    s = lib.optim.lr_scheduler
    warm = s.LinearLR(opt, start_factor=0.1, total_iters=10)
    cos = s.CosineAnnealingLR(opt, T_max=60, eta_min=0.001)
    return s.SequentialLR(opt, [warm, cos], milestones=[10])


def _sequential3(lib, opt):
    s = lib.optim.lr_scheduler
    parts = [s.ConstantLR(opt, factor=0.5, total_iters=3), s.ExponentialLR(opt, 0.95),
             s.StepLR(opt, 9, gamma=0.5)]
    return s.SequentialLR(opt, parts, milestones=[5, 40])


def _chained(lib, opt):
    s = lib.optim.lr_scheduler
    return s.ChainedScheduler([s.ConstantLR(opt, factor=0.2, total_iters=4),
                               s.ExponentialLR(opt, 0.98), s.MultiStepLR(opt, [30, 60])])


def _chained_in_sequential(lib, opt):
    s = lib.optim.lr_scheduler
    chained = s.ChainedScheduler([s.LinearLR(opt, 0.5, total_iters=5), s.StepLR(opt, 4, 0.8)],
                                 optimizer=opt)
    return s.SequentialLR(opt, [chained, s.PolynomialLR(opt, 50, 2.0)], milestones=[20])


def _sequential_lambda(lib, opt):
    s = lib.optim.lr_scheduler
    return s.SequentialLR(opt, [s.LambdaLR(opt, lambda e: (e + 1) / 8),
                                s.CosineAnnealingWarmRestarts(opt, 12, T_mult=2)], [8])


COMPOSED = {
    "sequential": (_sequential, {"groups": 2}),
    "sequential3": (_sequential3, {}),
    "chained": (_chained, {"groups": 2}),
    "chained_in_sequential": (_chained_in_sequential, {}),
    "sequential_lambda_sgdr": (_sequential_lambda, {"opt": "Adam"}),
}


# torch itself warns "scheduler.step() before optimizer.step()" when a ChainedScheduler is nested
@pytest.mark.filterwarnings("ignore:Detected call of")
@pytest.mark.parametrize("case", list(COMPOSED))
def test_composed_matches_torch(case):
    make, opt_kw = COMPOSED[case]
    check_schedule(make, opt_kw)


@pytest.mark.filterwarnings("ignore:Detected call of")
@pytest.mark.parametrize("case", list(COMPOSED))
@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_composed_resume(case, direction):
    make, opt_kw = COMPOSED[case]
    check_resume(make, opt_kw, **DIRECTIONS[direction])


# ---- state_dict of lambdas and callable objects --------------------------------------------------

class _Decay:
    """A stateful callable lr_lambda: its __dict__ goes into the state_dict, as torch."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate**epoch


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_lambda_state_dict(name):
    def trace(lib):
        opt = make_opt(lib, groups=2)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, [_Decay(0.9), lambda e: 0.99])
        for _ in range(5):
            opt.step()
            sched.step()
        state = sched.state_dict()
        fresh_fn = _Decay(0.5)
        fresh = getattr(lib.optim.lr_scheduler, name)(make_opt(lib, groups=2),
                                                      [fresh_fn, lambda e: 1.0])
        fresh.load_state_dict(state)
        return state["lr_lambdas"], fresh_fn.rate, fresh.last_epoch, list(state)

    assert trace(ember) == trace(torch)


def test_cyclic_custom_scale_object_state_dict():
    def trace(lib):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=4,
                                                scale_fn=_Decay(0.9))
        for _ in range(6):
            opt.step()
            sched.step()
        state = sched.state_dict()
        fresh_fn = _Decay(0.1)
        fresh = lib.optim.lr_scheduler.CyclicLR(make_opt(lib), 0.01, 0.1, step_size_up=4,
                                                scale_fn=fresh_fn)
        fresh.load_state_dict(dict(state))
        opt2 = fresh.optimizer
        opt2.step()
        fresh.step()
        return state["_scale_fn_custom"], fresh_fn.rate, list(state), snapshot(opt2, fresh)

    assert trace(ember) == trace(torch)


# ---- warnings ------------------------------------------------------------------------------------

def _caught(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category, str(w.message)) for w in caught]


def test_warns_when_scheduler_steps_before_optimizer():
    def script(lib):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        sched.step()  # before optimizer.step(): torch warns once
        opt.step()
        sched.step()
        return snapshot(opt, sched)

    e, t = _caught(lambda: script(ember)), _caught(lambda: script(torch))
    assert e == t and len(e[1]) == 1 and "before `optimizer.step()`" in e[1][0][1]


def test_no_warning_in_correct_order_and_two_schedulers_share_the_wrap():
    def script(lib):
        opt = make_opt(lib)
        s1 = lib.optim.lr_scheduler.StepLR(opt, 2)
        s2 = lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)
        for _ in range(3):
            opt.step()
            s1.step()
            s2.step()
        return snapshot(opt, s2)

    e, t = _caught(lambda: script(ember)), _caught(lambda: script(torch))
    assert e == t and e[1] == []


def test_warns_when_optimizer_step_overridden():
    def script(lib):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step = lambda closure=None: None
        opt.step()
        sched.step()
        return snapshot(opt, sched)

    e, t = _caught(lambda: script(ember)), _caught(lambda: script(torch))
    assert e == t and "has been overridden" in e[1][0][1]


def test_get_lr_outside_step_warns():
    def script(lib):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        return sched.get_lr()

    e, t = _caught(lambda: script(ember)), _caught(lambda: script(torch))
    assert e == t and "please use `get_last_lr()`" in e[1][0][1]


def test_plateau_epoch_argument_warns():
    def script(lib):
        opt = make_opt(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
        for i, m in enumerate(LOSS[:30]):
            sched.step(m, epoch=2 * i)
        return snapshot(opt, sched)

    e, t = _caught(lambda: script(ember)), _caught(lambda: script(torch))
    assert e == t and len(e[1]) == 30


# ---- errors: same type and message as torch ------------------------------------------------------

def _plain_optimizer(lib):
    class Plain(lib.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

    return Plain([lib.zeros(2, requires_grad=True)])


ERRORS = {
    "not_optimizer": lambda lib, opt: lib.optim.lr_scheduler.StepLR(object(), 3),
    "plateau_not_optimizer": lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau([1]),
    "constant_factor": _sched("ConstantLR", factor=1.5),
    "constant_negative": _sched("ConstantLR", factor=-0.1),
    "linear_start": _sched("LinearLR", start_factor=0),
    "linear_end": _sched("LinearLR", end_factor=1.2),
    "lambda_count": _sched("LambdaLR", [lambda e: 1.0, lambda e: 1.0]),
    "multiplicative_count": _sched("MultiplicativeLR", [lambda e: 1.0] * 3),
    "multiplicative_not_callable": _sched("MultiplicativeLR", 0.9),
    "plateau_factor": _sched("ReduceLROnPlateau", factor=1.0),
    "plateau_mode": _sched("ReduceLROnPlateau", mode="avg"),
    "plateau_threshold_mode": _sched("ReduceLROnPlateau", threshold_mode="pct"),
    "plateau_min_lrs": _sched("ReduceLROnPlateau", min_lr=[0.1, 0.2]),
    "cyclic_mode": _sched("CyclicLR", 0.01, 0.1, mode="sine"),
    "cyclic_base_lr_list": _sched("CyclicLR", [0.01, 0.02], 0.1),
    "cyclic_max_lr_list": _sched("CyclicLR", 0.01, (0.1, 0.2, 0.3)),
    "cyclic_no_momentum": lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(
        _plain_optimizer(lib), 0.01, 0.1),
    "onecycle_no_momentum": lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        _plain_optimizer(lib), 0.1, total_steps=10),
    "onecycle_total_steps": _sched("OneCycleLR", 0.1, total_steps=0),
    "onecycle_total_steps_float": _sched("OneCycleLR", 0.1, total_steps=10.0),
    "onecycle_missing_steps": _sched("OneCycleLR", 0.1, epochs=3),
    "onecycle_epochs": _sched("OneCycleLR", 0.1, epochs=0, steps_per_epoch=3),
    "onecycle_steps_per_epoch": _sched("OneCycleLR", 0.1, epochs=2, steps_per_epoch=-1),
    "onecycle_pct_int": _sched("OneCycleLR", 0.1, total_steps=10, pct_start=1),
    "onecycle_pct_range": _sched("OneCycleLR", 0.1, total_steps=10, pct_start=1.5),
    "onecycle_anneal": _sched("OneCycleLR", 0.1, total_steps=10, anneal_strategy="exp"),
    "onecycle_max_lr_list": _sched("OneCycleLR", [0.1, 0.2], total_steps=10),
    "sgdr_T0_zero": _sched("CosineAnnealingWarmRestarts", 0),
    "sgdr_T0_float": _sched("CosineAnnealingWarmRestarts", 2.5),
    "sgdr_T_mult": _sched("CosineAnnealingWarmRestarts", 5, T_mult=0),
    "sgdr_T_mult_float": _sched("CosineAnnealingWarmRestarts", 5, T_mult=1.5),
    "sgdr_eta_min": _sched("CosineAnnealingWarmRestarts", 5, eta_min="0"),
    "sgdr_negative_epoch": lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt, 5).step(-1),
    "sequential_empty": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(opt, [], []),
    "sequential_milestones": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.StepLR(opt, 2)], [3]),
    "sequential_plateau": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.ReduceLROnPlateau(opt)], []),
    "sequential_no_optimizer": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [object()], []),
    "sequential_other_optimizer": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.StepLR(make_opt(lib), 2)], []),
    "chained_empty": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler([]),
    "chained_plateau": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.StepLR(opt, 2), lib.optim.lr_scheduler.ReduceLROnPlateau(opt)]),
    "chained_other_optimizer": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.StepLR(opt, 2), lib.optim.lr_scheduler.StepLR(make_opt(lib), 2)]),
    "base_get_lr": lambda lib, opt: lib.optim.lr_scheduler.LRScheduler(opt),
}


def _error(lib, make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            make(lib, make_opt(lib))
        except Exception as e:  # noqa: BLE001 (the type is what is compared)
            return type(e), str(e)
    return None


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case):
    t = _error(torch, ERRORS[case])
    assert t is not None, "torch accepted the case"
    assert _error(ember, ERRORS[case]) == t
