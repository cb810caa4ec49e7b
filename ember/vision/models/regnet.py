"""RegNetX and RegNetY (400MF ... 128GF), torchvision's architecture and state_dict keys.

Paper: https://arxiv.org/abs/2003.13678
"""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

import ember
from ember import Tensor, nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..transforms.functional import InterpolationMode
from ._api import Weights, WeightsEnum, _imagenet_weights, register_model
from ._utils import _make_divisible, _ovewrite_named_param, handle_legacy_interface

__all__ = [
    "RegNet",
    "RegNet_X_1_6GF_Weights",
    "RegNet_X_3_2GF_Weights",
    "RegNet_X_8GF_Weights",
    "RegNet_X_16GF_Weights",
    "RegNet_X_32GF_Weights",
    "RegNet_X_400MF_Weights",
    "RegNet_X_800MF_Weights",
    "RegNet_Y_1_6GF_Weights",
    "RegNet_Y_3_2GF_Weights",
    "RegNet_Y_8GF_Weights",
    "RegNet_Y_16GF_Weights",
    "RegNet_Y_32GF_Weights",
    "RegNet_Y_128GF_Weights",
    "RegNet_Y_400MF_Weights",
    "RegNet_Y_800MF_Weights",
    "regnet_x_1_6gf",
    "regnet_x_3_2gf",
    "regnet_x_8gf",
    "regnet_x_16gf",
    "regnet_x_32gf",
    "regnet_x_400mf",
    "regnet_x_800mf",
    "regnet_y_1_6gf",
    "regnet_y_3_2gf",
    "regnet_y_8gf",
    "regnet_y_16gf",
    "regnet_y_32gf",
    "regnet_y_128gf",
    "regnet_y_400mf",
    "regnet_y_800mf",
]


class SimpleStemIN(Conv2dNormActivation):
    """Simple stem for ImageNet: 3x3 stride-2 conv, BN, ReLU."""

    def __init__(self, width_in: int, width_out: int, norm_layer: Callable[..., nn.Module],
                 activation_layer: Callable[..., nn.Module]) -> None:
        super().__init__(width_in, width_out, kernel_size=3, stride=2, norm_layer=norm_layer,
                         activation_layer=activation_layer)


class BottleneckTransform(nn.Sequential):
    """Bottleneck transformation: 1x1, grouped 3x3 [+SE], 1x1."""

    def __init__(self, width_in: int, width_out: int, stride: int,
                 norm_layer: Callable[..., nn.Module], activation_layer: Callable[..., nn.Module],
                 group_width: int, bottleneck_multiplier: float, se_ratio: float | None) -> None:
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        w_b = round(width_out * bottleneck_multiplier)
        g = w_b // group_width
        layers["a"] = Conv2dNormActivation(width_in, w_b, kernel_size=1, stride=1,
                                           norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        layers["b"] = Conv2dNormActivation(w_b, w_b, kernel_size=3, stride=stride, groups=g,
                                           norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        if se_ratio:  # the SE width is relative to the block's input width
            layers["se"] = SqueezeExcitation(input_channels=w_b,
                                             squeeze_channels=round(se_ratio * width_in),
                                             activation=activation_layer)
        layers["c"] = Conv2dNormActivation(w_b, width_out, kernel_size=1, stride=1,
                                           norm_layer=norm_layer, activation_layer=None)
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    """Residual bottleneck block: act(x + F(x)), x projected when the shape changes."""

    def __init__(self, width_in: int, width_out: int, stride: int,
                 norm_layer: Callable[..., nn.Module], activation_layer: Callable[..., nn.Module],
                 group_width: int = 1, bottleneck_multiplier: float = 1.0,
                 se_ratio: float | None = None) -> None:
        super().__init__()
        self.proj = None
        if width_in != width_out or stride != 1:
            self.proj = Conv2dNormActivation(width_in, width_out, kernel_size=1, stride=stride,
                                             norm_layer=norm_layer, activation_layer=None)
        self.f = BottleneckTransform(width_in, width_out, stride, norm_layer, activation_layer,
                                     group_width, bottleneck_multiplier, se_ratio)
        self.activation = activation_layer(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        if self.proj is not None:
            x = self.proj(x) + self.f(x)
        else:
            x = x + self.f(x)
        return self.activation(x)


class AnyStage(nn.Sequential):
    """AnyNet stage: `depth` blocks of one output width, the first one strided."""

    def __init__(self, width_in: int, width_out: int, stride: int, depth: int,
                 block_constructor: Callable[..., nn.Module],
                 norm_layer: Callable[..., nn.Module], activation_layer: Callable[..., nn.Module],
                 group_width: int, bottleneck_multiplier: float, se_ratio: float | None = None,
                 stage_index: int = 0) -> None:
        super().__init__()
        for i in range(depth):
            block = block_constructor(width_in if i == 0 else width_out, width_out,
                                      stride if i == 0 else 1, norm_layer, activation_layer,
                                      group_width, bottleneck_multiplier, se_ratio)
            self.add_module(f"block{stage_index}-{i}", block)


class BlockParams:
    """Per-stage depths, widths, group widths, bottleneck multipliers and strides."""

    def __init__(self, depths: list[int], widths: list[int], group_widths: list[int],
                 bottleneck_multipliers: list[float], strides: list[int],
                 se_ratio: float | None = None) -> None:
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(cls, depth: int, w_0: int, w_a: float, w_m: float, group_width: int,
                         bottleneck_multiplier: float = 1.0, se_ratio: float | None = None,
                         **kwargs: Any) -> BlockParams:
        """Stages from RegNet's quantized linear rule: width_j = w_0 * w_m ** round(log_{w_m}(
        (w_0 + w_a * j) / w_0)), rounded to a multiple of 8; equal neighbours form a stage."""
        if w_a < 0 or w_0 <= 0 or w_m <= 1 or w_0 % 8 != 0:
            raise ValueError("Invalid RegNet settings")
        # float32 tensors, as torchvision computes them, so that rounding ties agree
        widths_cont = ember.arange(depth) * w_a + w_0
        capacity = ember.round(ember.log(widths_cont / w_0) / math.log(w_m))
        block_widths = (ember.round(w_0 * ember.pow(w_m, capacity) / 8) * 8).int().tolist()
        starts = [j for j in range(depth) if j == 0 or block_widths[j] != block_widths[j - 1]]
        stage_widths = [block_widths[j] for j in starts]
        stage_depths = [b - a for a, b in zip(starts, starts[1:] + [depth])]
        num_stages = len(set(block_widths))
        multipliers = [bottleneck_multiplier] * num_stages
        stage_widths, group_widths = cls._adjust_widths_groups_compatibilty(
            stage_widths, multipliers, [group_width] * num_stages)
        return cls(depths=stage_depths, widths=stage_widths, group_widths=group_widths,
                   bottleneck_multipliers=multipliers, strides=[2] * num_stages,
                   se_ratio=se_ratio)

    def _get_expanded_params(self):
        return zip(self.widths, self.strides, self.depths, self.group_widths,
                   self.bottleneck_multipliers)

    @staticmethod
    def _adjust_widths_groups_compatibilty(stage_widths: list[int], bottleneck_ratios: list[float],
                                           group_widths: list[int]
                                           ) -> tuple[list[int], list[int]]:
        """Round each bottleneck width to a multiple of its (capped) group width."""
        widths = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios)]
        group_widths_min = [min(g, w_bot) for g, w_bot in zip(group_widths, widths)]
        ws_bot = [_make_divisible(w_bot, g) for w_bot, g in zip(widths, group_widths_min)]
        stage_widths = [int(w_bot / b) for w_bot, b in zip(ws_bot, bottleneck_ratios)]
        return stage_widths, group_widths_min


class RegNet(nn.Module):
    """A stem, one AnyStage per BlockParams stage, global average pooling and a Linear head."""

    def __init__(self, block_params: BlockParams, num_classes: int = 1000, stem_width: int = 32,
                 stem_type: Callable[..., nn.Module] | None = None,
                 block_type: Callable[..., nn.Module] | None = None,
                 norm_layer: Callable[..., nn.Module] | None = None,
                 activation: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        stem_type = stem_type or SimpleStemIN
        norm_layer = norm_layer or nn.BatchNorm2d
        block_type = block_type or ResBottleneckBlock
        activation = activation or nn.ReLU
        self.stem = stem_type(3, stem_width, norm_layer, activation)
        current_width = stem_width
        blocks = []
        for i, (width_out, stride, depth, group_width, multiplier) in enumerate(
                block_params._get_expanded_params()):
            blocks.append((f"block{i + 1}", AnyStage(
                current_width, width_out, stride, depth, block_type, norm_layer, activation,
                group_width, multiplier, block_params.se_ratio, stage_index=i + 1)))
            current_width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=current_width, out_features=num_classes)
        for m in self.modules():  # ResNet-style init
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0.0, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(x.flatten(start_dim=1))


def _regnet(block_params: BlockParams, weights: WeightsEnum | None, progress: bool,
            **kwargs: Any) -> RegNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    model = RegNet(block_params, norm_layer=norm_layer, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


# ---- weights -----------------------------------------------------------------------------------

_URL = "https://download.pytorch.org/models/"
_BICUBIC = InterpolationMode.BICUBIC
_CLASSIFICATION = "https://github.com/pytorch/vision/tree/main/references/classification"
_SWAG_LICENSE = "https://github.com/facebookresearch/SWAG/blob/main/LICENSE"
_SMALL = {"min_size": (1, 1), "recipe": _CLASSIFICATION + "#small-models"}
_MEDIUM = {"min_size": (1, 1), "recipe": _CLASSIFICATION + "#medium-models"}
_LARGE = {"min_size": (1, 1), "recipe": _CLASSIFICATION + "#large-models"}
_NEW = {"min_size": (1, 1), "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe"}
_NEW_FIXRES = {"min_size": (1, 1),
               "recipe": "https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres"}
_SWAG_E2E = {"min_size": (1, 1), "recipe": "https://github.com/facebookresearch/SWAG",
             "license": _SWAG_LICENSE}
_SWAG_LINEAR = {"min_size": (1, 1), "recipe": "https://github.com/pytorch/vision/pull/5793",
                "license": _SWAG_LICENSE}
_DOCS_SIMPLE = ("These weights reproduce closely the results of the paper using a simple "
                "training recipe.")
_DOCS_NEW_RECIPE = (
    "\n                These weights improve upon the results of the original paper by using "
    "a modified version of TorchVision's\n                `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-"
    "torchvision-latest-primitives/>`_.\n            ")
_DOCS_SWAG_E2E = (
    "\n                These weights are learnt via transfer learning by end-to-end "
    "fine-tuning the original\n                `SWAG <https://arxiv.org/abs/2201.08371>`_ "
    "weights on ImageNet-1K data.\n            ")
_DOCS_SWAG_LINEAR = (
    "\n                These weights are composed of the original frozen `SWAG "
    "<https://arxiv.org/abs/2201.08371>`_ trunk\n                weights and a linear "
    "classifier learnt on top of them trained on ImageNet-1K data.\n            ")


def _weights(file: str, meta: dict, num_params: int, acc: tuple, ops: float, size: float,
             docs: str, **transforms: Any) -> Weights:
    """An ImageNet-1K Weights entry with torchvision's full meta (min_size, recipe, _docs)."""
    weights = _imagenet_weights(_URL + file, meta["recipe"], num_params, acc, ops, size,
                                min_size=meta["min_size"], **transforms)
    weights.meta.update(meta, _docs=docs)
    return weights


class RegNet_Y_400MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_400mf-c65dace8.pth", _SMALL, 4344144, (74.046, 91.716),
        0.402, 16.806, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_400mf-e6988f5f.pth", _NEW, 4344144, (75.804, 92.742), 0.402,
        16.806, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_800MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_800mf-1b27b58c.pth", _SMALL, 6432512, (76.42, 93.136),
        0.834, 24.774, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_800mf-58fc7688.pth", _NEW, 6432512, (78.828, 94.502), 0.834,
        24.774, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_1_6GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_1_6gf-b11a554e.pth", _SMALL, 11202430, (77.95, 93.966),
        1.612, 43.152, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_1_6gf-0d7bc02a.pth", _NEW, 11202430, (80.876, 95.444),
        1.612, 43.152, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_3_2GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_3_2gf-b5a9779c.pth", _MEDIUM, 19436338, (78.948, 94.576),
        3.176, 74.567, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_3_2gf-9180c971.pth", _NEW, 19436338, (81.982, 95.972),
        3.176, 74.567, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_8GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_8gf-d0d0e4a8.pth", _MEDIUM, 39381472, (80.032, 95.048),
        8.473, 150.701, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_8gf-dc2b1b54.pth", _NEW, 39381472, (82.828, 96.33), 8.473,
        150.701, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_16GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_16gf-9e6ed7dd.pth", _LARGE, 83590140, (80.424, 95.24),
        15.912, 319.49, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_16gf-3e4a00f9.pth", _NEW, 83590140, (82.886, 96.328),
        15.912, 319.49, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    IMAGENET1K_SWAG_E2E_V1 = _weights("regnet_y_16gf_swag-43afe44d.pth", _SWAG_E2E, 83590140,
        (86.012, 98.054), 46.735, 319.49, _DOCS_SWAG_E2E, crop_size=384, resize_size=384,
        interpolation=_BICUBIC)
    IMAGENET1K_SWAG_LINEAR_V1 = _weights("regnet_y_16gf_lc_swag-f3ec0043.pth", _SWAG_LINEAR,
        83590140, (83.976, 97.244), 15.912, 319.49, _DOCS_SWAG_LINEAR, crop_size=224,
        resize_size=224, interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_32GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_y_32gf-4dee3f7a.pth", _LARGE, 145046770, (80.878, 95.34),
        32.28, 554.076, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_y_32gf-8db6d4b5.pth", _NEW, 145046770, (83.368, 96.498),
        32.28, 554.076, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    IMAGENET1K_SWAG_E2E_V1 = _weights("regnet_y_32gf_swag-04fdfa75.pth", _SWAG_E2E, 145046770,
        (86.838, 98.362), 94.826, 554.076, _DOCS_SWAG_E2E, crop_size=384, resize_size=384,
        interpolation=_BICUBIC)
    IMAGENET1K_SWAG_LINEAR_V1 = _weights("regnet_y_32gf_lc_swag-e1583746.pth", _SWAG_LINEAR,
        145046770, (84.622, 97.48), 32.28, 554.076, _DOCS_SWAG_LINEAR, crop_size=224,
        resize_size=224, interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_128GF_Weights(WeightsEnum):
    IMAGENET1K_SWAG_E2E_V1 = _weights("regnet_y_128gf_swag-c8ce3e52.pth", _SWAG_E2E, 644812894,
        (88.228, 98.682), 374.57, 2461.564, _DOCS_SWAG_E2E, crop_size=384, resize_size=384,
        interpolation=_BICUBIC)
    IMAGENET1K_SWAG_LINEAR_V1 = _weights("regnet_y_128gf_lc_swag-cbe8ce12.pth", _SWAG_LINEAR,
        644812894, (86.068, 97.844), 127.518, 2461.564, _DOCS_SWAG_LINEAR, crop_size=224,
        resize_size=224, interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


class RegNet_X_400MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_400mf-adf1edd5.pth", _SMALL, 5495976, (72.834, 90.95),
        0.414, 21.258, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_400mf-62229a5f.pth", _NEW_FIXRES, 5495976, (74.864, 92.322),
        0.414, 21.257, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_800MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_800mf-ad17e45c.pth", _SMALL, 7259656, (75.212, 92.348), 0.8,
        27.945, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_800mf-94a99ebd.pth", _NEW_FIXRES, 7259656, (77.522, 93.826),
        0.8, 27.945, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_1_6GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_1_6gf-e3633e7f.pth", _SMALL, 9190136, (77.04, 93.44), 1.603,
        35.339, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_1_6gf-a12f2b72.pth", _NEW_FIXRES, 9190136, (79.668, 94.922),
        1.603, 35.339, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_3_2GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_3_2gf-f342aeae.pth", _MEDIUM, 15296552, (78.364, 93.992),
        3.177, 58.756, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_3_2gf-7071aa85.pth", _NEW, 15296552, (81.196, 95.43), 3.177,
        58.756, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_8GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_8gf-03ceed89.pth", _MEDIUM, 39572648, (79.344, 94.686),
        7.995, 151.456, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_8gf-2b70d774.pth", _NEW, 39572648, (81.682, 95.678), 7.995,
        151.456, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_16GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_16gf-2007eb11.pth", _MEDIUM, 54278536, (80.058, 94.944),
        15.941, 207.627, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_16gf-ba3796d7.pth", _NEW, 54278536, (82.716, 96.196),
        15.941, 207.627, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_32GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("regnet_x_32gf-9d47f8d0.pth", _LARGE, 107811560, (80.622, 95.248),
        31.736, 412.039, _DOCS_SIMPLE, crop_size=224)
    IMAGENET1K_V2 = _weights("regnet_x_32gf-6eb8fdc6.pth", _NEW, 107811560, (83.014, 96.288),
        31.736, 412.039, _DOCS_NEW_RECIPE, crop_size=224, resize_size=232)
    DEFAULT = IMAGENET1K_V2


# ---- builders ----------------------------------------------------------------------------------


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_400MF_Weights.IMAGENET1K_V1))
def regnet_y_400mf(*, weights: RegNet_Y_400MF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetY-400MF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_400MF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=16, w_0=48, w_a=27.89, w_m=2.09, group_width=8,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_800MF_Weights.IMAGENET1K_V1))
def regnet_y_800mf(*, weights: RegNet_Y_800MF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetY-800MF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_800MF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=14, w_0=56, w_a=38.84, w_m=2.4, group_width=16,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_1_6GF_Weights.IMAGENET1K_V1))
def regnet_y_1_6gf(*, weights: RegNet_Y_1_6GF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetY-1.6GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_1_6GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=27, w_0=48, w_a=20.71, w_m=2.65, group_width=24,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_3_2GF_Weights.IMAGENET1K_V1))
def regnet_y_3_2gf(*, weights: RegNet_Y_3_2GF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetY-3.2GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_3_2GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=21, w_0=80, w_a=42.63, w_m=2.66, group_width=24,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_8GF_Weights.IMAGENET1K_V1))
def regnet_y_8gf(*, weights: RegNet_Y_8GF_Weights | None = None, progress: bool = True,
                **kwargs: Any) -> RegNet:
    """RegNetY-8GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_8GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=17, w_0=192, w_a=76.82, w_m=2.19, group_width=56,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_16GF_Weights.IMAGENET1K_V1))
def regnet_y_16gf(*, weights: RegNet_Y_16GF_Weights | None = None, progress: bool = True,
                 **kwargs: Any) -> RegNet:
    """RegNetY-16GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_16GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=18, w_0=200, w_a=106.23, w_m=2.48, group_width=112,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_Y_32GF_Weights.IMAGENET1K_V1))
def regnet_y_32gf(*, weights: RegNet_Y_32GF_Weights | None = None, progress: bool = True,
                 **kwargs: Any) -> RegNet:
    """RegNetY-32GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_32GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=20, w_0=232, w_a=115.89, w_m=2.53, group_width=232,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", None))
def regnet_y_128gf(*, weights: RegNet_Y_128GF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetY-128GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_Y_128GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=27, w_0=456, w_a=160.83, w_m=2.52, group_width=264,
                                          se_ratio=0.25, **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_400MF_Weights.IMAGENET1K_V1))
def regnet_x_400mf(*, weights: RegNet_X_400MF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetX-400MF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_400MF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=22, w_0=24, w_a=24.48, w_m=2.54, group_width=16,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_800MF_Weights.IMAGENET1K_V1))
def regnet_x_800mf(*, weights: RegNet_X_800MF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetX-800MF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_800MF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=16, w_0=56, w_a=35.73, w_m=2.28, group_width=16,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_1_6GF_Weights.IMAGENET1K_V1))
def regnet_x_1_6gf(*, weights: RegNet_X_1_6GF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetX-1.6GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_1_6GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=18, w_0=80, w_a=34.01, w_m=2.25, group_width=24,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_3_2GF_Weights.IMAGENET1K_V1))
def regnet_x_3_2gf(*, weights: RegNet_X_3_2GF_Weights | None = None, progress: bool = True,
                  **kwargs: Any) -> RegNet:
    """RegNetX-3.2GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_3_2GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=25, w_0=88, w_a=26.31, w_m=2.25, group_width=48,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_8GF_Weights.IMAGENET1K_V1))
def regnet_x_8gf(*, weights: RegNet_X_8GF_Weights | None = None, progress: bool = True,
                **kwargs: Any) -> RegNet:
    """RegNetX-8GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_8GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=23, w_0=80, w_a=49.56, w_m=2.88, group_width=120,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_16GF_Weights.IMAGENET1K_V1))
def regnet_x_16gf(*, weights: RegNet_X_16GF_Weights | None = None, progress: bool = True,
                 **kwargs: Any) -> RegNet:
    """RegNetX-16GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_16GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=22, w_0=216, w_a=55.59, w_m=2.1, group_width=128,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", RegNet_X_32GF_Weights.IMAGENET1K_V1))
def regnet_x_32gf(*, weights: RegNet_X_32GF_Weights | None = None, progress: bool = True,
                 **kwargs: Any) -> RegNet:
    """RegNetX-32GF (https://arxiv.org/abs/2003.13678)."""
    weights = RegNet_X_32GF_Weights.verify(weights)
    params = BlockParams.from_init_params(depth=23, w_0=320, w_a=69.86, w_m=2.0, group_width=168,
                                          **kwargs)
    return _regnet(params, weights, progress, **kwargs)
