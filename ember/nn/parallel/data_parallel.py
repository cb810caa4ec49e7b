"""DataParallel on a host without GPUs: the wrapper keeps torch's `module.` state_dict prefix and
repr, and runs the wrapped module directly, exactly what torch does when no device is present."""
from __future__ import annotations

from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Splits a batch over GPUs in torch; with none present (ember's CPU backend) it calls
    `module` on the whole batch, so `device_ids` is empty."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs, device_ids=None, output_device=None, dim: int = 0,
                  module_kwargs=None):
    """The functional DataParallel: torch needs an accelerator for it and raises without one."""
    raise RuntimeError("device type could not be determined")
