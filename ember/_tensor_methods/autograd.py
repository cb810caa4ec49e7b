"""Tensor methods of the autograd family that live outside the core class:
register_post_accumulate_grad_hook (hooks run after a leaf's .grad has been updated)."""
from __future__ import annotations

from ..autograd.node import _RemovableHandle


class AutogradMethods:
    __slots__ = ()

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs each time backward has accumulated into this leaf's .grad (for
        optimizer steps inside backward, or DDP's gradient buckets); it must return None."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        hooks = self.__dict__.get("_post_accumulate_hooks")
        if hooks is None:
            hooks = self.__dict__["_post_accumulate_hooks"] = []
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

