"""torch.autograd.graph: the graph's Node type, gradient edges, hooks on saved tensors and on
several tensors' gradients at once.

saved_tensors_hooks(pack, unpack): while the block is active, every tensor an op or a custom
Function saves for backward is replaced by pack(tensor); backward calls unpack on it. Which
tensors an op saves can differ from torch's (ember's ops keep what their own backward reads), so
hook call counts can differ op by op; values and gradients do not.
"""
from __future__ import annotations

import contextlib
import threading
from collections import namedtuple

from .node import Node, edge_of

__all__ = ["GradientEdge", "Node", "disable_saved_tensors_hooks", "get_gradient_edge",
           "increment_version", "register_multi_grad_hook", "save_on_cpu",
           "saved_tensors_hooks"]


class _HookState(threading.local):
    def __init__(self) -> None:
        self.stack: list = []            # (pack, unpack) pairs, innermost last
        self.disabled: str | None = None  # the message when hooks are disabled


_state = _HookState()
active = 0  # hook contexts open in any thread: ops look at this first (one global read)


class Packed:
    """A saved tensor as pack_hook returned it, with the unpack_hook to restore it."""

    __slots__ = ("unpack", "value")

    def __init__(self, value, unpack) -> None:
        self.value, self.unpack = value, unpack

    def get(self):
        return self.unpack(self.value)


def current_hooks():
    """The innermost active (pack, unpack) pair, or None (what ops read when they save)."""
    stack = _state.stack
    return stack[-1] if stack else None


def pack(tensor, hooks) -> Packed:
    """hooks' pack_hook applied to a saved tensor, with every hook off while it runs (the ops it
    calls save tensors of their own), as torch runs it."""
    stack = _state.stack
    _state.stack = []
    try:
        return Packed(hooks[0](tensor), hooks[1])
    finally:
        _state.stack = stack


class saved_tensors_hooks:
    """Context manager: pack_hook(tensor) when a tensor is saved for backward, unpack_hook(packed)
    when backward reads it back."""

    def __init__(self, pack_hook, unpack_hook) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        global active
        if _state.disabled is not None:
            raise RuntimeError(_state.disabled)
        _state.stack.append((self.pack_hook, self.unpack_hook))
        active += 1
        return self

    def __exit__(self, *exc) -> None:
        global active
        _state.stack.pop()
        active -= 1


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors move to the CPU and come back to their device in backward."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack(tensor):
            return tensor.device, tensor.cpu()

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str):
    """Within the block, entering saved_tensors_hooks raises RuntimeError(error_message)."""
    previous = _state.disabled
    _state.disabled = error_message
    try:
        yield
    finally:
        _state.disabled = previous


GradientEdge = namedtuple("GradientEdge", ["node", "output_nr"])


def get_gradient_edge(tensor) -> GradientEdge:
    """The (node, output_nr) through which gradient flows into `tensor`: its grad_fn, or the
    AccumulateGrad node of a leaf."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does "
                           "not require gradients")
    node, nr = edge_of(tensor)
    return GradientEdge(node, nr)


def increment_version(tensor) -> None:
    """Bump the tensor's version counter, as an in-place change would."""
    for t in (tensor if isinstance(tensor, (list, tuple)) else (tensor,)):
        t._vbox[0] += 1


class _MultiHandle:
    __slots__ = ("handles",)

    def __init__(self, handles) -> None:
        self.handles = handles

    def remove(self) -> None:
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode: str = "all"):
    """mode 'all': fn(grads) after a backward pass that reached any of `tensors`, with None for
    those it did not reach; mode 'any': fn(grad) with the first of their gradients in a pass."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    from .engine import queue_callback

    tensors = tuple(tensors)
    state = {"grads": None}

    def finish() -> None:
        grads, state["grads"] = state["grads"], None
        if mode == "all":
            fn(grads)

    def make(i):
        def hook(grad):
            if state["grads"] is None:  # the first of this pass
                state["grads"] = [None] * len(tensors)
                queue_callback(finish)
                if mode == "any":
                    fn(grad)
            state["grads"][i] = grad
        return hook

    handles = [t.register_hook(make(i)) for i, t in enumerate(tensors)
               if t is not None and t.requires_grad]
    return _MultiHandle(handles)
