"""The backward engine: iterative, dependency-counted, frees saved state as it goes.

`run_backward` walks next_functions without recursion, counts how many edges feed each node,
runs a node once all its gradients have arrived, and either accumulates into leaves' `.grad`
(backward) or hands the gradients of chosen tensors back (autograd.grad). As in PyTorch, the walk
starts at a GraphRoot node whose outputs are the gradients passed in.
"""
from __future__ import annotations

from sys import getrefcount

from ..backend import array_module, backend_for
from . import anomaly, grad_mode
from . import node as _node
from .node import AccumulateGrad, Node, edge_of


class GraphRoot(Node):
    """The node backward starts from: it passes the root gradients on to the roots' edges."""

    def __init__(self, edges: tuple, grads: list) -> None:
        self.next_functions = edges
        self._n_out = len(grads)

    def _backward(self, grads: tuple) -> tuple:
        return grads


def _make_root_grads(tensors, grads, is_grads_batched=False) -> list:
    """Fill in implicit ones for scalars and check explicit gradients against their outputs."""
    Tensor = _node.Tensor
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
            g = t.new_tensor(g)
        elif tuple(g.shape) != tuple(t.shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {t.shape}.")
        result.append(g)
    return result


def _ones_like(t):
    d = t._data
    return _node.new_tensor(array_module(d).ones(d.shape, d.dtype))


def _collect(root: Node, targets=None) -> tuple[dict, set | None]:
    """Count incoming edges per node over the part of the graph the root reaches.

    With `targets` (nodes whose gradient is wanted), also return the set of nodes lying on a path
    to one of them; only those run (autograd.grad and backward(inputs=) prune the rest). Every
    parent of such a node lies on that path too, so the counts need no pruning.
    """
    deps: dict = {}
    stack = [root]
    while stack:  # iterative DFS: a 10,000-node chain must not recurse
        for child, _ in stack.pop().next_functions:
            if child is not None:
                n = deps.get(child)
                if n is None:
                    deps[child] = 1
                    stack.append(child)
                else:
                    deps[child] = n + 1
    if targets is None:
        return deps, None
    # nodes that must run: those with a child that is a target or must run (targets themselves
    # only receive their gradient; nothing below them runs unless needed)
    wanted = set(targets) & deps.keys()
    order = [root, *deps]
    needed: set = set()
    changed = True
    while changed:  # fixed point; graphs are DAGs so a few passes over `order` suffice
        changed = False
        for node in reversed(order):
            if node not in needed and any(
                    c in wanted or c in needed for c, _ in node.next_functions):
                needed.add(node)
                changed = True
    return deps, needed


def run_backward(tensors, grad_tensors, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True, allow_unused: bool = True):
    """Backpropagate from `tensors`; accumulate into leaves, or return grads of `inputs`."""
    Tensor = _node.Tensor
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward expects Tensors, got {type(t).__name__}")
        if t._grad_fn is None and not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
    grads = _make_root_grads(tensors, grad_tensors)
    root = GraphRoot(tuple([edge_of(t) for t in tensors]), grads)

    captures: dict = {}  # node -> list of (output_nr, slot)
    targets = None
    if inputs is not None:
        targets = []
        for slot, x in enumerate(inputs):
            if not isinstance(x, Tensor):
                raise TypeError("inputs to autograd must be Tensors")
            if not x._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            node, nr = edge_of(x)
            captures.setdefault(node, []).append((nr, slot))
            targets.append(node)
    deps, needed = _collect(root, targets)
    pending: dict = {root: grads}
    captured = [None] * (len(inputs) if inputs is not None else 0)

    with grad_mode.set_grad_enabled(create_graph):
        ready = [root]
        while ready:
            node = ready.pop()
            node_grads = pending.pop(node)
            if node._tensor_hooks:
                _run_hooks(node._tensor_hooks.items(), node_grads)
            is_leaf = node.__class__ is AccumulateGrad
            if is_leaf:
                leaf = node._variable()
                if leaf is not None and leaf._hooks:
                    _run_hooks(((0, leaf._hooks),), node_grads)
            if captures and node in captures:
                for nr, slot in captures[node]:
                    captured[slot] = node_grads[nr]
            if is_leaf:
                if leaf is not None and accumulate and (inputs is None or node in captures):
                    _accumulate(leaf, node_grads[0], create_graph)
                    post = leaf.__dict__.get("_post_accumulate_hooks")
                    if post:
                        _run_post_accumulate_hooks(leaf, post)
                continue
            if needed is not None and node not in needed:
                continue
            for (child, nr), g in zip(node.next_functions, _run_node(node, node_grads,
                                                                     retain_graph)):
                if child is None:
                    continue
                if g is not None:  # add into the child's pending gradients
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
            g = None  # the loop's last gradient: a leaf must see only its pending list hold it
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
    while _final_callbacks:  # queue_callback: run once this backward pass is over
        _final_callbacks.pop(0)()
    return captured


_final_callbacks: list = []


def queue_callback(callback) -> None:
    """Run `callback()` when the current backward pass ends (torch's
    Variable._execution_engine.queue_callback)."""
    _final_callbacks.append(callback)


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
    if anomaly._enabled and node.__class__ is not GraphRoot:  # the caller's grads: unchecked
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
    meta = node.__dict__.get("_out_meta")
    for i, g in enumerate(node_grads):
        if g is None and meta is not None:
            shape, np_dtype = meta[i]
            xp = array_module(next(x for x in node_grads if x is not None)._data)
            node_grads[i] = _node.new_tensor(xp.zeros(shape, np_dtype))


def _run_hooks(hooks_by_nr, node_grads: list) -> None:
    """Tensor hooks, per output number: each sees the gradient the previous one returned."""
    for nr, hooks in hooks_by_nr:
        g = node_grads[nr]
        if g is None:
            continue
        for hook in list(hooks):
            res = hook(g)
            if res is not None:
                g = res
        node_grads[nr] = g


def _run_post_accumulate_hooks(t, hooks: list) -> None:
    """Tensor.register_post_accumulate_grad_hook's hooks, after t.grad has been updated."""
    for hook in list(hooks):
        result = hook(t)
        if result is not None:
            raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")


def _accumulate(t, g, create_graph: bool) -> None:
    """PyTorch's AccumulateGrad: the first gradient is stored (stolen when nothing else holds
    it, else copied), later ones are added."""
    if g is None:
        return
    fresh = False
    if g._data.dtype != t._data.dtype:
        g = g.to(t.dtype)
        fresh = True
    old = t._grad
    if old is None:
        if create_graph:
            t._grad = g
        elif fresh or _sole_owner(g):  # torch steals such a gradient too: no copy
            t._grad = _node.new_tensor(g._data)
        else:  # the same gradient may also flow elsewhere: a copy, as detach().clone()
            t._grad = _node.new_tensor(g._data.copy())
    elif create_graph or old._requires_grad:
        t._grad = old + g
    else:
        old._data += g._data
        old._vbox[0] += 1


def _sole_owner(g) -> bool:
    """Whether only the engine's pending list holds gradient `g`, and only `g` its array, which is
    C-contiguous writable memory of its own or a view of a buffer nothing else holds (a kernel's
    reshaped GEMM output); reference counts as measured by _sole_refs."""
    d = g._data
    if getrefcount(g) > _SOLE_REFS[0] or getrefcount(d) > _SOLE_REFS[1]:
        return False
    base = d.base
    if base is not None and (base.__class__ is not d.__class__ or base.base is not None
                             or getrefcount(base) > _SOLE_REFS[2]):
        return False
    flags = d.flags  # (NumPy's flags object holds a reference to d: counted above, not here)
    return flags.c_contiguous and getattr(flags, "writeable", True)


def _sole_refs() -> tuple:
    """The counts _sole_owner sees for a gradient held by nothing but a pending list, called as
    _accumulate calls it, and for the base of its array when only that array holds the base (the
    interpreter decides them: measured, not assumed)."""

    def counts(g):  # _sole_owner's frame
        d = g._data
        base = d.base
        return getrefcount(g), getrefcount(d), getrefcount(base)

    def accumulate(g):  # _accumulate's frame
        return counts(g)

    pending = [GraphRoot((), [])]  # any object with a _data attribute holding another object
    pending[0]._data = backend_for("cpu").module().empty(2)[:1]  # a view whose base nothing else holds
    return accumulate(pending[0])


_SOLE_REFS = _sole_refs()
