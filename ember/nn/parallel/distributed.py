"""DistributedDataParallel on ember.distributed: one model replica per process, gradients averaged
in buckets during backward.

Construction broadcasts rank 0's parameters and buffers. Parameters are packed (in reverse
registration order, the order backward usually produces them) into buckets of `bucket_cap_mb`
(the first 1 MiB, as torch). A gradient hook on each parameter copies its gradient (plus what
no_sync() accumulated) into its bucket; a full bucket starts a non-blocking all-reduce right away,
in bucket order on every rank, so communication overlaps the rest of backward. The last
parameter's hook waits for every bucket and writes the averaged gradients into `.grad`.
"""
from __future__ import annotations

import contextlib
import weakref

import numpy as np

from ... import distributed as _dist
from ..._tensor import _new_tensor
from ...autograd import grad_mode
from ...autograd.node import AccumulateGrad
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_FIRST_BUCKET_BYTES = 1024 * 1024
_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This "
    "error indicates that your module has parameters that were not used in producing loss. You "
    "can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by \n"
    "making sure all `forward` function outputs participate in calculating loss. \nIf you "
    "already have done the above, then the distributed data parallel module wasn't able to "
    "locate the output tensors in the return value of your module's `forward` function. Please "
    "include the loss function and the structure of the return value of `forward` of your "
    "module when reporting this issue (e.g. list, dict, iterable).\nParameter indices which did "
    "not receive grad for rank {rank}: {missing}\n In addition, you can set the environment "
    "variable TORCH_DISTRIBUTED_DEBUG to either INFO or DETAIL to print out information about "
    "which particular parameters did not receive gradient on this rank as part of this error")


class _Bucket:
    """A flat buffer holding the gradients of some parameters, all-reduced in one call."""

    def __init__(self, params: list, dtype) -> None:
        self.params = params
        self.offsets = np.cumsum([0] + [p._data.size for p in params]).tolist()
        self.buffer = np.zeros(self.offsets[-1], dtype)
        self.pending = len(params)
        self.work = None

    def view(self, j: int) -> np.ndarray:
        p = self.params[j]
        return self.buffer[self.offsets[j]:self.offsets[j + 1]].reshape(p._data.shape)


def _tensors_in(obj):
    """The tensors in a (nested) forward output."""
    if hasattr(obj, "_grad_fn"):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors_in(o)


def _reachable_leaves(outputs) -> set:
    """ids of the leaf tensors the autograd graph of `outputs` reaches (iterative walk)."""
    seen, found = set(), set()
    stack = [t._grad_fn for t in _tensors_in(outputs) if t._grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.__class__ is AccumulateGrad:
            leaf = node._variable()
            if leaf is not None:
                found.add(id(leaf))
            continue
        stack.extend(c for c, _ in node.next_functions if c is not None)
    return found


class DistributedDataParallel(Module):
    """torch.nn.parallel.DistributedDataParallel on ember's MPI process groups (CPU modules)."""

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
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have "
                               "any parameter that requires a gradient.")
        if device_ids is not None or output_device is not None:
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters "
                "{device(type='cpu')}.")
        self.module = module
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.process_group = process_group if process_group is not None else _dist.group.WORLD
        self.broadcast_buffers = True if broadcast_buffers is None else bool(broadcast_buffers)
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self._params = params
        self._overlap = True  # False: start every all-reduce after backward (for benchmarks)
        if init_sync:
            self._broadcast_state()
        self._buckets = self._make_buckets(params)
        index = {id(p): i for i, p in enumerate(params)}
        self._where = {id(p): (b, j, index[id(p)]) for b in self._buckets
                       for j, p in enumerate(b.params)}
        self._step = None
        me = weakref.ref(self)
        self._hook_handles = [p.register_hook(_make_hook(me, p)) for p in params]

    # ---- construction -----------------------------------------------------------------------
    def _broadcast_state(self) -> None:
        """Every rank starts from rank 0's parameters and buffers."""
        src = _dist.get_global_rank(self.process_group, 0)
        for t in [*self.module.parameters(), *self.module.buffers()]:
            _dist.broadcast(t, src=src, group=self.process_group)

    def _make_buckets(self, params: list) -> list:
        """Reverse parameter order, split by dtype and size cap (the first bucket 1 MiB)."""
        buckets, cur, size = [], [], 0
        cap = min(_FIRST_BUCKET_BYTES, self.bucket_bytes_cap)
        for p in reversed(params):
            nbytes = p._data.nbytes
            if cur and (size + nbytes > cap or p._data.dtype != cur[0]._data.dtype):
                buckets.append(_Bucket(cur, cur[0]._data.dtype))
                cur, size, cap = [], 0, self.bucket_bytes_cap
            cur.append(p)
            size += nbytes
        buckets.append(_Bucket(cur, cur[0]._data.dtype))
        return buckets

    # ---- forward ----------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._step is not None and 0 < self._step["ready"] < len(self._params):
            missing = " ".join(str(i) for i, r in enumerate(self._step["flags"]) if not r)
            raise RuntimeError(_UNFINISHED.format(rank=self.process_group.rank(),
                                                  missing=missing))
        self._step = None
        if self.will_sync_module_buffers():
            src = _dist.get_global_rank(self.process_group, 0)
            for b in self.module.buffers():
                _dist.broadcast(b, src=src, group=self.process_group)
        out = self.module(*inputs, **kwargs)
        sync = grad_mode.is_grad_enabled() and self.require_backward_grad_sync
        if sync:
            self._prepare_for_backward(out)
        self.require_forward_param_sync = sync
        return out

    def will_sync_module_buffers(self) -> bool:
        return (self.require_forward_param_sync and self.broadcast_buffers
                and any(True for _ in self.module.buffers()))

    def _prepare_for_backward(self, out) -> None:
        for b in self._buckets:
            b.pending = len(b.params)
            b.work = None
        self._step = {"ready": 0, "next": 0, "used": None, "flags": [False] * len(self._params)}
        if self.find_unused_parameters:
            reached = _reachable_leaves(out)
            used = np.array([id(p) in reached for p in self._params], np.int32)
            self._step["used"] = used
            for p, u in zip(self._params, used):
                if not u:
                    b, j, i = self._where[id(p)]
                    b.view(j)[...] = 0 if p.grad is None else p.grad._data
                    if self._mark_ready(b, i):  # nothing of the module was used
                        self._finish(None)

    @contextlib.contextmanager
    def no_sync(self):
        """Gradients of the backward passes inside accumulate locally, without communication."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # ---- the reducer ------------------------------------------------------------------------
    def _grad_ready(self, p, grad):
        """p's gradient for this backward arrived: stage it; the last one finishes the step."""
        b, j, i = self._where[id(p)]
        view = b.view(j)
        if p.grad is None:
            view[...] = grad._data
        else:
            np.add(p.grad._data, grad._data, out=view)
        if not self._mark_ready(b, i) or not self._finish(p):
            return None
        p._grad = None  # the engine stores the returned average as p.grad
        return _new_tensor(view.copy())

    def _mark_ready(self, b: _Bucket, i: int) -> bool:
        """Count parameter i ready; launch buckets in order; True when all are ready."""
        step = self._step
        step["flags"][i] = True
        b.pending -= 1
        step["ready"] += 1
        if self._overlap:
            self._launch_ready()
            for bucket in self._buckets[:step["next"]]:
                if bucket.work is not None:
                    bucket.work.is_completed()  # lets MPI progress the in-flight reductions
        return step["ready"] == len(self._params)

    def _launch_ready(self) -> None:
        step = self._step
        while step["next"] < len(self._buckets) and self._buckets[step["next"]].pending == 0:
            b = self._buckets[step["next"]]
            b.buffer /= self.process_group.size()
            b.work = _dist.all_reduce(_new_tensor(b.buffer), group=self.process_group,
                                      async_op=True)
            step["next"] += 1

    def _finish(self, last) -> bool:
        """Wait for every bucket and store the averages into `.grad` of all parameters but
        `last` (whose hook hands its average to the engine); False when `last` keeps its own."""
        self._launch_ready()
        used = self._step["used"]
        if used is not None:  # a parameter no rank used keeps its gradient untouched, as torch
            total = _new_tensor(used.copy())
            _dist.all_reduce(total, group=self.process_group)
            used = total._data
        for b in self._buckets:
            b.work.wait()
        self._step = None
        for b in self._buckets:
            for j, p in enumerate(b.params):
                i = self._where[id(p)][2]
                if p is last or (used is not None and not used[i]):
                    continue
                if p.grad is None:
                    p.grad = _new_tensor(b.view(j).copy())
                else:
                    p.grad._data[...] = b.view(j)
        return last is not None and (used is None or bool(used[self._where[id(last)][2]]))


def _make_hook(ddp_ref, p):
    """The gradient hook of parameter p: a no-op outside a synchronised backward."""
    def hook(grad):
        ddp = ddp_ref()
        if ddp is None or ddp._step is None:
            return None
        return ddp._grad_ready(p, grad)
    return hook
