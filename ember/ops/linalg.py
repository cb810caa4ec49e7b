"""Linear algebra: matmul (every rank case), mm, bmm, mv, dot, outer, addmm/addmv/baddbmm/addbmm,
tensordot, kron, inner, cross, einsum.

Every product is one NumPy/BLAS call forward; backward is written with these same products, so
second derivatives work. float16/bfloat16 products accumulate in float32, as PyTorch's CPU kernels.
"""
from __future__ import annotations

import math
import string

import numpy as np

from ..backend import array_module
from . import _op
from . import shape as _s
from ._op import Op, sum_to_size
from ._output import _SCALAR_TYPE_NAMES as _CAP  # noqa: F401 - nn_linear.py still imports it
from ._output import _cap as _scalar_type
from ._output import with_out

__all__ = [
    "addbmm",
    "addmm",
    "addmv",
    "baddbmm",
    "bmm",
    "chain_matmul",
    "cross",
    "dot",
    "einsum",
    "ger",
    "inner",
    "kron",
    "matmul",
    "mm",
    "mv",
    "outer",
    "tensordot",
    "vdot",
]

_ndarray = np.ndarray
_C_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half",
           "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int", "int16": "short int",
           "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _cap(t) -> str:
    return _scalar_type(t.dtype)


def _is_half(np_dtype) -> bool:
    """float16 or bfloat16 (ml_dtypes' bfloat16 has kind 'V', not 'f')."""
    return np_dtype.itemsize == 2 and np_dtype.kind not in "iu"


def _product(xp, x, y):
    """x @ y on arrays; half types accumulate in float32 (NumPy has no fast float16 GEMM)."""
    if not _is_half(x.dtype):
        return xp.matmul(x, y)
    out = xp.matmul(x.astype(np.float32), y.astype(np.float32))
    return out.astype(x.dtype)


def _product_wide(xp, x, y):
    """x @ y, keeping half types' float32 accumulator unrounded (the caller rounds once at the
    end, after adding a bias, as torch's addmm/linear do)."""
    if not _is_half(x.dtype):
        return xp.matmul(x, y)
    return xp.matmul(x.astype(np.float32), y.astype(np.float32))


def _fold_matmul(xp, a, b):
    """a (..., n, k) @ b: one GEMM over the folded batch when b is a matrix (PyTorch's folding)."""
    if b.ndim == 2 and a.ndim > 2:
        out = _product(xp, a.reshape(math.prod(a.shape[:-1]), a.shape[-1]), b)
        return out.reshape(a.shape[:-1] + (b.shape[-1],))
    return _product(xp, a, b)


def _mT(t):
    return _s.transpose(t, -2, -1)


def _check_tensors(name: str, *args) -> None:
    names = ("input", "other") if name == "matmul" else ("input", "mat2")
    for i, a in enumerate(args):
        if not isinstance(a, _op.Tensor):
            raise TypeError(f"{name}(): argument '{names[min(i, 1)]}' (position {i + 1}) must be "
                            f"Tensor, not {type(a).__name__}")


def _check_bool(kernel: str, x) -> None:
    if x._data.dtype == np.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


# ---- the primitives ------------------------------------------------------------------------


class MM(Op):
    """2-D @ 2-D (MmBackward0): the BLAS workhorse."""

    node_name = "MmBackward0"

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y):
        if x.dtype.char in "fd":  # ndarray.dot: the shortest path to GEMM for small matrices
            return x.dot(y)
        return _product(array_module(x), x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = _conj_saved(ctx)  # conjugate Wirtinger: grad @ y^H, x^H @ grad
        gx = MM.apply(grad, _s.t(y)) if ctx.needs_input_grad[0] else None
        gy = MM.apply(_s.t(x), grad) if ctx.needs_input_grad[1] else None
        return gx, gy


class Dot(Op):
    """1-D . 1-D -> 0-d (DotBackward0)."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y):
        return _product(array_module(x), x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = _conj_saved(ctx)  # conjugate Wirtinger: grad @ y^H, x^H @ grad
        gx = grad * y if ctx.needs_input_grad[0] else None
        gy = grad * x if ctx.needs_input_grad[1] else None
        return gx, gy


class Vdot(Dot):
    """vdot: dot with the first argument conjugated (the same thing for real tensors)."""

    @staticmethod
    def forward(ctx, x, y):
        return _product(array_module(x), x.conj() if x.dtype.kind == "c" else x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        gx = grad.conj() * y if ctx.needs_input_grad[0] else None
        gy = grad * x if ctx.needs_input_grad[1] else None
        return gx, gy


def _conj_saved(ctx) -> tuple:
    """The two saved inputs, conjugated when complex (real ones are returned as they are)."""
    x, y = ctx.inputs
    if x._data.dtype.kind == "c":
        x = x.conj()
    if y._data.dtype.kind == "c":
        y = y.conj()
    return x, y


class Mv(Op):
    """2-D @ 1-D (MvBackward0)."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y):
        return _product(array_module(x), x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = _conj_saved(ctx)  # conjugate Wirtinger: grad @ y^H, x^H @ grad
        gx = _s.reshape(grad, (-1, 1)) * y if ctx.needs_input_grad[0] else None
        gy = Mv.apply(_s.t(x), grad) if ctx.needs_input_grad[1] else None
        return gx, gy


class Matmul(Op):
    """The batched / broadcast / vector-lifted cases of matmul (PyTorch's UnsafeViewBackward0)."""

    node_name = "UnsafeViewBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y):
        xp = array_module(x)
        a = x.reshape(1, -1) if x.ndim == 1 else x
        b = y.reshape(-1, 1) if y.ndim == 1 else y
        out = _fold_matmul(xp, a, b)
        if x.ndim == 1:
            out = out.reshape(out.shape[:-2] + out.shape[-1:])
        elif y.ndim == 1:
            out = out.reshape(out.shape[:-1])
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y = _conj_saved(ctx)  # conjugate Wirtinger: grad @ y^H, x^H @ grad
        xm = _s.reshape(x, (1, -1)) if x.ndim == 1 else x
        ym = _s.reshape(y, (-1, 1)) if y.ndim == 1 else y
        g = grad
        gshape = tuple(g.shape)
        if x.ndim == 1:
            g = _s.reshape(g, gshape[:-1] + (1,) + gshape[-1:])
        elif y.ndim == 1:
            g = _s.reshape(g, gshape + (1,))
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = matmul(g, _mT(ym))
            if x.ndim == 1:
                gx = _s.reshape(sum_to_size(gx, (1, x.shape[0])), tuple(x.shape))
        if ctx.needs_input_grad[1]:
            if ym.ndim == 2 and xm.ndim > 2:  # fold the batch into one GEMM
                k, p = xm.shape[-1], g.shape[-1]
                m = math.prod(xm.shape[:-1])
                gy = MM.apply(_s.t(_s.reshape(xm, (m, k))), _s.reshape(g, (m, p)))
            else:
                gy = matmul(_mT(xm), g)
            if y.ndim == 1:
                gy = _s.reshape(sum_to_size(gy, (y.shape[0], 1)), tuple(y.shape))
        return gx, gy


class VecMat(Matmul):
    """1-D @ 2-D: PyTorch lifts the vector to a row and squeezes it back (SqueezeBackward4)."""

    node_name = "SqueezeBackward4"

    @staticmethod
    def backward(ctx, grad):
        x, y = _conj_saved(ctx)  # x (k,) @ y (k, p): gx = y^H grad, gy = outer(x^H, grad)
        gx = Mv.apply(y, grad) if ctx.needs_input_grad[0] else None
        gy = _s.reshape(x, (-1, 1)) * grad if ctx.needs_input_grad[1] else None
        return gx, gy


class Bmm(Matmul):
    node_name = "BmmBackward0"


class Addmm(Op):
    """beta * input + alpha * (m1 @ m2), and its mv/bmm/summed-bmm siblings, in one node."""

    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, inp, x, y, beta=1, alpha=1, reduce_batch=False):
        ctx.coef = (beta, alpha)
        xp = array_module(x)
        out = _product_wide(xp, x, y)
        if reduce_batch:
            out = out.sum(axis=0)
        if alpha != 1:
            out = out * out.dtype.type(alpha)
        if beta != 0:
            out = out + (inp if beta == 1 else inp * inp.dtype.type(beta))
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = _conj_saved(ctx)  # conjugate Wirtinger: grad @ y^H, x^H @ grad
        beta, alpha = ctx.coef
        need = ctx.needs_input_grad
        gi = gx = gy = None
        if need[0]:
            gi = grad if beta == 1 else grad * beta
        g = grad if alpha == 1 else grad * alpha
        if y.ndim == 1:  # addmv
            if need[1]:
                gx = _s.reshape(g, (-1, 1)) * y
            if need[2]:
                gy = Mv.apply(_s.t(x), g)
            return gi, gx, gy
        if need[1]:
            gx = matmul(g, _mT(y))
        if need[2]:
            gy = matmul(_mT(x), g)
        return gi, gx, gy


class Baddbmm(Addmm):
    pass


class Addmv(Addmm):
    pass


class Addbmm(Addmm):
    pass


# ---- public functions ----------------------------------------------------------------------


def _same_dtype_mm(x, y) -> None:
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_NAME[x.dtype.name]} != {_C_NAME[y.dtype.name]}")
    _check_bool("addmm_impl_cpu_", x)


def _mm_shape_error(rows, k1, k2, cols):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k1} and {k2}x{cols})")


def mm(input, mat2, *, out=None):
    """2-D matrix product."""
    _check_tensors("mm", input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise _mm_shape_error(a.shape[0], a.shape[1], b.shape[0], b.shape[1])
    if a.dtype != b.dtype:
        _same_dtype_mm(input, mat2)
    _check_bool("addmm_impl_cpu_", input)
    return MM.apply(input, mat2)


def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors, a 0-d result."""
    _check_tensors("dot", input, tensor)
    a, b = input._data, tensor._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_cap(input)} and {_cap(tensor)}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                           f"[{b.shape[0]}] to have the same number of elements, but got "
                           f"{a.shape[0]} and {b.shape[0]} elements respectively")
    _check_bool("dot", input)
    return Dot.apply(input, tensor)


def vdot(input, other, *, out=None):
    """dot(conj(input), other) (VdotBackward0)."""
    dot(input, other)  # validation
    return Vdot.apply(input, other)


def mv(input, vec, *, out=None):
    """Matrix @ vector."""
    _check_tensors("mv", input, vec)
    a, b = input._data, vec._data
    if a.ndim != 2 or b.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({b.shape[0]})")
    if a.dtype != b.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_cap(vec)}, {_cap(input)}, and {_cap(vec)}")
    _check_bool("addmv_impl_cpu", input)
    return Mv.apply(input, vec)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    _check_tensors("bmm", input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_cap(input)} but found {_cap(mat2)}")
    _check_bool("bmm", input)
    return Bmm.apply(input, mat2)


def _broadcast_batch(sa, sb):
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")


def matmul(input, other, *, out=None):
    """PyTorch's matmul: dot, mv, mm, vector-matrix, and batched products with broadcasting."""
    if input.__class__ is not _op.Tensor or other.__class__ is not _op.Tensor:
        _check_tensors("matmul", input, other)
    a, b = input._data, other._data
    na, nb = a.ndim, b.ndim
    if na == 2 and nb == 2 and a.shape[1] == b.shape[0] and a.dtype == b.dtype \
            and a.dtype != np.bool_:
        return MM.apply(input, other)
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{na}D and {nb}D")
    if na == 1 and nb == 1:
        return dot(input, other)
    if na == 2 and nb == 1:
        return mv(input, other)
    if nb <= 2:  # (..., n, k) @ (k, p) or (k,): PyTorch folds into one mm/mv
        rows = math.prod(a.shape[:-1])
        if nb == 2 and a.shape[-1] != b.shape[0]:
            raise _mm_shape_error(rows, a.shape[-1], b.shape[0], b.shape[1])
        if nb == 1 and a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{a.shape[-1]}), "
                               f"vec ({b.shape[0]})")
    else:
        _broadcast_batch(a.shape[:-2] if na > 2 else (), b.shape[:-2])
        if a.shape[-1] != b.shape[-2]:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{int(np.prod(b.shape[:-2]))}, {a.shape[-1]}] but got: "
                               f"[{int(np.prod(b.shape[:-2]))}, {b.shape[-2]}].")
    if a.dtype != b.dtype:
        if na > 2 and nb > 2:
            raise RuntimeError(f"expected scalar type {_cap(input)} but found {_cap(other)}")
        _same_dtype_mm(input, other)
    if a.dtype == np.bool_:
        _check_bool("bmm" if na > 2 and nb > 2 else "addmm_impl_cpu_", input)
    if na == 1 and nb == 2:
        return VecMat.apply(input, other)
    return Matmul.apply(input, other)


def _check_add_dtypes(inp, x, y) -> None:
    if not (inp._data.dtype == x._data.dtype == y._data.dtype):
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_cap(inp)} and "
                           f"{_cap(y) if inp._data.dtype == x._data.dtype else _cap(x)}")


def _check_out_broadcast(inp, shape, name) -> None:
    """`input` must broadcast to the product's shape (it is never the one that grows)."""
    s = inp._data.shape
    lead = len(shape) - len(s)
    if lead < 0 or any(n != 1 and n != shape[i + lead] for i, n in enumerate(s)):
        raise RuntimeError(f"{name}: the expanded size of input {list(s)} must match the shape "
                           f"of the product {list(shape)}")


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2) (AddmmBackward0); input broadcasts."""
    _check_tensors("addmm", input, mat1, mat2)
    a, b = mat1._data, mat2._data
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError(f"{'mat1' if a.ndim != 2 else 'mat2'} must be a matrix, got "
                           f"{a.ndim if a.ndim != 2 else b.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        raise _mm_shape_error(a.shape[0], a.shape[1], b.shape[0], b.shape[1])
    _check_add_dtypes(input, mat1, mat2)
    _check_bool("addmm_impl_cpu_", mat1)
    _check_out_broadcast(input, (a.shape[0], b.shape[1]), "addmm")
    return Addmm.apply(input, mat1, mat2, beta=beta, alpha=alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec) (AddmvBackward0)."""
    _check_tensors("addmv", input, mat, vec)
    mv(mat, vec)  # validation of the product
    _check_add_dtypes(input, mat, vec)
    _check_out_broadcast(input, (mat._data.shape[0],), "addmv")
    return Addmv.apply(input, mat, vec, beta=beta, alpha=alpha)


def _check_batches(b1, b2) -> None:
    a, b = b1._data, b2._data
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{a.shape[0]} and {b.shape[0]}")
    if a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({a.shape[1]}x{a.shape[2]} and "
                           f"{b.shape[1]}x{b.shape[2]})")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * bmm(batch1, batch2) (BaddbmmBackward0)."""
    _check_tensors("baddbmm", input, batch1, batch2)
    _check_batches(batch1, batch2)
    _check_add_dtypes(input, batch1, batch2)
    _check_bool("baddbmm_cpu", batch1)
    a, b = batch1._data, batch2._data
    _check_out_broadcast(input, (a.shape[0], a.shape[1], b.shape[2]), "baddbmm")
    return Baddbmm.apply(input, batch1, batch2, beta=beta, alpha=alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_b batch1[b] @ batch2[b] (AddbmmBackward0)."""
    _check_tensors("addbmm", input, batch1, batch2)
    _check_batches(batch1, batch2)
    _check_add_dtypes(input, batch1, batch2)
    _check_bool("addbmm_cpu", batch1)
    a, b = batch1._data, batch2._data
    _check_out_broadcast(input, (a.shape[1], b.shape[2]), "addbmm")
    return Addbmm.apply(input, batch1, batch2, beta=beta, alpha=alpha, reduce_batch=True)


# ---- composites ------------------------------------------------------------------------------


def outer(input, vec2, *, out=None):
    """Outer product of two vectors: input[:, None] * vec2 (PyTorch's MulBackward0)."""
    _check_tensors("outer", input, vec2)
    if input._data.ndim != 1 or vec2._data.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input._data.ndim}-D"
                           if input._data.ndim != 1 else
                           f"outer: Expected 1-D argument vec2, but got {vec2._data.ndim}-D")
    return _s.reshape(input, (-1, 1)) * vec2


ger = outer


def tensordot(a, b, dims=2, out=None):
    """Contract `dims` trailing dims of a with leading dims of b (or the listed dim pairs)."""
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, int) or (isinstance(dims, _op.Tensor) and dims._data.ndim == 0):
        k = int(dims)
        if k < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={k}")
        if k > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={k}")
        da, db = list(range(na - k, na)), list(range(k))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        if len(da) != len(db):
            raise RuntimeError(f"both dimension lists should have same length, but got "
                               f"{len(da)} and {len(db)}")
        da = [d % max(na, 1) for d in da]
        db = [d % max(nb, 1) for d in db]
    for i, j in zip(da, db):  # a size-1 dim against a longer one: the longer side is summed
        if a._data.shape[i] == 1 and b._data.shape[j] != 1:
            b = b.sum(j, keepdim=True)
        elif b._data.shape[j] == 1 and a._data.shape[i] != 1:
            a = a.sum(i, keepdim=True)
        elif a._data.shape[i] != b._data.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a._data.shape[i]} in dim {i} and second has size "
                               f"{b._data.shape[j]} in dim {j}")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {_cap(a)} but found {_cap(b)}")
    free_a = [i for i in range(na) if i not in da]
    free_b = [j for j in range(nb) if j not in db]
    sa, sb = a._data.shape, b._data.shape
    m = int(np.prod([sa[i] for i in free_a]))
    k = int(np.prod([sa[i] for i in da]))
    n = int(np.prod([sb[j] for j in free_b]))
    am = _s.reshape(_s.permute(a, free_a + da), (m, k))
    bm = _s.reshape(_s.permute(b, db + free_b), (k, n))
    return _s.reshape(mm(am, bm), tuple(sa[i] for i in free_a) + tuple(sb[j] for j in free_b))


def inner(input, other, *, out=None):
    """Sum over the last dims of both (dot for vectors; a scalar times a tensor for 0-d)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    if input._data.shape[-1] != other._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input._data.shape)} and {list(other._data.shape)}")
    if input._data.ndim == 1 and other._data.ndim == 1:
        return dot(input, other)
    return tensordot(input, other, ([-1], [-1]))


def kron(input, other, *, out=None):
    """Kronecker product: every block input[i] * other, laid out block by block."""
    na, nb = input._data.ndim, other._data.ndim
    n = max(na, nb)
    sa = (1,) * (n - na) + input._data.shape
    sb = (1,) * (n - nb) + other._data.shape
    # interleave dims: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...)
    a = _s.reshape(input, tuple(d for s in sa for d in (s, 1)))
    b = _s.reshape(other, tuple(d for s in sb for d in (1, s)))
    return _s.reshape(a * b, tuple(x * y for x, y in zip(sa, sb)))


class Cross(Op):
    """Cross product of 3-vectors along a dim (LinalgCrossBackward0)."""

    node_name = "LinalgCrossBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dim):
        ctx.dim = dim
        return array_module(x).cross(x, y, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        d = ctx.dim
        gx = Cross.apply(y, grad, d) if ctx.needs_input_grad[0] else None
        gy = Cross.apply(grad, x, d) if ctx.needs_input_grad[1] else None
        return gx, gy, None


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along `dim` (the first size-3 dim when None, as PyTorch)."""
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = np.broadcast_shapes(input._data.shape, other._data.shape)
    n = len(shape)
    if dim is None:
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    dim %= n
    if input._data.shape[dim] != 3 or other._data.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input._data.shape[dim]} and {other._data.shape[dim]}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"expected scalar type {_cap(input)} but found {_cap(other)}")
    return Cross.apply(input, other, dim)


@with_out
def chain_matmul(*matrices):
    """Product of a chain of matrices, left to right."""
    result = matrices[0]
    for m in matrices[1:]:
        result = mm(result, m)
    return result


# ---- einsum --------------------------------------------------------------------------------


def _parse_einsum(equation: str, shapes) -> tuple:
    """Spell an equation out with one letter per dim (no '...', explicit output), as torch reads it.

    Returns (input letter lists, output letters, size of each letter).
    """
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for c in eq.replace("...", "").replace(",", "").replace("->", ""):
        if c not in string.ascii_letters:
            raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(c)} in the "
                               "equation string, subscripts must be in [a-zA-Z]")
    free = iter(c for c in string.ascii_letters if c not in eq)
    n_ell = 0
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        if "..." in term:
            n_ell = max(n_ell, len(shape) - named)
        elif named != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does "
                               f"not match the number of dimensions ({len(shape)}) for operand {i} "
                               "and no ellipsis was given")
    ell = [next(free) for _ in range(n_ell)]
    ops = []
    sizes = {}
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        pre, _, post = term.partition("...")
        k = len(shape) - len(pre) - len(post)
        letters = list(pre) + (ell[n_ell - k:] if k else []) + list(post)
        for c, n in zip(letters, shape):
            seen = sizes.get(c, 1)
            if seen != n and seen != 1 and n != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which "
                                   f"does not broadcast with previously seen size {seen}")
            sizes[c] = max(seen, n)
        ops.append(letters)
    if arrow:
        pre, _, post = rhs.partition("...")
        out = list(pre) + (ell if "..." in rhs else []) + list(post)
        for c in out:
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the "
                                   "output")
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
    else:
        counts = {}
        for letters in ops:
            for c in letters:
                counts[c] = counts.get(c, 0) + 1
        out = ell + sorted(c for c, n in counts.items() if n == 1 and c not in ell)
    return ops, out, sizes


def _einsum_arrays(xp, spec, arrays):
    ops, out = spec
    eq = ",".join("".join(o) for o in ops) + "->" + "".join(out)
    if _is_half(arrays[0].dtype):
        res = xp.einsum(eq, *(a.astype(np.float32) for a in arrays), optimize=len(arrays) > 1)
        return xp.asarray(res).astype(arrays[0].dtype)
    return xp.asarray(xp.einsum(eq, *arrays, optimize=len(arrays) > 1))


class Einsum(Op):
    """Einstein summation; the gradient of each operand is itself an einsum of the others."""

    @staticmethod
    def forward(ctx, *arrays, spec, sizes):
        ctx.spec = (spec, sizes)
        return _einsum_arrays(array_module(arrays[0]), spec, arrays)

    @staticmethod
    def backward(ctx, grad):
        (ops, out), sizes = ctx.spec
        xs = ctx.inputs
        return tuple(_einsum_grad(grad, xs, ops, out, sizes, i) if need else None
                     for i, need in enumerate(ctx.needs_input_grad))


def _einsum_grad(grad, xs, ops, out, sizes, i):
    """d out / d operand i: contract grad with the other operands onto operand i's letters.

    Repeated letters (diagonals) pair with an identity matrix, letters of size 1 that broadcast
    get fresh letters, and letters found nowhere else come from a vector of ones.
    """
    xp = array_module(grad._data)
    used = set(out).union(*ops)
    free = iter(c for c in string.ascii_letters if c not in used)
    terms = [out] + [o for j, o in enumerate(ops) if j != i]
    args = [grad] + [x for j, x in enumerate(xs) if j != i]
    target = []
    np_dtype = grad._data.dtype
    shape_i = xs[i]._data.shape
    for c, n in zip(ops[i], shape_i):
        if c in target:  # a diagonal: tie the fresh letter to c through an identity matrix
            f = next(free)
            terms.append([c, f])
            args.append(_op._new_tensor(xp.eye(n, dtype=np_dtype)))
            c = f
        elif n == 1 and sizes[c] != 1:  # broadcast along c: the gradient sums over it
            c = next(free)
        target.append(c)
    present = set().union(*terms)
    for c, n in zip(target, shape_i):
        if c not in present:
            terms.append([c])
            args.append(_op._new_tensor(xp.ones(n, dtype=np_dtype)))
    return _einsum_apply(args, (terms, target), sizes)


_EINSUM_CLASSES: dict = {}


def _einsum_apply(tensors, spec, sizes):
    n = len(tensors)
    cls = _EINSUM_CLASSES.get(n)
    if cls is None:  # an Einsum node that saves all of its n inputs
        cls = type(f"Einsum{n}", (Einsum,), {"save_inputs": tuple(range(n)),
                                             "node_name": "EinsumBackward0"})
        _EINSUM_CLASSES[n] = cls
    return cls.apply(*tensors, spec=spec, sizes=sizes)


def einsum(equation, *operands):
    """Einstein summation over the operands (also einsum(eq, [a, b])); '...' broadcasts."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError("einsum(): argument 'equation' must be str")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for t in operands:
        if not isinstance(t, _op.Tensor):
            raise TypeError(f"einsum(): argument 'tensors' must be tuple of Tensors, not "
                            f"{type(t).__name__}")
    d0 = operands[0]._data.dtype
    for t in operands[1:]:
        if t._data.dtype != d0:
            raise RuntimeError(f"expected scalar type {_cap(operands[0])} but found {_cap(t)}")
    ops, out, sizes = _parse_einsum(equation, [t._data.shape for t in operands])
    return _einsum_apply(operands, (ops, out), sizes)
