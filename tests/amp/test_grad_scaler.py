"""GradScaler against torch: scale, unscale_, step skipping on inf/NaN, update's growth and
backoff, state_dict, enabled=False, errors, and an autocast training loop ending at torch's
parameters."""
import pickle

import numpy as np
import pytest
import torch

import ember
import ember.cpu  # until ember resolves .cpu lazily itself
from tests.oracle import assert_same


def _model_pair(seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-0.5, 0.5, s).astype(np.float32) for s in [(6, 4), (6,), (3, 6), (3,)]]
    out = []
    for lib in (torch, ember):
        m = lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.ReLU(), lib.nn.Linear(6, 3))
        with lib.no_grad():
            for p, a in zip(m.parameters(), arrays):
                p.copy_(lib.tensor(a))
        out.append(m)
    return out


def _batches(n, seed=1):
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-2, 2, (5, 4)).astype(np.float32), rng.integers(0, 3, 5))
            for _ in range(n)]


def _run(lib, model, batches, scaler, *, autocast=False, poison=(), unscale=False):
    """SGD steps through scaler; batches listed in `poison` get an inf in the input. Returns
    the per-step (step result, scale, growth tracker)."""
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    log = []
    for i, (x, y) in enumerate(batches):
        x = lib.tensor(x)
        if i in poison:
            x[0, 0] = float("inf")
        opt.zero_grad()
        with lib.autocast("cpu", enabled=autocast):
            loss = lib.nn.functional.cross_entropy(model(x), lib.tensor(y))
        scaler.scale(loss).backward()
        if unscale:
            scaler.unscale_(opt)
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        r = scaler.step(opt)
        scaler.update()
        log.append((r, scaler.get_scale(), scaler._get_growth_tracker()))
    return log


@pytest.mark.parametrize("unscale", [False, True])
def test_growth_backoff_and_skipped_steps_match_torch(unscale):
    t_model, e_model = _model_pair()
    kw = {"init_scale": 2.0**10, "growth_factor": 4.0, "backoff_factor": 0.25,
          "growth_interval": 2}
    t_sc, e_sc = torch.amp.GradScaler("cpu", **kw), ember.amp.GradScaler("cpu", **kw)
    batches = _batches(7)
    t_log = _run(torch, t_model, batches, t_sc, poison=(2, 5), unscale=unscale)
    e_log = _run(ember, e_model, batches, e_sc, poison=(2, 5), unscale=unscale)
    assert e_log == t_log
    assert e_sc.state_dict() == t_sc.state_dict()
    for (n, tp), ep in zip(t_model.named_parameters(), e_model.parameters()):
        assert_same(ep, tp, where=n)


def test_autocast_bf16_training_loop_matches_torch():
    t_model, e_model = _model_pair(3)
    t_sc, e_sc = (lib.amp.GradScaler("cpu", init_scale=2.0**8, growth_interval=3)
                  for lib in (torch, ember))
    batches = _batches(8, seed=4)
    t_log = _run(torch, t_model, batches, t_sc, autocast=True, poison=(4,))
    e_log = _run(ember, e_model, batches, e_sc, autocast=True, poison=(4,))
    assert e_log == t_log
    for (n, tp), ep in zip(t_model.named_parameters(), e_model.parameters()):
        assert ep.dtype == ember.float32
        assert_same(ep, tp, rtol=2e-2, atol=2e-3, where=n)


def test_scale_nested_outputs_and_disabled_passthrough():
    for lib in (torch, ember):
        sc = lib.amp.GradScaler("cpu", init_scale=8.0)
        a, b = lib.ones(2), lib.full((3,), 2.0)
        out = sc.scale([a, (b, a)])
        assert isinstance(out, list) and isinstance(out[1], tuple)
        assert out[1][0].tolist() == [16.0] * 3 and str(sc._scale.dtype) == "torch.float32"
        with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable"):
            sc.scale([1.0])
        off = lib.amp.GradScaler("cpu", enabled=False)
        assert off.scale(a) is a and off.get_scale() == 1.0 and off.state_dict() == {}
        assert not off.is_enabled()
        m = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(m.parameters(), lr=1.0)
        m(lib.ones(1, 2)).sum().backward()
        before = m.weight.detach().clone()
        off.unscale_(opt)
        off.step(opt)
        off.update()
        assert (m.weight - before).abs().sum().item() > 0  # the plain step ran
        off.load_state_dict({})


def test_state_dict_layout_and_round_trip_with_torch():
    t_sc = torch.amp.GradScaler("cpu", init_scale=512.0, growth_interval=7)
    e_sc = ember.amp.GradScaler("cpu", init_scale=512.0, growth_interval=7)
    assert e_sc.state_dict() == t_sc.state_dict()
    assert list(e_sc.state_dict()) == list(t_sc.state_dict())
    t_model, e_model = _model_pair()
    _run(torch, t_model, _batches(3), t_sc, poison=(1,))
    e2 = ember.amp.GradScaler("cpu")
    e2.load_state_dict(t_sc.state_dict())
    assert e2.state_dict() == t_sc.state_dict()
    _run(ember, e_model, _batches(1), e2)
    t2 = torch.amp.GradScaler("cpu")
    t2.load_state_dict(e2.state_dict())
    assert t2.state_dict() == e2.state_dict()
    with pytest.raises(RuntimeError, match="The source state dict is empty"):
        ember.amp.GradScaler("cpu").load_state_dict({})
    e3 = pickle.loads(pickle.dumps(e2))
    assert e3.state_dict() == e2.state_dict() and e3._scale is None


def test_misuse_raises_like_torch():
    for lib in (torch, ember):
        m = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        sc = lib.amp.GradScaler("cpu")
        with pytest.raises(AssertionError, match="Attempted step but _scale is None"):
            sc.step(opt)
        sc.scale(m(lib.ones(1, 2)).sum()).backward()
        with pytest.raises(AssertionError, match="No inf checks were recorded prior to update"):
            sc.update()
        sc.unscale_(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
            sc.unscale_(opt)
        with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
            sc.step(opt, closure=lambda: 0.0)
        sc.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            sc.step(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step"):
            sc.unscale_(opt)
        sc.update(4.0)
        assert sc.get_scale() == 4.0
        sc.update(lib.tensor(2.0))
        assert sc.get_scale() == 2.0
        with pytest.raises(AssertionError, match="new_scale should be a float"):
            sc.update(lib.tensor([1.0, 2.0]))
        with pytest.raises(AssertionError, match="The growth factor must be > 1.0"):
            lib.amp.GradScaler("cpu", growth_factor=1.0)
        with pytest.raises(AssertionError, match="The backoff factor must be < 1.0"):
            lib.amp.GradScaler("cpu", backoff_factor=1.0)
        half = lib.nn.Parameter(lib.ones(2, dtype=lib.float16))
        opt_half = lib.optim.SGD([half], lr=0.1)
        sc.scale(half.sum()).backward()
        with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients"):
            sc.unscale_(opt_half)


def test_nan_gradient_skips_the_step():
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.SGD([p], lr=1.0)
        sc = lib.amp.GradScaler("cpu", init_scale=4.0)
        (sc.scale(p * lib.tensor([1.0, float("nan"), 1.0])).sum()).backward()
        assert sc.step(opt) is None
        sc.update()
        assert p.tolist() == [1.0, 1.0, 1.0] and sc.get_scale() == 2.0


@pytest.mark.skipif(torch.cuda.is_available(), reason="torch's behaviour without a GPU")
def test_cuda_scaler_without_gpu_warns_and_disables():
    if ember.cuda.is_available():
        pytest.skip("ember sees a GPU")
    makers = [lambda lib: lib.amp.GradScaler(), lambda lib: lib.amp.GradScaler("cuda"),
              lambda lib: lib.cuda.amp.GradScaler(), lambda lib: lib.cpu.amp.GradScaler()]
    for make in makers:
        got = []
        for lib in (torch, ember):
            with pytest.warns(Warning) as rec:
                sc = make(lib)
            got.append(([(w.category.__name__, str(w.message)) for w in rec], sc.is_enabled(),
                        sc._device))
        assert got[0] == got[1]


def test_unscaled_gradients_are_exact():
    t_model, e_model = _model_pair()
    for lib, m in ((torch, t_model), (ember, e_model)):
        sc = lib.amp.GradScaler("cpu", init_scale=2.0**16)
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        x = lib.tensor(_batches(1)[0][0])
        sc.scale(m(x).sum()).backward()
        sc.unscale_(opt)
    for tp, ep in zip(t_model.parameters(), e_model.parameters()):
        assert_same(ep.grad, tp.grad)
