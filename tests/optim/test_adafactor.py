"""optim.Adafactor against torch.optim.Adafactor: trajectories (factored and unfactored second
moments, weight decay, maximize, eps1 given or from the dtype, clipping d), state_dict layout,
resuming across frameworks, argument errors."""
from __future__ import annotations

import pytest
import torch

import ember
from tests.optim.test_optimizers import _run, assert_close, assert_same_state, compare

CASES = [
    {"lr": 0.05},
    {"lr": 0.05, "weight_decay": 0.1, "maximize": True},
    {"lr": 0.2, "beta2_decay": -0.5, "eps": (1e-20, 1e-2), "d": 2.0},
]


@pytest.mark.parametrize("kwargs", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_trajectory(kwargs, dtype):
    compare("Adafactor", kwargs, dtype=dtype, steps=30)


def test_param_groups_and_resume_from_torch():
    t_opt, t_ps, _ = _run(torch, "Adafactor", {"lr": 0.05}, "float64", 10,
                          groups={"lr": 0.1, "weight_decay": 0.01})
    e_opt, e_ps, _ = _run(ember, "Adafactor", {"lr": 0.05}, "float64", 1,
                          groups={"lr": 0.1, "weight_decay": 0.01})
    with ember.no_grad():
        for e, t in zip(e_ps, t_ps):
            e.copy_(ember.tensor(t.detach().numpy()))
    e_opt.load_state_dict(t_opt.state_dict())
    assert_same_state(e_opt.state_dict(), t_opt.state_dict(), "float64")
    for lib, opt, ps in ((torch, t_opt, t_ps), (ember, e_opt, e_ps)):
        for p in ps:
            p.grad = lib.ones_like(p)
        opt.step()
    for e, t in zip(e_ps, t_ps):
        assert_close(e.detach().numpy(), t.detach().numpy(), "float64", "after resume")


@pytest.mark.parametrize("kwargs,match", [
    ({"lr": -1.0}, "Learning rate should be >= 0"),
    ({"beta2_decay": 0.5}, "beta2_decay should be <= 0"),
    ({"eps": (-1.0, 1e-3)}, "epsilon1 should be >= 0"),
    ({"eps": (None, -1.0)}, "epsilon2 should be >= 0"),
    ({"d": 0.5}, "Clipping threshold d should be >= 1"),
    ({"weight_decay": -1.0}, "weight_decay should be >= 0"),
])
def test_argument_errors(kwargs, match):
    for lib in (torch, ember):
        with pytest.raises(ValueError, match=match):
            lib.optim.Adafactor([lib.zeros(2, requires_grad=True)], **kwargs)
