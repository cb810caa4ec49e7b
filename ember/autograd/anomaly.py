"""detect_anomaly / set_detect_anomaly: name the op (and where it was made) that produced NaN."""
from __future__ import annotations

import traceback
import warnings

from ..backend import array_module

_enabled = False
_check_nan = True


def enabled() -> bool:
    return _enabled


def is_anomaly_enabled() -> bool:
    return _enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off; usable as a function call or a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        global _enabled, _check_nan
        self._prev = (_enabled, _check_nan)
        _enabled, _check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global _enabled, _check_nan
        _enabled, _check_nan = self._prev
        return False


class detect_anomaly:
    """Context manager that records forward tracebacks and checks backward for NaN (warns once)."""

    def __init__(self, check_nan: bool = True) -> None:
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)
        self._check = check_nan
        self._prev = None

    def __enter__(self) -> None:
        global _enabled, _check_nan
        self._prev = (_enabled, _check_nan)
        _enabled, _check_nan = True, self._check

    def __exit__(self, *exc) -> bool:
        global _enabled, _check_nan
        _enabled, _check_nan = self._prev
        return False


def record_trace(node, skip: int = 3) -> None:
    """Remember where in user code the op of `node` ran (shown if its backward fails).

    `skip`: innermost frames that are ember's own (this function, apply, the op's wrapper).
    """
    node._trace = "".join(traceback.format_stack()[:-skip])


def run_checked(node, grads: list) -> tuple:
    """Run a node's backward; on an error or NaN output, name the node and its forward trace."""
    trace = getattr(node, "_trace", None)
    try:
        out = node._backward(tuple(grads))
    except Exception:
        if trace:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          f"caused the error:\n{trace}", stacklevel=2)
        raise
    if _check_nan:
        for i, g in enumerate(out):
            if g is not None and g.dtype.is_floating_point and _has_nan(g._data):
                if trace:
                    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call "
                                  f"that caused the error:\n{trace}", stacklevel=2)
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                                   "output.")
    return out


def _has_nan(a) -> bool:
    return bool(array_module(a).isnan(a).any())
