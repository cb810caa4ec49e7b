"""torch.cuda.nccl: NCCL collectives over tensors on several GPUs. ember has no NCCL bindings here
(its distributed package drives NCCL through CuPy); these fail as in a CPU-only torch build."""
from __future__ import annotations

import warnings

__all__ = ["all_gather", "all_reduce", "broadcast", "reduce", "reduce_scatter"]

SUM = 0


def _absent(binding: str) -> AttributeError:
    return AttributeError(f"module 'torch._C' has no attribute '_nccl_{binding}'")


def is_available(tensors) -> bool:
    warnings.warn("PyTorch is not compiled with NCCL support", stacklevel=2)
    return False


def version():
    raise _absent("version")


def unique_id():
    raise _absent("unique_id")


def init_rank(num_ranks, uid, rank):
    raise _absent("init_rank")


def all_reduce(inputs, outputs=None, op=SUM, streams=None, comms=None) -> None:
    raise _absent("all_reduce")


def reduce(inputs, output=None, root: int = 0, op=SUM, streams=None, comms=None, *, outputs=None):
    raise _absent("reduce")


def broadcast(inputs, root: int = 0, streams=None, comms=None) -> None:
    raise _absent("broadcast")


def all_gather(inputs, outputs, streams=None, comms=None) -> None:
    raise _absent("all_gather")


def reduce_scatter(inputs, outputs, op=SUM, streams=None, comms=None) -> None:
    raise _absent("reduce_scatter")
