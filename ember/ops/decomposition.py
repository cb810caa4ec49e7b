"""Matrix decompositions and the functions built on them (det, inverse, svd, qr, cholesky, eig...).

Forward is one LAPACK call through the backend's `linalg` (NumPy's on the CPU) where it has one;
LU with partial pivoting (lu_factor, the pivots and the zero-pivot index of torch's errors) is
written here over the batch. Backward formulas are written in ember ops, so create_graph works.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from . import creation as _creation
from . import rearrange as _r
from . import reduction as _red
from . import shape as _s
from ._lapack import (
    LinAlgError,
    SolveTriangular,
    _batch,
    _eye_like,
    _mat,
    _mH,
    _outputs,
    _real,
    _right_solve_rh,
    _same_dtype,
    cholesky_info,
    cholesky_partial,
    expm,
    getrf,
    lu_solve_arrays,
    singular_info,
    solve_triangular,
)
from ._op import Op
from ._output import _cap, _out, with_out
from .decomposition_packed import _lu_solve_top as lu_solve
from .decomposition_packed import geqrf, lu, lu_unpack, orgqr, ormqr
from .decomposition_svd import SVD, _check_phase, _svdvals, svd
from .elementwise import where
from .sorting import return_type

__all__: list[str] = [
    "cholesky", "cholesky_inverse", "cholesky_solve", "det", "eig", "frobenius_norm", "geqrf",
    "inverse", "logdet", "lstsq", "lu", "lu_solve", "lu_unpack", "matrix_exp", "matrix_power",
    "matrix_rank", "nuclear_norm", "orgqr", "ormqr", "pca_lowrank", "pinverse", "qr", "slogdet",
    "svd", "svd_lowrank", "symeig", "trace", "triangular_solve", "vander",
]


# ---- det / slogdet --------------------------------------------------------------------------


class Det(Op):
    node_name = "LinalgDetBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        ctx.save_output()
        return array_module(a).linalg.det(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        d = ctx.output
        if a._data.shape[-1] == 0:
            return _op._new_tensor(array_module(a._data).zeros_like(a._data))
        if bool(array_module(d._data).all(d._data != 0)):
            dc = d.conj() if d.dtype.is_complex else d
            return (grad * dc)[..., None, None] * _mH(inv(a))
        return grad[..., None, None] * _cofactor(a)


def _cofactor(a):
    """The matrix of cofactors through the SVD (defined for singular matrices too)."""
    u, s, vh = SVD.apply(a, False)
    n = s.shape[-1]
    eye = _op._new_tensor(array_module(s._data).eye(n, dtype=bool))
    others = where(eye, 1.0, _s.expand(s[..., None, :], s.shape + (n,)))
    adj_s = others.prod(-1)
    sign = det(u.detach()) * det(vh.detach())
    return sign[..., None, None] * ((u * adj_s[..., None, :]) @ vh)


@with_out
def det(A, *, out=None):
    """Determinant of square matrices (LU; a singular matrix gets the cofactor gradient)."""
    _mat(A, "linalg.det")
    return Det.apply(A)


class Slogdet(Op):
    node_name = "LinalgSlogdetBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        sign, logabs = xp.linalg.slogdet(a)
        ctx.save_output()
        return xp.asarray(sign, dtype=a.dtype), xp.asarray(logabs, dtype=_real(a.dtype))

    @staticmethod
    def backward(ctx, gsign, grad):
        (a,) = ctx.inputs
        if a.dtype.is_complex:  # sign = e^(i theta) moves with Im tr(A^-1 dA)
            c = -(gsign.conj() * ctx.output).imag
            unit = _op._new_tensor(array_module(a._data).asarray(1j, dtype=a._data.dtype))
            grad = grad.to(a.dtype) + c.to(a.dtype) * unit
        return grad[..., None, None] * _mH(inv(a))


_slogdet_t = return_type("slogdet", ("sign", "logabsdet"))


@with_out
def slogdet(A, *, out=None):
    """(sign, log|det|) of square matrices."""
    _mat(A, "linalg.slogdet")
    return _slogdet_t(*Slogdet.apply(A))


def logdet(input):
    """log(det): nan for a negative determinant, -inf for a singular matrix."""
    _mat(input, "linalg.slogdet")
    sign, logabs = Slogdet.apply(input)
    return where(sign < 0, math.nan, logabs)


# ---- inverse and solvers -------------------------------------------------------------------


class Inv(Op):
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a, name="linalg.inv"):
        xp = array_module(a)
        ctx.save_output()
        try:
            return xp.linalg.inv(a)
        except np.linalg.LinAlgError:
            prefix, k = _batch(f"{name}: ", singular_info(a), a.ndim > 2)
            raise LinAlgError(f"{prefix}The diagonal element {k} is zero, the inversion could not "
                              "be completed because the input matrix is singular.") from None

    @staticmethod
    def backward(ctx, grad):
        ai = _mH(ctx.output)
        return -(ai @ grad @ ai)


@with_out
def inv(A, *, out=None):
    """Inverse of square matrices; a singular one raises LinAlgError naming the zero pivot."""
    _mat(A, "linalg.inv")
    return Inv.apply(A)


@with_out
def inverse(input, *, out=None):
    return inv(input)


def _inv_ex_arrays(a):
    """(inverse, info) without raising: a singular matrix's inverse is what LU gives (inf/nan)."""
    xp = array_module(a)
    try:
        return xp.linalg.inv(a), xp.zeros(a.shape[:-2], dtype=np.int32)
    except np.linalg.LinAlgError:
        lu, piv, info = getrf(a)
        eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            return lu_solve_arrays(lu, piv, eye), info


class Solve(Op):
    """X with A X = B for matrices B (the vector case is unsqueezed by the caller)."""

    node_name = "LinalgSolveExBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        ctx.save_output()
        shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = xp.broadcast_to(a, shape + a.shape[-2:])
        b = xp.broadcast_to(b, shape + b.shape[-2:])
        try:
            return xp.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            prefix, _ = _batch("torch.linalg.solve: ", singular_info(a), a.ndim > 2)
            raise LinAlgError(f"{prefix}The solver failed because the input matrix is "
                              "singular.") from None

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        gb = Solve.apply(_mH(a), grad)
        ga = -(gb @ _mH(ctx.output)) if ctx.needs_input_grad[0] else None
        return ga, gb


def _vector_case(a, b) -> bool:
    """torch.linalg.solve reads B as a (batch of) vector(s) when it is 1-D or A's batch shape."""
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


@with_out
def solve(A, B, *, left: bool = True, out=None):
    """X with A X = B (or X A = B when left=False); B may be a vector or a batch of them."""
    _mat(A, "linalg.solve")
    _same_dtype(A, B, "linalg.solve")
    a, b = A._data, B._data
    vec = _vector_case(a, b)
    bm = _s.unsqueeze(B, -1) if vec else B
    n = a.shape[-1]
    rows = bm.shape[-2] if left else bm.shape[-1]
    if rows != n or (not vec and bm._data.ndim < 2):
        shape = f"{bm.shape[-2]}x{bm.shape[-1]}" if bm._data.ndim >= 2 else f"{b.shape[0]}x1"
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {shape})")
    if left:
        x = Solve.apply(A, bm)
    else:
        x = Solve.apply(A.mT, bm.mT).mT
    return _s.squeeze(x, -1) if vec else x


_triangular_solve_t = return_type("triangular_solve", ("solution", "cloned_coefficient"))


@with_out
def triangular_solve(b, A, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False, *, out=None):
    """The deprecated (solution, A copy) form of solve_triangular; `transpose` solves A^T X = b."""
    a = A.mT if transpose else A
    x = solve_triangular(a, b, upper=upper != transpose, unitriangular=unitriangular)
    return _triangular_solve_t(x, _s.expand(A, x.shape[:-2] + A.shape[-2:]).clone())


# ---- Cholesky ---------------------------------------------------------------------------------


class Cholesky(Op):
    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper, name="linalg.cholesky", check=True):
        xp = array_module(a)
        ctx.upper = upper
        ctx.save_output()
        src = xp.swapaxes(a, -1, -2) if upper else a  # LAPACK reads the chosen triangle
        try:
            low = xp.linalg.cholesky(src)
        except np.linalg.LinAlgError:
            info = cholesky_info(xp, src)
            if check:
                prefix, k = _batch(f"{name}: ", info, a.ndim > 2)
                raise LinAlgError(
                    f"{prefix}The factorization could not be completed because the input is not "
                    f"positive-definite (the leading minor of order {k} is not "
                    "positive-definite).") from None
            with np.errstate(invalid="ignore"):
                low = cholesky_partial(xp, src)
        return xp.swapaxes(low, -1, -2) if upper else low

    @staticmethod
    def backward(ctx, grad):
        low = ctx.output
        if ctx.upper:
            low, grad = _mH(low), _mH(grad)
        # A = L L^H: gA = L^-H M L^-1, M = (P + tril(P, -1)^H) / 2, P = tril(L^H gL)
        p = (_mH(low) @ grad).tril()
        m = 0.5 * (p + _mH(p.tril(-1)))
        ga = SolveTriangular.apply(_mH(low), m, True, True, False)
        return SolveTriangular.apply(low, ga, False, False, False)


def _cholesky(A, upper, name):
    _mat(A, name)
    return Cholesky.apply(A, upper, name)


@with_out
def cholesky(input, upper: bool = False, *, out=None):
    """The (deprecated) torch.cholesky: the lower factor, or the upper one with upper=True."""
    return _cholesky(input, upper, "cholesky")


@with_out
def cholesky_inverse(input, upper: bool = False, *, out=None):
    """(L L^H)^-1 from a Cholesky factor L (U^H U with upper=True)."""
    _mat(input, "cholesky_inverse", "input")
    a = _mH(input) @ input if upper else input @ _mH(input)
    return inv(a)


@with_out
def cholesky_solve(B, L, upper: bool = False, *, out=None):
    """X with (L L^H) X = B, from the Cholesky factor L."""
    _mat(L, "cholesky_solve", "input2")
    _same_dtype(L, B, "cholesky_solve")
    a = _mH(L) @ L if upper else L @ _mH(L)
    return Solve.apply(a, B)


# ---- QR ---------------------------------------------------------------------------------------


class QR(Op):
    node_name = "LinalgQrBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, mode):
        xp = array_module(a)
        ctx.mode = mode
        if mode == "r":
            r = xp.linalg.qr(a, mode="r")
            return xp.zeros((0,), dtype=a.dtype), r
        q, r = xp.linalg.qr(a, mode=mode)
        ctx.keep = (q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                               "going to differentiate through linalg.qr.")
        q, r = _outputs(ctx, QR, ctx.mode)
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_backward(q, r, gq, gr)
        # wide A = [X | Y] = Q [R1 | R2]: Y = Q R2 feeds Q's gradient
        y = q @ r[..., :, m:]
        gx = _qr_backward(q, r[..., :, :m], gq + y @ _mH(gr[..., :, m:]), gr[..., :, :m])
        return _s.cat([gx, q @ gr[..., :, m:]], -1)


def _qr_backward(q, r, gq, gr):
    """A = Q R (R square, invertible): gA = (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q."""
    m = r @ _mH(gr) - _mH(gq) @ q
    low = m.tril(-1)
    d = m.diagonal(0, -2, -1)
    sym = low + _mH(low) + _r.diag_embed(d.real.to(d.dtype) if d.dtype.is_complex else d)
    return _right_solve_rh(r, gq + q @ sym)


_qr_t = return_type("qr", ("Q", "R"))


@with_out
def qr(input, some: bool = True, *, out=None):
    """The deprecated torch.qr: reduced QR (some=True) or complete."""
    return _qr(input, "reduced" if some else "complete")


def _qr(A, mode: str):
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    _mat(A, "linalg.qr", square=False)
    return _qr_t(*QR.apply(A, mode))


# ---- inv_ex / solve_ex / cholesky_ex ------------------------------------------------------------


class InvEx(Inv):
    node_name = "LinalgInvExBackward0"
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, a):
        ctx.save_output()
        return _inv_ex_arrays(a)

    @staticmethod
    def backward(ctx, grad, _):
        return Inv.backward(ctx, grad)


# ---- matrix functions -------------------------------------------------------------------------

class MatrixExp(Op):
    node_name = "LinalgMatrixExpBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        if a.dtype.itemsize == 2:  # half types: float32 inside, rounded once
            return expm(array_module(a), a.astype(np.float32)).astype(a.dtype)
        return expm(array_module(a), a)

    @staticmethod
    def backward(ctx, grad):
        # d exp(A)^*[G] is the upper-right block of exp([[A^H, G], [0, A^H]])
        (a,) = ctx.inputs
        n = a.shape[-1]
        ah = _mH(a)
        top = _s.cat([ah, grad], -1)
        bottom = _s.cat([grad * 0, ah], -1)
        return MatrixExp.apply(_s.cat([top, bottom], -2))[..., :n, n:]


def matrix_exp(A):
    """The matrix exponential (degree-13 Pade with scaling and squaring)."""
    _mat(A, "linalg.matrix_exp", half=True)
    return MatrixExp.apply(A)


@with_out
def matrix_power(A, n: int, *, out=None):
    """A^n by repeated squaring; n < 0 inverts first, n = 0 gives the identity."""
    name = "linalg.matrix_power"
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    sh = A._data.shape
    if sh[-1] != sh[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{sh[-2]} by {sh[-1]} matrices")
    if n == 0:
        return A * 0 + _eye_like(A, sh[-1]).to(A.dtype)
    if n < 0:
        A = inv(A)
        n = -n
    result = None
    z = A
    while True:
        if n & 1:
            result = z if result is None else result @ z
        n >>= 1
        if not n:
            return result
        z = z @ z


def trace(input):
    """Sum of the main diagonal of a matrix."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    return input.diagonal().sum()


def _vander_powers(x, n: int):
    """[1, x, x^2, ..., x^(n-1)] along a new last dim, as a running product (zeros are fine)."""
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        x = x.to(_dt.int64)
    ones = _s.unsqueeze(x * 0 + 1, -1)
    if n <= 1:
        return ones[..., :n]
    reps = _s.expand(_s.unsqueeze(x, -1), x.shape + (n - 1,))
    return _s.cat([ones, reps.cumprod(-1)], -1)


def vander(x, N=None, increasing: bool = False):
    """Vandermonde matrix of a 1-D tensor: columns x^(N-1) ... x^0 (increasing: x^0 first)."""
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    v = _vander_powers(x, n)
    return v if increasing else v.flip(-1)


# ---- pseudo-inverse -----------------------------------------------------------------------------


class Pinv(Op):
    node_name = "LinalgPinvBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        xp = array_module(a)
        ctx.save_output()
        if hermitian:
            w, v = xp.linalg.eigh(a)
            s = xp.abs(w)
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
        smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else s[..., :1]
        tol = xp.maximum(atol, rtol * smax) if smax.size else 0
        keep = s > tol
        inv_s = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(a.dtype)
        if hermitian:
            inv_w = xp.where(keep, 1 / xp.where(keep, w, 1), 0).astype(a.dtype)
            return (v * inv_w[..., None, :]) @ xp.conj(xp.swapaxes(v, -1, -2))
        return xp.conj(xp.swapaxes(vh, -1, -2)) * inv_s[..., None, :] @ \
            xp.conj(xp.swapaxes(u, -1, -2))

    @staticmethod
    def backward(ctx, grad):
        # dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P, taken adjoint
        (a,) = ctx.inputs
        p = ctx.output
        ph = _mH(p)
        g = -(ph @ grad @ ph)
        g = g + (_mH(grad) - (a @ p) @ _mH(grad)) @ (p @ ph)
        return g + (ph @ p) @ (_mH(grad) - _mH(grad) @ (p @ a))


@with_out
def pinv(A, *, atol=None, rtol=None, hermitian: bool = False, out=None):
    """Moore-Penrose pseudo-inverse through the SVD (eigh when hermitian): singular values below
    max(atol, rtol * s_max) count as zero (rtol defaults to eps * max(m, n) without atol)."""
    d = A._data
    if d.ndim < 2 or not (A.dtype.is_floating_point or A.dtype.is_complex) or d.itemsize == 2:
        raise RuntimeError(f"linalg.pinv({_cap(A.dtype)}{{{list(d.shape)}}}): expected a tensor "
                           "with 2 or more dimensions of float, double, cfloat or cdouble types")
    if rtol is None:
        given = atol is not None and (isinstance(atol, _op.Tensor) or atol > 0)
        rtol = 0.0 if given else float(np.finfo(d.dtype).eps) * max(d.shape[-2:])
    return Pinv.apply(A, _tol_value(0.0 if atol is None else atol), _tol_value(rtol), hermitian)


def _tol_value(t):
    return t._data[..., None] if isinstance(t, _op.Tensor) else float(t)


def pinverse(input, rcond: float = 1e-15):
    """The deprecated torch.pinverse: pinv with rtol = rcond."""
    return pinv(input, rtol=rcond)


# ---- the general eigendecomposition (complex results) ------------------------------------------


class Eig(Op):
    node_name = "LinalgEigBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, vectors=True):
        xp = array_module(a)
        ct = np.result_type(a.dtype, np.complex64)
        ctx.real = a.dtype.kind == "f"
        if not vectors and not (ctx.needs_input_grad and ctx.needs_input_grad[0]):
            return xp.linalg.eigvals(a).astype(ct)
        w, v = xp.linalg.eig(a)
        ctx.keep = (w.astype(ct), v.astype(ct))
        return ctx.keep if vectors else ctx.keep[0]

    @staticmethod
    def backward(ctx, gw, gv=None):
        w, v = _outputs(ctx, Eig)
        vh = _mH(v)
        if gv is None or not array_module(gv._data).any(gv._data):
            inner = _r.diag_embed(gw)
        else:
            inner = _eig_inner(w, v, vh, gw, gv)
        ga = Solve.apply(vh, inner @ vh)
        return ga.real if ctx.real else ga


def _eig_inner(w, v, vh, gw, gv):
    """diag(gw) + (V^H gV - V^H V Re diag(V^H gV)) / conj(w_j - w_i) off the diagonal; the
    eigenvectors' unit norm fixes all but their phase, which the loss must not depend on."""
    vhgv = vh @ gv
    d = vhgv.diagonal(0, -2, -1)
    xp = array_module(d._data)
    _check_phase(d, "linalg_eig_backward: The eigenvectors in the complex case are specified up "
                 "to multiplication by e^{i phi}. The specified loss function depends on this "
                 "quantity, so it is ill-defined.")
    g = vhgv - (vh @ v) * d.real[..., None, :]
    n = w.shape[-1]
    eye = _op._new_tensor(xp.eye(n, dtype=bool))
    e = w[..., None, :] - w[..., :, None]
    inv_conj_e = e * (1.0 / where(eye, 1.0, (e * e.conj()).real))  # 1 / conj(e), off the diagonal
    return where(eye, 0.0, g * inv_conj_e) + _r.diag_embed(gw)


_eig_t = return_type("linalg_eig", ("eigenvalues", "eigenvectors"))


def _eig(A, name: str, vectors: bool):
    _mat(A, name)
    out = Eig.apply(A, vectors)
    return _eig_t(*out) if vectors else out


# ---- deprecated norms and the functions torch removed in 1.9 ----------------------------------


@with_out
def frobenius_norm(input, dim=(-2, -1), keepdim: bool = False, *, out=None):
    """The deprecated torch.frobenius_norm: the 2-norm over `dim`."""
    return _red.norm(input, 2, dim, keepdim)


@with_out
def nuclear_norm(input, dim=(-2, -1), keepdim: bool = False, *, out=None):
    """The deprecated torch.nuclear_norm: the sum of the singular values over the dims `dim`."""
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = (-2, -1), dim
    n = input._data.ndim
    d0, d1 = (d % n for d in dim)
    rest = [i for i in range(n) if i not in (d0, d1)]
    v = _svdvals(_s.permute(input, rest + [d0, d1]), "linalg.matrix_norm").sum(-1)
    if keepdim:
        v = _s.unsqueeze(_s.unsqueeze(v, min(d0, d1)), max(d0, d1))
    return v


_REMOVED = "This function was deprecated since version 1.9 and is now removed."
_EIG_MSG = _REMOVED + (
    " `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real "
    "tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced with:\n"
    "L_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) should "
    "be replaced with:\nL_complex, V_complex = torch.linalg.eig(A)")
_SYMEIG_MSG = _REMOVED + (
    " The default behavior has changed from using the upper triangular portion of the matrix by "
    "default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, upper=upper) should "
    "be replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
    "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = torch.linalg.eigh(A, "
    "UPLO='U' if upper else 'L')")
_LSTSQ_MSG = _REMOVED + (
    " `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has "
    "reversed arguments and does not return the QR decomposition in the returned tuple (although "
    "it returns other information about the problem).\n\nTo get the QR decomposition consider "
    "using `torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` stored the residuals of "
    "the solution in the last m - n columns of the returned value whenever m > n. In "
    "torch.linalg.lstsq, the residuals are in the field 'residuals' of the returned named tuple."
    "\n\nThe unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\n"
    "should be replaced with:\nX = torch.linalg.lstsq(A, B).solution")
_RANK_MSG = _REMOVED + (
    "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was "
    "renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")


@with_out
def eig(input, eigenvectors: bool = False, *, out=None):
    """Removed in torch 1.9: raises torch's message pointing to linalg.eig."""
    raise RuntimeError(_EIG_MSG)


@with_out
def symeig(input, eigenvectors: bool = False, upper: bool = True, *, out=None):
    """Removed in torch 1.9: raises torch's message pointing to linalg.eigh."""
    raise RuntimeError(_SYMEIG_MSG)


@with_out
def lstsq(input, A, *, out=None):
    """Removed in torch 1.9: raises torch's message pointing to linalg.lstsq."""
    raise RuntimeError(_LSTSQ_MSG)


@with_out
def matrix_rank(input, tol=None, symmetric: bool = False, *, out=None):
    """Removed in torch 1.9: raises torch's message pointing to linalg.matrix_rank."""
    raise RuntimeError(_RANK_MSG)


# ---- randomized low-rank SVD and PCA (Halko, Martinsson & Tropp 2009) ------------------------


def _approximate_basis(a, q: int, niter: int, m=None):
    """An orthonormal basis of A's range from a Gaussian sketch refined by `niter` power
    iterations (re-orthonormalised by QR each half step); M is subtracted from A if given."""
    r = _creation.empty((a.shape[-1], q), dtype=a.dtype).normal_()  # torch.randn's stream
    x = a @ r if m is None else a @ r - m @ r
    basis = _qr(x, "reduced")[0]
    for _ in range(niter):
        x = _mH(a) @ basis if m is None else _mH(a) @ basis - _mH(m) @ basis
        basis = _qr(x, "reduced")[0]
        x = a @ basis if m is None else a @ basis - m @ basis
        basis = _qr(x, "reduced")[0]
    return basis


def svd_lowrank(A, q: int | None = 6, niter: int | None = 2, M=None):
    """(U, S, V) of a rank-q approximation of A (or A - M) by randomized range finding.
    Paper: https://arxiv.org/abs/0909.4061"""
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    rows, cols = A.shape[-2:]
    if M is not None:
        M = _s.expand(M, A.shape)
    if rows < cols:  # work on the tall one
        A = _mH(A)
        M = None if M is None else _mH(M)
    basis = _approximate_basis(A, q, niter, M)
    b = _mH(basis) @ A if M is None else _mH(basis) @ A - _mH(basis) @ M
    u, s, vh = SVD.apply(b, False)
    u, v = basis @ u, _mH(vh)
    return (v, s, u) if rows < cols else (u, s, v)


def pca_lowrank(A, q: int | None = None, center: bool = True, niter: int = 2):
    """Principal components of A's rows (centred by the column means): svd_lowrank of A - mean."""
    rows, cols = A.shape[-2:]
    q = min(6, rows, cols) if q is None else q
    if not (isinstance(q, int) and 0 <= q <= min(rows, cols)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)="
                         f"{min(rows, cols)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), q, niter=niter)


def norm(input, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None):
    """torch.norm with the nuclear norm (p='nuc') that reduction.norm lacks; every other p is
    reduction.norm's. ember/__init__.py exports this one as ember.norm (after reduction's)."""
    if not (isinstance(p, str) and p == "nuc"):
        return _red.norm(input, p, dim, keepdim, out=out, dtype=dtype)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        if input._data.ndim != 2:
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(i) for i in range(input._data.ndim)))
        dim = (-2, -1)
    result = nuclear_norm(input, dim, keepdim)
    return result if out is None else _out(result, out)
