"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix against torchvision's, seeded."""
from __future__ import annotations

import pytest
import torch

import ember
from ember.vision import transforms as ET
from tests.vision.transforms._images import pil, same, tensors, tv

TT = tv.transforms

POLICIES = [
    "AutoAugment()", "AutoAugment(T.AutoAugmentPolicy.CIFAR10, fill=[4, 5, 6])",
    "AutoAugment(T.AutoAugmentPolicy.SVHN, interpolation=T.InterpolationMode.BILINEAR)",
    "RandAugment()", "RandAugment(num_ops=3, magnitude=20, fill=7)",
    "TrivialAugmentWide()", "TrivialAugmentWide(num_magnitude_bins=11)",
    "AugMix()", "AugMix(severity=5, mixture_width=2, chain_depth=2, alpha=0.5, all_ops=False)",
]


def build(text, lib):
    return eval("T." + text, {"T": lib})


@pytest.mark.parametrize("source", ["pil", "uint8", "batched"])
@pytest.mark.parametrize("text", POLICIES)
def test_seeded_policy(text, source):
    if source == "pil":
        t_img = e_img = pil("RGB", size=(12, 10))
    else:
        t_img, e_img = tensors("uint8", (3, 10, 12) if source == "uint8" else (2, 3, 10, 12))
    t_tf, e_tf = build(text, TT), build(text, ET)
    for seed in range(4):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        # AugMix blends in float and truncates to uint8: a rounding step may differ by one
        same(e_tf(e_img), t_tf(t_img), max_uint8_diff=1)
        assert ember.rand(1).item() == torch.rand(1).item()
    assert repr(e_tf) == repr(t_tf)


def test_policy_errors():
    with pytest.raises(ValueError, match=r"The severity must be between \[1, 10\]. Got 11"):
        ET.AugMix(severity=11)
    with pytest.raises(ValueError, match="The provided policy nope is not recognized."):
        ET.AutoAugment(policy="nope")
