"""ember.distributed: what torch.distributed shows in a build without distributed support.

The collective engine (MPI through mpi4py) is not built yet, so `is_available()` is False and no
process group can exist, as in a PyTorch build made with USE_DISTRIBUTED=0. Programs that check
`torch.distributed.is_available()` or `is_initialized()` before using it run unchanged.
"""
from __future__ import annotations

__all__ = ["is_available", "is_initialized"]


def is_available() -> bool:
    """False: this ember has no distributed backend yet."""
    return False


def is_initialized() -> bool:
    """False: no default process group can have been initialised."""
    return False
