"""ember.distributed: torch.distributed on MPI (mpi4py), for CPU tensors.

Backends: "mpi", and "gloo"/"nccl" (accepted names, run on the same MPI engine; get_backend()
reports the name asked for). Start N processes with `ember-run --nproc-per-node N script.py`,
or `mpiexec -n N python -m mpi4py script.py` (an uncaught exception on one rank then aborts all
of them); across machines, `mpiexec -f hostfile -n N python -m mpi4py script.py`. A plain
`python script.py` is a world of size 1. mpi4py is imported on first use, not by `import ember`.
Under an MPI launcher, torchrun's variables (RANK, LOCAL_RANK, ...) are set on import, so that
programs reading them before init_process_group run unchanged.
"""
from __future__ import annotations

import os

from ._collectives import (
    Work,
    all_gather,
    all_gather_into_tensor,
    all_gather_single,
    all_reduce,
    all_to_all,
    all_to_all_single,
    barrier,
    broadcast,
    gather,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter,
    reduce_scatter_single,
    reduce_scatter_tensor,
    scatter,
    send,
)
from ._objects import (
    all_gather_object,
    broadcast_object_list,
    gather_object,
    scatter_object_list,
)
from .distributed_c10d import (
    Backend,
    GroupMember,
    ProcessGroup,
    ReduceOp,
    _export_launcher_env,
    destroy_process_group,
    get_backend,
    get_global_rank,
    get_group_rank,
    get_process_group_ranks,
    get_rank,
    get_world_size,
    group,
    init_process_group,
    is_initialized,
    is_mpi_available,
    new_group,
)

__all__ = [
    "Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather",
    "all_gather_into_tensor", "all_gather_object", "all_gather_single", "all_reduce", "all_to_all",
    "all_to_all_single", "barrier", "broadcast", "broadcast_object_list", "destroy_process_group",
    "gather", "gather_object", "get_backend", "get_global_rank", "get_group_rank",
    "get_node_local_rank", "get_process_group_ranks", "get_rank", "get_world_size", "group",
    "init_process_group", "irecv", "is_available", "is_gloo_available", "is_initialized",
    "is_mpi_available", "is_nccl_available", "is_torchelastic_launched", "isend", "new_group",
    "recv", "reduce", "reduce_scatter", "reduce_scatter_single", "reduce_scatter_tensor",
    "scatter", "scatter_object_list", "send",
]


_export_launcher_env()


def get_node_local_rank(fallback_rank: int | None = None) -> int:
    """LOCAL_RANK from the environment (set by ember-run / under mpiexec), else fallback_rank."""
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank to "
                       "allow `get_node_local_rank` to work, assuming you are not running in a "
                       "multi-device context and want the code to run locally instead.")


def is_torchelastic_launched() -> bool:
    """True under torchrun or ember-run (both set TORCHELASTIC_RUN_ID)."""
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def is_available() -> bool:
    """True when the MPI engine (mpi4py) is installed."""
    return is_mpi_available()


def is_gloo_available() -> bool:
    """"gloo" runs on MPI here, so it is available exactly when MPI is."""
    return is_mpi_available()


def is_nccl_available() -> bool:
    """"nccl" runs on MPI here (CPU tensors), so it is available exactly when MPI is."""
    return is_mpi_available()
