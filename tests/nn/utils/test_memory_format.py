"""nn.utils.convert_conv2d/3d_weight_memory_format against torch: the same layers converted (and
only those), the Parameter objects kept, values unchanged, the module returned."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember


def _model(lib):
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(2, 3, 3), nn.Sequential(nn.ConvTranspose2d(3, 2, 2),
                                                           nn.Conv3d(2, 2, 1)),
                         nn.ConvTranspose3d(2, 2, 1), nn.Conv1d(2, 2, 1), nn.Linear(2, 2))


@pytest.mark.parametrize("fn,fmt", [("convert_conv2d_weight_memory_format", "channels_last"),
                                    ("convert_conv3d_weight_memory_format", "channels_last_3d"),
                                    ("convert_conv2d_weight_memory_format", "contiguous_format")])
def test_converts_the_right_layers(fn, fmt, monkeypatch):
    requested = {}
    for lib in (torch, ember):
        model = _model(lib)
        before = [(p, p.detach().clone()) for p in model.parameters()]
        calls = []
        real_clone = lib.Tensor.clone

        def spy(self, *args, _calls=calls, _real=real_clone, **kwargs):
            _calls.append((tuple(self.shape), str(kwargs.get("memory_format"))))
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(lib.Tensor, "clone", spy)
        out = getattr(lib.nn.utils, fn)(model, getattr(lib, fmt))
        monkeypatch.setattr(lib.Tensor, "clone", real_clone)
        assert out is model
        for p, (same, value) in zip(model.parameters(), before):
            assert p is same and isinstance(p, lib.nn.Parameter)
            np.testing.assert_array_equal(p.detach().numpy(), value.numpy())
        requested[lib.__name__] = [(s, f.split(".")[-1]) for s, f in calls]
    assert requested["ember"] == requested["torch"]
