"""torch.backends.mkldnn: oneDNN's flags. ember has no oneDNN kernels (NumPy's BLAS does the
work), so `is_available()` is False; `enabled` is kept settable for scripts that set it."""
from __future__ import annotations

import sys
import types

from . import _flags


def is_available() -> bool:
    return False


def flags(enabled=False, deterministic=False, allow_tf32=True):
    """Context manager setting the flags and restoring them, as torch's mkldnn.flags."""
    return _flags.temporarily(sys.modules[__name__], enabled=enabled,
                              deterministic=deterministic, allow_tf32=allow_tf32)


class _MkldnnModule(types.ModuleType):
    enabled = _flags.BoolFlag(True, "set_enabled_mkldnn")
    deterministic = _flags.BoolFlag(False, "set_deterministic_mkldnn")
    allow_tf32 = _flags.BoolFlag(None, "_set_onednn_allow_tf32")  # None, as torch reports


_flags.install(__name__, _MkldnnModule)
