"""MaxViT against torchvision: repr, state_dict, seeded init, outputs and gradients."""
from __future__ import annotations

import numpy as np
import pytest

import ember.vision.models as em
from tests.vision.models.test_efficientnet import (
    check_architecture,
    check_model,
    check_weights,
    tv,
)


def _tiny(models, **kwargs):
    """Two blocks on 32x32 images: 8x8 and 4x4 maps in 2x2 windows and grids."""
    return models.maxvit.MaxVit((32, 32), stem_channels=8, partition_size=2,
                                block_channels=[8, 16], block_layers=[1, 2], head_dim=4,
                                stochastic_depth_prob=0.3, num_classes=10, **kwargs)


def test_tiny_maxvit():
    check_model(lambda m: _tiny(m), (2, 3, 32, 32), float32_train=True)


def test_tiny_maxvit_dropout():
    check_model(lambda m: _tiny(m, mlp_dropout=0.1, attention_dropout=0.2),
                (2, 3, 32, 32), float32_train=True)


def test_maxvit_t():
    check_architecture("maxvit_t")


def test_weights():
    check_weights(em.maxvit, tv.models.maxvit)


def test_bad_partition_size():
    with pytest.raises(ValueError, match=r"Input size \(8, 8\) of block 0 is not divisible"):
        em.maxvit.MaxVit((32, 32), 8, 3, [8, 16], [1, 1], 4, 0.0)
    with pytest.raises(ValueError, match="must be divisible by head_dim"):
        em.maxvit.RelativePositionalMultiHeadAttention(10, 4, 4)


@pytest.mark.parametrize(("stop", "num"),
                         [(0.2, 11), (0.3, 3), (0.5, 7), (1, 4), (0.0, 5), (0.2, 1), (0.2, 0)])
def test_linspace(stop, num):
    assert em.maxvit._linspace(stop, num) == np.linspace(0, stop, num).tolist()
