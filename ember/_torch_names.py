"""ember objects under torch's names and back: what a pickle writes for an ember class or
function so that torch can load it (`torch.nn.modules.linear.Linear`, `torch.nn.functional.relu`),
and the ember object a torch-written pickle's global stands for.

ember's tree mirrors torch's (`ember.nn.modules.linear` <-> `torch.nn.modules.linear`,
`ember.vision` <-> `torchvision`, `ember.audio` <-> `torchaudio`); functions are named by where
torch exports them publicly (`torch.nn.functional`, then `torch`), since ember defines many of them
in `ember.ops`.
"""
from __future__ import annotations

import importlib
import sys

__all__ = ["ember_object", "torch_name"]

_PACKAGES = (("ember.vision", "torchvision"), ("ember.audio", "torchaudio"), ("ember", "torch"))
# classes whose ember module is not yet cut like torch's: torch's module -> class names, and the
# ember module that holds them
_MOVED = {"torch.nn.modules.batchnorm": ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
                                         "_BatchNorm", "_NormBase", "LazyBatchNorm1d",
                                         "LazyBatchNorm2d", "LazyBatchNorm3d", "_LazyNormBase")}
_MOVED_TO = {"torch.nn.modules.batchnorm": "ember.nn.modules.normalization"}
_MOVED_FROM = set(_MOVED_TO.values())
_functions: dict[int, tuple[str, str]] = {}


def _to_torch_module(module: str) -> str | None:
    for ember_pkg, torch_pkg in _PACKAGES:
        if module == ember_pkg or module.startswith(ember_pkg + "."):
            return torch_pkg + module[len(ember_pkg):]
    return None


def _to_ember_module(module: str) -> str | None:
    for ember_pkg, torch_pkg in _PACKAGES:
        if module == torch_pkg or module.startswith(torch_pkg + "."):
            return ember_pkg + module[len(torch_pkg):]
    return None


def _public_functions() -> dict[int, tuple[str, str]]:
    """id(function) -> torch's public (module, name) for functions ember exports."""
    if not _functions:
        ember = sys.modules["ember"]
        functional = importlib.import_module("ember.nn.functional")
        for module, namespace in (("torch", ember), ("torch.nn.functional", functional)):
            for name in getattr(namespace, "__all__", dir(namespace)):
                obj = getattr(namespace, name, None)
                if callable(obj) and not isinstance(obj, type):
                    _functions[id(obj)] = (module, name)  # functional wins: it is read last
    return _functions


def torch_name(obj) -> tuple[str, str] | None:
    """(module, qualname) torch uses for the ember class or function `obj`; None for objects
    that are not ember's."""
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("ember"):
        return None
    if not isinstance(obj, type):
        known = _public_functions().get(id(obj))
        if known is not None:
            return known
    qualname = getattr(obj, "__qualname__", None) or obj.__name__
    if module in _MOVED_FROM:
        for torch_module, names in _MOVED.items():
            if qualname in names:
                return torch_module, qualname
    torch_module = _to_torch_module(module)
    return (torch_module, qualname) if torch_module else None


def ember_object(module: str, name: str):
    """The ember object a pickle's `module.name` (a torch, torchvision or torchaudio path)
    stands for, or None when ember has none."""
    ember_module = _to_ember_module(module)
    if ember_module is None:
        return None
    if module in _MOVED and name in _MOVED[module]:
        ember_module = _MOVED_TO[module]
    try:
        target = importlib.import_module(ember_module)
    except ImportError:
        return None
    obj = target
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj
