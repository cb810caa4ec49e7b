"""Lazy layers (LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*): repr before and
after the first call, the class they become, parameters drawn from the same random stream as
torch's, load_state_dict into placeholders, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, to_ember

RNG = np.random.default_rng(0)
CASES = {
    "LazyConv1d": ((4, 3), (2, 3, 9)),
    "LazyConv2d": ((4, 3), (2, 3, 6, 6)),
    "LazyConv3d": ((2, 2), (1, 3, 4, 4, 4)),
    "LazyConvTranspose1d": ((4, 3), (2, 3, 5)),
    "LazyConvTranspose2d": ((4, 3), (2, 6, 5, 5)),
    "LazyConvTranspose3d": ((2, 2), (1, 3, 3, 3, 3)),
    "LazyBatchNorm1d": ((), (4, 3)),
    "LazyBatchNorm2d": ((), (4, 3, 2, 2)),
    "LazyBatchNorm3d": ((), (2, 3, 2, 2, 2)),
    "LazyInstanceNorm1d": ((), (2, 3, 5)),
    "LazyInstanceNorm2d": ((), (2, 3, 4, 4)),
    "LazyInstanceNorm3d": ((), (2, 3, 3, 3, 3)),
}
KWARGS = {"LazyConvTranspose2d": {"groups": 2, "stride": 2}, "LazyConv1d": {"bias": False},
          "LazyBatchNorm2d": {"affine": False}, "LazyInstanceNorm1d": {"affine": False}}


@pytest.mark.parametrize("name", list(CASES))
def test_lazy_layer_materializes_like_torch(name):
    args, shape = CASES[name]
    kwargs = KWARGS.get(name, {})
    x = RNG.normal(size=shape).astype("float32")
    mods = {}
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(*args, **kwargs)
        before = repr(m)
        m(lib.from_numpy(x.copy()) if lib is torch else ember.tensor(x))  # materializes
        mods[lib] = (m, before)
    (t, t_before), (e, e_before) = mods[torch], mods[ember]
    assert e_before == t_before
    assert repr(e) == repr(t)
    assert type(e).__name__ == type(t).__name__ == name[4:]
    assert list(e.state_dict()) == list(t.state_dict())
    for (k, tp), (_, ep) in zip(t.named_parameters(), e.named_parameters(), strict=True):
        assert_same(ep, tp, rtol=0, atol=0, where=k)  # the same draws as torch's initialisation
    for k, v in t.state_dict().items():  # running statistics of the first (training) call
        assert_same(e.state_dict()[k], v, where=k)
    compare_module(t, e, [x])


def test_load_state_dict_into_placeholders():
    source = torch.nn.Conv2d(2, 4, 3)
    mods = []
    for lib in (torch, ember):
        m = lib.nn.LazyConv2d(4, 3)
        sd = source.state_dict() if lib is torch else \
            {k: to_ember(v) for k, v in source.state_dict().items()}
        m.load_state_dict(sd)
        mods.append((repr(m), type(m).__name__, tuple(m.weight.shape)))
    assert mods[0] == mods[1]


def test_errors():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D"):
            lib.nn.LazyConv2d(4, 3)(lib.zeros(5, 5))
        with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
            lib.nn.LazyConv2d(4, 3, groups=4)(lib.zeros(1, 6, 5, 5))
        with pytest.raises(ValueError, match="expected input's size at dim=0"):
            lib.nn.LazyInstanceNorm1d()(lib.zeros(3, 7))  # torch reads num_features at dim 1


def test_uninitialized_parameter_materialize():
    for lib in (torch, ember):
        p = lib.nn.UninitializedParameter()
        p.materialize((2, 3))
        assert type(p) is lib.nn.Parameter and tuple(p.shape) == (2, 3) and p.requires_grad
        b = lib.nn.UninitializedBuffer()
        b.materialize((4,))
        assert type(b) is lib.Tensor and tuple(b.shape) == (4,)
