"""ConvNeXt against torchvision: repr, state_dict, seeded init, outputs and gradients."""
from __future__ import annotations

import pytest

import ember.vision.models as em
from tests.vision.models.test_efficientnet import (
    check_architecture,
    check_model,
    check_weights,
    tv,
)


def _tiny(models, **kwargs):
    """Two stages of widths 8 and 16: the full ConvNeXt structure at toy size."""
    mod = models.convnext
    setting = [mod.CNBlockConfig(8, 16, 2), mod.CNBlockConfig(16, None, 2)]
    return mod.ConvNeXt(setting, num_classes=10, **kwargs)


def test_tiny_convnext():
    check_model(lambda m: _tiny(m, stochastic_depth_prob=0.5, layer_scale=0.5),
                (2, 3, 16, 16), float32_train=True)


@pytest.mark.parametrize("name", ["convnext_tiny", "convnext_small", "convnext_base",
                                  "convnext_large"])
def test_architecture(name):
    check_architecture(name)


def test_weights():
    check_weights(em.convnext, tv.models.convnext)
    with pytest.raises(ValueError, match="num_classes"):
        em.convnext_tiny(weights="IMAGENET1K_V1", num_classes=10)
