"""Flat state for elementwise optimizers: one contiguous buffer per state kind per param group.

Each parameter's state tensors (exp_avg, exp_avg_sq, momentum_buffer, ...) and its 0-d 'step'
are views into the group's buffers, so state_dict layouts stay PyTorch's while a step runs over
few large arrays. The step is cut into segments: a large parameter is one segment, updated in
place through its own array (a gather would cost an extra pass over memory); runs of small ones
are packed -- parameters and gradients gathered into a flat scratch, one rule call over the run,
parameters scattered back -- which removes the per-tensor call overhead of many small tensors.
The rule is elementwise, so every element sees the same operations: results are bit-identical
to the per-tensor path. A group takes this path when every parameter has a gradient, all share
one NumPy dtype and one step count; otherwise the base class's per-tensor loop runs, on the same
views.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _new_tensor

_PACK_MAX = 1 << 14  # a parameter up to this many elements is packed with its neighbours
_PACK_RUN = 1 << 16  # elements per packed segment at most
_PACK_MIN_COUNT = 8  # fewer small parameters in a group: checking the plan costs what packing
# saves (a 4-tensor MLP), and the per-tensor loop runs


class _Segment:
    """One rule call: a large parameter in place (`p` is None) or a packed run of small ones."""

    __slots__ = ("g", "gviews", "p", "params", "pviews", "size", "state", "views")


class _Plan:
    """A group's flat buffers, the views handed to its parameters' state, and its segments."""

    __slots__ = ("buffers", "dicts", "group", "keys", "params", "segments", "steps", "unborn",
                 "views")


def plan_for(opt, group: dict, params: list):
    """The group's flat plan, built or rebuilt if stale; None when the flat path cannot run this
    step (a parameter without gradient, mixed dtypes, unequal step counts, a non-NumPy array)
    or would not pay (fewer than _PACK_MIN_COUNT small parameters to pack)."""
    cache = opt.__dict__.setdefault("_flat_plans", {})
    plan = cache.get(id(group))
    if plan.__class__ is _Skip:
        if plan.group is group and plan.count == len(params):
            return None
        plan = None
    for p in params:
        if p._grad is None:
            return None
    if plan is not None:
        if plan.group is group and _valid(opt, plan, params):
            return plan if _uniform(plan) else None
        del cache[id(group)]  # stale: its buffers go once the state no longer uses them
    if sum(p._data.size <= _PACK_MAX for p in params) < _PACK_MIN_COUNT:
        cache[id(group)] = _Skip(group, len(params))
        return None
    plan = _build(opt, group, params)
    if plan is None:
        return None
    cache[id(group)] = plan
    return plan if _uniform(plan) else None


class _Skip:
    """A group the flat path would not speed up (few small parameters): the per-tensor loop."""

    __slots__ = ("count", "group")

    def __init__(self, group: dict, count: int) -> None:
        self.group, self.count = group, count


def _valid(opt, plan: _Plan, params: list) -> bool:
    """Same parameters, whose state still holds the plan's views."""
    if len(params) != len(plan.params):
        return False
    state = opt.state
    keys = plan.keys
    for p, q, d, views in zip(params, plan.params, plan.dicts, plan.views):
        if p is not q or state.get(p) is not d:
            return False
        if plan.unborn:
            if any(d[k] is not None for k in keys):
                return False
            continue
        for k, v in zip(keys, views):
            t = d[k]
            if t is None or t._data is not v:
                return False
        if plan.steps is not None and d["step"]._data is not views[-1]:
            return False
    return True


def _uniform(plan: _Plan) -> bool:
    steps = plan.steps
    return steps is None or bool((steps == steps[0]).all())


def _build(opt, group: dict, params: list):
    """Adopt (or create) every parameter's state into fresh flat buffers; None if ineligible."""
    a0 = params[0]._data
    if a0.__class__ is not np.ndarray or a0.dtype.kind != "f":
        return None
    dtype = a0.dtype
    seen = set()
    for p in params:
        a, g = p._data, p._grad._data
        if (a.__class__ is not np.ndarray or a.dtype != dtype or g.__class__ is not np.ndarray
                or g.shape != a.shape or id(p) in seen):
            return None
        seen.add(id(p))
    state = opt.state
    dicts = []
    for p in params:
        s = state.get(p)
        if not s:
            s = opt._init_state(group, p)
            if s is None:
                return None
            state[p] = s
        dicts.append(s)
    counts = opt._counts_steps
    keys = tuple(k for k in dicts[0] if k != "step")
    if not keys:
        return None
    unborn = all(dicts[0][k] is None for k in keys)
    step_dtype = dicts[0]["step"]._data.dtype if counts else None
    for p, s in zip(params, dicts):
        if tuple(k for k in s if k != "step") != keys:
            return None
        for k in keys:
            t = s[k]
            if unborn:
                if t is not None:
                    return None
            elif not (isinstance(t, Tensor) and t._data.__class__ is np.ndarray
                      and t._data.dtype == dtype and t._data.shape == p._data.shape):
                return None
        if counts:
            st = s.get("step")
            if not (isinstance(st, Tensor) and st._data.__class__ is np.ndarray
                    and st._data.shape == () and st._data.dtype == step_dtype):
                return None
    plan = _Plan()
    plan.group, plan.params, plan.dicts, plan.keys, plan.unborn = (
        group, list(params), dicts, keys, unborn)
    sizes = [p._data.size for p in params]
    total = sum(sizes)
    plan.buffers = {k: np.empty(total, dtype) for k in keys}
    plan.steps = np.empty(len(params), step_dtype) if counts else None
    plan.views = []
    off = 0
    for i, (p, s, n) in enumerate(zip(params, dicts, sizes)):
        views = [plan.buffers[k][off:off + n].reshape(p._data.shape) for k in keys]
        if not unborn:
            for k, v in zip(keys, views):
                v[...] = s[k]._data
                s[k]._data = v  # the same Tensor object, now a view of the flat buffer
        if counts:
            plan.steps[i] = s["step"]._data
            views.append(plan.steps[i:i + 1].reshape(()))
            s["step"]._data = views[-1]
        plan.views.append(views)
        off += n
    plan.segments = _segments(plan, sizes, dtype)
    return plan


def _segments(plan: _Plan, sizes: list, dtype) -> list:
    """Large parameters alone, consecutive small ones packed into runs of <= _PACK_RUN."""
    runs, run, run_size = [], [], 0
    for i, n in enumerate(sizes):
        if n > _PACK_MAX:
            if run:
                runs.append(run)
                run, run_size = [], 0
            runs.append([i])
        else:
            if run and run_size + n > _PACK_RUN:
                runs.append(run)
                run, run_size = [], 0
            run.append(i)
            run_size += n
    if run:
        runs.append(run)
    packed = sum(sum(sizes[i] for i in r) for r in runs if len(r) > 1)
    pbuf, gbuf = np.empty(packed, dtype), np.empty(packed, dtype)
    offsets = np.cumsum([0, *sizes])
    segments, poff = [], 0
    for r in runs:
        seg = _Segment()
        seg.params = [plan.params[i] for i in r]
        start, stop = int(offsets[r[0]]), int(offsets[r[-1] + 1])
        seg.size = stop - start
        if len(r) == 1:
            seg.p = seg.g = seg.pviews = seg.gviews = None
            shape = plan.params[r[0]]._data.shape
        else:
            seg.p, seg.g = pbuf[poff:poff + seg.size], gbuf[poff:poff + seg.size]
            seg.pviews, seg.gviews = [], []
            o = 0
            for i in r:
                shape_i = plan.params[i]._data.shape
                seg.pviews.append(seg.p[o:o + sizes[i]].reshape(shape_i))
                seg.gviews.append(seg.g[o:o + sizes[i]].reshape(shape_i))
                o += sizes[i]
            poff += seg.size
            shape = (seg.size,)
        seg.state = {} if plan.steps is None else {"step": plan.dicts[r[0]]["step"]}
        seg.views = {k: plan.buffers[k][start:stop].reshape(shape) for k in plan.keys}
        for k, v in seg.views.items():
            seg.state[k] = None if plan.unborn else _new_tensor(v)
        segments.append(seg)
    return segments


def run_segment(opt, h, shared, seg: _Segment) -> None:
    """The rule over one segment: gather a packed run, update, keep the state in the flat
    buffers (a rule may create a state tensor, as SGD's first momentum step does), scatter.
    `shared`: the base's maximize / weight-decay function when the rule does not apply it."""
    if seg.p is None:
        p = seg.params[0]
        a, g = p._data, p._grad._data
    else:
        a, g = seg.p, seg.g
        for q, pv, gv in zip(seg.params, seg.pviews, seg.gviews):
            np.copyto(pv, q._data)
            np.copyto(gv, q._grad._data)
    if shared is not None:
        g = shared(h, a, g)
    s = seg.state
    opt._rule(h, a, g, s)
    for k, v in seg.views.items():
        t = s[k]
        if t._data is not v:  # the rule made this state (SGD's first momentum): adopt it
            v[...] = t._data
            s[k] = _new_tensor(v)
    if seg.p is not None:
        for q, pv in zip(seg.params, seg.pviews):
            np.copyto(q._data, pv)


def install(plan: _Plan) -> None:
    """After the first step of a plan whose state started as None: per-parameter views."""
    for s, views in zip(plan.dicts, plan.views):
        for k, v in zip(plan.keys, views):
            s[k] = _new_tensor(v)
    plan.unborn = False
