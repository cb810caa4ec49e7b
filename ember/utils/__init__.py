"""ember.utils: data loading (ember.utils.data), hooks, checkpoint and safetensors helpers, each
loaded on first use (ember.utils.tensorboard, which needs the tensorboard package, on import)."""
from __future__ import annotations

_SUBMODULES = frozenset({"checkpoint", "data", "hooks", "safetensors"})


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
