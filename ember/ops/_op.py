"""The internal Op base: array forward + differentiable backward, joined to the graph by apply().

An op subclass writes `forward(ctx, *arrays, **kw)` on backend arrays and `backward(ctx, *grads)`
in ember ops (so create_graph works). `Op.apply` is the one way to record: it builds a node named
like PyTorch's (`ExpBackward0`) with edges from autograd's `edge_of`, wraps outputs in `_wrap`, and
in backward the node reduces each gradient to its input's shape and dtype once. Its one fast path
(a Tensor and at most one more argument) is measured by benchmarks/micro_ops.py.
"""
from __future__ import annotations

import numpy as np

from .._dtype import _BY_NUMPY
from ..autograd import anomaly as _anomaly
from ..autograd import grad_mode
from ..autograd import graph as _graph
from ..autograd import node as _node
from ..autograd.node import (
    _FREED_MSG,
    NO_EDGE,
    Node,
    _tname,  # noqa: F401 - ops' error messages read it as _op._tname
    edge_of,
    inplace_saved_error,
)

_ndarray = np.ndarray
_grad_state = grad_mode._state

# The Tensor class and its fast constructor, set by bind_tensor (ops are imported while the class
# is being built); every op module reads them here as `_op.Tensor` / `_op._new_tensor`.
Tensor = None
_new_tensor = None


class _Discard:
    """A ctx for a forward whose call records nothing: whatever it keeps for backward is dropped
    (Tensor's arithmetic operators run such forwards directly, without apply)."""

    __slots__ = ()

    def __setattr__(self, name, value) -> None:
        pass


DISCARD = _Discard()


def bind_tensor(cls, new_tensor) -> None:
    """The one registration point of the Tensor class: ember._tensor calls it once the class
    exists; it serves the ops (here) and autograd (ember.autograd.node)."""
    global Tensor, _new_tensor
    Tensor = cls
    _new_tensor = new_tensor
    _node.bind_tensor(cls, new_tensor)


def as_array(y):
    """Backend array from an op result: NumPy turns 0-d results into scalars; undo that."""
    if y.__class__ is _ndarray:
        return y
    if isinstance(y, np.generic):
        return np.asarray(y)
    return y


class _NeedsInputGrad:
    """Per positional argument: does it want a gradient? Computed on first read, then cached in
    the node's dict (a non-data descriptor, so the cached value shadows it)."""

    def __get__(self, node, owner=None):
        if node is None:
            return self
        need = node.__dict__["needs_input_grad"] = tuple([m is not None for m in node._in_meta])
        return need


class OpNode(Node):
    """A grad_fn made by Op.apply; `_op` is the Op class whose backward it runs."""

    _op = None
    _saved_inputs = None
    _saved_output = None
    _save_out = False
    _edge_pos = None

    needs_input_grad = _NeedsInputGrad()

    # ---- what forward calls -------------------------------------------------------------
    def save_output(self) -> None:
        """Keep the (first) output for backward: for ops whose derivative is a function of it."""
        self._save_out = True

    # ---- what backward reads ------------------------------------------------------------
    @property
    def inputs(self) -> tuple:
        """The input Tensors listed in the op's `save_inputs`, checked against in-place changes."""
        saved = self._saved_inputs
        if saved is None:
            self._check_not_freed()
            return ()
        out = []
        for entry in saved:
            if entry.__class__ is _graph.Packed:
                out.append(entry.get())
                continue
            t, version = entry
            if t is not None and t._vbox[0] != version:
                raise inplace_saved_error(t, t._data, t._vbox[0], version)
            out.append(t)
        return tuple(out)

    @property
    def output(self):
        """The saved output as a Tensor whose grad_fn is this node (so double backward sees it)."""
        saved = self._saved_output
        if saved is None:
            self._check_not_freed()
            raise RuntimeError("output was not saved by forward")
        data, vbox, version = saved
        if vbox[0] != version:
            raise inplace_saved_error(None, data, vbox[0], version, self, 0)
        t = _new_tensor(data, _grad_state.enabled)
        if t._requires_grad:
            t._grad_fn = self
            t._output_nr = 0
        t._vbox = vbox
        return t

    def _release(self) -> None:
        """Free saved state; a node that saved nothing can run again, as in PyTorch."""
        d = self.__dict__
        if "_saved_inputs" not in d and "_saved_output" not in d:
            for v in d.values():
                if v.__class__ is not tuple and hasattr(v, "shape"):
                    break
            else:
                return
        Node._release(self)

    def _backward(self, grads: tuple) -> tuple:
        """Run the op's backward and reduce each gradient to its input's shape and dtype."""
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        out = self._op.backward(self, *grads)
        if out.__class__ is not tuple:
            out = (out,)
        result = []
        for g, meta in zip(out, self._in_meta):
            if g is None or meta is None:
                result.append(None)
                continue
            d = g._data
            if d.shape != meta[0]:
                g = sum_to_size(g, meta[0])
                d = g._data
            if d.dtype != meta[1]:
                g = g.to(_BY_NUMPY[meta[1]])
            result.append(g)
        pos = self._edge_pos
        if pos is _FIRST:  # a Tensor and a number: one edge
            return (result[0] if result else None,)
        if pos is not None:  # the arguments with an edge, in next_functions order
            n = len(result)
            return tuple([result[i] if i < n else None for i in pos])
        if len(result) < len(self.next_functions):  # every edge gets a gradient slot
            result += [None] * (len(self.next_functions) - len(result))
        return tuple(result)


class _ForwardOnly:
    """The ctx a forward gets when nothing is recorded: takes attributes, keeps nothing.

    Each Op has a subclass whose `_op` is the Op (as a node's is), so making one is one allocation.
    """

    __slots__ = ("__dict__",)
    _op = None
    needs_input_grad: tuple = ()
    _save_out = False

    def save_output(self) -> None:
        pass


class Op:
    """Base of every differentiable primitive; subclasses write forward/backward as staticmethods.

    Class attributes: `save_inputs` (indices of Tensor inputs backward reads via ctx.inputs),
    `is_view` (output shares the first input's memory), `non_differentiable` (output indices that
    never carry gradient, such as argmax indices), `node_name` (override of `<Name>Backward0`),
    `differentiable_args` (positions that get an edge in next_functions, when not every Tensor
    argument: a Python scalar there shows as `(None, 0)` like PyTorch's wrapped numbers, and a
    Tensor argument outside it, such as where's condition, gets no edge).
    """

    save_inputs: tuple = ()
    differentiable_args: tuple | None = None
    is_view = False
    non_differentiable: tuple = ()
    _node_cls = OpNode
    _ctx_cls = _ForwardOnly
    _pair_edges = True  # the first two arguments get the first two edges (apply's fast path)
    _saves_pair = False  # save_inputs is (0, 1)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("node_name") or cls.__name__ + "Backward0"
        cls._node_cls = type(name, (OpNode,), {"_op": cls, "__module__": cls.__module__})
        cls._ctx_cls = type(cls.__name__ + "Ctx", (_ForwardOnly,),
                            {"_op": cls, "__slots__": (), "__module__": cls.__module__})
        diff = cls.differentiable_args
        cls._pair_edges = diff is None or tuple(diff[:2]) == (0, 1)
        cls._saves_pair = tuple(cls.save_inputs) == (0, 1)

    @staticmethod
    def forward(ctx, *args, **kwargs):  # pragma: no cover - every op overrides it
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grads):  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward on the arrays of `args`; record a node when any input requires grad."""
        x = args[0]
        n = len(args)
        if n == 2:
            y = args[1]
            pair = y.__class__ is Tensor
            fast = x.__class__ is Tensor and (cls._pair_edges if pair else not isinstance(y, Tensor))
        else:
            y = None
            pair = False
            fast = x.__class__ is Tensor and (
                n == 1 or cls.differentiable_args is None and _no_tensor(args))
        if fast:
            # The one fast path: a Tensor first and no other Tensor argument, or two Tensors
            # (unary, binary and reduction ops: most calls) skip the general scan and node
            # builder. Measured by benchmarks/micro_ops.py (add_small, sum_small_grad, chain...).
            d = x._data
            if pair:
                e = y._data
                if e.__class__ is not d.__class__:
                    _raise_device_mismatch(args)
                requires = x._requires_grad or y._requires_grad
            else:
                e = y
                requires = x._requires_grad
            if requires and _grad_state.enabled:
                node = ctx = _pair_node(cls, args, x, y, pair, n)
            else:
                node = None
                ctx = cls._ctx_cls()
            if n == 2:
                out = cls.forward(ctx, d, e, **kwargs) if kwargs else cls.forward(ctx, d, e)
            elif n == 1:
                out = cls.forward(ctx, d, **kwargs) if kwargs else cls.forward(ctx, d)
            else:
                out = cls.forward(ctx, d, *args[1:], **kwargs)
            if out.__class__ is _ndarray and not cls.is_view:  # one plain array: wrap it here
                if node is None:
                    return _new_tensor(out)
                if out.dtype.kind in "fc":
                    t = _new_tensor(out, True)
                    t._grad_fn = node
                    if node._save_out:
                        node._saved_output = (out, t._vbox, 0)
                    return t
            return _wrap(cls, node, args, kwargs, out)
        arrays, requires = _scan(args)
        if requires and _grad_state.enabled:
            node = ctx = _new_node(cls, args)  # before forward, which reads needs_input_grad
        else:
            node = None
            ctx = cls._ctx_cls()
        return _wrap(cls, node, args, kwargs, cls.forward(ctx, *arrays, **kwargs))


def _no_tensor(args) -> bool:
    """No Tensor among args[1:] (apply's fast path beyond two arguments)."""
    for a in args[1:]:
        if isinstance(a, Tensor):
            return False
    return True


def _pair_node(cls, args, x, y, pair: bool, n: int) -> OpNode:
    """_new_node for apply's fast path: `x` (args[0]) a Tensor, `y` (args[1], if any) a Tensor
    (`pair`) or not one, no other Tensor argument."""
    node = cls._node_cls()
    d = x._data
    mx = (d.shape, d.dtype)  # x requires grad unless y is a Tensor that does
    if pair:
        e = y._data
        node.next_functions = (edge_of(x), edge_of(y))
        node._in_meta = (mx if x._requires_grad else None,
                         (e.shape, e.dtype) if y._requires_grad else None)
    elif n == 1:
        node.next_functions = (edge_of(x),)
        node._in_meta = (mx,)
    elif n > 2 or cls.differentiable_args is None:  # numbers after x get no edge
        node._in_meta = (mx,) + (_NONES[n - 1] if n <= _MANY else (None,) * (n - 1))
        node.next_functions = (edge_of(x),)
        node._edge_pos = _FIRST
    else:  # a number second that differentiable_args names: its edge is (None, 0)
        node._in_meta = (mx, None)
        node.next_functions = (edge_of(x), NO_EDGE)
    if cls.save_inputs:
        if pair and cls._saves_pair and not _graph.active:  # Mul, Div...: both inputs
            node._saved_inputs = ((x, x._vbox[0]), (y, y._vbox[0]))
        else:
            _save(cls, node, args)
    if _anomaly._enabled:
        _anomaly.record_trace(node, 4)
    return node


def _scan(args) -> tuple[list, bool]:
    """The arrays forward gets for `args` (Tensors replaced by their data), and whether any
    Tensor argument requires grad; all Tensor arguments must be on one device."""
    arrays = []
    requires = False
    kind = None
    for a in args:
        if isinstance(a, Tensor):
            d = a._data
            if d.__class__ is not kind:
                if kind is not None:
                    _raise_device_mismatch(args)
                kind = d.__class__
            arrays.append(d)
            if a._requires_grad:
                requires = True
        else:
            arrays.append(a)
    return arrays, requires


def _new_node(cls, args) -> OpNode:
    """A node for `args`: an edge per differentiable argument, per-input metadata, saved inputs."""
    node = cls._node_cls()
    n = len(args)
    diff = cls.differentiable_args
    edges = []
    meta = [None] * n
    pos = []  # the argument behind each edge
    for i in (_ALL[n] if n < _MANY else range(n)) if diff is None else diff:
        if i >= n:
            break
        a = args[i]
        if isinstance(a, Tensor):
            edges.append(edge_of(a))
            if a._requires_grad:
                meta[i] = (a._data.shape, a._data.dtype)
        elif diff is None:  # only Tensors get edges, unless differentiable_args names the place
            continue
        else:
            edges.append(NO_EDGE)
        pos.append(i)
    node.next_functions = tuple(edges)
    node._in_meta = tuple(meta)
    if len(pos) != n:  # some argument has no edge: backward's results are picked by position
        node._edge_pos = tuple(pos)
    if cls.save_inputs:
        _save(cls, node, args)
    if _anomaly._enabled:
        _anomaly.record_trace(node, 4)
    return node


def _save(cls, node, args) -> None:
    """Keep the inputs named in `save_inputs` with their versions (checked by node.inputs), or,
    under autograd.graph.saved_tensors_hooks, what the pack hook makes of them."""
    hooks = _graph.current_hooks() if _graph.active else None
    saved = []
    for i in cls.save_inputs:
        a = args[i]
        if not isinstance(a, Tensor):
            saved.append(NO_EDGE)
        elif hooks is None:
            saved.append((a, a._vbox[0]))
        else:
            saved.append(_graph.pack(a, hooks))
    node._saved_inputs = tuple(saved)


_MANY = 32  # argument counts up to this use precomputed tuples
_ALL = tuple(tuple(range(n)) for n in range(_MANY))
_NONES = tuple((None,) * n for n in range(_MANY))
_FIRST = (0,)


def _wrap(cls, node, args, kwargs, out, nr=None):
    """Forward's result as Tensor(s), with `node` (None when nothing is recorded) as grad_fn.

    Integer and bool results, and outputs listed in `non_differentiable`, never require grad.
    """
    if out.__class__ is tuple:
        ys = tuple([_wrap(cls, node, args, kwargs, o, i) for i, o in enumerate(out)])
        if node is not None:
            node._n_out = len(ys)
            node._out_meta = tuple([(y._data.shape, y._data.dtype) for y in ys])
        return ys
    if out.__class__ is not _ndarray:
        out = as_array(out)
    record = node is not None and out.dtype.kind not in "biu" and (
        nr is None or nr not in cls.non_differentiable)
    y = _new_tensor(out, record)
    if cls.is_view:
        _mark_view(y, args[0], cls, args, kwargs, nr)
    if record:
        y._grad_fn = node
        if nr:
            y._output_nr = nr
    if not nr and node is not None and node._save_out:
        node._saved_output = (out, y._vbox, y._vbox[0])
    return y


def _raise_device_mismatch(args) -> None:
    devs = []
    for a in args:
        if isinstance(a, Tensor) and str(a.device) not in devs:
            devs.append(str(a.device))
    raise RuntimeError(
        "Expected all tensors to be on the same device, but found at least two devices, "
        f"{devs[0]} and {devs[1]}!")


def _mark_view(y, base, cls, args, kwargs, index) -> None:
    """A view shares memory and the version counter with its base (PyTorch's view semantics).

    `_view_of` remembers how to replay the view from its parent, for in-place ops on views.
    """
    y._base = base._base if base._base is not None else base
    y._vbox = base._vbox
    y._view_of = (base, cls, args[1:], kwargs, index)


# ---- broadcasting: expand and its adjoint, sum_to_size ---------------------------------------


class Expand(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        xp = np if x.__class__ is _ndarray else _xp(x)
        return xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return sum_to_size(grad, ctx.shape), None


class SumToSize(Op):
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return reduce_to_shape(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return Expand.apply(grad, ctx.shape), None


def reduce_to_shape(x, shape):
    """Sum a broadcast array back down to `shape` (leading dims dropped, size-1 dims kept)."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    if axes:
        x = x.sum(axis=axes, keepdims=True)
    if lead:
        x = x.reshape(shape)
    return x


def sum_to_size(g, shape):
    return SumToSize.apply(g, tuple(shape))


def _xp(x):
    from ..backend import array_module

    return array_module(x)
