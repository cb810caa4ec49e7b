"""Whole-module pickles cross between the frameworks: ember writes torch's class paths (torch
loads the file as torch modules) and reads torch's (as ember modules), with weights_only=False
and with the classes allowed through safe_globals."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, to_ember


def _model(lib):
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(16, 8), nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                                                      batch_first=True))


def _allowed(lib):
    nn = lib.nn
    return [nn.Sequential, nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.Flatten, nn.Linear,
            nn.TransformerEncoderLayer, nn.MultiheadAttention,
            nn.modules.linear.NonDynamicallyQuantizableLinear, nn.Dropout, nn.LayerNorm,
            nn.functional.relu, set]


X = np.random.default_rng(0).normal(size=(3, 2, 4, 4)).astype("float32")


def _out(lib, model):
    model.eval()
    x = torch.from_numpy(X) if lib is torch else ember.tensor(X)
    with lib.no_grad():
        return model(x).reshape(3, 1, 8)


@pytest.mark.parametrize("weights_only", [False, True])
def test_ember_module_file_loads_in_torch(tmp_path, weights_only):
    e_model = _model(ember)
    path = tmp_path / "m.pt"
    ember.save(e_model, path)
    with torch.serialization.safe_globals(_allowed(torch)):
        t_model = torch.load(path, weights_only=weights_only)
    assert type(t_model) is torch.nn.Sequential
    assert type(t_model[1]) is torch.nn.BatchNorm2d
    assert t_model[5].activation is torch.nn.functional.relu
    assert repr(t_model) == repr(e_model)
    assert_same(_out(ember, e_model), _out(torch, t_model))


@pytest.mark.parametrize("weights_only", [False, True])
def test_torch_module_file_loads_in_ember(tmp_path, weights_only):
    t_model = _model(torch)
    path = tmp_path / "m.pt"
    torch.save(t_model, path)
    with ember.serialization.safe_globals(_allowed(ember)):
        e_model = ember.load(path, weights_only=weights_only)
    assert type(e_model) is ember.nn.Sequential
    assert type(e_model[1]) is ember.nn.BatchNorm2d
    assert e_model[5].activation is ember.nn.functional.relu
    assert repr(e_model) == repr(t_model)
    assert_same(_out(ember, e_model), _out(torch, t_model))
    e_model.train()
    e_model(ember.tensor(X)).sum().backward()  # the loaded module trains
    assert e_model[0].weight.grad is not None


def test_unallowed_torch_class_is_refused(tmp_path):
    path = tmp_path / "m.pt"
    torch.save(torch.nn.Linear(2, 2), path)
    with pytest.raises(Exception, match="torch.nn.modules.linear.Linear"):
        ember.load(path)
    assert to_ember(torch.ones(1)).shape == (1,)
