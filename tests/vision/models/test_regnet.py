"""RegNet against torchvision: block parameters, repr, state_dict, seeded init, outputs, grads."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember.vision.models as em
from ember.vision.models import regnet as e_regnet
from tests.oracle import assert_same, to_ember
from tests.vision.models.test_efficientnet import (
    build_pair,
    check_architecture,
    check_model,
    check_weights,
    tv,
)

t_regnet = tv.models.regnet

# (depth, w_0, w_a, w_m, group_width, se_ratio) of every torchvision RegNet
_CONFIGS = [(16, 48, 27.89, 2.09, 8, 0.25), (14, 56, 38.84, 2.4, 16, 0.25),
            (27, 48, 20.71, 2.65, 24, 0.25), (21, 80, 42.63, 2.66, 24, 0.25),
            (17, 192, 76.82, 2.19, 56, 0.25), (18, 200, 106.23, 2.48, 112, 0.25),
            (20, 232, 115.89, 2.53, 232, 0.25), (27, 456, 160.83, 2.52, 264, 0.25),
            (22, 24, 24.48, 2.54, 16, None), (16, 56, 35.73, 2.28, 16, None),
            (18, 80, 34.01, 2.25, 24, None), (25, 88, 26.31, 2.25, 48, None),
            (23, 80, 49.56, 2.88, 120, None), (22, 216, 55.59, 2.1, 128, None),
            (23, 320, 69.86, 2.0, 168, None)]


@pytest.mark.parametrize("cfg", _CONFIGS)
def test_block_params(cfg):
    depth, w_0, w_a, w_m, group_width, se_ratio = cfg
    kw = {"depth": depth, "w_0": w_0, "w_a": w_a, "w_m": w_m, "group_width": group_width,
          "se_ratio": se_ratio}
    assert vars(e_regnet.BlockParams.from_init_params(**kw)) == \
        vars(t_regnet.BlockParams.from_init_params(**kw))


def test_block_params_invalid():
    with pytest.raises(ValueError, match="Invalid RegNet settings"):
        e_regnet.BlockParams.from_init_params(depth=4, w_0=12, w_a=1.0, w_m=2.0, group_width=8)


def _tiny(models, se_ratio):
    mod = models.regnet
    params = mod.BlockParams.from_init_params(depth=3, w_0=8, w_a=8.0, w_m=2.0, group_width=4,
                                              se_ratio=se_ratio)
    return mod.RegNet(params, num_classes=10, stem_width=8)


@pytest.mark.parametrize("se_ratio", [None, 0.25])
def test_tiny_regnet(se_ratio):
    check_model(lambda m: _tiny(m, se_ratio), (2, 3, 32, 32))


def test_regnet_y_400mf():
    check_model(lambda m: m.regnet_y_400mf(), (2, 3, 64, 64))


def test_regnet_x_400mf_init():
    build_pair(lambda m: m.regnet_x_400mf())


_NAMES = ["regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf",
          "regnet_y_32gf", "regnet_y_128gf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf",
          "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf"]


@pytest.mark.parametrize("name", _NAMES)
def test_architecture(name):
    check_architecture(name)


def test_weights():
    check_weights(em.regnet, t_regnet)
    assert em.get_weight("RegNet_Y_16GF_Weights.IMAGENET1K_SWAG_E2E_V1").meta["license"] == \
        "https://github.com/facebookresearch/SWAG/blob/main/LICENSE"


def test_pretrained_from_cache(tmp_path, monkeypatch):
    """weights= and the deprecated pretrained=True load the hub cache's file, as torchvision."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    torch.manual_seed(0)
    state = tv.models.regnet_y_400mf().state_dict()
    for weights in (t_regnet.RegNet_Y_400MF_Weights.IMAGENET1K_V1,
                    t_regnet.RegNet_Y_400MF_Weights.DEFAULT):
        torch.save(state, checkpoints / weights.url.rsplit("/", 1)[1])
    x = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32))).float()
    e = em.regnet_y_400mf(weights=em.RegNet_Y_400MF_Weights.DEFAULT).eval()
    with warnings.catch_warnings(record=True) as t_warnings:
        warnings.simplefilter("always")
        t = tv.models.regnet_y_400mf(pretrained=True).eval()
    with warnings.catch_warnings(record=True) as e_warnings:
        warnings.simplefilter("always")
        e_legacy = em.regnet_y_400mf(pretrained=True).eval()
    assert len(t_warnings) == 2  # the `pretrained` deprecation and the weights equivalence
    assert [str(w.message) for w in e_warnings] == [str(w.message) for w in t_warnings]
    with torch.no_grad():
        t_out = t(x)
        assert_same(e(to_ember(x)), t_out, 1e-4, 1e-5)
        assert_same(e_legacy(to_ember(x)), t_out, 1e-4, 1e-5)
