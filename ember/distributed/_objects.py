"""Collectives on picklable Python objects (mpi4py pickles them, as torch does)."""
from __future__ import annotations

from . import distributed_c10d as _c10d
from ._collectives import _root

__all__ = ["all_gather_object", "broadcast_object_list", "gather_object",
           "scatter_object_list"]


def broadcast_object_list(object_list: list, src=None, group=None, device=None,
                          group_src=None) -> None:
    """Replace object_list's items on every rank with the `src` rank's (lists of equal length)."""
    pg = _c10d._resolve(group)
    if pg is None:
        return
    root = _root(pg, src, group_src, "src")
    got = pg._comm.bcast(list(object_list) if pg.rank() == root else None, root)
    object_list[:] = got[:len(object_list)]


def all_gather_object(object_list: list, obj, group=None) -> None:
    """object_list[i] becomes rank i's `obj` on every rank."""
    pg = _c10d._resolve(group)
    if pg is None:
        return
    if len(object_list) != pg.size():
        raise ValueError(f"object_list must have {pg.size()} (the group size) entries")
    object_list[:] = pg._comm.allgather(obj)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None) -> None:
    """The `dst` rank receives every rank's `obj` into object_gather_list."""
    pg = _c10d._resolve(group)
    if pg is None:
        return
    root = _root(pg, dst, group_dst, "dst")
    got = pg._comm.gather(obj, root)
    if pg.rank() == root:
        object_gather_list[:] = got


def scatter_object_list(scatter_object_output_list: list, scatter_object_input_list=None,
                        src=None, group=None, group_src=None) -> None:
    """scatter_object_output_list[0] becomes the `src` rank's scatter_object_input_list[rank]."""
    pg = _c10d._resolve(group)
    if pg is None:
        return
    root = _root(pg, src, group_src, "src")
    items = list(scatter_object_input_list) if pg.rank() == root else None
    scatter_object_output_list[0] = pg._comm.scatter(items, root)
