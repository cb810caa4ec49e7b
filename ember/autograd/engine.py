"""The backward engine: iterative, dependency-counted, frees saved state as it goes.

`run_backward` walks next_functions without recursion, counts how many edges feed each node,
runs a node once all its gradients have arrived, and either accumulates into leaves' `.grad`
(backward) or hands the gradients of chosen tensors back (autograd.grad).
"""
from __future__ import annotations

import numpy as _np

from . import anomaly, grad_mode
from .node import AccumulateGrad

# Bound on first use (the engine is imported before the Tensor class exists); module globals keep
# per-backward import statements off the hot path.
_Tensor = _new_tensor = _edge = _array_module = None


def _bind() -> None:
    global _Tensor, _new_tensor, _edge, _array_module
    from .._tensor import Tensor
    from .._tensor import _new_tensor as new_tensor
    from ..backend import array_module
    from ..ops._op import edge_of

    _Tensor, _new_tensor, _edge, _array_module = Tensor, new_tensor, edge_of, array_module


def _make_root_grads(tensors, grads, is_grads_batched=False) -> list:
    """Fill in implicit ones for scalars and check explicit gradients against their outputs."""
    Tensor = _Tensor
    result = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            g = _ones_like(t)
        elif not isinstance(g, Tensor):
            from ..ops.creation import tensor as _tensor

            g = _tensor(g, dtype=t.dtype)
        elif tuple(g.shape) != tuple(t.shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {t.shape}.")
        result.append(g)
    return result


def _ones_like(t):
    d = t._data
    if d.__class__ is _np.ndarray:
        return _new_tensor(_np.ones(d.shape, d.dtype))
    return _new_tensor(_array_module(d).ones(d.shape, d.dtype))


def _collect(roots, needed_targets=None) -> tuple[dict, set | None]:
    """Count incoming edges per node over the part of the graph the roots reach.

    With `needed_targets` (nodes whose gradient is wanted), also return the set of nodes lying on
    a path to one of them; only those run (autograd.grad and backward(inputs=) prune the rest).
    """
    stack = list(dict.fromkeys(n for n in roots if n is not None))  # two roots may share a node
    seen = set(stack)
    if needed_targets is None:  # count edges during the walk itself: one pass, no order list
        deps: dict = {}
        while stack:  # iterative DFS: a 10,000-node chain must not recurse
            for child, _ in stack.pop().next_functions:
                if child is not None:
                    n = deps.get(child)
                    if n is None:
                        deps[child] = 1
                        if child not in seen:
                            seen.add(child)
                            stack.append(child)
                    else:
                        deps[child] = n + 1
        return deps, None
    order = []
    while stack:  # iterative DFS: a 10,000-node chain must not recurse
        node = stack.pop()
        order.append(node)
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    needed = None
    if needed_targets is not None:
        # nodes that must run: those with a child that is a target or must run (targets
        # themselves only receive their gradient; nothing below them runs unless needed)
        wanted = set(needed_targets) & seen
        needed = set()
        changed = True
        while changed:  # fixed point; graphs are DAGs so a few passes over `order` suffice
            changed = False
            for node in reversed(order):
                if node not in needed and any(
                        c in wanted or c in needed for c, _ in node.next_functions):
                    needed.add(node)
                    changed = True
    deps: dict = {}
    for node in order:
        if needed is not None and node not in needed:
            continue
        for child, _ in node.next_functions:
            if child is not None:
                deps[child] = deps.get(child, 0) + 1
    return deps, needed


def run_backward(tensors, grad_tensors, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True, allow_unused: bool = True):
    """Backpropagate from `tensors`; accumulate into leaves, or return grads of `inputs`."""
    if _Tensor is None:
        _bind()
    Tensor = _Tensor
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward expects Tensors, got {type(t).__name__}")
        if t._grad_fn is None and not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
    grads = _make_root_grads(tensors, grad_tensors)
    roots = [_edge(t) for t in tensors]

    captures: dict = {}  # node -> list of (output_nr, slot)
    targets = None
    if inputs is not None:
        targets = []
        for slot, x in enumerate(inputs):
            if not isinstance(x, Tensor):
                raise TypeError("inputs to autograd must be Tensors")
            if not x._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            node, nr = _edge(x)
            captures.setdefault(node, []).append((nr, slot))
            targets.append(node)
    deps, needed = _collect([n for n, _ in roots], targets)
    pending: dict = {}
    for (node, nr), g in zip(roots, grads):
        _add_pending(pending, node, nr, g)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    with grad_mode.set_grad_enabled(create_graph):
        ready = [n for n in pending if deps.get(n, 0) == 0]
        while ready:
            node = ready.pop()
            node_grads = pending.pop(node)
            if node._tensor_hooks:
                _run_tensor_hooks(node, node_grads)
            if node.__class__ is AccumulateGrad:
                leaf = node._variable()
                if leaf is not None and leaf._hooks:
                    _run_leaf_hooks(leaf._hooks, node_grads)
                if captures and node in captures:
                    for nr, slot in captures[node]:
                        captured[slot] = node_grads[nr]
                if leaf is not None and accumulate and (inputs is None or node in captures):
                    _accumulate(leaf, node_grads[0], create_graph)
                continue
            if captures and node in captures:
                for nr, slot in captures[node]:
                    captured[slot] = node_grads[nr]
            if needed is not None and node not in needed:
                continue
            edges = node.next_functions
            if node._n_out == 1 and not (node._pre_hooks or node._post_hooks or anomaly._enabled):
                g = node_grads[0]  # the common node: one output, no hooks (_run_node inlined)
                if g is None:
                    in_grads = (None,) * len(edges)
                else:
                    in_grads = node._backward((g,))
                    if not retain_graph:
                        node._release()
            else:
                in_grads = _run_node(node, node_grads, retain_graph)
            for (child, nr), g in zip(edges, in_grads):
                if child is None:
                    continue
                if g is not None:
                    slot = pending.get(child)
                    if slot is None:
                        slot = pending[child] = [None] * child._n_out
                        slot[nr] = g
                    else:
                        slot[nr] = g if slot[nr] is None else slot[nr] + g
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    if child not in pending:  # every path into it carried no gradient
                        pending[child] = [None] * child._n_out
                    ready.append(child)
    if inputs is not None and accumulate:  # backward(inputs=[non-leaf]) fills its .grad too
        for x, g in zip(inputs, captured):
            if x._grad_fn is not None and not x._retains_grad:
                _accumulate(x, g, create_graph)
    if inputs is not None and not accumulate and not allow_unused:
        for i, g in enumerate(captured):
            if g is None:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
    return captured


def _add_pending(pending: dict, node, nr: int, g) -> None:
    slot = pending.get(node)
    if slot is None:
        slot = pending[node] = [None] * node._n_out
    slot[nr] = g if slot[nr] is None else slot[nr] + g


def _run_node(node, node_grads: list, retain_graph: bool) -> tuple:
    """One node's backward, with hooks, zero-filled missing output grads and anomaly checks."""
    if node._n_out == 1:
        if node_grads[0] is None:
            return (None,) * len(node.next_functions)
        if not (node._pre_hooks or node._post_hooks or anomaly._enabled):  # the common case
            in_grads = node._backward((node_grads[0],))
            if not retain_graph:
                node._release()
            return in_grads
    elif all(g is None for g in node_grads):
        return (None,) * len(node.next_functions)
    else:
        _fill_missing(node, node_grads)
    if node._pre_hooks:
        for hook in node._pre_hooks:
            res = hook(tuple(node_grads))
            if res is not None:
                node_grads = list(res)
    if anomaly._enabled:
        in_grads = anomaly.run_checked(node, node_grads)
    else:
        in_grads = node._backward(tuple(node_grads))
    if node._post_hooks:
        for hook in node._post_hooks:
            res = hook(in_grads, tuple(node_grads))
            if res is not None:
                in_grads = tuple(res)
    if not retain_graph:
        node._release()
    return in_grads


def _fill_missing(node, node_grads: list) -> None:
    """Multi-output ops get zeros for outputs that received no gradient (PyTorch materialises)."""
    from .._tensor import _new_tensor
    from ..backend import array_module

    meta = node.__dict__.get("_out_meta")
    for i, g in enumerate(node_grads):
        if g is None and meta is not None:
            shape, np_dtype = meta[i]
            xp = array_module(next(x for x in node_grads if x is not None)._data)
            node_grads[i] = _new_tensor(xp.zeros(shape, np_dtype))


def _run_tensor_hooks(node, node_grads: list) -> None:
    for nr, hooks in node._tensor_hooks.items():
        g = node_grads[nr]
        if g is None:
            continue
        for hook in list(hooks):
            res = hook(g)
            if res is not None:
                g = res
        node_grads[nr] = g


def _run_leaf_hooks(hooks: list, node_grads: list) -> None:
    g = node_grads[0]
    if g is None:
        return
    for hook in list(hooks):
        res = hook(g)
        if res is not None:
            g = res
    node_grads[0] = g


def _accumulate(t, g, create_graph: bool) -> None:
    """PyTorch's AccumulateGrad: first gradient is stored (copied), later ones are added."""
    if g is None:
        return
    if g._data.dtype != t._data.dtype:
        g = g.to(t.dtype)
    old = t._grad
    if old is None:  # a copy (the same gradient may also flow elsewhere), as detach().clone()
        t._grad = g if create_graph else _new_tensor(g._data.copy())
    elif create_graph or old._requires_grad:
        t._grad = old + g
    else:
        old._data += g._data
        old._vbox[0] += 1
