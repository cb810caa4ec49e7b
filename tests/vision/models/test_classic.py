"""AlexNet, VGG and SqueezeNet against torchvision. The 4096-wide classifiers of VGG (138M
parameters) and AlexNet are slow to draw and to differentiate in float64: AlexNet's layout and
init are checked whole and its numerics on the convolutions, VGG through its feature stacks."""
import importlib

import pytest
import torch

import ember
from ember.vision import models
from tests.vision.models.zoo_check import check_model, check_numerics, check_structure, tv_models


def test_alexnet_matches_torchvision():
    t, e = check_model("alexnet", None, num_classes=10)
    check_numerics(t.features, e.features, (2, 3, 63, 63))


@pytest.mark.parametrize("version", ["1_0", "1_1"])
def test_squeezenet_matches_torchvision(version):
    check_model(f"squeezenet{version}", (2, 3, 48, 48), num_classes=10)


def test_squeezenet_bad_version():
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version 2: 1_0 or 1_1 expected"):
        models.SqueezeNet("2")


@pytest.mark.parametrize("cfg,batch_norm", [("A", True), ("E", False)])
def test_vgg_features(cfg, batch_norm):
    tv_vgg = tv_models().vgg
    vgg = importlib.import_module("ember.vision.models.vgg")
    assert vgg.cfgs == tv_vgg.cfgs
    torch.manual_seed(0)
    t = tv_vgg.make_layers(tv_vgg.cfgs[cfg], batch_norm)
    ember.manual_seed(0)
    e = vgg.make_layers(vgg.cfgs[cfg], batch_norm)
    check_structure(t, e)
    if batch_norm:
        check_numerics(t, e, (2, 3, 32, 32))
