"""The registry, the weights enums and the legacy `pretrained=` interface against torchvision's."""
import warnings

import pytest

from ember.vision import models
from tests.vision.models.zoo_check import tv_models

MINE = ["alexnet", "densenet*", "googlenet", "inception_v3", "mnasnet*", "mobilenet_v*",
        "resn*", "shufflenet*", "squeezenet*", "vgg*", "wide_resnet*"]


def test_list_models_matches_torchvision():
    tv = tv_models()
    assert models.list_models(include=MINE) == tv.list_models(include=MINE)
    assert models.list_models(include="vgg*", exclude="*_bn") == \
        tv.list_models(include="vgg*", exclude="*_bn") == ["vgg11", "vgg13", "vgg16", "vgg19"]
    assert models.list_models(module=models) == sorted(models.list_models())
    with pytest.raises(ValueError, match="Unknown model nope"):
        models.get_model("nope")


def _meta(weights) -> dict:
    return {k: v for k, v in weights.meta.items() if k != "_docs"}


def test_weights_enums_match_torchvision():
    tv = tv_models()
    for name in tv.list_models(include=MINE):
        enum, tv_enum = models.get_model_weights(name), tv.get_model_weights(name)
        assert enum.__name__ == tv_enum.__name__
        assert list(enum.__members__) == list(tv_enum.__members__)
        for w, tw in zip(enum, tv_enum, strict=True):
            assert repr(w) == repr(tw)
            assert w.url == tw.url
            meta, tv_meta = _meta(w), _meta(tw)
            if w.url.endswith("vgg16_features-amdegroot-88682ab5.pth"):  # acc@1 is nan
                meta.pop("_metrics"), tv_meta.pop("_metrics")
            assert meta == tv_meta, name
            assert w.transforms.keywords == tw.transforms.keywords
        assert models.get_weight(f"{tv_enum.__name__}.DEFAULT") is enum.DEFAULT
        assert enum.verify("DEFAULT") is enum.DEFAULT
        assert enum.verify(f"{enum.__name__}.IMAGENET1K_V1") is enum.IMAGENET1K_V1


def test_weights_errors():
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received "
                                        "ResNet34_Weights"):
        models.resnet18(weights=models.ResNet34_Weights.DEFAULT)
    with pytest.raises(ValueError, match="Invalid weight name provided: 'resnet'"):
        models.get_weight("resnet")
    with pytest.raises(ValueError, match="The weight enum 'Nope_Weights' for the specific method"):
        models.get_weight("Nope_Weights.DEFAULT")


def _warnings(fn) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    # ResourceWarnings come from whatever the garbage collector frees meanwhile (another test's
    # sockets), not from the call
    return [str(w.message) for w in caught
            if not issubclass(w.category, (FutureWarning, ResourceWarning))]


@pytest.mark.parametrize("name", ["squeezenet1_1", "googlenet"])
def test_legacy_pretrained_false_warns_as_torchvision(name):
    tv = tv_models()
    ours = _warnings(lambda: models.get_model(name, pretrained=False, num_classes=3))
    theirs = _warnings(lambda: tv.get_model(name, pretrained=False, num_classes=3))
    assert ours == theirs and len(ours) == 2


def test_legacy_positional_pretrained():
    tv = tv_models()
    ours = _warnings(lambda: models.squeezenet1_0(False, True, num_classes=3))
    theirs = _warnings(lambda: tv.squeezenet1_0(False, True, num_classes=3))
    assert ours == theirs and "as positional parameter(s) is deprecated" in ours[0]


def test_weights_transforms_are_torchvisions_presets():
    tv = tv_models()
    for name in ["ResNet50_Weights.IMAGENET1K_V2", "Inception_V3_Weights.DEFAULT",
                 "VGG16_Weights.IMAGENET1K_FEATURES"]:
        ours, theirs = models.get_weight(name).transforms(), tv.get_weight(name).transforms()
        assert type(ours).__name__ == "ImageClassification"
        assert repr(ours) == repr(theirs)


def test_whole_model_pickles_cross_over(tmp_path):
    """torch.save(model) of either library loads in the other as the other's class."""
    import torch

    import ember
    from tests.oracle import assert_same

    tv = tv_models()
    ember.save(models.squeezenet1_1(num_classes=3), tmp_path / "e.pth")
    t = torch.load(tmp_path / "e.pth", weights_only=False)
    assert type(t) is tv.squeezenet.SqueezeNet
    torch.save(tv.squeezenet1_1(num_classes=3), tmp_path / "t.pth")
    e = ember.load(tmp_path / "t.pth", weights_only=False)
    assert type(e) is models.SqueezeNet
    saved = ember.load(tmp_path / "e.pth", weights_only=False).state_dict()
    for k, v in t.state_dict().items():
        assert_same(saved[k], v, rtol=0, atol=0)
