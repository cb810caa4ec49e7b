"""Indexing ops and writes through views: reading a region (x[key]) and its adjoints.

BasicIndex/Index read a region; BasicIndexGrad/IndexGrad write a gradient into zeros; CopySlices
records an in-place write into a region. The last is PyTorch's rebase: after `v = a[0];
v.mul_(2)`, gradients reaching `a` flow through the changed region into `v`'s op and around it
into the old `a`. The public indexing functions (getitem, setitem, gather, ...) are in indexing.py.
"""
from __future__ import annotations

from ..autograd.node import inplace_saved_error
from ..backend import array_module
from . import _op
from ._op import Op

# ---- basic indexing: one NumPy index, a view -------------------------------------------------


class BasicIndex(Op):
    """x[key] for ints/slices/None/Ellipsis: a view; backward writes grad into zeros."""

    is_view = True
    node_name = "SliceBackward0"

    @staticmethod
    def forward(ctx, x, key):
        ctx.meta = (x.shape, key)
        y = x[key]
        if y.__class__ is not x.__class__:  # all ints: NumPy gives a scalar; keep a 0-d view
            y = x[(key if key.__class__ is tuple else (key,)) + (Ellipsis,)]
        return y

    @staticmethod
    def backward(ctx, grad):
        shape, key = ctx.meta
        return BasicIndexGrad.apply(grad, key, shape), None


class Select(BasicIndex):
    node_name = "SelectBackward0"


class UnsqueezeIndex(BasicIndex):
    node_name = "UnsqueezeBackward0"


class Alias(BasicIndex):
    node_name = "AliasBackward0"


class BasicIndexGrad(Op):
    """zeros(shape) with `g` written at a basic key: the adjoint of BasicIndex."""

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        out = array_module(g).zeros(shape, g.dtype)
        out[key] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return BasicIndex.apply(grad, ctx.key), None, None


# ---- advanced indexing: a copy whose backward sums duplicates ---------------------------------


class Index(Op):
    """x[key] with integer arrays / masks in the key (IndexBackward0)."""

    @staticmethod
    def forward(ctx, x, key):
        ctx.meta = (x.shape, key)
        y = x[key]
        # NumPy lays out a mixed slice/array key's result in its own order; torch's is C order
        return y if y.flags.c_contiguous else array_module(y).ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad):
        check_index_versions(ctx)
        shape, key = ctx.meta
        return IndexGrad.apply(grad, key, shape), None


def guard_index_versions(node, key) -> None:
    """Remember on `node` the versions of the index tensors in a getitem/setitem `key`: its
    backward reads their data, so, as torch, it refuses if one was changed in place since."""
    if node is None:  # nothing recorded: no backward will read the index
        return
    tensors = [k for k in (key if key.__class__ is tuple else (key,)) if isinstance(k, _op.Tensor)]
    if tensors:
        node._index_versions = tuple([(t, t._vbox[0]) for t in tensors])


def check_index_versions(node) -> None:
    for t, version in node.__dict__.get("_index_versions", ()):
        if t._vbox[0] != version:
            raise inplace_saved_error(t, t._data, t._vbox[0], version)


class IndexGrad(Op):
    """zeros(shape) with `g` added at an advanced key (duplicates accumulate, as np.add.at)."""

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key = key
        xp = array_module(g)
        out = xp.zeros(shape, g.dtype)
        xp.add.at(out, key, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key), None, None


# ---- writes through views -------------------------------------------------------------------



def view_chain(t) -> list:
    """The (op, args, kwargs, index) steps that rebuild view `t` from its base, base first."""
    steps = []
    node = t
    base = t._base
    while node is not base and node._view_of is not None:
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
    """The base after an in-place write into a region of it (the data is already written).

    The region is the view `chain` of the base, further indexed by the advanced `key` if any;
    `src` (None when it carries no gradient) is what was written there.
    """

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, src, chain=(), key=None):
        ctx.meta = (chain, key)
        return base

    @staticmethod
    def backward(ctx, grad):
        check_index_versions(ctx)
        chain, key = ctx.meta
        g_src = None
        if ctx.needs_input_grad[1]:
            g_src = replay(chain, grad)
            if key is not None:
                g_src = Index.apply(g_src, key)
        g_base = None
        if ctx.needs_input_grad[0]:
            xp = array_module(grad._data)
            # complex grads through .real/.imag views: a mask cannot zero one component, so
            # zero the region of a copy (first order only)
            cut = grad._data.dtype.kind == "c"
            mask = grad._data.copy() if cut else xp.ones(grad._data.shape, grad._data.dtype)
            region = _replay_raw(chain, mask)
            if key is None:
                region[...] = 0
            else:
                region[key] = 0
            # zero-fill, not multiply: an overwritten region gets 0 even where grad is inf/nan
            g_base = _op._new_tensor(mask) if cut else grad.masked_fill(
                _op._new_tensor(mask == 0), 0.0)
        return g_base, g_src


CopySlices._node_cls.name = lambda self: "torch::autograd::CopySlices"  # PyTorch's C++ name


class IndexPutInplace(CopySlices):
    """`x[adv] = v` on a tensor that is not a view (PyTorch's IndexPutBackward0)."""

    node_name = "IndexPutBackward0"


def rebase_write(t, step, src, key=None):
    """Record that a region of `t` (view step `step`, then advanced `key`) now holds `src`.

    The base of `t` gets a CopySlices node (returned; None when nothing is recorded); `t`, when
    it is a view, a history replayed through it.
    """
    if t._base is not None and t._view_of is not None:
        base = t._base
        chain = view_chain(t)
    else:
        base = t
        chain = []
    full = chain + [step] if step is not None else chain
    op = IndexPutInplace if not full and key is not None else CopySlices
    new = op.apply(base, src, chain=full, key=key)
    if not new._requires_grad:
        return None
    base._grad_fn = new._grad_fn
    base._output_nr = 0
    base._requires_grad = True
    if base is not t:
        with_grad = replay(chain, base)
        t._grad_fn = with_grad._grad_fn
        t._output_nr = with_grad._output_nr
        t._requires_grad = True
    return new._grad_fn


def rebase_view(t, result) -> None:
    """Give base and view `t` the history of an in-place op whose out-of-place value is `result`."""
    rebase_write(t, None, result)
