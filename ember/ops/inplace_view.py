"""In-place ops on views: the base gets a CopySlices history, the view a history through the base.

This is PyTorch's rebase: after `v = a[0]; v.mul_(2)`, gradients reaching `a` flow through the
changed region into `v`'s op and around it into the old `a`.
"""
from __future__ import annotations

from . import _op
from ._op import Op


def view_chain(t) -> list:
    """The (op, args, kwargs, index) steps that rebuild view `t` from its base, base first."""
    steps = []
    node = t
    while node._view_of is not None and node is not t._base:
        parent, cls, rest, kwargs, index = node._view_of
        steps.append((cls, rest, kwargs, index))
        node = parent
    steps.reverse()
    return steps


def replay(chain, x):
    """Apply a view chain to Tensor x (differentiably)."""
    for cls, rest, kwargs, index in chain:
        x = cls.apply(x, *rest, **(kwargs or {}))
        if index is not None:
            x = x[index]
    return x


def _replay_raw(chain, a):
    """Apply a view chain to a raw array (no graph), returning a view into `a`."""
    for cls, rest, kwargs, index in chain:
        a = cls.forward(cls._node_cls(), a, *[r._data if isinstance(r, _op.Tensor) else r
                                              for r in rest], **(kwargs or {}))
        if index is not None:
            a = a[index]
    return a


class CopySlices(Op):
    """The base after an in-place write into one of its views (the data is already written)."""

    @staticmethod
    def forward(ctx, base, src, chain=None):
        ctx.chain = chain
        return base

    @staticmethod
    def backward(ctx, grad):
        chain = ctx.chain
        g_src = replay(chain, grad) if ctx.needs_input_grad[1] else None
        g_base = None
        if ctx.needs_input_grad[0]:
            xp = _op._xp(grad._data)
            mask = xp.ones(grad._data.shape, grad._data.dtype)
            _replay_raw(chain, mask)[...] = 0
            g_base = grad * _op._new_tensor(mask)
        return g_base, g_src


def rebase_view(t, result) -> None:
    """Give base and view `t` the history of an in-place op whose out-of-place value is `result`."""
    base = t._base
    chain = view_chain(t)
    new_base = CopySlices.apply(base, result, chain=chain)
    base._grad_fn = new_base._grad_fn
    base._output_nr = 0
    base._requires_grad = True
    fresh = replay(chain, base)
    t._grad_fn = fresh._grad_fn
    t._output_nr = fresh._output_nr
    t._requires_grad = True
