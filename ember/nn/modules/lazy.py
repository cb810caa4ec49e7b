"""LazyModuleMixin: a layer whose parameter shapes come from its first input.

The lazy layer holds UninitializedParameter/UninitializedBuffer placeholders; its first call (or a
load_state_dict that brings real tensors) materializes them, runs the layer's own initialisation,
and turns the instance into `cls_to_become` (LazyConv2d -> Conv2d), as torch does.
"""
from __future__ import annotations

from ...autograd import no_grad
from ..parameter import UninitializedBuffer, UninitializedParameter
from .module import Module

__all__ = ["LazyModuleMixin"]


def _is_lazy(t) -> bool:
    return isinstance(t, (UninitializedParameter, UninitializedBuffer))


class LazyModuleMixin:
    """Mixed in before the layer class: `class LazyConv2d(LazyModuleMixin, Conv2d)`."""

    cls_to_become = None

    def has_uninitialized_params(self) -> bool:
        """Whether any parameter or buffer is still a placeholder."""
        return any(_is_lazy(t) for t in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, *args, **kwargs) -> None:  # pragma: no cover - overridden
        raise NotImplementedError(f"initialize_parameters is not implemented for "
                                  f"{self.__class__.__name__}")

    def __call__(self, *args, **kwargs):
        if self.has_uninitialized_params():
            with no_grad():
                self.initialize_parameters(*args, **kwargs)
        if not self.has_uninitialized_params() and self.cls_to_become is not None:
            self.__class__ = self.cls_to_become
        return Module.__call__(self, *args, **kwargs)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        """Placeholders take the shape of the real tensors being loaded into them."""
        for registry in (self._parameters, self._buffers):
            for name, t in registry.items():
                incoming = state_dict.get(prefix + name)
                if t is not None and _is_lazy(t) and incoming is not None \
                        and not _is_lazy(incoming):
                    with no_grad():
                        t.materialize(tuple(incoming.shape))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)
