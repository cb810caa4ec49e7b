"""Graph nodes: PyTorch's grad_fn objects (ExpBackward0, AccumulateGrad) with next_functions."""
from __future__ import annotations

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class Node:
    """Base of every grad_fn. Subclasses are made per Op (`ExpBackward0`) and keep op state in a dict.

    `next_functions` is PyTorch's tuple of (node, input_nr); `_in_meta` holds, per input, the
    (shape, dtype) its gradient must be reduced and cast to, or None for inputs without grad.
    """

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_freed",
        "_in_meta",
        "_n_out",
        "_post_hooks",
        "_pre_hooks",
        "_tensor_hooks",
        "_trace",
        "next_functions",
    )

    def __init__(self) -> None:
        self.next_functions = ()
        self._pre_hooks = None
        self._post_hooks = None
        self._tensor_hooks = None
        self._freed = False
        self._n_out = 1

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self) -> dict:
        return self.__dict__.setdefault("_metadata", {})

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node's backward; may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return _RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node's backward; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return _RemovableHandle(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr: int, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        hooks = self._tensor_hooks.setdefault(output_nr, [])
        if hooks and _is_retain_hook(hooks[-1]) and not _is_retain_hook(fn):
            hooks.insert(len(hooks) - 1, fn)  # retain_grad sees the grad after all hooks, as torch
        else:
            hooks.append(fn)
        return _RemovableHandle(hooks, fn)

    def _release(self) -> None:
        """Drop saved state after a backward without retain_graph."""
        self._freed = True
        self.__dict__.clear()

    def _check_not_freed(self) -> None:
        if self._freed:
            raise RuntimeError(_FREED_MSG)

    def _backward(self, grads: tuple):  # pragma: no cover - overridden
        raise NotImplementedError


def _is_retain_hook(fn) -> bool:
    """Tensor.retain_grad's hook (a closure named `_retain`); PyTorch always runs it last."""
    return getattr(fn, "__name__", "") == "_retain"


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable) -> None:
        Node.__init__(self)
        self.variable = variable
        self._in_meta = ()

    def _release(self) -> None:  # a leaf's accumulator keeps nothing to free
        pass


class _RemovableHandle:
    """What register_hook returns: `.remove()` takes the hook out again."""

    __slots__ = ("_fn", "_hooks")

    def __init__(self, hooks: list, fn) -> None:
        self._hooks = hooks
        self._fn = fn

    def remove(self) -> None:
        try:
            self._hooks.remove(self._fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
