"""Many reverse passes as one: the vector-Jacobian products of a stack of R cotangents.

jacrev needs one backward pass per output element. When every node between the output and the
inputs is an op whose backward is known to act row by row (elementwise formulas that broadcast,
the matmul family, transposes and views), the R cotangents travel through the graph together as
one array with a leading row dim: one node visit instead of R. Anything else (another op, a hook,
a custom Function, anomaly mode, a non-leaf input, create_graph) answers None and the caller
runs the ordinary engine once per row, so results never depend on which path ran.
"""
from __future__ import annotations

import numpy as np

from ..autograd import anomaly, grad_mode
from ..autograd import node as _node
from ..autograd.node import AccumulateGrad, grad_accumulator
from ..ops import _op, activation, elementwise, gelu, linalg, nn_linear, reduction, shape, unary

# ops whose backward formula, given a (R, *out) gradient, returns (R, *broadcast) gradients: each
# is elementwise in the gradient (grad, -grad, grad * saved); only the reduction to the input's
# shape, done here, must keep the row dim
_ELEMENTWISE = {elementwise.Add, elementwise.Sub, elementwise.Mul, elementwise.Div,
                elementwise.Neg, elementwise.Pow, unary.Tanh, unary.Sigmoid, unary.Exp, unary.Relu,
                unary.Sin, unary.Cos, unary.Log, unary.Sqrt, unary.Abs, unary.Expm1, unary.Rsqrt,
                unary.Reciprocal, activation.Silu, activation.Softplus, gelu.Gelu}


def _cj(a):
    return a.conj() if a.dtype.kind == "c" else a


def _vecmat(node, g):
    """x (k,) @ y (k, p): gx = g y^H, gy = outer(x^H, g)."""
    x, y = (t._data for t in node.inputs)
    need = node.needs_input_grad
    return (g @ _cj(y).T if need[0] else None,
            _cj(x)[None, :, None] * g[:, None, :] if need[1] else None)


def _mv(node, g):
    """A (m, k) @ v (k,): gA = outer(g, v^H), gv = g A^H... as rows: g (R, m)."""
    a, v = (t._data for t in node.inputs)
    need = node.needs_input_grad
    return (g[:, :, None] * _cj(v)[None, None, :] if need[0] else None,
            g @ _cj(a) if need[1] else None)


def _mm(node, g):
    """A (m, k) @ B (k, p): gA = g B^H, gB = A^H g (rows: g is (R, m, p))."""
    a, b = (t._data for t in node.inputs)
    need = node.needs_input_grad
    return (g @ _cj(b).T if need[0] else None, _cj(a).T @ g if need[1] else None)


def _t(node, g):
    """Tensor.t(): a swap of the two dims of a matrix, the identity below two dims."""
    if len(node._in_meta[0][0]) < 2:
        return (g, None, None)
    return (np.swapaxes(g, 1, 2), None, None)


def _transpose(node, g):
    d0, d1 = node.dims
    return (np.swapaxes(g, d0 + 1, d1 + 1), None, None)


def _permute(node, g):
    inv = np.argsort(node.dims)
    return (g.transpose((0,) + tuple(int(d) + 1 for d in inv)), None)


def _view(node, g):
    return (g.reshape((g.shape[0],) + tuple(node.in_shape)), None)


def _expand(node, g):
    return (g, None)  # summed down to the input's shape by the caller


def _linear(node, g):
    """F.linear, x (..., k) @ w (n, k).T + b: gx = g w, gw = sum over x's rows of g^T x, gb = g
    (real float32/float64 only, as the op's own formula)."""
    x, w = (t._data for t in node.inputs[:2])
    if x.dtype.char not in "fd" or w.dtype != x.dtype:
        return None
    need = node.needs_input_grad
    gw = None
    if need[1]:
        rows = g.reshape(g.shape[0], -1, w.shape[0])  # (R, L, n)
        gw = np.swapaxes(rows, 1, 2) @ x.reshape(-1, w.shape[1])
    return (g @ w if need[0] else None, gw, g if len(need) > 2 and need[2] else None)


def _reduced_back(node, g):
    """sum / mean: the (R, *out) gradient broadcast back over the reduced axes."""
    in_shape, axes, keepdim = node.meta
    r = g.shape[0]
    if axes is None:
        g = g.reshape((r,) + (1,) * len(in_shape))
    elif not keepdim:
        g = np.expand_dims(g, tuple(a + 1 for a in axes))
    return np.broadcast_to(g, (r,) + tuple(in_shape))


def _sum(node, g):
    return (_reduced_back(node, g),) + (None,) * (len(node._in_meta) - 1)


def _mean(node, g):
    if not node.n:
        return None
    g = g * (1.0 / node.n) if g.dtype.kind == "c" else g / node.n
    return (_reduced_back(node, g),) + (None,) * (len(node._in_meta) - 1)


_ARRAY_RULES = {linalg.VecMat: _vecmat, linalg.Mv: _mv, linalg.MM: _mm, shape.T: _t,
                shape.Transpose: _transpose, shape.Permute: _permute, shape.View: _view, shape.ReshapeAlias: _view,
                shape.UnsafeView: _view, _op.Expand: _expand, reduction.Sum: _sum,
                reduction.SumDim: _sum, reduction.Mean: _mean, reduction.MeanDim: _mean}
_ARRAY_RULES.update(dict.fromkeys(
    (nn_linear.Linear, nn_linear._LinearMm, nn_linear._LinearView, nn_linear._LinearUnsafeView,
     nn_linear._LinearSqueeze), _linear))


def _rows_to_shape(g, shape: tuple):
    """Sum a (R, *broadcast) gradient down to (R, *shape), keeping the row dim."""
    extra = g.ndim - 1 - len(shape)
    if extra < 0:
        return None
    if extra:
        g = g.sum(axis=tuple(range(1, 1 + extra)))
    axes = tuple(i + 1 for i, s in enumerate(shape) if s == 1 and g.shape[i + 1] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g if g.shape[1:] == tuple(shape) else None


def _node_grads(node, g):
    """The per-edge (R, ...) gradient arrays of one node, or None if it is not supported."""
    cls = node._op
    rule = _ARRAY_RULES.get(cls)
    if rule is not None:
        result = rule(node, g)
        if result is None:
            return None
        result = list(result)
    elif cls in _ELEMENTWISE:
        out = cls.backward(node, _node.new_tensor(g))
        result = [None if t is None else t._data for t in (out if out.__class__ is tuple
                                                            else (out,))]
    else:
        return None
    for i, (r, meta) in enumerate(zip(result, node._in_meta)):
        if r is None or meta is None:
            result[i] = None
            continue
        r = _rows_to_shape(r, meta[0])
        if r is None:
            return None
        result[i] = r if r.dtype == meta[1] else r.astype(meta[1])
    pos = node._edge_pos
    if pos is _op._FIRST:
        return (result[0] if result else None,)
    if pos is not None:
        return tuple([result[i] if i < len(result) else None for i in pos])
    return tuple(result) + (None,) * (len(node.next_functions) - len(result))


def _plain(node) -> bool:
    return (isinstance(node, _op.OpNode) and node._n_out == 1 and not node._freed
            and not (node._pre_hooks or node._post_hooks or node._tensor_hooks)
            and (node._op in _ELEMENTWISE or node._op in _ARRAY_RULES))


def _order(root, sinks: dict):
    """Nodes reachable from root in an order where each comes after every node feeding it, or
    None when one of them is not supported."""
    deps: dict = {root: 0}
    stack, seen = [root], {root}
    while stack:
        n = stack.pop()
        if not _plain(n):
            return None
        for nxt, _ in n.next_functions:
            if nxt is None or (nxt.__class__ is AccumulateGrad and nxt not in sinks):
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen and nxt.__class__ is not AccumulateGrad:
                seen.add(nxt)
                stack.append(nxt)
    order, ready = [], [root]
    while ready:
        n = ready.pop()
        order.append(n)
        for nxt, _ in n.next_functions:
            if nxt in deps and nxt.__class__ is not AccumulateGrad:
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
    return order


def batched_vjp(output, inputs: list, cotangents):
    """[d(output)/d(input) contracted with each of the R cotangents (R, *output.shape)] as
    (R, *input.shape) arrays (None for an input the output does not reach), or None when the
    graph holds something this does not handle."""
    fn = output.grad_fn
    if fn is None or anomaly._enabled or output._output_nr != 0 \
            or any(x.grad_fn is not None or not x.requires_grad for x in inputs):
        return None
    sinks = {grad_accumulator(x): i for i, x in enumerate(inputs)}
    order = _order(fn, sinks)
    if order is None:
        return None
    pending = {fn: cotangents}
    found: list = [None] * len(inputs)
    with grad_mode.no_grad():
        for n in order:
            g = pending.pop(n, None)
            if g is None:
                continue
            grads = _node_grads(n, g)
            if grads is None:
                return None
            for (nxt, _), gi in zip(n.next_functions, grads):
                if gi is None or nxt is None:
                    continue
                i = sinks.get(nxt)
                if i is not None:
                    found[i] = gi if found[i] is None else found[i] + gi
                elif nxt.__class__ is not AccumulateGrad:
                    pending[nxt] = gi if nxt not in pending else pending[nxt] + gi
    return found
