"""Swin Transformer v1/v2 against torchvision: repr, state_dict, seeded init, outputs, grads."""
from __future__ import annotations

import pytest

import ember.vision.models as em
from tests.vision.models.test_efficientnet import (
    check_architecture,
    check_model,
    check_weights,
    tv,
)


def _tiny(models, v2: bool, **kwargs):
    """Two stages (widths 8, 16) with 2x2 windows: shifted windows, masks and patch merging."""
    mod = models.swin_transformer
    if v2:
        kwargs.update(block=mod.SwinTransformerBlockV2, downsample_layer=mod.PatchMergingV2)
    return mod.SwinTransformer([4, 4], 8, [2, 2], [2, 4], [2, 2], num_classes=10,
                               stochastic_depth_prob=0.3, **kwargs)


@pytest.mark.parametrize("v2", [False, True])
def test_tiny_swin(v2):
    check_model(lambda m: _tiny(m, v2), (2, 3, 16, 16), float32_train=True)


@pytest.mark.parametrize("v2", [False, True])
def test_tiny_swin_padded(v2):
    """A 5x5 feature map: windows and patch merging pad it; dropout on attention and output."""
    check_model(lambda m: _tiny(m, v2, dropout=0.1, attention_dropout=0.2),
                (2, 3, 20, 20), float32_train=True)


@pytest.mark.parametrize("name", ["swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s",
                                  "swin_v2_b"])
def test_architecture(name):
    check_architecture(name)


def test_weights():
    check_weights(em.swin_transformer, tv.models.swin_transformer)


def test_window_size_error():
    with pytest.raises(ValueError, match="window_size and shift_size must be of length 2"):
        em.swin_transformer.ShiftedWindowAttention(8, [2], [0, 0], 2)
