"""EfficientNet v1/v2 against torchvision: repr, state_dict, seeded init, outputs and gradients.

`check_model` here is shared by the other modern-family tests (ConvNeXt, RegNet, ViT, Swin, MaxViT).
"""
from __future__ import annotations

import contextlib
import copy

import numpy as np
import pytest
import torch

import ember
import ember.vision.models as em
from tests.oracle import assert_same, to_ember
from tests.third_party import import_torchvision

tv = import_torchvision()
t_eff = tv.models.efficientnet


def build_pair(build, seed: int = 0):
    """build(models_module) under torchvision and ember after manual_seed(seed): same repr, same
    state_dict keys, shapes, order and values (the default init draws torch's numbers)."""
    torch.manual_seed(seed)
    t = build(tv.models)
    ember.manual_seed(seed)
    e = build(em)
    assert repr(e) == repr(t)
    t_state, e_state = t.state_dict(), e.state_dict()
    assert list(e_state) == list(t_state), "state_dict keys differ"
    for k, v in t_state.items():
        assert_same(e_state[k], v, rtol=0, atol=0, where=f"init {k}")
    return t, e


# (rtol, atol) of outputs and of gradients; atol is relative to torch's largest magnitude
_TOLERANCES = {np.float32: ((1e-4, 1e-4), (1e-3, 1e-4)), np.float64: ((1e-7, 1e-9), (1e-6, 1e-8))}


def compare_forward(t, e, x: np.ndarray, *, training: bool, seed: int = 1) -> None:
    """Forward x in both (seeded, so stochastic depth and dropout draw alike), then backward a
    random upstream gradient: outputs, the input's and every parameter's gradient, the state."""
    (rtol, atol), (grad_rtol, grad_atol) = _TOLERANCES[x.dtype.type]
    t.train(training)
    e.train(training)
    t.zero_grad(set_to_none=True)
    e.zero_grad(set_to_none=True)
    tx = torch.from_numpy(x).requires_grad_(True)
    ex = to_ember(tx, requires_grad=True)
    torch.manual_seed(seed)
    t_out = t(tx)
    ember.manual_seed(seed)
    e_out = e(ex)
    _same(e_out, t_out, rtol, atol, "output")
    up = torch.from_numpy(np.random.default_rng(seed).uniform(-1, 1, tuple(t_out.shape)))
    t_out.backward(up.to(t_out.dtype))
    e_out.backward(to_ember(up.to(t_out.dtype)))
    _same(ex.grad, tx.grad, grad_rtol, grad_atol, "input grad")
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters(), strict=True):
        assert tn == en
        _same(ep.grad, tp.grad, grad_rtol, grad_atol, f"{tn}.grad")
    e_state = e.state_dict()
    for k, v in t.state_dict().items():
        _same(e_state[k], v, rtol, atol, k)


def _same(e, t, rtol: float, atol: float, where: str) -> None:
    """Within rtol, and atol relative to torch's largest magnitude (rounding scales with it)."""
    if t is None:
        assert e is None, f"{where}: torch has no gradient, ember has one"
        return
    scale = max(1.0, float(t.detach().abs().max())) if t.is_floating_point() and t.numel() else 1.0
    assert_same(e, t, rtol, atol * scale, where)


@contextlib.contextmanager
def torch_single_thread():
    """Small workloads on a shared machine: torch's thread pool only adds contention."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def check_model(build, shape, *, seed: int = 0, float32_train: bool = False):
    """build_pair, then compare_forward on a random input of `shape`: eval mode in float32, train
    mode in float64 (train-mode batch norm over a few values at init amplifies float32 rounding
    by 1e4 in both libraries alike, while float64 agrees to 1e-10); with float32_train, where
    rounding stays small (layer norm, larger maps), train mode in float32 first."""
    with torch_single_thread():
        t, e = build_pair(build, seed)
        x = np.random.default_rng(seed).uniform(-1, 1, shape)
        compare_forward(t, e, x.astype(np.float32), training=False)
        if float32_train:  # on copies: the float64 pass starts from the same running stats
            compare_forward(copy.deepcopy(t), copy.deepcopy(e), x.astype(np.float32),
                            training=True)
        compare_forward(t.double(), e.double(), x, training=True)
    return t, e


_INITS = ["kaiming_uniform_", "kaiming_normal_", "uniform_", "normal_", "trunc_normal_",
          "xavier_uniform_", "zeros_", "ones_", "constant_"]


@contextlib.contextmanager
def no_init():
    """Skip nn.init's draws in both libraries: the big models' architecture checks stay fast."""
    saved = [(lib.nn.init, n, getattr(lib.nn.init, n)) for lib in (ember, torch) for n in _INITS]
    for module, n, _ in saved:
        setattr(module, n, lambda tensor, *args, **kwargs: tensor)
    try:
        yield
    finally:
        for module, n, fn in saved:
            setattr(module, n, fn)


def check_architecture(name: str, **kwargs) -> None:
    """A named builder: repr, state_dict keys, order and shapes equal to torchvision's."""
    with no_init():
        t = getattr(tv.models, name)(**kwargs)
        e = getattr(em, name)(**kwargs)
    assert repr(e) == repr(t)
    t_state, e_state = t.state_dict(), e.state_dict()
    assert list(e_state) == list(t_state)
    assert [tuple(v.shape) for v in e_state.values()] == [tuple(v.shape) for v in t_state.values()]
    assert [v.dtype for v in e_state.values()] == \
        [getattr(ember, str(v.dtype).split(".")[1]) for v in t_state.values()]


def check_weights(e_mod, t_mod) -> None:
    """Every builder registered; every Weights enum of a module: members, aliases, url, meta and
    transforms as torchvision's."""
    assert sorted(e_mod.__all__) == sorted(t_mod.__all__)
    for name in (n for n in t_mod.__all__ if n.islower()):  # the builders are registered
        assert em.get_model_builder(name) is getattr(e_mod, name)
        assert em.get_model_weights(name).__name__ == tv.models.get_model_weights(name).__name__
    for name in (n for n in t_mod.__all__ if n.endswith("_Weights")):
        t_enum, e_enum = getattr(t_mod, name), getattr(e_mod, name)
        assert list(e_enum.__members__) == list(t_enum.__members__), name
        for member, t_w in t_enum.__members__.items():
            e_w = e_enum[member]
            assert (e_w.name, e_w.url, e_w.meta) == (t_w.name, t_w.url, t_w.meta), repr(e_w)
            t_kw = {k: getattr(v, "value", v) for k, v in t_w.transforms.keywords.items()}
            e_kw = {k: getattr(v, "value", v) for k, v in e_w.transforms.keywords.items()}
            assert e_kw == t_kw, repr(e_w)
            assert repr(e_w.transforms()) == repr(t_w.transforms())
        assert str(e_enum.DEFAULT) == str(t_enum.DEFAULT)


def _tiny(models, fused: bool = False, **kwargs):
    """A two-stage EfficientNet (MBConv or FusedMBConv), small enough to run in milliseconds."""
    mod = models.efficientnet
    cfg = mod.FusedMBConvConfig if fused else mod.MBConvConfig
    setting = [cfg(1, 3, 1, 8, 8, 2), cfg(4, 3, 2, 8, 16, 2)]
    return mod.EfficientNet(setting, 0.2, num_classes=10, **kwargs)


@pytest.mark.parametrize("fused", [False, True])
def test_tiny_efficientnet(fused):
    check_model(lambda m: _tiny(m, fused, stochastic_depth_prob=0.5), (2, 3, 16, 16))


def test_efficientnet_b0():
    check_model(lambda m: m.efficientnet_b0(), (2, 3, 64, 64))


@pytest.mark.parametrize("name", [f"efficientnet_b{i}" for i in range(1, 8)]
                         + ["efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"])
def test_architecture(name):
    check_architecture(name)


def test_weights():
    check_weights(em.efficientnet, t_eff)
    assert em.get_model_weights("efficientnet_v2_s") is em.EfficientNet_V2_S_Weights
    default = em.get_weight("EfficientNet_B1_Weights.DEFAULT")
    assert default is em.EfficientNet_B1_Weights.IMAGENET1K_V2


def test_builder_options():
    check_architecture("efficientnet_b3", num_classes=7, dropout=0.1, stochastic_depth_prob=0.4)
    with pytest.raises(TypeError):
        em.efficientnet_b0(weights=em.EfficientNet_B1_Weights.DEFAULT)
    with pytest.raises(ValueError, match="num_classes"):
        em.efficientnet_b0(weights="DEFAULT", num_classes=10)
    with pytest.raises(ValueError, match="Unsupported model type"):
        em.efficientnet._efficientnet_conf("efficientnet_v3")
