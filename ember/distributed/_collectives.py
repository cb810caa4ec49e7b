"""Collectives and point-to-point on MPI: every call is one non-blocking MPI operation on the
tensors' own (contiguous) NumPy buffers, wrapped in a Work handle; `async_op=False` waits on it.

Data that is only moved (broadcast, gather, all_to_all, send) travels as raw bytes, so every dtype
works (bfloat16, complex, bool); reductions run on typed buffers, float16/bfloat16 in float32.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import distributed_c10d as _c10d
from .distributed_c10d import ReduceOp

__all__ = [
    "Work", "all_gather", "all_gather_into_tensor", "all_gather_single", "all_reduce",
    "all_to_all", "all_to_all_single", "barrier", "broadcast", "gather", "irecv", "isend", "recv",
    "reduce", "reduce_scatter", "reduce_scatter_single", "reduce_scatter_tensor", "scatter",
    "send",
]


class Work:
    """An in-flight operation: wait() blocks until done (then the result is in the tensors)."""

    def __init__(self, requests, finish=None, statuses=None) -> None:
        self._requests = list(requests)
        self._statuses = statuses
        self._finish = finish
        self._done = False
        self._result = None
        self._outputs = ()

    def _complete(self) -> None:
        self._done = True
        if self._finish is not None:
            self._result = self._finish()
            self._finish = None

    def wait(self, timeout=None) -> bool:
        """Block until the operation completed; True, as torch's."""
        if not self._done:
            _c10d._mpi().Request.Waitall(self._requests, self._statuses)
            self._complete()
        return True

    def is_completed(self) -> bool:
        """Non-blocking: True once the operation finished (also drives MPI's progress)."""
        if not self._done and _c10d._mpi().Request.Testall(self._requests, self._statuses):
            self._complete()
        return self._done

    def is_success(self) -> bool:
        return self.is_completed()

    def exception(self):
        return None

    def get_future(self) -> _Future:
        """A future whose wait()/value() give the operation's output tensors."""
        return _Future(self)

    def _source_rank(self) -> int:
        self.wait()
        return self._result

    def __repr__(self) -> str:
        return f"<ember.distributed.Work object at {hex(id(self))}>"


class _Future:
    """Work.get_future(): wait() (or value() once done) returns the output tensors."""

    def __init__(self, work: Work) -> None:
        self._work = work

    def wait(self) -> list:
        self._work.wait()
        return list(self._work._outputs)

    def value(self) -> list:
        return self.wait()

    def done(self) -> bool:
        return self._work.is_completed()


def _run(requests, finish, async_op: bool, outputs=()):
    work = Work(requests, finish)
    work._outputs = outputs
    if async_op:
        return work
    work.wait()
    return None


# ---- buffers --------------------------------------------------------------------------------


def _array(t, name: str = "tensor") -> np.ndarray:
    data = getattr(t, "_data", None)
    if data is None:
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"torch.Tensor but got {type(t)} instead.")
    if data.__class__ is not np.ndarray:
        raise RuntimeError("ember.distributed runs on MPI with CPU tensors; move the tensor "
                           "with .cpu() first")
    return data


def _bytes_in(t) -> np.ndarray:
    """The tensor's contents as a flat byte array (a view when contiguous)."""
    return np.ascontiguousarray(_array(t)).reshape(-1).view(np.uint8)


def _bytes_out(t):
    """A flat byte buffer MPI may write into, and a function that stores it into the tensor."""
    a = _array(t)
    if a.flags.c_contiguous and a.flags.writeable:
        return a.reshape(-1).view(np.uint8), lambda: _bump(t)
    tmp = np.empty(a.shape, a.dtype)

    def store():
        a[...] = tmp
        _bump(t)
    return tmp.reshape(-1).view(np.uint8), store


def _bump(t) -> None:
    t._vbox[0] += 1


_WIDE = {"V": np.float32, "e": np.float32}  # bfloat16 (ml_dtypes, kind V) and float16


def _mpi_op(op, dtype: np.dtype):
    MPI = _c10d._mpi()
    op = ReduceOp.RedOpType(int(op)) if not isinstance(op, ReduceOp.RedOpType) else op
    if op is ReduceOp.PREMUL_SUM:
        raise ValueError("ReduceOp.PREMUL_SUM is not supported by ember's MPI backend")
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and dtype.kind not in "iub":
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with {dtype} tensors")
    return {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
            ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND,
            ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}[op], op


def _typed(a: np.ndarray) -> np.ndarray:
    """A contiguous array MPI can reduce: float16/bfloat16 widened, bool as uint8."""
    if a.dtype.kind == "b":
        return np.ascontiguousarray(a, np.uint8)
    wide = _WIDE.get(a.dtype.char if a.dtype.kind != "V" else "V")
    return np.array(a, wide, order="C") if wide is not None else np.ascontiguousarray(a)


def _finish_reduce(buf: np.ndarray, op, n: int, out: np.ndarray, t):
    """Store a reduced buffer into `out` (AVG divides by the group size) and bump t's version."""
    if op is ReduceOp.AVG:
        if buf.dtype.kind in "iu":
            buf //= n
        else:
            buf /= n
    if buf is not out:
        out[...] = buf.reshape(out.shape).astype(out.dtype, copy=False)
    _bump(t)


def _direct(a: np.ndarray) -> bool:
    """True when MPI can reduce straight into `a` (a native, contiguous, writable dtype)."""
    return (a.flags.c_contiguous and a.flags.writeable and a.dtype.kind in "fiuc"
            and a.dtype.char != "e")


def _root(pg, rank, group_rank, what: str) -> int:
    """A root given as a global rank (`src`/`dst`) or a group rank (`group_src`/`group_dst`)."""
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both {what} and group_{what}")
        return group_rank
    if rank is None:
        rank = 0
    if rank not in pg._ranks:
        raise ValueError(f"Global rank {rank} is not part of group {pg}")
    return pg._ranks.index(rank)


# ---- collectives ----------------------------------------------------------------------------


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce `tensor` over the group, in place on every rank."""
    a = _array(tensor)
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    mpi_op, op = _mpi_op(op, a.dtype)
    MPI = _c10d._mpi()
    if _direct(a):
        if not async_op:  # the common case: one blocking call, no Work
            pg._comm.Allreduce(MPI.IN_PLACE, a, mpi_op)
            return _finish_reduce(a, op, pg.size(), a, tensor)
        req = pg._comm.Iallreduce(MPI.IN_PLACE, a, mpi_op)
        return _run([req], lambda: _finish_reduce(a, op, pg.size(), a, tensor), async_op,
                    [tensor])
    buf = _typed(a)
    req = pg._comm.Iallreduce(MPI.IN_PLACE, buf, mpi_op)
    return _run([req], lambda: _finish_reduce(buf, op, pg.size(), a, tensor), async_op,
                [tensor])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op: bool = False,
           group_dst=None):
    """Reduce `tensor` over the group into the `dst` rank's tensor (others keep theirs)."""
    a = _array(tensor)
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    mpi_op, op = _mpi_op(op, a.dtype)
    MPI = _c10d._mpi()
    buf = a if _direct(a) else _typed(a)
    if pg.rank() == root:
        req = pg._comm.Ireduce(MPI.IN_PLACE, buf, mpi_op, root)
        return _run([req], lambda: _finish_reduce(buf, op, pg.size(), a, tensor), async_op,
                    [tensor])
    return _run([pg._comm.Ireduce(buf, None, mpi_op, root)], None, async_op, [tensor])


def broadcast(tensor, src=None, group=None, async_op: bool = False, group_src=None):
    """Copy the `src` rank's tensor into every rank's tensor."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    if pg.rank() == root:
        return _run([pg._comm.Ibcast(_bytes_in(tensor), root)], None, async_op, [tensor])
    buf, store = _bytes_out(tensor)
    return _run([pg._comm.Ibcast(buf, root)], store, async_op, [tensor])


def _check_list(tensors, n: int, what: str) -> None:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"Invalid function argument: {what} should be a list")
    if len(tensors) != n:
        raise ValueError(f"{what} must have {n} (the group size) tensors, got {len(tensors)}")


def _fill_from(buf: np.ndarray, tensors) -> None:
    """Split a byte buffer into the tensors of a list, in order."""
    offset = 0
    for t in tensors:
        a = _array(t)
        a[...] = buf[offset:offset + a.nbytes].view(a.dtype).reshape(a.shape)
        offset += a.nbytes
        _bump(t)


def _counts(tensors) -> tuple[list[int], list[int]]:
    sizes = [_array(t).nbytes for t in tensors]
    return sizes, list(np.cumsum([0] + sizes[:-1]).tolist())


def all_gather(tensor_list, tensor, group=None, async_op: bool = False):
    """Every rank receives every rank's tensor into tensor_list[rank]."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    _check_list(tensor_list, pg.size(), "tensor_list")
    sizes, displs = _counts(tensor_list)
    buf = np.empty(sum(sizes), np.uint8)
    MPI = _c10d._mpi()
    req = pg._comm.Iallgatherv(_bytes_in(tensor), [buf, sizes, displs, MPI.BYTE])
    return _run([req], lambda: _fill_from(buf, tensor_list), async_op, tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op: bool = False):
    """Deprecated in torch 2.13 for all_gather_single (same call, with torch's FutureWarning)."""
    _deprecated("all_gather_into_tensor", "all_gather_single")
    return all_gather_single(output_tensor, input_tensor, group, async_op)


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"`torch.distributed.{old}` is deprecated. Please use "
                  f"`torch.distributed.{new}` instead.", FutureWarning, stacklevel=3)


def all_gather_single(output_tensor, input_tensor, group=None, async_op: bool = False):
    """All ranks' inputs concatenated (or stacked) into output_tensor, in rank order."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    send = _bytes_in(input_tensor)
    if _array(output_tensor).nbytes != send.nbytes * pg.size():
        raise ValueError("output tensor size must be equal to world_size times input tensor size")
    buf, store = _bytes_out(output_tensor)
    return _run([pg._comm.Iallgather(send, buf)], store, async_op, [output_tensor])


def gather(tensor, gather_list=None, dst=None, group=None, async_op: bool = False,
           group_dst=None):
    """The `dst` rank receives every rank's tensor into gather_list (None elsewhere)."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    send = _bytes_in(tensor)
    MPI = _c10d._mpi()
    if pg.rank() != root:
        if gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination "
                             "ranks.")
        return _run([pg._comm.Igatherv(send, None, root)], None, async_op, [])
    _check_list(gather_list, pg.size(), "gather_list")
    sizes, displs = _counts(gather_list)
    buf = np.empty(sum(sizes), np.uint8)
    req = pg._comm.Igatherv(send, [buf, sizes, displs, MPI.BYTE], root)
    return _run([req], lambda: _fill_from(buf, gather_list), async_op, gather_list)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op: bool = False,
            group_src=None):
    """Rank i receives scatter_list[i] of the `src` rank into `tensor`."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    out, store = _bytes_out(tensor)
    MPI = _c10d._mpi()
    if pg.rank() != root:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                             "ranks.")
        return _run([pg._comm.Iscatterv(None, out, root)], store, async_op, [tensor])
    _check_list(scatter_list, pg.size(), "scatter_list")
    sizes, displs = _counts(scatter_list)
    send = np.concatenate([_bytes_in(t) for t in scatter_list])
    req = pg._comm.Iscatterv([send, sizes, displs, MPI.BYTE], out, root)
    return _run([req], store, async_op, [tensor])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce the lists elementwise over ranks; rank i keeps the reduced input_list[i]."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    _check_list(input_list, pg.size(), "input_list")
    out = _array(output)
    mpi_op, op = _mpi_op(op, out.dtype)
    send = np.concatenate([_typed(_array(t)).reshape(-1) for t in input_list])
    counts = [_array(t).size for t in input_list]
    buf = np.empty(counts[pg.rank()], send.dtype)
    req = pg._comm.Ireduce_scatter(send, buf, counts, mpi_op)
    return _run([req], lambda: _finish_reduce(buf, op, pg.size(), out, output), async_op, [output])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Deprecated in torch 2.13 for reduce_scatter_single (same call, torch's FutureWarning)."""
    _deprecated("reduce_scatter_tensor", "reduce_scatter_single")
    return reduce_scatter_single(output, input, op, group, async_op)


def reduce_scatter_single(output, input, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce `input` (group size x output) over ranks; rank i keeps block i in `output`."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    out, a = _array(output), _array(input)
    if a.size != out.size * pg.size():
        raise ValueError("input tensor must be the same size as output size times world size")
    mpi_op, op = _mpi_op(op, out.dtype)
    send = _typed(a)
    buf = np.empty(out.size, send.dtype)
    req = pg._comm.Ireduce_scatter_block(send, buf, mpi_op)
    return _run([req], lambda: _finish_reduce(buf, op, pg.size(), out, output), async_op, [output])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op: bool = False):
    """Rank i sends input_tensor_list[j] to rank j, which stores it in output_tensor_list[i]."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    _check_list(output_tensor_list, pg.size(), "output_tensor_list")
    _check_list(input_tensor_list, pg.size(), "input_tensor_list")
    ssizes, sdispls = _counts(input_tensor_list)
    rsizes, rdispls = _counts(output_tensor_list)
    send = np.concatenate([_bytes_in(t) for t in input_tensor_list])
    buf = np.empty(sum(rsizes), np.uint8)
    MPI = _c10d._mpi()
    req = pg._comm.Ialltoallv([send, ssizes, sdispls, MPI.BYTE], [buf, rsizes, rdispls, MPI.BYTE])
    return _run([req], lambda: _fill_from(buf, output_tensor_list), async_op, output_tensor_list)


def _splits(a: np.ndarray, sizes, n: int, what: str) -> tuple[list[int], list[int]]:
    """Byte counts and offsets of dim-0 splits (equal ones when sizes is None)."""
    rows = a.shape[0] if a.ndim else 1
    if sizes is None:
        if rows % n:
            raise ValueError(f"{what} tensor's dim 0 ({rows}) does not divide by the group size")
        sizes = [rows // n] * n
    if len(sizes) != n or sum(sizes) != rows:
        raise ValueError(f"Split sizes {list(sizes)} do not add up to {what} dim 0 ({rows})")
    row = a.nbytes // rows if rows else 0
    counts = [s * row for s in sizes]
    return counts, list(np.cumsum([0] + counts[:-1]).tolist())


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op: bool = False):
    """all_to_all on dim-0 slices of one input and one output tensor."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    n = pg.size()
    scounts, sdispls = _splits(_array(input), input_split_sizes, n, "input")
    rcounts, rdispls = _splits(_array(output), output_split_sizes, n, "output")
    buf, store = _bytes_out(output)
    MPI = _c10d._mpi()
    req = pg._comm.Ialltoallv([_bytes_in(input), scounts, sdispls, MPI.BYTE],
                              [buf, rcounts, rdispls, MPI.BYTE])
    return _run([req], store, async_op, [output])


def barrier(group=None, async_op: bool = False, device_ids=None, timeout=None):
    """Wait until every rank of the group reached the barrier."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    return _run([pg._comm.Ibarrier()], None, async_op, [])


# ---- point to point -------------------------------------------------------------------------


def _peer(pg, rank, group_rank, what: str) -> int:
    if rank is None and group_rank is None:
        raise ValueError(f"Must specify either {what} or group_{what}")
    return _root(pg, rank, group_rank, what)


def isend(tensor, dst=None, group=None, tag: int = 0, group_dst=None):
    """Start sending `tensor` to rank `dst`; returns a Work."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "dst")
    if peer == pg.rank():
        raise ValueError("Invalid destination rank: should not be the same as the rank of the "
                         "current process.")
    work = Work([pg._comm.Isend(_bytes_in(tensor), peer, tag)])
    work._outputs = [tensor]
    return work


def irecv(tensor, src=None, group=None, tag: int = 0, group_src=None):
    """Start receiving into `tensor` from rank `src` (any rank when None); returns a Work."""
    pg = _c10d._resolve(group)
    if pg is None:
        return None
    MPI = _c10d._mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _root(pg, src, group_src,
                                                                          "src")
    buf, store = _bytes_out(tensor)
    status = MPI.Status()
    req = pg._comm.Irecv(buf, peer, tag)

    def finish():
        store()
        return pg._ranks[status.Get_source()]
    work = Work([req], finish, [status])
    work._outputs = [tensor]
    return work


def send(tensor, dst=None, group=None, tag: int = 0, group_dst=None) -> None:
    """Send `tensor` to rank `dst` (blocks until the buffer may be reused)."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag: int = 0, group_src=None) -> int:
    """Receive into `tensor` from rank `src` (any when None); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    return work._result
