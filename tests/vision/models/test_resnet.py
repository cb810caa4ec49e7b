"""ResNet / ResNeXt / Wide ResNet against torchvision: structure, seeded init, numerics."""
import pytest
import torch

import ember
from ember.vision import models
from tests.vision.models.zoo_check import check_model, check_numerics, check_structure, tv_models


def test_resnet18_matches_torchvision():
    check_model("resnet18", (2, 3, 48, 48))


def test_resnet50_structure_and_init():
    _, e = check_model("resnet50", None)
    assert repr(e).startswith("ResNet(\n  (conv1): Conv2d(3, 64, kernel_size=(7, 7)")


def _small_pair(block: str, layers, **kwargs):
    torch.manual_seed(0)
    tv = tv_models().resnet
    t = tv.ResNet(getattr(tv, block), layers, **kwargs)
    ember.manual_seed(0)
    e = models.resnet.ResNet(getattr(models.resnet, block), layers, **kwargs)
    return t, e


def test_zero_init_residual():
    for block in ("BasicBlock", "Bottleneck"):
        check_structure(*_small_pair(block, [1, 1, 1, 1], num_classes=10, zero_init_residual=True))


@pytest.mark.parametrize("kwargs", [
    {"num_classes": 7, "groups": 32, "width_per_group": 4},                 # resnext
    {"num_classes": 5, "width_per_group": 128,                              # wide, dilated
     "replace_stride_with_dilation": [False, False, True]},
])
def test_bottleneck_variants(kwargs):
    t, e = _small_pair("Bottleneck", [1, 1, 1, 1], **kwargs)
    check_structure(t, e)
    check_numerics(t, e, (2, 3, 32, 32))


def test_basic_block_errors():
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1 and base_width=64"):
        models.resnet.BasicBlock(8, 8, groups=2)
    with pytest.raises(NotImplementedError, match="Dilation > 1 not supported in BasicBlock"):
        models.resnet.BasicBlock(8, 8, dilation=2)
    with pytest.raises(ValueError, match="replace_stride_with_dilation should be None"):
        models.resnet.ResNet(models.resnet.BasicBlock, [1, 1, 1, 1],
                             replace_stride_with_dilation=[True])


def test_builders_and_registry():
    names = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
             "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]
    assert models.list_models(module=models, include="*res*") == \
        tv_models().list_models(module=tv_models(), include="*res*") == sorted(names)
    for name in names:
        enum = models.get_model_weights(name)
        tv_enum = tv_models().get_model_weights(name)
        assert enum.__name__ == tv_enum.__name__
        assert [repr(w) for w in enum] == [repr(w) for w in tv_enum]
        assert repr(enum.DEFAULT) == repr(tv_enum.DEFAULT)
    with pytest.raises(ValueError, match="The parameter 'groups' expected value 32 but got 8"):
        models.resnext50_32x4d(groups=8)
