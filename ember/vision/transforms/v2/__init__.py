"""torchvision.transforms.v2 for plain image tensors and PIL images (no tv_tensors): the core
classes, with v2's input handling (the first image in a sample is transformed, labels and other
entries pass through), v2's random draws and reprs."""
from __future__ import annotations

import enum
import math
import warnings
from collections.abc import Sequence

import numpy as np

import ember
from ember import Tensor, nn

from .. import functional as _v1
from .._common import (
    _blur_kernel_size,
    _check_sequence_input,
    _setup_angle,
    _setup_size,
    _tensor_fill,
)
from .._functional_pil import _is_pil_image
from .._functional_tensor import _parse_pad_padding
from .._transforms_random import RandomAffine as _V1RandomAffine
from ..functional import InterpolationMode
from . import functional as F

__all__ = [
    "CenterCrop",
    "ColorJitter",
    "Compose",
    "GaussianBlur",
    "Grayscale",
    "InterpolationMode",
    "Lambda",
    "Normalize",
    "PILToTensor",
    "RandomAffine",
    "RandomApply",
    "RandomChoice",
    "RandomCrop",
    "RandomGrayscale",
    "RandomHorizontalFlip",
    "RandomOrder",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomVerticalFlip",
    "Resize",
    "ToDtype",
    "ToImage",
    "ToPILImage",
    "ToPureTensor",
    "Transform",
    "functional",
]

_SIZE_ERROR = "Please provide only two dimensions (h, w) for size."


def _flatten(tree) -> tuple[list, object]:
    """Leaves of nested tuples/lists/dicts and a spec to rebuild them (a small pytree)."""
    if isinstance(tree, (tuple, list)):
        parts = [_flatten(x) for x in tree]
        return [leaf for p in parts for leaf in p[0]], (type(tree), [p[1] for p in parts])
    if isinstance(tree, dict):
        parts = [_flatten(v) for v in tree.values()]
        return [leaf for p in parts for leaf in p[0]], (dict, list(tree), [p[1] for p in parts])
    return [tree], None


def _unflatten(leaves: list, spec):
    if spec is None:
        return leaves.pop(0)
    if spec[0] is dict:
        return {k: _unflatten(leaves, s) for k, s in zip(spec[1], spec[2])}
    return spec[0](_unflatten(leaves, s) for s in spec[1])


class Transform(nn.Module):
    """v2's base: transform the sample's image (a PIL image, else its first tensor)."""

    _transformed_types: tuple = (Tensor,)

    def make_params(self, flat_inputs: list) -> dict:
        return {}

    def transform(self, inpt, params: dict):
        raise NotImplementedError

    def _needs_transform_list(self, flat_inputs: list) -> list[bool]:
        take_tensor = not any(_is_pil_image(x) for x in flat_inputs)
        needs = []
        for inpt in flat_inputs:
            ok = _is_pil_image(inpt) or isinstance(inpt, self._transformed_types)
            if ok and isinstance(inpt, Tensor):
                ok, take_tensor = take_tensor, False
            needs.append(bool(ok))
        return needs

    def _apply(self, inputs):
        flat, spec = _flatten(inputs)
        needs = self._needs_transform_list(flat)
        params = self.make_params([x for x, n in zip(flat, needs) if n])
        return _unflatten([self.transform(x, params) if n else x for x, n in zip(flat, needs)],
                          spec)

    def forward(self, *inputs):
        return self._apply(inputs if len(inputs) > 1 else inputs[0])

    def extra_repr(self) -> str:
        extra = []
        for name, value in self.__dict__.items():
            if name.startswith("_") or name == "training":
                continue
            if isinstance(value, (bool, int, float, str, tuple, list, enum.Enum)):
                extra.append(f"{name}={value}")
        return ", ".join(extra)


def _query_size(flat_inputs: list) -> tuple[int, int]:
    sizes = {tuple(F.get_size(x)) for x in flat_inputs}
    if not sizes:
        raise TypeError("No image, video, mask, bounding box of keypoint was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: {sorted(sizes)}")
    return sizes.pop()


class Compose(Transform):
    """Apply transforms one after the other (samples of several entries stay unpacked)."""

    def __init__(self, transforms: Sequence) -> None:
        super().__init__()
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence of callables")
        if not transforms:
            raise ValueError("Pass at least one transform")
        self.transforms = transforms

    def forward(self, *inputs):
        unpack = len(inputs) > 1
        for transform in self.transforms:
            outputs = transform(*inputs)
            inputs = outputs if unpack else (outputs,)
        return outputs

    def extra_repr(self) -> str:
        return "\n".join(f"    {t}" for t in self.transforms)


class ToImage(Transform):
    """PIL image or ndarray -> (C, H, W) tensor."""

    _transformed_types = (Tensor, np.ndarray)

    def transform(self, inpt, params: dict):
        return F.to_image(inpt)


class PILToTensor(Transform):
    _transformed_types = ()

    def transform(self, inpt, params: dict):
        return F.pil_to_tensor(inpt)


class ToPILImage(Transform):
    _transformed_types = (Tensor, np.ndarray)

    def __init__(self, mode: str | None = None) -> None:
        super().__init__()
        self.mode = mode

    def transform(self, inpt, params: dict):
        return F.to_pil_image(inpt, mode=self.mode)


class ToPureTensor(Transform):
    """A no-op here: ember has no tv_tensors subclasses to strip."""

    _transformed_types = ()

    def transform(self, inpt, params: dict):
        return inpt


class ToDtype(Transform):
    """Cast the image to `dtype`; with scale=True, rescale its value range."""

    def __init__(self, dtype, scale: bool = False) -> None:
        super().__init__()
        self.dtype = dtype
        self.scale = scale

    def transform(self, inpt, params: dict):
        return F.to_dtype(inpt, dtype=self.dtype, scale=self.scale)


class Normalize(Transform):
    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        super().__init__()
        self.mean = list(mean)
        self.std = list(std)
        self.inplace = inplace

    def _apply(self, inputs):
        if any(_is_pil_image(x) for x in _flatten(inputs)[0]):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")
        return super()._apply(inputs)

    def transform(self, inpt, params: dict):
        return F.normalize(inpt, mean=self.mean, std=self.std, inplace=self.inplace)


class Resize(Transform):
    def __init__(self, size, interpolation="bilinear", max_size: int | None = None,
                 antialias: bool | None = True) -> None:
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, Sequence) and len(size) in {1, 2}:
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise ValueError(f"max_size must be an integer when size is None, but got "  # noqa: TRY004
                                 f"{max_size} instead.")
        else:
            raise ValueError("size can be an integer, a sequence of one or two integers, or None, "
                             f"but got {size} instead.")
        self.size = size
        self.interpolation = interpolation
        self.max_size = max_size
        self.antialias = antialias

    def transform(self, inpt, params: dict):
        return F.resize(inpt, self.size, interpolation=self.interpolation,
                        max_size=self.max_size, antialias=self.antialias)


class CenterCrop(Transform):
    def __init__(self, size) -> None:
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_ERROR)

    def transform(self, inpt, params: dict):
        return F.center_crop(inpt, output_size=self.size)


class RandomResizedCrop(Transform):
    """Crop a random area and aspect ratio (v1's draws), then resize to `size`."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation="bilinear", antialias: bool | None = True) -> None:
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_ERROR)
        if not isinstance(scale, Sequence) or len(scale) != 2:
            raise TypeError("Scale should be a sequence of two floats.")
        if not isinstance(ratio, Sequence) or len(ratio) != 2:
            raise TypeError("Ratio should be a sequence of two floats.")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.antialias = antialias
        self._log_ratio = ember.log(ember.tensor(self.ratio))

    def make_params(self, flat_inputs: list) -> dict:
        height, width = _query_size(flat_inputs)
        low, high = float(self._log_ratio[0]), float(self._log_ratio[1])
        for _ in range(10):
            target_area = height * width * ember.empty(1).uniform_(*self.scale).item()
            aspect_ratio = ember.exp(ember.empty(1).uniform_(low, high)).item()
            w = round(math.sqrt(target_area * aspect_ratio))
            h = round(math.sqrt(target_area / aspect_ratio))
            if 0 < w <= width and 0 < h <= height:
                i = int(ember.randint(0, height - h + 1, size=(1,)).item())
                j = int(ember.randint(0, width - w + 1, size=(1,)).item())
                return {"top": i, "left": j, "height": h, "width": w}
        in_ratio = float(width) / float(height)
        if in_ratio < min(self.ratio):
            w, h = width, round(width / min(self.ratio))
        elif in_ratio > max(self.ratio):
            h, w = height, round(height * max(self.ratio))
        else:
            w, h = width, height
        return {"top": (height - h) // 2, "left": (width - w) // 2, "height": h, "width": w}

    def transform(self, inpt, params: dict):
        return F.resized_crop(inpt, **params, size=self.size, interpolation=self.interpolation,
                              antialias=self.antialias)


class _RandomApplyTransform(Transform):
    def __init__(self, p: float = 0.5) -> None:
        if not (0.0 <= p <= 1.0):
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        if ember.rand(1) >= self.p:
            return inputs
        return self._apply(inputs)


class RandomHorizontalFlip(_RandomApplyTransform):
    def transform(self, inpt, params: dict):
        return F.horizontal_flip(inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    def transform(self, inpt, params: dict):
        return F.vertical_flip(inpt)


class RandomCrop(Transform):
    """Crop at a random position after optional padding (v2's draws: one randint per axis that
    is larger than the crop)."""

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill=0,
                 padding_mode: str = "constant") -> None:
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_ERROR)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding = _parse_pad_padding(padding) if padding else None
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def make_params(self, flat_inputs: list) -> dict:
        height, width = _query_size(flat_inputs)
        left, right, top, bottom = self.padding or (0, 0, 0, 0)
        height, width = height + top + bottom, width + left + right
        crop_h, crop_w = self.size
        if self.pad_if_needed:
            if height < crop_h:
                diff = crop_h - height
                top, bottom, height = top + diff, bottom + diff, height + 2 * diff
            if width < crop_w:
                diff = crop_w - width
                left, right, width = left + diff, right + diff, width + 2 * diff
        if height < crop_h or width < crop_w:
            padded = "padded " if self.padding is not None else ""
            raise ValueError(f"Required crop size {(crop_h, crop_w)} is larger than {padded}input "
                             f"image size {(height, width)}.")
        i = int(ember.randint(0, height - crop_h + 1, size=())) if height > crop_h else 0
        j = int(ember.randint(0, width - crop_w + 1, size=())) if width > crop_w else 0
        return {"crop": (i, j, crop_h, crop_w), "padding": [left, top, right, bottom]}

    def transform(self, inpt, params: dict):
        if any(params["padding"]):
            inpt = F.pad(inpt, params["padding"], fill=self.fill, padding_mode=self.padding_mode)
        return F.crop(inpt, *params["crop"])


_v1_affine_params = _V1RandomAffine.get_params


def _check_container(transforms) -> None:
    if not isinstance(transforms, Sequence):
        raise TypeError("Argument transforms should be a sequence of callables")
    if not transforms:
        raise ValueError("Pass at least one transform")


def _run_chain(transforms, inputs: tuple):
    unpack = len(inputs) > 1
    outputs = inputs if unpack else inputs[0]
    for transform in transforms:
        outputs = transform(*inputs)
        inputs = outputs if unpack else (outputs,)
    return outputs


class RandomApply(Compose):
    """Apply all the transforms with probability p."""

    def __init__(self, transforms: Sequence, p: float = 0.5) -> None:
        super().__init__(transforms)
        if not (0.0 <= p <= 1.0):
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        self.p = p

    def forward(self, *inputs):
        if ember.rand(1) >= self.p:
            return inputs if len(inputs) > 1 else inputs[0]
        return _run_chain(self.transforms, inputs)


class RandomChoice(Transform):
    """Apply one transform, drawn with probabilities p (ember.multinomial, as torchvision)."""

    def __init__(self, transforms: Sequence, p: list[float] | None = None) -> None:
        _check_container(transforms)
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != "
                             f"{len(transforms)}")
        super().__init__()
        self.transforms = transforms
        total = sum(p)
        self.p = [prob / total for prob in p]

    def forward(self, *inputs):
        idx = int(ember.multinomial(ember.tensor(self.p), 1))
        return self.transforms[idx](*inputs)


class RandomOrder(Transform):
    """Apply the transforms in a random order (ember.randperm, as torchvision)."""

    def __init__(self, transforms: Sequence) -> None:
        _check_container(transforms)
        super().__init__()
        self.transforms = transforms

    def forward(self, *inputs):
        order = ember.randperm(len(self.transforms)).tolist()
        return _run_chain([self.transforms[i] for i in order], inputs)


def _uniform(low: float, high: float) -> float:
    return float(ember.empty(1).uniform_(low, high).item())


class ColorJitter(Transform):
    """Random brightness, contrast, saturation and hue in a random order (None: left alone)."""

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None) -> None:
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5),
                                     clip_first_on_zero=False)

    def _check_input(self, value, name: str, center: float = 1.0,
                     bound: tuple[float, float] = (0, float("inf")),
                     clip_first_on_zero: bool = True) -> tuple[float, float] | None:
        if value is None:
            return None
        if isinstance(value, (int, float)):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - value, center + value]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, Sequence) and len(value) == 2:
            value = [float(v) for v in value]
        else:
            raise TypeError(f"{name}={value} should be a single number or a sequence with length "
                            "2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound} and increasing, but got "
                             f"{value}.")
        return None if value[0] == value[1] == center else (float(value[0]), float(value[1]))

    def make_params(self, flat_inputs: list) -> dict:
        fn_idx = ember.randperm(4).tolist()
        factors = [None if r is None else _uniform(r[0], r[1])
                   for r in (self.brightness, self.contrast, self.saturation, self.hue)]
        return {"fn_idx": fn_idx, "factors": factors}

    def transform(self, inpt, params: dict):
        ops = (_v1.adjust_brightness, _v1.adjust_contrast, _v1.adjust_saturation,
               _v1.adjust_hue)
        for fn_id in params["fn_idx"]:
            factor = params["factors"][fn_id]
            if factor is not None:
                inpt = ops[fn_id](inpt, factor)
        return inpt


class RandomRotation(Transform):
    """Rotate by an angle drawn from `degrees`."""

    def __init__(self, degrees, interpolation="nearest", expand: bool = False, center=None,
                 fill=0) -> None:
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        self.interpolation = interpolation
        self.expand = expand
        self.fill = fill
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs: list) -> dict:
        return {"angle": ember.empty(1).uniform_(self.degrees[0], self.degrees[1]).item()}

    def transform(self, inpt, params: dict):
        fill = _tensor_fill(inpt, self.fill, _v1.get_dimensions(inpt)[0])
        return _v1.rotate(inpt, params["angle"], F._mode(self.interpolation), self.expand,
                          self.center, fill)


class GaussianBlur(Transform):
    """Gaussian blur with sigma drawn from [min, max]."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)) -> None:
        super().__init__()
        self.kernel_size = _blur_kernel_size(kernel_size)
        if isinstance(sigma, (int, float)):
            sigma = [float(sigma), float(sigma)]
        elif isinstance(sigma, Sequence) and len(sigma) in (1, 2):
            sigma = [float(s) for s in sigma] * (2 if len(sigma) == 1 else 1)
        else:
            raise TypeError(f"sigma should be a number or a sequence of numbers. Got {sigma}")
        self.sigma = sigma
        if not 0.0 < self.sigma[0] <= self.sigma[1]:
            raise ValueError("sigma values should be positive and of the form (min, max). Got "
                             f"{self.sigma}")

    def make_params(self, flat_inputs: list) -> dict:
        sigma = ember.empty(1).uniform_(self.sigma[0], self.sigma[1]).item()
        return {"sigma": [sigma, sigma]}

    def transform(self, inpt, params: dict):
        return _v1.gaussian_blur(inpt, list(self.kernel_size), params["sigma"])


class Grayscale(Transform):
    """RGB -> grayscale with 1 or 3 output channels."""

    def __init__(self, num_output_channels: int = 1) -> None:
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params: dict):
        return _gray(inpt, self.num_output_channels)


def _gray(inpt, channels: int):
    if isinstance(inpt, Tensor) and inpt.shape[-3] == 1:  # already gray: copy or repeat
        return inpt.clone() if channels == 1 else inpt.repeat([1] * (inpt.ndim - 3) + [3, 1, 1])
    return _v1.rgb_to_grayscale(inpt, channels)


class RandomGrayscale(_RandomApplyTransform):
    """Grayscale (keeping the channel count) with probability p."""

    def __init__(self, p: float = 0.1) -> None:
        super().__init__(p=p)

    def make_params(self, flat_inputs: list) -> dict:
        return {"channels": _v1.get_dimensions(flat_inputs[0])[0]}

    def transform(self, inpt, params: dict):
        return _gray(inpt, params["channels"])


class RandomAffine(Transform):
    """Random rotation, translation, scale and shear (v1's draws)."""

    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation="nearest", fill=0, center=None) -> None:
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear",
                                                             req_sizes=(2, 4))
        self.interpolation = interpolation
        self.fill = fill
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs: list) -> dict:
        height, width = _query_size(flat_inputs)
        angle, translate, scale, shear = _v1_affine_params(
            self.degrees, self.translate, self.scale, self.shear, [width, height])
        return {"angle": angle, "translate": translate, "scale": scale, "shear": shear}

    def transform(self, inpt, params: dict):
        fill = _tensor_fill(inpt, self.fill, _v1.get_dimensions(inpt)[0])
        return _v1.affine(inpt, **params, interpolation=F._mode(self.interpolation), fill=fill,
                          center=self.center)


class Lambda(Transform):
    """Apply a user function to the entries of the given types (all, by default)."""

    _transformed_types = (object,)

    def __init__(self, lambd, *types: type) -> None:
        super().__init__()
        self.lambd = lambd
        self.types = types or self._transformed_types

    def transform(self, inpt, params: dict):
        return self.lambd(inpt) if isinstance(inpt, self.types) else inpt

    def extra_repr(self) -> str:
        name = getattr(self.lambd, "__name__", None)
        return ", ".join(([name] if name else []) + [f"types={[t.__name__ for t in self.types]}"])


functional = F
