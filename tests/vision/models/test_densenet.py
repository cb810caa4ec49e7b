"""DenseNet against torchvision: a small configuration end to end, densenet121's layout and init."""
import torch

import ember
from ember.vision import models
from tests.vision.models.zoo_check import check_model, check_numerics, check_structure, tv_models


def _small_pair(**kwargs):
    torch.manual_seed(0)
    t = tv_models().densenet.DenseNet(8, (2, 2, 2, 2), 16, num_classes=10, **kwargs)
    ember.manual_seed(0)
    e = models.densenet.DenseNet(8, (2, 2, 2, 2), 16, num_classes=10, **kwargs)
    return t, e


def test_small_densenet_with_dropout():
    t, e = _small_pair(drop_rate=0.2)
    check_structure(t, e)
    check_numerics(t, e, (2, 3, 32, 32))


def test_memory_efficient_eval():
    # train mode differs: torch's checkpoint re-runs the forward in backward and so updates
    # the batch-norm running statistics twice; ember's updates them once
    t, e = _small_pair(memory_efficient=True)
    check_numerics(t, e, (2, 3, 32, 32), modes=("eval",))


def test_densenet121_structure_and_init():
    check_model("densenet121", None)
