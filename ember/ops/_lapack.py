"""Array-level LAPACK routines NumPy does not expose, over a batch: LU with partial pivoting
(getrf, with LAPACK's pivots and zero-pivot info), triangular substitution, the failing minor of
Cholesky, and the unpacking helpers. No autograd here: ops/decomposition.py builds on these.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from ._op import Op
from ._output import _cap, with_out

# ---- LU with partial pivoting, over the batch ---------------------------------------------


def getrf(a):
    """LAPACK getrf over a batch: (packed LU, 1-based int32 pivots, int32 info) of a (..., m, n).

    info is the 1-based index of the first exactly zero pivot (0 when none), as LAPACK's."""
    xp = array_module(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    lu = a.reshape((math.prod(batch), m, n)).copy()
    b = lu.shape[0]
    if b == 1:
        f, piv, info = _getrf_one(xp, lu[0])
        return f.reshape(a.shape), piv.reshape(batch + (k,)), xp.asarray(info).reshape(batch)
    piv = xp.zeros((b, k), dtype=np.int32)
    info = xp.zeros(b, dtype=np.int32)
    rows = xp.arange(b)
    for j in range(k):
        p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=1)
        piv[:, j] = p + 1
        top = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = top
        d = lu[:, j, j]
        zero = d == 0
        info[(info == 0) & zero] = j + 1
        lu[:, j + 1:, j] /= xp.where(zero, 1, d)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), piv.reshape(batch + (k,)), info.reshape(batch)


def _getrf_one(xp, lu):
    """getrf of one matrix in place, with plain slices (the batch path's fancy indexing costs
    more than the arithmetic on small matrices)."""
    m, n = lu.shape
    k = min(m, n)
    piv = xp.zeros(k, dtype=np.int32)
    info = 0
    for j in range(k):
        p = j + int(xp.argmax(xp.abs(lu[j:, j])))
        piv[j] = p + 1
        if p != j:
            lu[[j, p]] = lu[[p, j]]
        d = lu[j, j]
        if d == 0:  # the column below is zero too: nothing to eliminate
            info = info or j + 1
            continue
        lu[j + 1:, j] /= d
        lu[j + 1:, j + 1:] -= xp.multiply.outer(lu[j + 1:, j], lu[j, j + 1:])
    return lu, piv, np.int32(info)


def perm(piv, m: int):
    """Row permutation (as indices) that LAPACK's 1-based swap list `piv` applies, over a batch."""
    xp = array_module(piv)
    batch = piv.shape[:-1]
    nb = math.prod(batch)
    p = xp.broadcast_to(xp.arange(m), batch + (m,)).reshape(nb, m).copy()
    sw = piv.reshape(nb, piv.shape[-1]).astype(np.int64) - 1
    rows = xp.arange(p.shape[0])
    for j in range(sw.shape[1]):
        a = p[rows, j].copy()
        p[rows, j] = p[rows, sw[:, j]]
        p[rows, sw[:, j]] = a
    return p.reshape(batch + (m,))


def perm_matrix(piv, m: int, dtype):
    """P with A = P L U: P[perm[i], i] = 1."""
    xp = array_module(piv)
    order = perm(piv, m)
    eye = xp.eye(m, dtype=dtype)
    return xp.swapaxes(eye[order], -1, -2)


def singular_info(a):
    """getrf's info for each matrix of a batch (which diagonal element of U is zero)."""
    return getrf(a)[2]


def triangle(xp, a, upper: bool, unit: bool):
    t = xp.triu(a) if upper else xp.tril(a)
    if unit:
        t = t.copy()
        idx = xp.arange(a.shape[-1])
        t[..., idx, idx] = 1
    return t


def substitute(xp, t, b, upper: bool):
    """Back (upper) or forward substitution, row by row over the batch (no pivoting)."""
    n = t.shape[-1]
    x = xp.zeros(b.shape, dtype=np.result_type(t, b))
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in order:
            acc = b[..., i, :] - xp.einsum("...j,...jk->...k", t[..., i, :], x)
            x[..., i, :] = acc / t[..., i, i, None]
    return x


def cholesky_info(xp, a):
    """Order of the first leading minor that is not positive-definite, per matrix (0: none)."""
    batch = a.shape[:-2]
    flat = a.reshape((math.prod(batch),) + a.shape[-2:])
    info = xp.zeros(flat.shape[0], dtype=np.int32)
    for i, m in enumerate(flat):
        lo, hi = 0, m.shape[-1]  # minors up to lo are positive-definite
        try:
            xp.linalg.cholesky(m)
            continue
        except np.linalg.LinAlgError:
            pass
        while hi - lo > 1:
            mid = (lo + hi) // 2
            try:
                xp.linalg.cholesky(m[:mid, :mid])
                lo = mid
            except np.linalg.LinAlgError:
                hi = mid
        info[i] = hi
    return info.reshape(batch)


def cholesky_partial(xp, a):
    """The lower factor computed column by column until a pivot is not positive (as potrf)."""
    low = xp.tril(a).astype(a.dtype, copy=True)
    n = a.shape[-1]
    for j in range(n):
        d = low[..., j, j] - xp.sum(low[..., j, :j] ** 2, axis=-1)
        ok = d > 0
        low[..., j, j] = xp.where(ok, xp.sqrt(xp.where(ok, d, 1)), d)
        rest = low[..., j + 1:, j] - xp.einsum("...ik,...k->...i", low[..., j + 1:, :j],
                                               low[..., j, :j])
        low[..., j + 1:, j] = xp.where(ok[..., None], rest / low[..., j, j, None],
                                       low[..., j + 1:, j])
    return low


def lu_solve_arrays(lu, piv, b):
    """A^-1 b from getrf's packed factors, on arrays (the forward of inv_ex's singular case)."""
    xp = array_module(lu)
    n = lu.shape[-1]
    order = perm(piv, n)
    pb = xp.take_along_axis(b, order[..., :, None], axis=-2)
    y = substitute(xp, triangle(xp, lu, False, True), pb, False)
    return substitute(xp, xp.triu(lu), y, True)


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (singular, not positive-definite)."""


LinAlgError.__module__ = "torch._C"
LinAlgError.__qualname__ = LinAlgError.__name__ = "_LinAlgError"


# ---- checks and helpers --------------------------------------------------------------------------------


def _mH(t):
    """Conjugate transpose of the last two dims (a transpose for real tensors)."""
    t = t.mT
    return t.conj() if t.dtype.is_complex else t


def _mat(t, name: str, arg: str = "A", square: bool = True, half: bool = False) -> None:
    """torch's checks: at least 2-D, floating (half types only where `half`), square when asked."""
    d = t._data
    if d.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if not half or d.dtype.itemsize != 2:
        _floating(t, name)
    if square and d.shape[-1] != d.shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are "
                           f"{d.shape[-2]} by {d.shape[-1]} matrices")


def _floating(t, name: str) -> None:
    dt = t.dtype
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_cap(dt)}")
    if t._data.dtype.itemsize == 2:
        kernel = _HALF_KERNELS.get(name)
        if kernel:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_cap(dt)}\'')
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_cap(dt)}")


# the LAPACK kernel whose missing half-precision version torch names (else "Low precision")
_HALF_KERNELS = {
    "linalg.det": "lu_cpu", "linalg.solve": "lu_cpu", "linalg.solve_ex": "lu_cpu",
    "linalg.lu": "lu_cpu", "torch.linalg.lu_factor": "lu_cpu",
    "torch.linalg.lu_factor_ex": "lu_cpu", "linalg.lu_solve": "lu_cpu",
    "linalg.cholesky": "cholesky_cpu", "cholesky": "cholesky_cpu",
    "linalg.cholesky_ex": "cholesky_cpu", "linalg.qr": "geqrf_cpu",
    "linalg.svd": "linalg_svd_cpu", "linalg.svdvals": "linalg_svd_cpu",
    "linalg.cond": "linalg_svd_cpu", "linalg.eigh": "linalg_eigh_cpu",
    "linalg.eigvalsh": "linalg_eigh_cpu", "linalg.eig": "linalg_eig_out_cpu",
    "linalg.eigvals": "linalg_eig_out_cpu", "linalg.solve_triangular": "triangular_solve_cpu",
    "torch.linalg.ldl_factor_ex": "ldl_factor_kernel_cpu",
}


def _same_dtype(a, b, name: str) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{_cap(a.dtype)} and B of type {_cap(b.dtype)} instead")


def _batch(prefix: str, infos, batched: bool):
    """(message prefix, first failing info) for the first batch element with info > 0."""
    xp = array_module(infos)
    flat = xp.asarray(infos).reshape(-1)
    i = int(xp.flatnonzero(flat > 0)[0])
    return (f"{prefix}(Batch element {i}): " if batched else prefix), int(flat[i])


def _real(np_dtype):
    """The real dtype of a (possibly complex) NumPy dtype: float32 for complex64."""
    return np.finfo(np_dtype).dtype


def _eye_like(x, n: int):
    return _op._new_tensor(array_module(x._data).eye(n, dtype=x._data.dtype))


def _outputs(ctx, op, *args):
    """A decomposition's outputs for its backward: under create_graph, recomputed from the saved
    input so that they carry history (second derivatives); else the arrays forward kept."""
    if _op._grad_state.enabled:
        (a,) = ctx.inputs
        if a.requires_grad:
            return op.apply(a, *args)
    return tuple(_op._new_tensor(x) for x in ctx.keep)


# ---- triangular solve ----------------------------------------------------------------------


class SolveTriangular(Op):
    node_name = "LinalgSolveTriangularBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, b, upper, left, unit):
        xp = array_module(a)
        ctx.opts = (upper, left, unit)
        ctx.save_output()
        t = triangle(xp, a, upper, unit)
        if not left:
            t, b = xp.swapaxes(t, -1, -2), xp.swapaxes(b, -1, -2)
        shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
        t = xp.broadcast_to(t, shape + t.shape[-2:])
        b = xp.broadcast_to(b, shape + b.shape[-2:])
        try:
            x = xp.linalg.solve(t, b)
        except np.linalg.LinAlgError:  # a zero on the diagonal: substitution gives inf/nan
            x = substitute(xp, t, b, upper != (not left))
        return x if left else xp.swapaxes(x, -1, -2)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        upper, left, unit = ctx.opts
        x = ctx.output
        gb = SolveTriangular.apply(_mH(a), grad, not upper, left, unit)
        if not ctx.needs_input_grad[0]:
            return None, gb
        ga = -(gb @ _mH(x)) if left else -(_mH(x) @ gb)
        ga = ga.triu(int(unit)) if upper else ga.tril(-int(unit))
        return ga, gb


@with_out
def solve_triangular(A, B, *, upper: bool, left: bool = True, unitriangular: bool = False,
                     out=None):
    """X with A X = B for triangular A (only its `upper` or lower triangle is read)."""
    name = "linalg.solve_triangular"
    _mat(A, name)
    if B._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    _same_dtype(A, B, name)
    n = A._data.shape[-1]
    k = B._data.shape[-2] if left else B._data.shape[-1]
    if k != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B._data.shape[-2]}x{B._data.shape[-1]})")
    return SolveTriangular.apply(A, B, upper, left, unitriangular)


def _right_solve_rh(r, c):
    """c R^-H for upper-triangular R: solve X R^H = c (R^H is lower)."""
    return SolveTriangular.apply(_mH(r), c, False, False, False)


# ---- the matrix exponential ------------------------------------------------------------

_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)


def expm(xp, a):
    """exp(A) by scaling and squaring with the degree-13 Pade approximant (Higham 2005)."""
    n = a.shape[-1]
    if n == 0 or a.size == 0:
        return a.copy()
    b = _PADE13
    norm = xp.abs(a).sum(axis=-2).max(axis=-1)
    with np.errstate(divide="ignore"):
        s = xp.maximum(0, xp.ceil(xp.log2(norm / 5.371920351148152))).astype(np.int64)
    x = a / (2.0 ** s)[..., None, None].astype(a.dtype)
    eye = xp.eye(n, dtype=a.dtype)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2
             + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 \
        + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for i in range(int(s.max()) if s.size else 0):
        r = xp.where((s > i)[..., None, None], r @ r, r)
    return r.astype(a.dtype, copy=False)


# ---- LDL^T with Bunch-Kaufman pivoting (sytrf, lower) ----------------------------------------

_BK_ALPHA = (1 + 17 ** 0.5) / 8


def _cabs1(x):
    """LAPACK's |re| + |im| (the plain absolute value for real numbers)."""
    return abs(x.real) + abs(x.imag) if np.iscomplexobj(x) else abs(x)


def sytf2(a, hermitian: bool):
    """Bunch-Kaufman LDL^T of one host matrix from its lower triangle: (LD, 1-based pivots,
    info); a 2x2 block's two pivots are both -(row swapped in), as LAPACK's sytf2 writes them."""
    a = np.tril(np.array(a, copy=True))
    n = a.shape[-1]
    cj = np.conj if hermitian else (lambda v: v)
    a = a + np.tril(cj(a), -1).T  # the full matrix the lower triangle stands for
    piv = np.zeros(n, dtype=np.int32)
    info = 0
    k = 0
    while k < n:
        step = 1
        absakk = abs(a[k, k].real) if hermitian else _cabs1(a[k, k])
        imax = k + 1 + int(np.argmax(_cabs1(a[k + 1:, k]))) if k < n - 1 else k
        colmax = _cabs1(a[imax, k]) if k < n - 1 else 0.0
        kp = k
        if max(absakk, colmax) == 0:
            info = info or k + 1
        elif absakk < _BK_ALPHA * colmax:
            row = _cabs1(a[imax, k:imax])
            rowmax = row.max() if row.size else 0.0
            if imax < n - 1:
                rowmax = max(rowmax, _cabs1(a[imax + 1:, imax]).max())
            diag = abs(a[imax, imax].real) if hermitian else _cabs1(a[imax, imax])
            if absakk >= _BK_ALPHA * colmax * (colmax / rowmax):
                kp = k
            elif diag >= _BK_ALPHA * rowmax:
                kp = imax
            else:
                kp, step = imax, 2
        kk = k + step - 1
        if kp != kk:  # interchange rows and columns kk and kp of the trailing matrix only
            a[[kk, kp], k:] = a[[kp, kk], k:]
            a[k:, [kk, kp]] = a[k:, [kp, kk]]
        if max(absakk, colmax) != 0:
            _sytf2_update(a, k, step, cj)
        piv[k:k + step] = kp + 1 if step == 1 else -(kp + 1)
        k += step
    return np.tril(a), piv, info


def _sytf2_update(a, k: int, step: int, cj) -> None:
    """Eliminate pivot block k (1x1 or 2x2) from the trailing matrix; store L's columns."""
    n = a.shape[-1]
    if step == 1:
        col = a[k + 1:, k] / a[k, k]
        a[k + 1:, k + 1:] -= np.outer(col, cj(a[k + 1:, k]))
        a[k + 1:, k] = col
        a[k, k + 1:] = 0
        return
    d = a[k:k + 2, k:k + 2].copy()
    d[0, 1] = cj(d[1, 0])
    if k + 2 < n:
        w = a[k + 2:, k:k + 2]
        l_cols = np.linalg.solve(d.T, w.T).T  # W D^-1
        a[k + 2:, k + 2:] -= l_cols @ cj(w).T
        a[k + 2:, k:k + 2] = l_cols
    a[k:k + 2, k + 2:] = 0
    a[k, k + 1] = 0


def sytrs(ld, piv, b, hermitian: bool):
    """Solve A X = B from sytf2's factors of one matrix (LAPACK sytrs, lower)."""
    x = np.array(b, copy=True, dtype=np.result_type(ld, b))
    n = ld.shape[-1]
    cj = np.conj if hermitian else (lambda v: v)
    k = 0
    while k < n:  # L D y = P^T b
        if piv[k] > 0:
            kp = piv[k] - 1
            x[[k, kp]] = x[[kp, k]]
            x[k + 1:] -= np.outer(ld[k + 1:, k], x[k])
            x[k] /= ld[k, k].real if hermitian else ld[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            x[[k + 1, kp]] = x[[kp, k + 1]]
            x[k + 2:] -= np.outer(ld[k + 2:, k], x[k]) + np.outer(ld[k + 2:, k + 1], x[k + 1])
            d = np.array([[ld[k, k], cj(ld[k + 1, k])], [ld[k + 1, k], ld[k + 1, k + 1]]])
            x[k:k + 2] = np.linalg.solve(d, x[k:k + 2])
            k += 2
    k = n - 1
    while k >= 0:  # L^T P^T x = y
        if piv[k] > 0:
            x[k] -= cj(ld[k + 1:, k]) @ x[k + 1:]
            kp = piv[k] - 1
            x[[k, kp]] = x[[kp, k]]
            k -= 1
        else:
            x[k] -= cj(ld[k + 1:, k]) @ x[k + 1:]
            x[k - 1] -= cj(ld[k + 1:, k - 1]) @ x[k + 1:]
            kp = -piv[k] - 1
            x[[k, kp]] = x[[kp, k]]
            k -= 2
    return x
