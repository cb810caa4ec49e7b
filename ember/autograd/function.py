"""Custom autograd Functions: PyTorch's `torch.autograd.Function` with its ctx API.

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    y = Exp.apply(x)          # y.grad_fn is an ExpBackward node, which is also the ctx

forward runs under no_grad on Tensors; backward is written in ember ops, so double backward works.
"""
from __future__ import annotations

import functools

from ..backend import array_module
from . import anomaly as _anomaly
from . import grad_mode
from . import graph as _graph
from . import node as _node
from .node import _FREED_MSG, Node, edge_of, inplace_saved_error

_state = grad_mode._state


class FunctionCtx:
    """What forward and backward receive as `ctx`: saved tensors, dirty/non-differentiable marks."""

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (inputs or outputs) for backward; in-place changes to them are caught."""
        self.to_save = tensors

    def mark_dirty(self, *args) -> None:
        """Declare inputs that forward modified in place (and returns)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args) -> None:
        """Declare outputs that carry no gradient (such as indices)."""
        self.non_differentiable = args

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward gets zeros (True, the default) or None for outputs without a gradient."""
        self.materialize_grads = bool(value)

    def save_for_forward(self, *tensors) -> None:
        self.saved_for_forward = tensors

    @property
    def saved_tensors(self) -> tuple:
        saved = self.__dict__.get("_saved")
        if saved is None:
            if self.__dict__.get("_saved_freed"):
                raise RuntimeError(_FREED_MSG)
            return tuple(self.__dict__.get("to_save", ()))
        return tuple(_unpack(self, entry) for entry in saved)


def _unpack(ctx, entry):
    """A saved tensor back from its record, checking its version counter."""
    if entry is None:
        return None
    if entry[0] == "packed":  # saved under autograd.graph.saved_tensors_hooks
        return entry[1].get()
    if entry[0] == "out":  # an output of this Function: rebuilt so it points back at ctx
        _, data, vbox, version, nr = entry
        if vbox[0] != version:
            raise inplace_saved_error(None, data, vbox[0], version, ctx, nr)
        t = _node.new_tensor(data, True)
        t._grad_fn = ctx
        t._output_nr = nr
        t._vbox = vbox
        return t
    _, t, version = entry
    if t._vbox[0] != version:
        raise inplace_saved_error(t, t._data, t._vbox[0], version)
    return t


class BackwardCFunction(Node, FunctionCtx):
    """The grad_fn of a custom Function's outputs (`<Name>Backward`); it is also the ctx."""

    _forward_cls = None

    def __init__(self) -> None:
        Node.__init__(self)
        self.needs_input_grad = ()
        self.materialize_grads = True

    def _release(self) -> None:
        """Free the saved tensors only (ctx attributes stay, as in PyTorch)."""
        if self.__dict__.get("_saved") is not None:
            self._saved = None
            self._saved_freed = True

    def _backward(self, grads: tuple) -> tuple:
        """Run the user's backward, then check and reduce its gradients like PyTorch."""
        if self.materialize_grads:
            grads = _materialize(grads, self._fn_out_meta)
        out = self._forward_cls.backward(self, *grads)
        if out.__class__ is not tuple:
            out = (out,)
        n_in = len(self._in_meta)
        name = self.name()
        if len(out) != n_in:
            if len(out) < n_in or any(g is not None for g in out[n_in:]):
                raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                                   f"(expected {n_in}, got {len(out)})")
            out = out[:n_in]
        result = []
        for i, (g, meta, is_tensor) in enumerate(zip(out, self._in_meta, self._tensor_args)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {name} returned a gradient different than None at position "
                        f"{i + 1}, but the corresponding forward input was not a Variable")
                continue
            if g is None or meta is None:
                result.append(None)
                continue
            shape, dtype = meta
            if g._data.shape != shape:
                if not _expandable(shape, g._data.shape):
                    raise RuntimeError(
                        f"Function {name} returned an invalid gradient at index {len(result)} - "
                        f"got {list(g._data.shape)} but expected shape compatible with "
                        f"{list(shape)}")
                g = g.sum_to_size(shape)
            if g.dtype is not dtype:
                g = g.to(dtype)
            result.append(g)
        return tuple(result)


def _materialize(grads: tuple, meta: tuple) -> tuple:
    """Zeros in place of None for tensor outputs that received no gradient."""
    if all(g is not None for g in grads):
        return grads
    like = next((g._data for g in grads if g is not None), None)
    out = []
    for g, m in zip(grads, meta):
        if g is None and m is not None:
            shape, np_dtype, xp_of = m
            xp = array_module(like) if like is not None else xp_of
            g = _node.new_tensor(xp.zeros(shape, np_dtype))
        out.append(g)
    return tuple(out)


def _expandable(shape: tuple, target: tuple) -> bool:
    """Can `shape` broadcast to `target` (so a gradient of `target` can be summed down to it)?"""
    if len(shape) > len(target):
        return False
    for s, t in zip(reversed(shape), reversed(target)):
        if s != t and s != 1:
            return False
    return True


class Function(FunctionCtx):
    """Base of user-defined differentiable operations; call them with `MyFunction.apply(...)`."""

    _backward_cls = BackwardCFunction

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": cls.__module__})

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward under no_grad and, if any input requires grad, record a node for backward."""
        tensor_cls = _node.Tensor
        ctx = cls._backward_cls()
        is_tensor = tuple(isinstance(a, tensor_cls) for a in args)
        requires = _state.enabled and any(
            t and a._requires_grad for t, a in zip(is_tensor, args))
        ctx.needs_input_grad = tuple(
            requires and t and a._requires_grad for t, a in zip(is_tensor, args))
        if requires:  # edges are taken before forward, which may rewrite dirty inputs' history
            ctx.next_functions = tuple(edge_of(a) for t, a in zip(is_tensor, args) if t)
            ctx._in_meta = tuple((a._data.shape, a.dtype) if t and a._requires_grad else None
                                 for t, a in zip(is_tensor, args))
            ctx._tensor_args = is_tensor
        setup = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if setup:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if requires and _anomaly._enabled:
            _anomaly.record_trace(ctx, skip=2)
        return _wrap_outputs(ctx, args, out, requires, tensor_cls)


def _wrap_outputs(ctx, args, out, requires: bool, tensor_cls):
    """Give forward's outputs ctx as grad_fn (dirty inputs included) and pack what was saved."""
    single = out.__class__ is not tuple
    outs = (out,) if single else out
    d = ctx.__dict__
    dirty = d.get("dirty_tensors", ())
    nondiff = d.get("non_differentiable", ())
    results = []
    for i, o in enumerate(outs):
        if not isinstance(o, tensor_cls):
            results.append(o)
            continue
        if any(o is t for t in dirty):
            if o._grad_fn is None and o._requires_grad and requires:
                raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                   "in-place operation.")
            o._vbox[0] += 1
            y = o
        elif requires and any(o is a for a in args):  # an input returned as is: a fresh view
            y = _node.new_tensor(o._data)
            y._vbox = o._vbox
            y._base = o._base if o._base is not None else o
        else:
            y = o
        if requires:
            if o._data.dtype.kind in "fV" and not any(o is t for t in nondiff):
                y._requires_grad = True
                y._grad_fn = ctx
                y._output_nr = i
            else:
                y._requires_grad = False
        results.append(y)
    if requires:
        ctx._n_out = len(results)
        ctx._fn_out_meta = tuple(
            (r._data.shape, r._data.dtype, array_module(r._data)) if isinstance(r, tensor_cls) else None
            for r in results)
    to_save = d.get("to_save")
    if to_save is not None:
        ctx._saved = tuple(_pack(ctx, t, results, requires) for t in to_save)
    return results[0] if single else tuple(results)


def _pack(ctx, t, results, requires: bool):
    """Record a tensor for backward: outputs by data (no reference cycle), others as they are."""
    if t is None:
        return None
    hooks = _graph.current_hooks() if _graph.active else None
    if hooks is not None:
        return ("packed", _graph.pack(t, hooks))
    if requires and t._grad_fn is ctx:
        return ("out", t._data, t._vbox, t._vbox[0], t._output_nr)
    return ("in", t, t._vbox[0])


class DelayedError(Node):
    """What once_differentiable hangs its outputs on (as PyTorch): differentiating it raises."""

    def _backward(self, grads: tuple) -> tuple:
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def once_differentiable(fn):
    """Decorate a backward that is not itself differentiable: double backward through it raises."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not _state.enabled:
            return outputs
        tensor_cls = _node.Tensor
        if not any(isinstance(a, tensor_cls) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        # as PyTorch: the outputs become outputs of one node over fresh leaves, which raises
        node = DelayedError()
        edges = []
        wrapped = []
        for g in outs:
            if isinstance(g, tensor_cls):
                edges.append(edge_of(g.detach().requires_grad_()))
                y = _node.new_tensor(g._data, True)
                y._grad_fn = node
                y._output_nr = len(edges) - 1
                g = y
            wrapped.append(g)
        node.next_functions = tuple(edges)
        node._n_out = len(edges)
        return wrapped[0] if single else tuple(wrapped)

    return wrapper


__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable"]
