"""Factorisations in LAPACK's packed form: LU with partial pivoting (lu_factor(_ex), lu,
lu_unpack, lu_solve), Householder QR (geqrf, householder_product/orgqr, ormqr) and LDL^T.

getrf is written over the batch (ops/_lapack.py); LU's backward follows A = P L U, folding the
extra rows of a tall L or columns of a wide U into the square formula. The Householder product is
built reflector by reflector from ember ops, so its gradient is autograd's.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from . import shape as _s
from ._lapack import (
    LinAlgError,
    SolveTriangular,
    _batch,
    _mat,
    _mH,
    _outputs,
    _right_solve_rh,
    getrf,
    perm_matrix,
    sytf2,
    sytrs,
    triangle,
)
from ._op import Op
from ._output import with_out
from .sorting import return_type

# ---- LU ---------------------------------------------------------------------------------------


class LuFactor(Op):
    """Packed LU with partial pivoting: (LU, pivots, info); pivots and info are integers."""

    node_name = "LinalgLuFactorExBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        lu, piv, info = getrf(a)
        ctx.keep = (lu, piv, info)
        return lu, piv, info

    @staticmethod
    def backward(ctx, glu, _p, _i):
        lu_t = _outputs(ctx, LuFactor)[0]
        lu, piv = ctx.keep[:2]
        m, n = lu.shape[-2:]
        k = min(m, n)
        low, up = _unpack(lu_t, k)
        pm = _op._new_tensor(perm_matrix(piv, m, lu.dtype))
        return _lu_backward(pm, low, up, glu.tril(-1)[..., :, :k], glu.triu()[..., :k, :])


def _unpack(lu, k: int):
    """L (unit lower, m x k) and U (upper, k x n) from a packed LU (differentiable)."""
    xp = array_module(lu._data)
    m = lu.shape[-2]
    eye = _op._new_tensor(xp.eye(m, k, dtype=lu._data.dtype))
    return lu[..., :, :k].tril(-1) + eye, lu[..., :k, :].triu()


def _lu_backward(pm, low, up, gl, gu):
    """A = P L U: gA = P L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H, with the extra rows of a
    tall L or the extra columns of a wide U folded in first."""
    m, n = low.shape[-2], up.shape[-1]
    k = min(m, n)
    if m > k:  # tall: B = P^T A = [L1; L2] U, L2 = B2 U^-1
        l1, l2, gl1, gl2 = low[..., :k, :], low[..., k:, :], gl[..., :k, :], gl[..., k:, :]
        gb2 = _right_solve_rh(up, gl2)
        gu = gu - _mH(l2) @ gb2
        gb1 = _lu_square(l1, up, gl1, gu)
        return pm @ _s.cat([gb1, gb2], -2)
    if n > k:  # wide: P^T A = L [U1 | U2], U2 = L^-1 B2
        u1, u2, gu1, gu2 = up[..., :, :k], up[..., :, k:], gu[..., :, :k], gu[..., :, k:]
        gb2 = SolveTriangular.apply(_mH(low), gu2, True, True, True)
        gl = gl - gb2 @ _mH(u2)
        return pm @ _s.cat([_lu_square(low, u1, gl, gu1), gb2], -1)
    return pm @ _lu_square(low, up, gl, gu)


def _lu_square(low, up, gl, gu):
    """L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H for square L (unit lower) and U."""
    phi = (_mH(low) @ gl).tril(-1) + (gu @ _mH(up)).triu()
    x = SolveTriangular.apply(_mH(low), phi, True, True, True)
    return _right_solve_rh(up, x)


class Lu(Op):
    """(P, L, U) with A = P L U; P carries no gradient."""

    node_name = "LinalgLuBackward0"
    non_differentiable = (0,)
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        lu, piv, _ = getrf(a)
        m, n = a.shape[-2:]
        k = min(m, n)
        pm = perm_matrix(piv, m, a.dtype)
        low = triangle(xp, lu[..., :, :k], False, True)
        up = xp.triu(lu[..., :k, :])
        ctx.keep = (pm, low, up)
        return pm, low, up

    @staticmethod
    def backward(ctx, _, gl, gu):
        pm, low, up = _outputs(ctx, Lu)
        return _lu_backward(pm, low, up, gl.tril(-1), gu.triu())


_lu_factor_ex_t = return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
_lu_factor_t = return_type("linalg_lu_factor", ("LU", "pivots"))
_lu_t = return_type("linalg_lu", ("P", "L", "U"))
_lu_unpack_t = return_type("lu_unpack", ("P", "L", "U"))


def _check_pivot(pivot: bool, name: str) -> None:
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


@with_out
def lu_factor_ex(A, *, pivot: bool = True, check_errors: bool = False, out=None):
    """Packed LU with partial pivoting, 1-based int32 pivots and LAPACK's info (no error)."""
    _mat(A, "torch.linalg.lu_factor_ex", square=False)
    _check_pivot(pivot, "linalg.lu_factor")
    return _lu_factor_ex_t(*LuFactor.apply(A))


@with_out
def lu_factor(A, *, pivot: bool = True, out=None):
    """Packed LU and pivots; an exactly zero pivot raises, as torch's."""
    _mat(A, "torch.linalg.lu_factor", square=False)
    _check_pivot(pivot, "linalg.lu_factor")
    lu_, piv, info = LuFactor.apply(A)
    if bool(array_module(info._data).any(info._data > 0)):
        prefix, k = _batch("torch.linalg.lu_factor: ", info._data, A._data.ndim > 2)
        raise RuntimeError(f"{prefix}U[{k},{k}] is zero and using it on lu_solve would result in "
                           "a division by zero. If you still want to perform the factorization, "
                           "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _lu_factor_t(lu_, piv)


def _linalg_lu(A, *, pivot: bool = True, out=None):
    _mat(A, "linalg.lu", square=False)
    _check_pivot(pivot, "linalg.lu")
    return _lu_t(*Lu.apply(A))


@with_out
def lu(A, pivot: bool = True, get_infos: bool = False, out=None):
    """The deprecated torch.lu: (A_LU, pivots[, infos]) through lu_factor_ex."""
    res = lu_factor_ex(A, pivot=pivot)
    return tuple(res) if get_infos else (res[0], res[1])


@with_out
def lu_unpack(LU_data, LU_pivots, unpack_data: bool = True, unpack_pivots: bool = True, *,
              out=None):
    """(P, L, U) from lu_factor's packed result; parts not asked for are empty."""
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    xp = array_module(LU_data._data)
    empty = _op._new_tensor(xp.zeros((0,), LU_data._data.dtype))
    nothing = LU_data.reshape(-1)[:0]  # empty, yet on LU_data's graph as torch's
    low, up = _unpack(LU_data, k) if unpack_data else (nothing, nothing)
    pm = empty
    if unpack_pivots:
        pm = _op._new_tensor(perm_matrix(LU_pivots._data, m, LU_data._data.dtype))
    return _lu_unpack_t(pm, low, up)


@with_out
def lu_solve(LU, pivots, B, *, left: bool = True, adjoint: bool = False, out=None):
    """X with A X = B (A^H X = B with adjoint; X A = B with left=False) from A's packed LU."""
    name = "linalg.lu_solve"
    _mat(LU, name, "LU")
    n = LU.shape[-1]
    low, up = _unpack(LU, n)
    pm = _op._new_tensor(perm_matrix(pivots._data, n, LU._data.dtype))
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return _mH(lu_solve(LU, pivots, _mH(B), adjoint=not adjoint))
    if adjoint:  # A^H = U^H L^H P^T
        y = SolveTriangular.apply(_mH(up), B, False, True, False)
        return pm @ SolveTriangular.apply(_mH(low), y, True, True, True)
    y = SolveTriangular.apply(low, pm.mT @ B, False, True, True)
    return SolveTriangular.apply(up, y, True, True, False)


def _lu_solve_top(b, LU_data, LU_pivots, *, out=None):
    return lu_solve(LU_data, LU_pivots, b)


# ---- Householder reflectors -------------------------------------------------------------------


@with_out
def householder_product(A, tau, *, out=None):
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^H, v_i from A's columns
    below the diagonal (LAPACK's orgqr), built reflector by reflector."""
    name = "torch.linalg.householder_product"
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if n < k:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    xp = array_module(A._data)
    q = A * 0 + _op._new_tensor(xp.eye(m, n, dtype=A._data.dtype))
    unit = _op._new_tensor(xp.tril(xp.ones((m, k), dtype=A._data.dtype), -1))
    vs = A[..., :, :k] * unit + _op._new_tensor(xp.eye(m, k, dtype=A._data.dtype))
    for i in range(k - 1, -1, -1):
        v = vs[..., :, i:i + 1]
        q = q - (tau[..., i, None, None] * v) @ (_mH(v) @ q)
    return q


def orgqr(input, tau):
    """Q's first n columns from geqrf's reflectors (householder_product)."""
    return householder_product(input, tau)


@with_out
def ormqr(input, tau, other, left: bool = True, transpose: bool = False, *, out=None):
    """Q C, Q^H C, C Q or C Q^H for the full m x m Q of geqrf's reflectors."""
    m = input.shape[-2]
    k = tau.shape[-1]
    pad = _s.cat([input[..., :, :k], input[..., :, :1].expand(input.shape[:-1] + (m - k,)) * 0],
                 -1) if m > k else input[..., :, :m]
    q = householder_product(pad, tau)
    q = _mH(q) if transpose else q
    return q @ other if left else other @ q


_geqrf_t = return_type("geqrf", ("a", "tau"))


@with_out
def geqrf(input, *, out=None):
    """LAPACK's packed QR: R on and above the diagonal, reflectors below, and their scales."""
    d = input._data
    if d.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    xp = array_module(d)
    flat = d.reshape((math.prod(d.shape[:-2]),) + d.shape[-2:])
    k = min(d.shape[-2:])
    hs, taus = [], []
    for a in flat:
        h, tau = xp.linalg.qr(a, mode="raw")
        hs.append(h.T)
        taus.append(tau)
    a = xp.stack(hs).reshape(d.shape) if hs else xp.zeros(d.shape, d.dtype)
    tau = xp.stack(taus).reshape(d.shape[:-2] + (k,)) if taus else xp.zeros(d.shape[:-2] + (k,))
    a, tau = a.astype(d.dtype, copy=False), tau.astype(d.dtype, copy=False)
    return _geqrf_t(_op._new_tensor(a), _op._new_tensor(tau))


# ---- LDL^T ----------------------------------------------------------------------------------

_ldl_factor_ex_t = return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
_ldl_factor_t = return_type("linalg_ldl_factor", ("LD", "pivots"))


def _host_batch(t):
    """(host array as a stack of matrices, batch shape) of a tensor."""
    d = np.asarray(t._host())
    return d.reshape((math.prod(d.shape[:-2]),) + d.shape[-2:]), d.shape[:-2]


@with_out
def ldl_factor_ex(A, *, hermitian: bool = False, check_errors: bool = False, out=None):
    """Bunch-Kaufman LDL^T of symmetric (hermitian) matrices from their lower triangle:
    (LD, pivots, info), as LAPACK sytrf. Not differentiable, as in torch."""
    name = "torch.linalg.ldl_factor_ex"
    _mat(A, name)
    flat, batch = _host_batch(A)
    res = [sytf2(m, hermitian and A.dtype.is_complex) for m in flat]
    ld = np.array([r[0] for r in res], dtype=flat.dtype).reshape(A.shape)
    piv = np.array([r[1] for r in res], dtype=np.int32).reshape(A.shape[:-1])
    info = np.array([r[2] for r in res], dtype=np.int32).reshape(batch)
    if check_errors and info.any():
        raise LinAlgError(f"{name}: The factorization could not be completed because the input "
                          "is singular.")
    xp = array_module(A._data)
    return _ldl_factor_ex_t(*(_op._new_tensor(xp.asarray(x)) for x in (ld, piv, info)))


@with_out
def ldl_factor(A, *, hermitian: bool = False, out=None):
    """(LD, pivots) of ldl_factor_ex; a zero pivot column raises, as torch's."""
    ld, piv, info = ldl_factor_ex(A, hermitian=hermitian)
    if bool(array_module(info._data).any(info._data)):
        prefix, k = _batch("torch.linalg.ldl_factor: ", info._data, A._data.ndim > 2)
        raise RuntimeError(f"{prefix}The factorization could not be completed because the "
                           f"diagonal element {k} of D is zero.")
    return _ldl_factor_t(ld, piv)


@with_out
def ldl_solve(LD, pivots, B, *, hermitian: bool = False, out=None):
    """X with A X = B from ldl_factor's (LD, pivots) (LAPACK sytrs). Not differentiable."""
    name = "torch.linalg.ldl_solve"
    _mat(LD, name, "LD")
    if B._data.ndim < 2:
        raise RuntimeError(f"{name}: B must have at least 2 dimensions.")
    if LD.dtype != B.dtype:
        raise RuntimeError(f"{name}: LD dtype {LD.dtype} does not match b dtype {B.dtype}")
    shape = np.broadcast_shapes(LD.shape[:-2], B.shape[:-2])
    ld = np.broadcast_to(np.asarray(LD._host()), shape + LD.shape[-2:]).reshape(
        (-1,) + LD.shape[-2:])
    piv = np.broadcast_to(np.asarray(pivots._host()), shape + LD.shape[-1:]).reshape(
        (-1, LD.shape[-1]))
    b = np.broadcast_to(np.asarray(B._host()), shape + B.shape[-2:]).reshape(
        (-1,) + B.shape[-2:])
    x = [sytrs(m, p, r, hermitian and LD.dtype.is_complex) for m, p, r in zip(ld, piv, b)]
    x = np.array(x, dtype=b.dtype).reshape(shape + B.shape[-2:])
    return _op._new_tensor(array_module(LD._data).asarray(x))
