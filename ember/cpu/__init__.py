"""ember.cpu: torch.cpu's device queries (one CPU device, always there) and torch.cpu.amp."""
from __future__ import annotations

import importlib

__all__ = ["current_device", "device_count", "is_available", "is_initialized", "set_device",
           "synchronize"]


def is_available() -> bool:
    """The CPU is always available."""
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    """One CPU device, as torch counts it."""
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    """A no-op: there is one CPU device."""


def synchronize(device=None) -> None:
    """A no-op: CPU work is done when the call returns."""


def __getattr__(name: str):
    if name == "amp":  # loaded on first use, as `import ember` stays light
        return importlib.import_module(".amp", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
