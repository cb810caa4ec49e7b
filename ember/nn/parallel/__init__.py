"""torch.nn.parallel: DataParallel (the wrapped module itself on a host without GPUs, as torch's)
and DistributedDataParallel (one replica per MPI rank of ember.distributed)."""
from __future__ import annotations

from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
