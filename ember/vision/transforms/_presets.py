"""The inference transforms that a model's Weights.transforms() returns (torchvision's presets)."""
from __future__ import annotations

import ember
from ember import Tensor, nn

from . import functional as F
from .functional import InterpolationMode

__all__ = ["ImageClassification", "ObjectDetection", "OpticalFlow", "SemanticSegmentation",
           "VideoClassification"]

_IMAGES = ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image "
           "``torch.Tensor`` objects. ")


def _to_normalized_float(img, mean, std) -> Tensor:
    if not isinstance(img, Tensor):
        img = F.pil_to_tensor(img)
    return F.normalize(F.convert_image_dtype(img, ember.float), mean=mean, std=std)


def _preset_repr(module, names) -> str:
    lines = "".join(f"\n    {name}={getattr(module, name)}" for name in names)
    return f"{module.__class__.__name__}({lines}\n)"


class ObjectDetection(nn.Module):
    """Rescale to [0, 1] floats."""

    def forward(self, img: Tensor) -> Tensor:
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        return F.convert_image_dtype(img, ember.float)

    def __repr__(self) -> str:
        return self.__class__.__name__ + "()"

    def describe(self) -> str:
        return _IMAGES + "The images are rescaled to ``[0.0, 1.0]``."


class ImageClassification(nn.Module):
    """Resize the smaller edge, centre-crop, rescale to [0, 1], normalise."""

    def __init__(self, *, crop_size: int, resize_size: int = 256,
                 mean: tuple[float, ...] = (0.485, 0.456, 0.406),
                 std: tuple[float, ...] = (0.229, 0.224, 0.225),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> None:
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img: Tensor) -> Tensor:
        img = F.resize(img, self.resize_size, interpolation=self.interpolation,
                       antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        return _to_normalized_float(img, self.mean, self.std)

    def __repr__(self) -> str:
        return _preset_repr(self, ["crop_size", "resize_size", "mean", "std", "interpolation"])

    def describe(self) -> str:
        return (_IMAGES + f"The images are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``, followed by a central crop of "
                f"``crop_size={self.crop_size}``. Finally the values are first rescaled to "
                f"``[0.0, 1.0]`` and then normalized using ``mean={self.mean}`` and "
                f"``std={self.std}``.")


class VideoClassification(nn.Module):
    """Per frame: resize (no antialias), centre-crop, rescale, normalise; then (..., C, T, H, W)."""

    def __init__(self, *, crop_size: tuple[int, int], resize_size: tuple[int] | tuple[int, int],
                 mean: tuple[float, ...] = (0.43216, 0.394666, 0.37645),
                 std: tuple[float, ...] = (0.22803, 0.22145, 0.216989),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR) -> None:
        super().__init__()
        self.crop_size = list(crop_size)
        self.resize_size = list(resize_size)
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation

    def forward(self, vid: Tensor) -> Tensor:
        squeeze = vid.ndim < 5
        if squeeze:
            vid = vid.unsqueeze(dim=0)
        n, t, c, h, w = vid.shape
        vid = vid.view(-1, c, h, w)
        vid = F.resize(vid, self.resize_size, interpolation=self.interpolation, antialias=False)
        vid = F.center_crop(vid, self.crop_size)
        vid = F.normalize(F.convert_image_dtype(vid, ember.float), mean=self.mean, std=self.std)
        h, w = self.crop_size
        vid = vid.view(n, t, c, h, w).permute(0, 2, 1, 3, 4)
        return vid.squeeze(dim=0) if squeeze else vid

    def __repr__(self) -> str:
        return _preset_repr(self, ["crop_size", "resize_size", "mean", "std", "interpolation"])

    def describe(self) -> str:
        return ("Accepts batched ``(B, T, C, H, W)`` and single ``(T, C, H, W)`` video frame "
                f"``torch.Tensor`` objects. The frames are resized to ``resize_size="
                f"{self.resize_size}`` using ``interpolation={self.interpolation}``, followed by a "
                f"central crop of ``crop_size={self.crop_size}``. Finally the values are first "
                f"rescaled to ``[0.0, 1.0]`` and then normalized using ``mean={self.mean}`` and "
                f"``std={self.std}``. Finally the output dimensions are permuted to "
                "``(..., C, T, H, W)`` tensors.")


class SemanticSegmentation(nn.Module):
    """Resize the smaller edge (if resize_size), rescale to [0, 1], normalise."""

    def __init__(self, *, resize_size: int | None,
                 mean: tuple[float, ...] = (0.485, 0.456, 0.406),
                 std: tuple[float, ...] = (0.229, 0.224, 0.225),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> None:
        super().__init__()
        self.resize_size = [resize_size] if resize_size is not None else None
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img: Tensor) -> Tensor:
        if isinstance(self.resize_size, list):
            img = F.resize(img, self.resize_size, interpolation=self.interpolation,
                           antialias=self.antialias)
        return _to_normalized_float(img, self.mean, self.std)

    def __repr__(self) -> str:
        return _preset_repr(self, ["resize_size", "mean", "std", "interpolation"])

    def describe(self) -> str:
        return (_IMAGES + f"The images are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``. Finally the values are first rescaled "
                f"to ``[0.0, 1.0]`` and then normalized using ``mean={self.mean}`` and "
                f"``std={self.std}``.")


class OpticalFlow(nn.Module):
    """Rescale both images to [-1, 1]."""

    def forward(self, img1: Tensor, img2: Tensor) -> tuple[Tensor, Tensor]:
        half = [0.5, 0.5, 0.5]
        img1 = _to_normalized_float(img1, half, half).contiguous()
        img2 = _to_normalized_float(img2, half, half).contiguous()
        return img1, img2

    def __repr__(self) -> str:
        return self.__class__.__name__ + "()"

    def describe(self) -> str:
        return _IMAGES + "The images are rescaled to ``[-1.0, 1.0]``."
