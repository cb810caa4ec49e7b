"""Vision Transformer (ViT-B/16 ... ViT-H/14), torchvision's architecture and state_dict keys.

Paper: https://arxiv.org/abs/2010.11929
"""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import ember
from ember import Tensor, nn

from ..ops.misc import MLP, Conv2dNormActivation
from ..transforms.functional import InterpolationMode
from ._api import Weights, WeightsEnum, _imagenet_weights, register_model
from ._utils import _ovewrite_named_param, handle_legacy_interface

__all__ = ["ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_H_14_Weights", "ViT_L_16_Weights",
           "ViT_L_32_Weights", "VisionTransformer", "vit_b_16", "vit_b_32", "vit_h_14",
           "vit_l_16", "vit_l_32"]


_LAYER_NORM = partial(nn.LayerNorm, eps=1e-6)


class ConvStemConfig(NamedTuple):
    """One conv-BN-ReLU layer of the convolutional stem (https://arxiv.org/abs/2106.14881)."""

    out_channels: int
    kernel_size: int
    stride: int
    norm_layer: Callable[..., nn.Module] = nn.BatchNorm2d
    activation_layer: Callable[..., nn.Module] = nn.ReLU


class MLPBlock(MLP):
    """Transformer MLP block: Linear, GELU, Dropout, Linear, Dropout."""

    _version = 2

    def __init__(self, in_dim: int, mlp_dim: int, dropout: float) -> None:
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None,
                         dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:  # the pre-MLP checkpoints named them linear_1/2
            for i in range(2):
                for kind in ["weight", "bias"]:
                    old_key = f"{prefix}linear_{i + 1}.{kind}"
                    if old_key in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old_key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


def _check_3d(input: Tensor) -> None:
    if input.dim() != 3:
        raise AssertionError(f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")


class EncoderBlock(nn.Module):
    """Pre-norm transformer encoder block: x + attn(ln_1(x)), then + mlp(ln_2(.))."""

    def __init__(self, num_heads: int, hidden_dim: int, mlp_dim: int, dropout: float,
                 attention_dropout: float,
                 norm_layer: Callable[..., nn.Module] = _LAYER_NORM) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads,
                                                    dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input: Tensor) -> Tensor:
        _check_3d(input)
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, dropout, the encoder blocks and a final LayerNorm."""

    def __init__(self, seq_length: int, num_layers: int, num_heads: int, hidden_dim: int,
                 mlp_dim: int, dropout: float, attention_dropout: float,
                 norm_layer: Callable[..., nn.Module] = _LAYER_NORM) -> None:
        super().__init__()
        # batch first, as nn.MultiheadAttention(batch_first=True); the init std is BERT's
        self.pos_embedding = nn.Parameter(ember.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout,
                                                        attention_dropout, norm_layer)
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input: Tensor) -> Tensor:
        _check_3d(input)
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """Patchify (a strided conv, or a conv stem), prepend a class token, encode, classify it."""

    def __init__(self, image_size: int, patch_size: int, num_layers: int, num_heads: int,
                 hidden_dim: int, mlp_dim: int, dropout: float = 0.0,
                 attention_dropout: float = 0.0, num_classes: int = 1000,
                 representation_size: int | None = None,
                 norm_layer: Callable[..., nn.Module] = _LAYER_NORM,
                 conv_stem_configs: list[ConvStemConfig] | None = None) -> None:
        super().__init__()
        if image_size % patch_size != 0:
            raise AssertionError("Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer
        if conv_stem_configs is not None:
            seq_proj = nn.Sequential()
            prev_channels = 3
            for i, cfg in enumerate(conv_stem_configs):
                seq_proj.add_module(f"conv_bn_relu_{i}", Conv2dNormActivation(
                    in_channels=prev_channels, out_channels=cfg.out_channels,
                    kernel_size=cfg.kernel_size, stride=cfg.stride, norm_layer=cfg.norm_layer,
                    activation_layer=cfg.activation_layer))
                prev_channels = cfg.out_channels
            seq_proj.add_module("conv_last", nn.Conv2d(in_channels=prev_channels,
                                                       out_channels=hidden_dim, kernel_size=1))
            self.conv_proj: nn.Module = seq_proj
        else:
            self.conv_proj = nn.Conv2d(in_channels=3, out_channels=hidden_dim,
                                       kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2 + 1  # + the class token
        self.class_token = nn.Parameter(ember.zeros(1, 1, hidden_dim))
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout,
                               attention_dropout, norm_layer)
        self.seq_length = seq_length
        heads_layers: OrderedDict[str, nn.Module] = OrderedDict()
        if representation_size is None:
            heads_layers["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads_layers["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads_layers["act"] = nn.Tanh()
            heads_layers["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads_layers)
        self._init_weights()

    def _init_weights(self) -> None:
        if isinstance(self.conv_proj, nn.Conv2d):
            fan_in = (self.conv_proj.in_channels * self.conv_proj.kernel_size[0]
                      * self.conv_proj.kernel_size[1])
            nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
            if self.conv_proj.bias is not None:
                nn.init.zeros_(self.conv_proj.bias)
        elif isinstance(getattr(self.conv_proj, "conv_last", None), nn.Conv2d):
            conv_last = self.conv_proj.conv_last
            nn.init.normal_(conv_last.weight, mean=0.0,
                            std=math.sqrt(2.0 / conv_last.out_channels))
            if conv_last.bias is not None:
                nn.init.zeros_(conv_last.bias)
        if isinstance(getattr(self.heads, "pre_logits", None), nn.Linear):
            fan_in = self.heads.pre_logits.in_features
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / fan_in))
            nn.init.zeros_(self.heads.pre_logits.bias)
        if isinstance(self.heads.head, nn.Linear):
            nn.init.zeros_(self.heads.head.weight)
            nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x: Tensor) -> Tensor:
        """(n, c, h, w) images -> (n, (h / p) * (w / p), hidden_dim) patch embeddings."""
        n, _, h, w = x.shape
        p = self.patch_size
        if h != self.image_size:
            raise AssertionError(f"Wrong image height! Expected {self.image_size} but got {h}!")
        if w != self.image_size:
            raise AssertionError(f"Wrong image width! Expected {self.image_size} but got {w}!")
        x = self.conv_proj(x).reshape(n, self.hidden_dim, (h // p) * (w // p))
        return x.permute(0, 2, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = self._process_input(x)
        batch_class_token = self.class_token.expand(x.shape[0], -1, -1)
        x = self.encoder(ember.cat([batch_class_token, x], dim=1))
        return self.heads(x[:, 0])  # the class token's output classifies


def interpolate_embeddings(image_size: int, patch_size: int,
                           model_state: OrderedDict[str, Tensor],
                           interpolation_mode: str = "bicubic",
                           reset_heads: bool = False) -> OrderedDict[str, Tensor]:
    """Resample a checkpoint's position embeddings to a new image size (the class token's is
    kept), so a pretrained model runs at another resolution."""
    pos_embedding = model_state["encoder.pos_embedding"]
    n, seq_length, hidden_dim = pos_embedding.shape
    if n != 1:
        raise ValueError(f"Unexpected position embedding shape: {pos_embedding.shape}")
    new_seq_length = (image_size // patch_size) ** 2 + 1
    if new_seq_length != seq_length:
        seq_length -= 1
        new_seq_length -= 1
        token, img = pos_embedding[:, :1, :], pos_embedding[:, 1:, :].permute(0, 2, 1)
        side = int(math.sqrt(seq_length))
        if side * side != seq_length:
            raise ValueError(f"seq_length is not a perfect square! Instead got seq_length_1d * "
                             f"seq_length_1d = {side * side} and seq_length = {seq_length}")
        img = img.reshape(1, hidden_dim, side, side)
        img = nn.functional.interpolate(img, size=image_size // patch_size,
                                        mode=interpolation_mode, align_corners=True)
        img = img.reshape(1, hidden_dim, new_seq_length).permute(0, 2, 1)
        model_state["encoder.pos_embedding"] = ember.cat([token, img], dim=1)
        if reset_heads:
            model_state = OrderedDict((k, v) for k, v in model_state.items()
                                      if not k.startswith("heads"))
    return model_state


def _vision_transformer(patch_size: int, num_layers: int, num_heads: int, hidden_dim: int,
                        mlp_dim: int, weights: WeightsEnum | None, progress: bool,
                        **kwargs: Any) -> VisionTransformer:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        assert weights.meta["min_size"][0] == weights.meta["min_size"][1]
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(image_size=image_size, patch_size=patch_size,
                              num_layers=num_layers, num_heads=num_heads, hidden_dim=hidden_dim,
                              mlp_dim=mlp_dim, **kwargs)
    if weights:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


# ---- weights -----------------------------------------------------------------------------------

_URL = "https://download.pytorch.org/models/"
_BICUBIC = InterpolationMode.BICUBIC
_SWAG_LICENSE = "https://github.com/facebookresearch/SWAG/blob/main/LICENSE"
_CLASSIFICATION = "https://github.com/pytorch/vision/tree/main/references/classification#"
_SWAG_LINEAR = {"min_size": (224, 224), "recipe": "https://github.com/pytorch/vision/pull/5793",
                "license": _SWAG_LICENSE}
_DOCS_DEIT = (
    "\n                These weights were trained from scratch by using a modified version of "
    "`DeIT\n                <https://arxiv.org/abs/2012.12877>`_'s training recipe.\n"
    "            ")
_DOCS_NEW_RECIPE = (
    "\n                These weights were trained from scratch by using a modified version of "
    "TorchVision's\n                `new training recipe\n"
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


def _own(arch: str) -> dict:
    """Meta of torchvision's own 224px training run of `arch`."""
    return {"min_size": (224, 224),
            "recipe": _CLASSIFICATION + arch}


def _swag(size: int) -> dict:
    """Meta of SWAG weights fine-tuned end to end at size x size."""
    return {"min_size": (size, size), "recipe": "https://github.com/facebookresearch/SWAG",
            "license": _SWAG_LICENSE}


def _weights(file: str, meta: dict, num_params: int, acc: tuple, ops: float, size: float,
             docs: str, **transforms: Any) -> Weights:
    """An ImageNet-1K Weights entry with torchvision's full meta (min_size, recipe, _docs)."""
    weights = _imagenet_weights(_URL + file, meta["recipe"], num_params, acc, ops, size,
                                min_size=meta["min_size"], **transforms)
    weights.meta.update(meta, _docs=docs)
    return weights


class ViT_B_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vit_b_16-c867db91.pth", _own("vit_b_16"), 86567656, (81.072, 95.318),
        17.564, 330.285, _DOCS_DEIT, crop_size=224)
    IMAGENET1K_SWAG_E2E_V1 = _weights("vit_b_16_swag-9ac1b537.pth", _swag(384), 86859496,
        (85.304, 97.65), 55.484, 331.398, _DOCS_SWAG_E2E, crop_size=384, resize_size=384,
        interpolation=_BICUBIC)
    IMAGENET1K_SWAG_LINEAR_V1 = _weights("vit_b_16_lc_swag-4e70ced5.pth", _SWAG_LINEAR, 86567656,
        (81.886, 96.18), 17.564, 330.285, _DOCS_SWAG_LINEAR, crop_size=224, resize_size=224,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vit_b_32-d86f8d99.pth", _own("vit_b_32"), 88224232, (75.912, 92.466),
        4.409, 336.604, _DOCS_DEIT, crop_size=224)
    DEFAULT = IMAGENET1K_V1


class ViT_L_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vit_l_16-852ce7e3.pth", _own("vit_l_16"), 304326632,
        (79.662, 94.638), 61.555, 1161.023, _DOCS_NEW_RECIPE, crop_size=224, resize_size=242)
    IMAGENET1K_SWAG_E2E_V1 = _weights("vit_l_16_swag-4f3808c9.pth", _swag(512), 305174504,
        (88.064, 98.512), 361.986, 1164.258, _DOCS_SWAG_E2E, crop_size=512, resize_size=512,
        interpolation=_BICUBIC)
    IMAGENET1K_SWAG_LINEAR_V1 = _weights("vit_l_16_lc_swag-4d563306.pth", _SWAG_LINEAR, 304326632,
        (85.146, 97.422), 61.555, 1161.023, _DOCS_SWAG_LINEAR, crop_size=224, resize_size=224,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_V1


class ViT_L_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("vit_l_32-c7638314.pth", _own("vit_l_32"), 306535400, (76.972, 93.07),
        15.378, 1169.449, _DOCS_DEIT, crop_size=224)
    DEFAULT = IMAGENET1K_V1


class ViT_H_14_Weights(WeightsEnum):
    IMAGENET1K_SWAG_E2E_V1 = _weights("vit_h_14_swag-80465313.pth", _swag(518), 633470440,
        (88.552, 98.694), 1016.717, 2416.643, _DOCS_SWAG_E2E, crop_size=518, resize_size=518,
        interpolation=_BICUBIC)
    IMAGENET1K_SWAG_LINEAR_V1 = _weights("vit_h_14_lc_swag-c1eb923e.pth", _SWAG_LINEAR, 632045800,
        (85.708, 97.73), 167.295, 2411.209, _DOCS_SWAG_LINEAR, crop_size=224, resize_size=224,
        interpolation=_BICUBIC)
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


# ---- builders ----------------------------------------------------------------------------------


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_B_16_Weights.IMAGENET1K_V1))
def vit_b_16(*, weights: ViT_B_16_Weights | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-B/16 (https://arxiv.org/abs/2010.11929)."""
    weights = ViT_B_16_Weights.verify(weights)
    return _vision_transformer(patch_size=16, num_layers=12, num_heads=12, hidden_dim=768,
                               mlp_dim=3072, weights=weights, progress=progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_B_32_Weights.IMAGENET1K_V1))
def vit_b_32(*, weights: ViT_B_32_Weights | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-B/32 (https://arxiv.org/abs/2010.11929)."""
    weights = ViT_B_32_Weights.verify(weights)
    return _vision_transformer(patch_size=32, num_layers=12, num_heads=12, hidden_dim=768,
                               mlp_dim=3072, weights=weights, progress=progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_L_16_Weights.IMAGENET1K_V1))
def vit_l_16(*, weights: ViT_L_16_Weights | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-L/16 (https://arxiv.org/abs/2010.11929)."""
    weights = ViT_L_16_Weights.verify(weights)
    return _vision_transformer(patch_size=16, num_layers=24, num_heads=16, hidden_dim=1024,
                               mlp_dim=4096, weights=weights, progress=progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_L_32_Weights.IMAGENET1K_V1))
def vit_l_32(*, weights: ViT_L_32_Weights | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-L/32 (https://arxiv.org/abs/2010.11929)."""
    weights = ViT_L_32_Weights.verify(weights)
    return _vision_transformer(patch_size=32, num_layers=24, num_heads=16, hidden_dim=1024,
                               mlp_dim=4096, weights=weights, progress=progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", None))
def vit_h_14(*, weights: ViT_H_14_Weights | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-H/14 (https://arxiv.org/abs/2010.11929)."""
    weights = ViT_H_14_Weights.verify(weights)
    return _vision_transformer(patch_size=14, num_layers=32, num_heads=16, hidden_dim=1280,
                               mlp_dim=5120, weights=weights, progress=progress, **kwargs)
