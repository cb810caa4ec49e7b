"""The one comparison every zoo test runs: an ember.vision model against torchvision's.

check_model(name, input_shape) builds both after the same manual_seed and asserts: repr text byte
for byte, state_dict keys/order/shapes, the seeded default init of every parameter and buffer, then
(with torchvision's weights copied over) outputs, input and parameter gradients and
the updated buffers in train and in eval mode (tests/oracle.py's compare_module).
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch

import ember
import ember.vision.models as ember_models
from tests.oracle import assert_same, to_ember
from tests.third_party import import_torchvision


def tv_models():
    """torchvision.models (imported through the register_fake workaround)."""
    return import_torchvision().models


def build_pair(name: str, seed: int = 0, **kwargs) -> tuple:
    """(torchvision model, ember model) built by the registered builders after manual_seed(seed)."""
    torch.manual_seed(seed)
    t = tv_models().get_model(name, **kwargs)
    ember.manual_seed(seed)
    e = ember_models.get_model(name, **kwargs)
    return t, e


def ember_state(t) -> OrderedDict:
    """torch module t's state_dict as ember tensors, its _metadata (module versions) kept."""
    state = t.state_dict()
    out = OrderedDict((k, to_ember(v)) for k, v in state.items())
    out._metadata = state._metadata
    return out


def check_structure(t, e, *, init_rtol: float = 0.0, init_atol: float = 0.0) -> None:
    """repr, state_dict keys in order, shapes, and the seeded initial values."""
    assert repr(e) == repr(t), "repr differs"
    t_state, e_state = t.state_dict(), e.state_dict()
    assert list(e_state) == list(t_state), "state_dict keys differ"
    for k, v in t_state.items():
        assert tuple(e_state[k].shape) == tuple(v.shape), f"{k}: shape differs"
        assert_same(e_state[k], v, rtol=init_rtol, atol=init_atol, where=f"init {k}")
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]


def _flat(out) -> list:
    """The tensors of a model's output (a tensor, or a tuple/namedtuple such as InceptionOutputs)."""
    if isinstance(out, (tuple, list)):
        return [o for o in out if o is not None]
    return [out]


def check_numerics(t, e, input_shape: tuple, modes=("train", "eval"), seed: int = 0,
                   rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Outputs, input and parameter gradients (under a random upstream gradient) and the buffers
    after the step equal torchvision's with its weights copied over, per mode.

    In float64: a float32 batch norm over a few values per channel amplifies rounding so much
    that only an architecture error would stand out in float64."""
    t.double()
    e.load_state_dict(ember_state(t))
    e.double()
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, input_shape)
    for mode in modes:
        t.train(mode == "train")
        e.train(mode == "train")
        t.zero_grad(set_to_none=True)
        e.zero_grad(set_to_none=True)
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        xe = to_ember(xt, requires_grad=True)
        torch.manual_seed(seed + 1)  # dropout draws
        t_out = _flat(t(xt))
        ember.manual_seed(seed + 1)
        e_out = _flat(e(xe))
        assert_same(e_out, t_out, rtol, atol, where=f"{mode} output")
        ups = [torch.from_numpy(rng.uniform(-1, 1, tuple(o.shape))) for o in t_out]
        torch.autograd.backward(t_out, ups)
        ember.autograd.backward(e_out, [to_ember(u) for u in ups])
        g_rtol, g_atol = 4 * rtol, 4 * atol
        assert_same(xe.grad, xt.grad, g_rtol, g_atol, where=f"{mode} input grad")
        for (name, tp), (_, ep) in zip(t.named_parameters(), e.named_parameters(), strict=True):
            if tp.grad is None:
                assert ep.grad is None, f"{mode} {name}.grad: torch None"
            else:
                assert_same(ep.grad, tp.grad, g_rtol, g_atol, where=f"{mode} {name}.grad")
        e_state = e.state_dict()
        for k, v in t.state_dict().items():
            assert_same(e_state[k], v, rtol, atol, where=f"{mode} {k}")


def check_model(name: str, input_shape: tuple | None = (2, 3, 64, 64), *, modes=("train", "eval"),
                seed: int = 0, init_rtol: float = 0.0, init_atol: float = 0.0, **kwargs) -> tuple:
    """The full comparison for one registered model name; input_shape=None skips the forward."""
    t, e = build_pair(name, seed, **kwargs)
    check_structure(t, e, init_rtol=init_rtol, init_atol=init_atol)
    if input_shape is not None:
        check_numerics(t, e, input_shape, modes, seed)
    return t, e
