"""Graph nodes: PyTorch's grad_fn objects (ExpBackward0, AccumulateGrad) with next_functions.

Also the one place where the Tensor class reaches autograd (`bind_tensor`, called once by
ember._tensor) and the edge a tensor contributes to a node (`edge_of`).
"""
from __future__ import annotations

import weakref

from .._dtype import from_numpy_dtype

# The Tensor class and its internal constructor (data, requires_grad=False) -> Tensor, set by
# bind_tensor once ember._tensor has built the class; autograd never imports that module.
Tensor = None
new_tensor = None


def bind_tensor(cls, new) -> None:
    """Hand autograd the Tensor class and its fast constructor (ember.ops._op forwards them)."""
    global Tensor, new_tensor
    Tensor = cls
    new_tensor = new

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


# What a released node keeps: its place in the graph and its hooks, not the saved tensors.
_STRUCTURE = frozenset(("next_functions", "_in_meta", "_n_out", "_edge_pos", "_pre_hooks",
                        "_post_hooks", "_tensor_hooks", "_trace", "_metadata", "_out_meta",
                        "needs_input_grad"))


class Node:
    """Base of every grad_fn. Subclasses are made per Op (`ExpBackward0`) and keep op state in a dict.

    `next_functions` is PyTorch's tuple of (node, input_nr); `_in_meta` holds, per input, the
    (shape, dtype) its gradient must be reduced and cast to, or None for inputs without grad.
    """

    __slots__ = ("__dict__", "__weakref__")

    # Defaults live on the class so that making a node is just an allocation; a node sets only
    # what differs (ops record thousands of nodes per step).
    next_functions: tuple = ()
    _in_meta: tuple = ()
    _n_out = 1
    _pre_hooks = None
    _post_hooks = None
    _tensor_hooks = None
    _freed = False
    _trace = None

    # No __init__: object's own is the cheapest constructor (AccumulateGrad adds one).

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
        """Drop saved state after a backward without retain_graph; keep the graph's structure."""
        d = self.__dict__
        for k in [k for k in d if k not in _STRUCTURE]:
            del d[k]
        d["_freed"] = True

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

    __slots__ = ("_variable",)

    def __init__(self, variable) -> None:
        # The tensor owns its accumulator; the accumulator only points back weakly, so a leaf
        # and its node form no reference cycle (a dead leaf's gradient is simply not stored).
        self._variable = weakref.ref(variable)

    @property
    def variable(self):
        return self._variable()

    def _release(self) -> None:  # a leaf's accumulator keeps nothing to free
        pass


def grad_accumulator(t) -> AccumulateGrad:
    """The leaf's AccumulateGrad node, made once and owned by the tensor."""
    node = t._accum
    if node is None:
        node = t._accum = AccumulateGrad(t)
    return node


NO_EDGE = (None, 0)


def edge_of(t) -> tuple:
    """The (node, input_nr) edge a tensor contributes to next_functions (PyTorch's gradient edge):
    its grad_fn, else its leaf accumulator if it requires grad, else (None, 0)."""
    fn = t._grad_fn
    if fn is not None:  # a result with history always requires grad
        return (fn, t._output_nr)
    if t._requires_grad:
        node = t._accum
        return (node if node is not None else grad_accumulator(t), 0)
    return NO_EDGE


_INPLACE_SAVED_MSG = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: [{name}]{origin} is at version {now}; expected version {then} instead. Hint: "
    "enable anomaly detection to find the operation that failed to compute its gradient, with "
    "torch.autograd.set_detect_anomaly(True, check_nan=False)."
)


def inplace_saved_error(t, data, now: int, then: int, node=None, nr: int = 0) -> RuntimeError:
    """PyTorch's error for a saved tensor changed in place (`node` made it, if it is an output)."""
    legacy = _LEGACY.get(data.dtype.name) or _tname(data)
    kind = "CPUBoolType" if data.dtype.kind == "b" else "torch." + legacy
    name = f"{kind} [{', '.join(map(str, data.shape))}]"
    if node is None and t is not None:
        node, nr = t._grad_fn, t._output_nr
    origin = ""
    if node is not None:
        op = node.name()
        op = op[:op.rfind("Backward")] if "Backward" in op else op  # ExpBackward0 -> Exp
        origin = f", which is output {nr} of {op},"
    return RuntimeError(_INPLACE_SAVED_MSG.format(name=name, origin=origin, now=now, then=then))


# torch's legacy tensor type names, as its version-counter errors print them (bool: CPUBoolType)
_LEGACY = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
           "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
           "int8": "CharTensor", "uint8": "ByteTensor"}


def _tname(data) -> str:
    """PyTorch's legacy type name of an array's dtype, as its error messages print it."""
    d = from_numpy_dtype(data.dtype)
    return {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor"}.get(
        d.name, d.name)


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
