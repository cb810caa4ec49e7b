"""EfficientNet v1 (B0-B7) and v2 (S/M/L), torchvision's architecture and state_dict keys.

Paper: https://arxiv.org/abs/1905.11946 (v1), https://arxiv.org/abs/2104.00298 (v2)
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import ember
from ember import Tensor, nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ..transforms.functional import InterpolationMode
from ._api import Weights, WeightsEnum, _imagenet_weights, register_model
from ._utils import _make_divisible, _ovewrite_named_param, handle_legacy_interface

__all__ = [
    "EfficientNet",
    "EfficientNet_B0_Weights",
    "EfficientNet_B1_Weights",
    "EfficientNet_B2_Weights",
    "EfficientNet_B3_Weights",
    "EfficientNet_B4_Weights",
    "EfficientNet_B5_Weights",
    "EfficientNet_B6_Weights",
    "EfficientNet_B7_Weights",
    "EfficientNet_V2_L_Weights",
    "EfficientNet_V2_M_Weights",
    "EfficientNet_V2_S_Weights",
    "efficientnet_b0",
    "efficientnet_b1",
    "efficientnet_b2",
    "efficientnet_b3",
    "efficientnet_b4",
    "efficientnet_b5",
    "efficientnet_b6",
    "efficientnet_b7",
    "efficientnet_v2_l",
    "efficientnet_v2_m",
    "efficientnet_v2_s",
]



class _MBConvConfig:
    """One stage of the network: expansion, kernel, stride, channels, depth, block type."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int, block: Callable[..., nn.Module]) -> None:
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.block = block

    @staticmethod
    def adjust_channels(channels: int, width_mult: float, min_value: int | None = None) -> int:
        return _make_divisible(channels * width_mult, 8, min_value)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{self.__class__.__name__}({fields})"


class MBConvConfig(_MBConvConfig):
    """A stage of MBConv blocks, scaled by width and depth multipliers (EfficientNet Table 1)."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int, width_mult: float = 1.0,
                 depth_mult: float = 1.0, block: Callable[..., nn.Module] | None = None) -> None:
        input_channels = self.adjust_channels(input_channels, width_mult)
        out_channels = self.adjust_channels(out_channels, width_mult)
        num_layers = self.adjust_depth(num_layers, depth_mult)
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         MBConv if block is None else block)

    @staticmethod
    def adjust_depth(num_layers: int, depth_mult: float) -> int:
        return math.ceil(num_layers * depth_mult)


class FusedMBConvConfig(_MBConvConfig):
    """A stage of FusedMBConv blocks (EfficientNetV2 Table 4)."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int,
                 block: Callable[..., nn.Module] | None = None) -> None:
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         FusedMBConv if block is None else block)


class _ResidualBlock(nn.Module):
    """self.block(x), plus x through stochastic depth when shapes allow a residual."""

    def forward(self, input: Tensor) -> Tensor:
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class MBConv(_ResidualBlock):
    """Inverted residual: 1x1 expand, depthwise kxk, squeeze-excitation, 1x1 project."""

    def __init__(self, cnf: MBConvConfig, stochastic_depth_prob: float,
                 norm_layer: Callable[..., nn.Module],
                 se_layer: Callable[..., nn.Module] = SqueezeExcitation) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.SiLU
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=act))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel,
                                           stride=cnf.stride, groups=expanded,
                                           norm_layer=norm_layer, activation_layer=act))
        squeeze = max(1, cnf.input_channels // 4)
        layers.append(se_layer(expanded, squeeze, activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels


class FusedMBConv(_ResidualBlock):
    """EfficientNetV2's block: one full kxk conv instead of expand + depthwise, no SE."""

    def __init__(self, cnf: FusedMBConvConfig, stochastic_depth_prob: float,
                 norm_layer: Callable[..., nn.Module]) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.SiLU
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [
                Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel,
                                     stride=cnf.stride, norm_layer=norm_layer,
                                     activation_layer=act),
                Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                     norm_layer=norm_layer, activation_layer=None),
            ]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels,
                                           kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=act)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels


class EfficientNet(nn.Module):
    """EfficientNet v1 and v2: a stem, stages of (Fused)MBConv blocks, a 1x1 head, a classifier."""

    def __init__(self, inverted_residual_setting: Sequence[_MBConvConfig], dropout: float,
                 stochastic_depth_prob: float = 0.2, num_classes: int = 1000,
                 norm_layer: Callable[..., nn.Module] | None = None,
                 last_channel: int | None = None) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, Sequence)
                and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        first = inverted_residual_setting[0].input_channels
        layers: list[nn.Module] = [Conv2dNormActivation(3, first, kernel_size=3, stride=2,
                                                        norm_layer=norm_layer,
                                                        activation_layer=nn.SiLU)]
        total_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:  # only a stage's first block changes width or stride
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(block_id) / total_blocks
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init_range = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -init_range, init_range)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


def _efficientnet_conf(arch: str, **kwargs) -> tuple[list[_MBConvConfig], int | None]:
    """The stage table of a named architecture and its last channel count (None: 4x)."""
    if arch.startswith("efficientnet_b"):
        bneck = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"),
                        depth_mult=kwargs.pop("depth_mult"))
        rows = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2),
                (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4),
                (6, 3, 1, 192, 320, 1)]
        return [bneck(*row) for row in rows], None
    fused, mb = FusedMBConvConfig, MBConvConfig
    if arch.startswith("efficientnet_v2_s"):
        setting = [fused(1, 3, 1, 24, 24, 2), fused(4, 3, 2, 24, 48, 4),
                   fused(4, 3, 2, 48, 64, 4), mb(4, 3, 2, 64, 128, 6),
                   mb(6, 3, 1, 128, 160, 9), mb(6, 3, 2, 160, 256, 15)]
    elif arch.startswith("efficientnet_v2_m"):
        setting = [fused(1, 3, 1, 24, 24, 3), fused(4, 3, 2, 24, 48, 5),
                   fused(4, 3, 2, 48, 80, 5), mb(4, 3, 2, 80, 160, 7),
                   mb(6, 3, 1, 160, 176, 14), mb(6, 3, 2, 176, 304, 18),
                   mb(6, 3, 1, 304, 512, 5)]
    elif arch.startswith("efficientnet_v2_l"):
        setting = [fused(1, 3, 1, 32, 32, 4), fused(4, 3, 2, 32, 64, 7),
                   fused(4, 3, 2, 64, 96, 7), mb(4, 3, 2, 96, 192, 10),
                   mb(6, 3, 1, 192, 224, 19), mb(6, 3, 2, 224, 384, 25),
                   mb(6, 3, 1, 384, 640, 7)]
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return setting, 1280


def _efficientnet(inverted_residual_setting: Sequence[_MBConvConfig], dropout: float,
                  last_channel: int | None, weights: WeightsEnum | None, progress: bool,
                  **kwargs: Any) -> EfficientNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = EfficientNet(inverted_residual_setting, dropout, last_channel=last_channel, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


# ---- weights -----------------------------------------------------------------------------------

_URL = "https://download.pytorch.org/models/"
_BICUBIC, _BILINEAR = InterpolationMode.BICUBIC, InterpolationMode.BILINEAR
_CLASSIFICATION = "https://github.com/pytorch/vision/tree/main/references/classification"
_META_V1 = {"min_size": (1, 1), "recipe": _CLASSIFICATION + "#efficientnet-v1"}
_META_V1_NEW_RECIPE = {"min_size": (1, 1),
                       "recipe": "https://github.com/pytorch/vision/issues/3995"
                                 "#new-recipe-with-lr-wd-crop-tuning"}
_META_V2 = {"min_size": (33, 33), "recipe": _CLASSIFICATION + "#efficientnet-v2"}
_PORTED = "These weights are ported from the original paper."
_NEW_RECIPE = (
    "\n"
    "                These weights improve upon the results of the original paper by using "
    "a modified version of TorchVision's\n"
    "                `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-t"
    "orchvision-latest-primitives/>`_.\n"
    "            ")


def _weights(file: str, meta: dict, num_params: int, acc: tuple, ops: float, size: float,
             docs: str, **transforms: Any) -> Weights:
    """An ImageNet-1K Weights entry with torchvision's full meta (min_size, recipe, _docs)."""
    weights = _imagenet_weights(_URL + file, meta["recipe"], num_params, acc, ops, size,
                                min_size=meta["min_size"], **transforms)
    weights.meta.update(meta, _docs=docs)
    return weights


class EfficientNet_B0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b0_rwightman-7f5810bc.pth", _META_V1, 5288548,
        (77.692, 93.532), 0.386, 20.451, _PORTED, crop_size=224, resize_size=256,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b1_rwightman-bac287d4.pth", _META_V1, 7794184,
        (78.642, 94.186), 0.687, 30.134, _PORTED, crop_size=240, resize_size=256,
        interpolation=_BICUBIC)
    IMAGENET1K_V2 = _weights("efficientnet_b1-c27df63c.pth", _META_V1_NEW_RECIPE, 7794184,
        (79.838, 94.934), 0.687, 30.136, _NEW_RECIPE, crop_size=240, resize_size=255,
        interpolation=_BILINEAR)
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b2_rwightman-c35c1473.pth", _META_V1, 9109994,
        (80.608, 95.31), 1.088, 35.174, _PORTED, crop_size=288, resize_size=288,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b3_rwightman-b3899882.pth", _META_V1, 12233232,
        (82.008, 96.054), 1.827, 47.184, _PORTED, crop_size=300, resize_size=320,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b4_rwightman-23ab8bcd.pth", _META_V1, 19341616,
        (83.384, 96.594), 4.394, 74.489, _PORTED, crop_size=380, resize_size=384,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b5_lukemelas-1a07897c.pth", _META_V1, 30389784,
        (83.444, 96.628), 10.266, 116.864, _PORTED, crop_size=456, resize_size=456,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b6_lukemelas-24a108a5.pth", _META_V1, 43040704,
        (84.008, 96.916), 19.068, 165.362, _PORTED, crop_size=528, resize_size=528,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_b7_lukemelas-c5b4e57e.pth", _META_V1, 66347960,
        (84.122, 96.908), 37.746, 254.675, _PORTED, crop_size=600, resize_size=600,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_v2_s-dd5fe13b.pth", _META_V2, 21458488,
        (84.228, 96.878), 8.366, 82.704, _NEW_RECIPE, crop_size=384, resize_size=384,
        interpolation=_BILINEAR)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_v2_m-dc08266a.pth", _META_V2, 54139356,
        (85.112, 97.156), 24.582, 208.01, _NEW_RECIPE, crop_size=480, resize_size=480,
        interpolation=_BILINEAR)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("efficientnet_v2_l-59c71312.pth", _META_V2, 118515272,
        (85.808, 97.788), 56.08, 454.573, _PORTED, crop_size=480, resize_size=480,
        interpolation=_BICUBIC, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
    DEFAULT = IMAGENET1K_V1


# ---- builders ----------------------------------------------------------------------------------

_BN_V1_PORTED = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)  # B5-B7, ported from TF
_BN_V2 = partial(nn.BatchNorm2d, eps=1e-03)


def _v1(width_mult: float, depth_mult: float, dropout: float, weights, progress: bool,
        kwargs: dict, **norm: Any) -> EfficientNet:
    setting, last_channel = _efficientnet_conf("efficientnet_b", width_mult=width_mult,
                                               depth_mult=depth_mult)
    return _efficientnet(setting, kwargs.pop("dropout", dropout), last_channel, weights, progress,
                         **norm, **kwargs)


def _v2(arch: str, dropout: float, weights, progress: bool, kwargs: dict) -> EfficientNet:
    setting, last_channel = _efficientnet_conf(arch)
    return _efficientnet(setting, kwargs.pop("dropout", dropout), last_channel, weights, progress,
                         norm_layer=_BN_V2, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B0_Weights.IMAGENET1K_V1))
def efficientnet_b0(*, weights: EfficientNet_B0_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B0 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B0_Weights.verify(weights)
    return _v1(1.0, 1.0, 0.2, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B1_Weights.IMAGENET1K_V1))
def efficientnet_b1(*, weights: EfficientNet_B1_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B1 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B1_Weights.verify(weights)
    return _v1(1.0, 1.1, 0.2, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B2_Weights.IMAGENET1K_V1))
def efficientnet_b2(*, weights: EfficientNet_B2_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B2 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B2_Weights.verify(weights)
    return _v1(1.1, 1.2, 0.3, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B3_Weights.IMAGENET1K_V1))
def efficientnet_b3(*, weights: EfficientNet_B3_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B3 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B3_Weights.verify(weights)
    return _v1(1.2, 1.4, 0.3, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B4_Weights.IMAGENET1K_V1))
def efficientnet_b4(*, weights: EfficientNet_B4_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B4 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B4_Weights.verify(weights)
    return _v1(1.4, 1.8, 0.4, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B5_Weights.IMAGENET1K_V1))
def efficientnet_b5(*, weights: EfficientNet_B5_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B5 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B5_Weights.verify(weights)
    return _v1(1.6, 2.2, 0.4, weights, progress, kwargs, norm_layer=_BN_V1_PORTED)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B6_Weights.IMAGENET1K_V1))
def efficientnet_b6(*, weights: EfficientNet_B6_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B6 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B6_Weights.verify(weights)
    return _v1(1.8, 2.6, 0.5, weights, progress, kwargs, norm_layer=_BN_V1_PORTED)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B7_Weights.IMAGENET1K_V1))
def efficientnet_b7(*, weights: EfficientNet_B7_Weights | None = None, progress: bool = True,
                    **kwargs: Any) -> EfficientNet:
    """EfficientNet B7 (https://arxiv.org/abs/1905.11946)."""
    weights = EfficientNet_B7_Weights.verify(weights)
    return _v1(2.0, 3.1, 0.5, weights, progress, kwargs, norm_layer=_BN_V1_PORTED)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_S_Weights.IMAGENET1K_V1))
def efficientnet_v2_s(*, weights: EfficientNet_V2_S_Weights | None = None,
                      progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNetV2-S (https://arxiv.org/abs/2104.00298)."""
    weights = EfficientNet_V2_S_Weights.verify(weights)
    return _v2("efficientnet_v2_s", 0.2, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_M_Weights.IMAGENET1K_V1))
def efficientnet_v2_m(*, weights: EfficientNet_V2_M_Weights | None = None,
                      progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNetV2-M (https://arxiv.org/abs/2104.00298)."""
    weights = EfficientNet_V2_M_Weights.verify(weights)
    return _v2("efficientnet_v2_m", 0.3, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_L_Weights.IMAGENET1K_V1))
def efficientnet_v2_l(*, weights: EfficientNet_V2_L_Weights | None = None,
                      progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNetV2-L (https://arxiv.org/abs/2104.00298)."""
    weights = EfficientNet_V2_L_Weights.verify(weights)
    return _v2("efficientnet_v2_l", 0.4, weights, progress, kwargs)
