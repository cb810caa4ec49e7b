"""GoogLeNet against torchvision, both auxiliary heads included (train mode returns
GoogLeNetOutputs(logits, aux_logits2, aux_logits1))."""
import importlib
import warnings

import pytest

from ember.vision import models
from tests.vision.models.zoo_check import check_model


def test_googlenet_with_aux_heads_matches_torchvision():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        check_model("googlenet", (2, 3, 64, 64), num_classes=10, transform_input=True)


def test_init_warning_and_errors():
    with pytest.warns(FutureWarning, match="The default weight initialization of GoogleNet"):
        m = models.googlenet(aux_logits=False, num_classes=3)
    assert m.aux1 is None and m.aux2 is None
    assert models.GoogLeNetOutputs._fields == ("logits", "aux_logits2", "aux_logits1")
    with pytest.raises(ValueError, match="blocks length should be 3 instead of 1"):
        module = importlib.import_module("ember.vision.models.googlenet")
        models.GoogLeNet(blocks=[module.BasicConv2d], init_weights=False)
