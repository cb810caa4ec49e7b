"""ember.vision: torchvision's API (models, transforms, datasets, io, utils) on ember tensors.

`models` and `ops` load on first access (`ember.vision.models`, `from ember.vision import models`),
which keeps `import ember.vision` fast; the other sub-packages load with the package.
"""
import importlib as _importlib

from . import datasets, io, transforms, utils

# The torchvision release whose behaviour ember.vision follows.
__version__ = "0.28.0"

__all__ = ["datasets", "get_image_backend", "io", "models", "ops", "set_image_backend",
           "transforms", "utils"]

_image_backend = "PIL"

_LAZY = ("models", "ops")


def __getattr__(name: str):
    if name in _LAZY:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def set_image_backend(backend: str) -> None:
    """Choose the image loader; ember has Pillow only ('accimage' is accepted, as a name)."""
    global _image_backend
    if backend not in ["PIL", "accimage"]:
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL' and 'accimage'")
    _image_backend = backend


def get_image_backend() -> str:
    """The name of the image backend: 'PIL' unless set_image_backend changed it."""
    return _image_backend


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
