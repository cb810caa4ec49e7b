"""nn.utils.parametrizations (weight_norm, spectral_norm) and the legacy hook forms
nn.utils.weight_norm / spectral_norm: keys, seeded power-iteration buffers, forward/backward over
several training steps, removal, differential against torch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair, to_ember

X = np.random.default_rng(0).normal(size=(4, 3, 6, 6)).astype("float32")
XL = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")

LAYERS = {
    "linear": (lambda lib: lib.nn.Linear(4, 5), XL),
    "conv": (lambda lib: lib.nn.Conv2d(3, 4, 3), X),
    "conv_transpose": (lambda lib: lib.nn.ConvTranspose2d(3, 4, 3), X),
}


def _pair(ctor):
    """Both modules built after the same seed: their initial state (random draws, then norms and
    power iterations computed from them) agrees within float32 rounding; ember then takes torch's
    exact state so that later steps start from identical numbers."""
    t, e = module_pair(ctor, init="copy")
    ember.manual_seed(0)
    fresh = ctor(ember)
    for k, v in t.state_dict().items():
        assert_same(fresh.state_dict()[k], v, where=f"init {k}")
    e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    return t, e


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_parametrization(layer, dim):
    make, x = LAYERS[layer]
    t, e = _pair(lambda lib: lib.nn.utils.parametrizations.weight_norm(make(lib), dim=dim))
    assert repr(e) == repr(t)
    compare_module(t, e, [x])


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("n_iter", [1, 3])
def test_spectral_norm_parametrization_trains_like_torch(layer, n_iter):
    make, x = LAYERS[layer]
    t, e = _pair(lambda lib: lib.nn.utils.parametrizations.spectral_norm(
        make(lib), n_power_iterations=n_iter))  # _u, _v drawn as torch draws them
    assert repr(e) == repr(t)
    for _ in range(3):  # every training forward runs power iterations on the buffers
        compare_module(t, e, [x])
    t.eval(), e.eval()
    compare_module(t, e, [x])


def test_spectral_norm_of_a_vector_and_errors():
    t, e = _pair(lambda lib: lib.nn.utils.parametrizations.spectral_norm(
        lib.nn.Linear(4, 5), name="bias"))
    compare_module(t, e, [XL])
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="has no parameter or buffer with name 'nope'"):
            lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(2, 2), name="nope")
        with pytest.raises(ValueError, match="n_power_iterations to be positive"):
            lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(2, 2),
                                                        n_power_iterations=0)


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("dim", [0, None])
def test_legacy_weight_norm(layer, dim):
    make, x = LAYERS[layer]
    t, e = _pair(lambda lib: _quiet(lib.nn.utils.weight_norm, make(lib), dim=dim))
    compare_module(t, e, [x])
    for lib, m in ((torch, t), (ember, e)):
        lib.nn.utils.remove_weight_norm(m)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight, t.weight)


def test_legacy_weight_norm_warns_and_refuses_twice():
    for lib in (torch, ember):
        with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
            m = lib.nn.utils.weight_norm(lib.nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            _quiet(lib.nn.utils.weight_norm, m)
        with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
            lib.nn.utils.remove_weight_norm(m, "bias")


@pytest.mark.parametrize("layer", list(LAYERS))
def test_legacy_spectral_norm(layer):
    make, x = LAYERS[layer]
    t, e = _pair(lambda lib: lib.nn.utils.spectral_norm(make(lib)))
    for _ in range(3):
        compare_module(t, e, [x])
    for lib, m in ((torch, t), (ember, e)):
        lib.nn.utils.remove_spectral_norm(m)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight, t.weight)
    for lib in (torch, ember):
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
            lib.nn.utils.spectral_norm(m)
