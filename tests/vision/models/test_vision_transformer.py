"""Vision Transformer against torchvision: repr, state_dict, seeded init, outputs and grads."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
import ember.vision.models as em
from tests.oracle import assert_same, to_ember
from tests.vision.models.test_efficientnet import (
    build_pair,
    check_architecture,
    check_model,
    check_weights,
    no_init,
    tv,
)

t_vit = tv.models.vision_transformer


def _tiny(models, **kwargs):
    """ViT on 32x32 images with 16x16 patches: 4 patches + the class token, 2 layers."""
    return models.vision_transformer.VisionTransformer(
        image_size=32, patch_size=16, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
        num_classes=10, **kwargs)


def test_tiny_vit():
    check_model(lambda m: _tiny(m), (2, 3, 32, 32), float32_train=True)


def test_tiny_vit_dropout_representation():
    check_model(lambda m: _tiny(m, dropout=0.2, attention_dropout=0.1, representation_size=12),
                (2, 3, 32, 32), float32_train=True)


def test_tiny_vit_conv_stem():
    def build(models):
        stem = models.vision_transformer.ConvStemConfig
        return _tiny(models, conv_stem_configs=[stem(8, 3, 4), stem(12, 3, 4)])
    check_model(build, (2, 3, 32, 32))


def test_wrong_input():
    e = _tiny(em)
    with pytest.raises(AssertionError, match="Wrong image height! Expected 32 but got 16!"):
        e(ember.zeros(1, 3, 16, 32))
    with pytest.raises(AssertionError, match="indivisible"):
        em.vision_transformer.VisionTransformer(30, 16, 1, 1, 4, 4)


@pytest.mark.parametrize("name", ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"])
def test_architecture(name):
    check_architecture(name)


def test_weights():
    check_weights(em.vision_transformer, t_vit)
    with no_init():
        assert em.vit_b_16(weights=None, image_size=32).seq_length == 5
    with pytest.raises(ValueError, match="image_size"):
        em.vit_b_16(weights="IMAGENET1K_SWAG_E2E_V1", image_size=224)


def test_legacy_mlp_keys():
    """Checkpoints from before MLPBlock became an MLP name its layers linear_1 / linear_2."""
    e = em.vision_transformer.MLPBlock(4, 8, 0.0)
    state = OrderedDict((k.replace("0.", "linear_1.").replace("3.", "linear_2."), v)
                        for k, v in e.state_dict().items())
    state._metadata = OrderedDict({"": {"version": 1}})
    fresh = em.vision_transformer.MLPBlock(4, 8, 0.0)
    fresh.load_state_dict(state)
    assert all(ember.equal(a, b) for a, b in zip(fresh.state_dict().values(),
                                                   e.state_dict().values()))


@pytest.mark.parametrize("reset_heads", [False, True])
def test_interpolate_embeddings(reset_heads):
    t, e = build_pair(lambda m: _tiny(m))
    t_state = t_vit.interpolate_embeddings(64, 16, t.state_dict(), reset_heads=reset_heads)
    e_state = em.vision_transformer.interpolate_embeddings(64, 16, e.state_dict(),
                                                           reset_heads=reset_heads)
    assert list(e_state) == list(t_state)
    for k, v in t_state.items():
        assert_same(e_state[k], v, 1e-5, 1e-6, k)
    if not reset_heads:  # the resampled checkpoint runs at the new size as torchvision's does
        x = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (1, 3, 64, 64))).float()
        model = em.vision_transformer.VisionTransformer(64, 16, 2, 2, 16, 32, num_classes=10)
        model.load_state_dict(e_state)
        t_model = t_vit.VisionTransformer(64, 16, 2, 2, 16, 32, num_classes=10)
        t_model.load_state_dict(t_state)
        with torch.no_grad():
            assert_same(model.eval()(to_ember(x)), t_model.eval()(x), 1e-4, 1e-5)
