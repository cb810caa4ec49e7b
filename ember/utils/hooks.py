"""torch.utils.hooks: RemovableHandle, the handle every hook registry in ember returns.

Registries are dicts keyed by the handle's id (modules, optimizers, tensors); `remove()` deletes the
entry from each dict it was registered in, and is safe to call twice.
"""
from __future__ import annotations

import weakref

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """torch.utils.hooks.RemovableHandle: `.remove()` deletes the hook from its dict(s)."""

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *args) -> None:
        self.remove()
