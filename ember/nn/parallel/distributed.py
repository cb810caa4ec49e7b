"""DistributedDataParallel: importable, with torch's signature; constructing it needs the default
process group, which ember.distributed cannot create yet, so it raises torch's error for that."""
from __future__ import annotations

from ... import distributed as _dist
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """torch.nn.parallel.DistributedDataParallel; raises torch's ValueError without a process
    group (every ember process today: the MPI engine is a later step)."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers=None, init_sync: bool = True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters: bool = False,
                 check_reduction: bool = False, gradient_as_bucket_view: bool = False,
                 static_graph: bool = False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params: bool = False, bucket_cap_mb_list=None,
                 batched_grad_copy: bool = False, forward_sync_buffers=None) -> None:
        super().__init__()
        if process_group is None and not _dist.is_initialized():
            raise ValueError("Default process group has not been initialized, please make sure "
                             "to call init_process_group.")
        raise RuntimeError("DistributedDataParallel: ember.distributed has no backend yet, so the "
                           "process group passed in cannot be ember's")
