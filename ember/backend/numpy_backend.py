"""The cpu backend: NumPy arrays in host memory.

Every backend module answers the same small interface, which `ember.backend` dispatches on:
`DEVICE_TYPE`, `module()`, `is_available()`, `device_count()`, `owns(x)`, `device_of(x)`,
`to_host(x)` and `from_host(x, index)`.
"""
from __future__ import annotations

import numpy as np

DEVICE_TYPE = "cpu"


def module():
    """The array namespace of this backend (the `xp` of every op)."""
    return np


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def owns(x) -> bool:
    """True for a NumPy array or scalar."""
    return isinstance(x, (np.ndarray, np.generic))


def device_of(x) -> str:
    return "cpu"


def to_host(x) -> np.ndarray:
    """A host array already is one."""
    return x


def from_host(x, index: int | None = None):
    """Host arrays stay where they are (cpu has one device)."""
    return x
