"""torch.nn.utils.skip_init: build a module without running its parameter initialisation."""
from __future__ import annotations

import inspect

from ... import random as _random
from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs) -> Module:
    """module_cls(*args, **kwargs) with uninitialised parameters and buffers.

    torch builds the module on the meta device (no memory, no random draws) and then allocates
    empty storage; ember has no meta device, so it builds normally, restores the generator state
    the initialisers consumed (so later draws match torch's) and empties the tensors.
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")  # noqa: TRY004
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    state = _random.get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        _random.set_rng_state(state)
    return module.to_empty(device=final_device)
