"""torch.compile: ember has no compiler, so the result runs eagerly and gives the same numbers.

A module comes back wrapped in OptimizedModule (state_dict keys under `_orig_mod.`, as torch's), a
function as a function; torch's argument checks and errors are kept.
"""
from __future__ import annotations

import functools

from .nn.modules.module import Module

__all__ = ["OptimizedModule", "compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


class OptimizedModule(Module):
    """What torch.compile(module) returns: the original module as `_orig_mod`, run as it is."""

    def __init__(self, mod: Module) -> None:
        super().__init__()
        self._orig_mod = mod

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor",
            mode=None, options=None, name=None, disable: bool = False, recompile_limit=None,
            isolate_recompiles: bool = False, shapes_spec=None):
    """torch.compile: returns `model` to run eagerly (a decorator when called without it)."""
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, name=name, disable=disable,
                                 recompile_limit=recompile_limit,
                                 isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
    if not callable(model):
        raise AssertionError(  # noqa: TRY004 - torch raises AssertionError here
            f"A callable function is expected, but {type(model)} is provided.")
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def run_eagerly(*args, **kwargs):
        return model(*args, **kwargs)

    return run_eagerly
