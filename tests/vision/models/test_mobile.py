"""ShuffleNet V2, MobileNet V2/V3 and MNASNet against torchvision."""
import importlib
import warnings

import pytest

from ember.vision import models
from tests.vision.models.zoo_check import build_pair, check_model, ember_state


@pytest.mark.parametrize("name,kwargs", [
    ("shufflenet_v2_x0_5", {}),
    ("mobilenet_v2", {"num_classes": 10, "width_mult": 0.5}),
    ("mobilenet_v3_small", {}),
    ("mobilenet_v3_large", {"reduced_tail": True, "dilated": True, "width_mult": 0.75}),
    ("mnasnet0_5", {"num_classes": 10}),
])
def test_mobile_models_match_torchvision(name, kwargs):
    check_model(name, (4, 3, 32, 32), **kwargs)


@pytest.mark.parametrize("name", ["shufflenet_v2_x1_0", "mobilenet_v2", "mobilenet_v3_large",
                                  "mnasnet1_0"])
def test_notebook_sizes_structure_and_init(name):
    check_model(name, None)


def test_mnasnet_version_1_checkpoint():
    t, e = build_pair("mnasnet0_5", num_classes=10)
    state = ember_state(t)
    state._metadata[""]["version"] = None
    with pytest.raises(ValueError, match="version should be set to 1 or 2 instead of None"):
        e.load_state_dict(state)


def test_errors():
    mv3 = importlib.import_module("ember.vision.models.mobilenetv3")
    with pytest.raises(ValueError, match="Unsupported model type mobilenet_v3_tiny"):
        mv3._mobilenet_v3_conf("mobilenet_v3_tiny")
    with pytest.raises(ValueError, match="The inverted_residual_setting should not be empty"):
        models.MobileNetV3([], 10)
    with pytest.raises(ValueError, match="stride should be 1 or 2 instead of 3"):
        importlib.import_module("ember.vision.models.mobilenetv2").InvertedResidual(4, 4, 3, 1)
    with pytest.raises(ValueError, match="expected stages_repeats as list of 3 positive ints"):
        models.ShuffleNetV2([1], [1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="alpha should be greater than 0.0 instead of 0"):
        models.MNASNet(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        models.mnasnet0_5(num_classes=3)  # builders warn only for the legacy interface
