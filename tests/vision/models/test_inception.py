"""Inception v3 against torchvision: layout and truncated-normal init, eval numerics at the
smallest legal input (75x75), the auxiliary head alone (it needs a 299x299 input in the model)."""
import warnings

import pytest
import torch

import ember
from ember.vision import models
from tests.vision.models.zoo_check import build_pair, check_numerics, check_structure, tv_models


def test_inception_v3_structure_init_and_eval():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        t, e = build_pair("inception_v3", num_classes=10, transform_input=True)
    check_structure(t, e)
    check_numerics(t, e, (2, 3, 75, 75), modes=("eval",))


def test_aux_head():
    torch.manual_seed(0)
    t = tv_models().inception.InceptionAux(32, 10)
    ember.manual_seed(0)
    e = models.inception.InceptionAux(32, 10)
    check_structure(t, e)
    check_numerics(t, e, (3, 32, 17, 17))


def test_init_warning_and_outputs():
    with pytest.warns(FutureWarning, match="The default weight initialization of inception_v3"):
        models.inception_v3(aux_logits=False, num_classes=3)
    assert models.InceptionOutputs._fields == ("logits", "aux_logits")
    with pytest.raises(ValueError, match="length of inception_blocks should be 7 instead of 1"):
        models.Inception3(inception_blocks=[models.inception.BasicConv2d], init_weights=False)
