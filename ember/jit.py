"""torch.jit's entry points for programs that script, trace or annotate models: ember has no
TorchScript, so each returns what it was given and the program runs eagerly (same results)."""
from __future__ import annotations

from typing import Final

__all__ = ["Final", "annotate", "export", "ignore", "is_scripting", "is_tracing", "script",
           "trace", "unused"]


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """torch.jit.script: the module or function itself, run eagerly."""
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace: bool = True, check_inputs=None,
          check_tolerance: float = 1e-5, strict: bool = True, _force_outplace: bool = False,
          _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs: bool = True):
    """torch.jit.trace: the module or function itself, run eagerly (ember does not run it on the
    example inputs, so random streams are not advanced by tracing)."""
    return func


def _decorator(fn=None, **kwargs):
    """@ignore, @ignore(drop=True), @unused, @export: the function unchanged."""
    if fn is None or not callable(fn):
        return lambda f: f
    return fn


ignore = unused = export = _decorator


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return False


def annotate(the_type, the_value):
    """torch.jit.annotate: the value (the type is for the TorchScript compiler)."""
    return the_value
