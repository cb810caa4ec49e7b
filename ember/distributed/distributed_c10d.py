"""Process groups on MPI: init_process_group, new_group, ranks, ReduceOp, Backend.

Every group wraps an MPI communicator (the default group a duplicate of COMM_WORLD, so user MPI
traffic never mixes with ember's). mpi4py is imported on first use, never by `import ember`.
"""
from __future__ import annotations

import enum
import os

__all__ = [
    "Backend", "GroupMember", "ProcessGroup", "ReduceOp", "destroy_process_group", "get_backend",
    "get_global_rank", "get_group_rank", "get_process_group_ranks", "get_rank", "get_world_size",
    "group", "init_process_group", "is_initialized", "is_mpi_available", "new_group",
]

_NOT_INIT = ("Default process group has not been initialized, please make sure to call "
             "init_process_group.")
_MPI = None


def _mpi():
    """The mpi4py.MPI module, imported (and MPI initialised) on first use."""
    global _MPI
    if _MPI is None:
        from mpi4py import MPI
        _MPI = MPI
    return _MPI


def is_mpi_available() -> bool:
    """True when mpi4py can be imported (checked without importing it)."""
    import importlib.util
    return importlib.util.find_spec("mpi4py") is not None


class _RedOpType(enum.IntEnum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8

    __str__ = enum.Enum.__str__


_RedOpType.__name__ = _RedOpType.__qualname__ = "RedOpType"


class ReduceOp:
    """torch.distributed.ReduceOp: SUM, AVG, PRODUCT, MIN, MAX, BAND, BOR, BXOR (ints, as torch)."""

    RedOpType = _RedOpType
    SUM = _RedOpType.SUM
    AVG = _RedOpType.AVG
    PRODUCT = _RedOpType.PRODUCT
    MIN = _RedOpType.MIN
    MAX = _RedOpType.MAX
    BAND = _RedOpType.BAND
    BOR = _RedOpType.BOR
    BXOR = _RedOpType.BXOR
    PREMUL_SUM = _RedOpType.PREMUL_SUM


class Backend(str):
    """A backend name; "gloo" and "nccl" are accepted and run on MPI (ember has one engine)."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"
    backend_list = ("undefined", "gloo", "nccl", "mpi")

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")  # noqa: TRY004
        return super().__new__(cls, name.lower())


def _check_backend(name: Backend) -> None:
    """Accept mpi/gloo/nccl (and torch's "cpu:gloo,cuda:nccl" form); all of them run on MPI."""
    parts = [p.split(":")[-1] for p in name.split(",")]
    if not all(p in ("mpi", "gloo", "nccl") for p in parts):
        raise ValueError(f"ember.distributed runs on MPI: backend '{name}' is not one of "
                         "'mpi', 'gloo', 'nccl'")


class ProcessGroup:
    """A set of ranks with its own MPI communicator; `ranks` are global (WORLD) ranks."""

    def __init__(self, comm, ranks: list[int], backend: str) -> None:
        self._comm = comm
        self._ranks = list(ranks)
        self._backend = backend

    def rank(self) -> int:
        return self._comm.Get_rank()

    def size(self) -> int:
        return self._comm.Get_size()

    def name(self) -> str:
        return self._backend

    def __repr__(self) -> str:
        return f"<ember.distributed.ProcessGroup ranks={self._ranks} backend={self._backend!r}>"


class GroupMember:
    """Placeholders torch uses: WORLD (the default group once initialised) and NON_GROUP_MEMBER."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = -100


class group:
    """`dist.group.WORLD` is the default process group (None before init_process_group)."""

    WORLD: ProcessGroup | None = None


_groups: list[ProcessGroup] = []  # every group made since init, freed by destroy_process_group


def _set_world(pg: ProcessGroup | None) -> None:
    GroupMember.WORLD = pg
    group.WORLD = pg


def is_initialized() -> bool:
    """True once init_process_group has run (and destroy_process_group has not)."""
    return GroupMember.WORLD is not None


def _default() -> ProcessGroup:
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INIT)
    return GroupMember.WORLD


def _resolve(pg) -> ProcessGroup | None:
    """The group to use: the default one for None; None for a rank outside `pg`."""
    if pg is None or pg is GroupMember.WORLD:
        return _default()
    if pg == GroupMember.NON_GROUP_MEMBER:
        return None
    _default()
    return pg


def _export_launcher_env(rank: int | None = None, size: int | None = None) -> None:
    """Set torchrun's RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT
    from the MPI launcher's variables (or the given rank/size), keeping any already set."""
    env = os.environ
    rank = env.get("PMI_RANK", env.get("OMPI_COMM_WORLD_RANK")) if rank is None else rank
    size = env.get("PMI_SIZE", env.get("OMPI_COMM_WORLD_SIZE")) if size is None else size
    if rank is None or size is None:
        return
    values = {"RANK": rank, "WORLD_SIZE": size,
              "LOCAL_RANK": env.get("MPI_LOCALRANKID", env.get("OMPI_COMM_WORLD_LOCAL_RANK",
                                                               rank)),
              "LOCAL_WORLD_SIZE": env.get("MPI_LOCALNRANKS", env.get("OMPI_COMM_WORLD_LOCAL_SIZE",
                                                                     size)),
              "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}
    for k, v in values.items():
        env.setdefault(k, str(v))


def init_process_group(backend: str | None = None, init_method: str | None = None, timeout=None,
                       world_size: int = -1, rank: int = -1, store=None, group_name: str = "",
                       pg_options=None, device_id=None) -> None:
    """Join the default group: every process mpiexec started (a plain `python` run is world 1).

    backend "mpi", "gloo" and "nccl" (or None) all run on MPI through mpi4py on CPU tensors;
    get_backend() reports the name asked for, so programs written for gloo/nccl run unchanged.
    init_method/store/timeout are accepted for torch's signature: MPI does its own rendezvous.
    """
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend) if backend is not None else Backend.MPI
    _check_backend(name)
    if not is_mpi_available():
        raise RuntimeError("ember.distributed needs mpi4py and an MPI (pip install mpi4py mpich)")
    MPI = _mpi()
    world = MPI.COMM_WORLD
    size, me = world.Get_size(), world.Get_rank()
    if world_size not in (-1, None) and world_size != size:
        raise ValueError(f"world_size={world_size} was asked for but MPI started {size} "
                         f"process(es): launch with `ember-run --nproc-per-node {world_size}` or "
                         f"`mpiexec -n {world_size} python -m mpi4py script.py`")
    if rank not in (-1, None) and rank != me:
        raise ValueError(f"rank={rank} was asked for but MPI gave this process rank {me}; "
                         "ranks come from the launcher")
    _export_launcher_env(me, size)
    pg = ProcessGroup(world.Dup(), list(range(size)), str(name))
    _groups.append(pg)
    _set_world(pg)


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Free a group's communicator; with no argument, every group (MPI itself stays up)."""
    if group is None or group is GroupMember.WORLD:
        if GroupMember.WORLD is None:
            raise AssertionError("Process group cannot be None")
        for pg in _groups:
            pg._comm.Free()
        _groups.clear()
        _set_world(None)
        return
    if group == GroupMember.NON_GROUP_MEMBER:
        return
    group._comm.Free()
    _groups.remove(group)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization: bool = False, group_desc=None, device_id=None,
              sort_ranks: bool = True):
    """A group of the given global ranks; every rank of WORLD must call it (MPI_Comm_create)."""
    world = _default()
    size = world.size()
    ranks = list(range(size)) if ranks is None else list(ranks)
    if sort_ranks:
        ranks = sorted(ranks)
    for r in ranks:
        if not 0 <= r < size:
            raise ValueError(f"The new group's rank should be within the world_size set by "
                             f"init_process_group, but got rank {r}.")
    comm = world._comm.Create(world._comm.Get_group().Incl(ranks))
    if comm == _mpi().COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    if backend:
        _check_backend(Backend(backend))
    pg = ProcessGroup(comm, ranks, str(Backend(backend)) if backend else world._backend)
    _groups.append(pg)
    return pg


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in `group` (-1 when it is not a member)."""
    pg = _resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of processes in `group` (-1 when this rank is not a member)."""
    pg = _resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group: ProcessGroup | None = None) -> Backend:
    """The backend name the group was made with ("mpi", or "gloo"/"nccl" run on MPI)."""
    pg = _resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return Backend(pg._backend)


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    """The global ranks of `group`, in group-rank order."""
    return list(_resolve(group)._ranks)


def get_global_rank(group: ProcessGroup, group_rank: int) -> int:
    """Translate a rank of `group` to its WORLD rank."""
    pg = _resolve(group)
    if not 0 <= group_rank < len(pg._ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
    return pg._ranks[group_rank]


def get_group_rank(group: ProcessGroup, global_rank: int) -> int:
    """Translate a WORLD rank to its rank in `group`."""
    pg = _resolve(group)
    if global_rank not in pg._ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {pg}")
    return pg._ranks.index(global_rank)
