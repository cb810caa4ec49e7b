"""torch.linalg: the linear-algebra namespace over ember's ops (decompositions, solvers, norms).

The decompositions and their gradients live in ops/decomposition.py (LU, LDL and Householder QR
in ops/decomposition_packed.py); this module adds torch.linalg's names, argument checks and the
composites (norms, cond, matrix_rank, lstsq, multi_dot, tensorinv, tensorsolve...).
"""
from __future__ import annotations

import math

import numpy as np

from .autograd.grad_mode import no_grad
from .backend import array_module
from .ops import _op
from .ops import decomposition as _d
from .ops import decomposition_svd as _sv
from .ops import linalg as _la
from .ops import rearrange as _r
from .ops import reduction as _red
from .ops import shape as _s
from .ops._lapack import (
    LinAlgError,
    _floating,
    _mat,
    cholesky_info,
    getrf,
    lu_solve_arrays,
    singular_info,
    solve_triangular,
)
from .ops._output import _cap, with_out
from .ops.decomposition import det, inv, matrix_exp, matrix_power, pinv, slogdet, solve
from .ops.decomposition_packed import _linalg_lu as lu
from .ops.decomposition_packed import (
    householder_product,
    ldl_factor,
    ldl_factor_ex,
    ldl_solve,
    lu_factor,
    lu_factor_ex,
    lu_solve,
)
from .ops.elementwise import where
from .ops.sorting import return_type

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh",
    "eigvals", "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex",
    "ldl_solve", "lstsq", "lu", "lu_factor",
    "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
    "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex",
    "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
    "vector_norm",
]

matmul = _la.matmul

# torch.linalg's shared documentation notes, by the same keys (ember's own wording)
common_notes = {
    "experimental_warning": "This function is \"experimental\" and it may change in a future "
                            "release.",
    "sync_note": "When inputs are on a CUDA device, this function synchronizes that device with "
                 "the CPU.",
    "sync_note_ex": "When the inputs are on a CUDA device, this function synchronizes only when "
                    "check_errors=True.",
    "sync_note_has_ex": "When inputs are on a CUDA device, this function synchronizes that device "
                        "with the CPU. For a version that does not, see {}.",
}


_inv_ex_t = return_type("linalg_inv_ex", ("inverse", "info"))
_solve_ex_t = return_type("linalg_solve_ex", ("result", "info"))
_cholesky_ex_t = return_type("linalg_cholesky_ex", ("L", "info"))


@with_out
def inv_ex(A, *, check_errors: bool = False, out=None):
    """(inverse, info): info > 0 marks a singular matrix instead of raising."""
    if check_errors:
        return _inv_ex_t(inv(A), _info_zeros(A))
    _mat(A, "linalg.inv_ex")
    return _inv_ex_t(*_d.InvEx.apply(A))


def _info_zeros(A):
    return _op._new_tensor(array_module(A._data).zeros(A.shape[:-2], dtype=np.int32))


@with_out
def solve_ex(A, B, *, left: bool = True, check_errors: bool = False, out=None):
    """(solution, info) of linalg.solve; info is LU's zero-pivot index per matrix."""
    _mat(A, "linalg.solve_ex")
    info = _op._new_tensor(singular_info(A._data))
    if check_errors or not bool(array_module(info._data).any(info._data)):
        return _solve_ex_t(solve(A, B, left=left), info)
    # a singular matrix: what getrs gives from the factors (inf/nan), without a gradient
    a, b = A._data, B._data
    vec = _d._vector_case(a, b)
    b = b[..., None] if vec else b
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    xp = array_module(a)
    lu_, piv, _ = getrf(xp.broadcast_to(a, shape + a.shape[-2:]))
    with np.errstate(divide="ignore", invalid="ignore"):
        x = lu_solve_arrays(lu_, piv, xp.broadcast_to(b, shape + b.shape[-2:]))
    return _solve_ex_t(_op._new_tensor(x[..., 0] if vec else x), info)


@with_out
def cholesky_ex(A, *, upper: bool = False, check_errors: bool = False, out=None):
    """(L, info): info is the order of the first leading minor that is not positive-definite."""
    name = "linalg.cholesky_ex"
    _mat(A, name)
    low = _d.Cholesky.apply(A, upper, name, check_errors)
    xp = array_module(A._data)
    src = xp.swapaxes(A._data, -1, -2) if upper else A._data
    d = low._data.diagonal(0, -2, -1)
    ok = bool(xp.all(d > 0)) if d.size else True
    info = _info_zeros(A) if ok else _op._new_tensor(cholesky_info(xp, src))
    return _cholesky_ex_t(low, info)


@with_out
def cholesky(A, *, upper: bool = False, out=None):
    """Lower Cholesky factor L with A = L L^H (upper=True: U with A = U^H U)."""
    return _d._cholesky(A, upper, "linalg.cholesky")


@with_out
def qr(A, mode: str = "reduced", *, out=None):
    """QR decomposition; mode 'reduced', 'complete' or 'r' (Q empty)."""
    return _d._qr(A, mode)


@with_out
def svd(A, full_matrices: bool = True, *, driver=None, out=None):
    """A = U diag(S) Vh; singular vectors are defined up to sign (LAPACK gesdd's choice)."""
    _check_driver(driver)
    return _sv._svd(A, full_matrices)


def _check_driver(driver) -> None:
    if driver is not None:  # the CPU has one driver (gesdd)
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")


@with_out
def svdvals(A, *, driver=None, out=None):
    """Singular values, in descending order."""
    _check_driver(driver)
    return _sv._svdvals(A)


_eigh_t = return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))


def _eigh(A, UPLO: str, name: str):
    _mat(A, name)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _sv.Eigh.apply(A, UPLO)


@with_out
def eigh(A, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, read from one triangle."""
    return _eigh_t(*_eigh(A, UPLO, "linalg.eigh"))


@with_out
def eigvalsh(A, UPLO: str = "L", *, out=None):
    """Eigenvalues of a symmetric matrix, ascending."""
    return _eigh(A, UPLO, "linalg.eigvalsh")[0]


@with_out
def eig(A, *, out=None):
    """Eigenvalues and unit eigenvectors of a square matrix, as complex tensors (LAPACK geev)."""
    return _d._eig(A, "linalg.eig", True)


@with_out
def eigvals(A, *, out=None):
    """Eigenvalues of a square matrix, complex."""
    return _d._eig(A, "linalg.eigvals", False)


# ---- norms ------------------------------------------------------------------------------------


@with_out
def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """The ord-norm of x flattened, or over `dim` (ord: any number, inf, -inf; 0 counts)."""
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' must be Number, not str")
    return _red.norm(x, ord, dim, keepdim, dtype=dtype)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


@with_out
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None):
    """Matrix norms over the two dims `dim`: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    name = "linalg.matrix_norm"
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    if dtype is not None:
        A = A.to(dtype)
    n = A._data.ndim
    d0, d1 = (d % n for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in (1, -1, math.inf, -math.inf):
        rows, cols = (d0, d1) if abs(ord) == 1 else (d1, d0)
        sums = vector_norm(A, 1, rows, True)
        out = sums.amax(cols, True) if ord > 0 else sums.amin(cols, True)
    else:
        _floating(A, name)
        rest = [i for i in range(n) if i not in (d0, d1)]
        s = _sv._svdvals(_s.permute(A, rest + [d0, d1]))
        if ord == "nuc":
            v = s.sum(-1)
        else:
            v = s.amax(-1) if ord == 2 else s.amin(-1)
        out = _s.unsqueeze(_s.unsqueeze(v, min(d0, d1)), max(d0, d1))
    return out if keepdim else out.squeeze((d0, d1))


@with_out
def norm(A, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """Vector norm (dim an int, or 1-D input) or matrix norm (dim a pair, or 2-D input)."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    n = A._data.ndim
    if n not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {n}D.")
    if n == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)


@with_out
def cond(A, p=None, *, out=None):
    """Condition number: s_max / s_min for p None, 2 (-2: inverted); else |A|_p |A^-1|_p, inf
    for a singular matrix."""
    if A._data.size == 0:  # torch returns an empty result off the graph
        A = A.detach()
    if p in (None, 2, -2):
        _mat(A, "linalg.cond", square=False)
        s = _sv._svdvals(A)
        if s.shape[-1] == 0:
            return s.sum(-1)
        hi, lo = s[..., 0], s[..., -1]
        return hi / lo if p != -2 else lo / hi
    if p not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    _mat(A, f"linalg.cond(ord={p})")
    inverse, info = inv_ex(A)
    c = matrix_norm(A, p) * matrix_norm(inverse, p)
    return where(info > 0, math.inf, c)


def _rank_tols(A, atol, rtol, s):
    """max(atol, rtol * s_max), with torch's default rtol (eps * max(m, n) unless atol > 0)."""
    d = A._data
    if rtol is None:
        given = atol is not None and (isinstance(atol, _op.Tensor) or atol > 0)
        rtol = 0.0 if given else float(np.finfo(d.dtype).eps) * max(d.shape[-2:])
    smax = s.amax(-1) if s.shape[-1] else s.sum(-1)
    a = 0.0 if atol is None else atol
    tol = smax * rtol
    return where(tol > a, tol, a if not isinstance(a, _op.Tensor) else a.to(tol.dtype))


@with_out
def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False, tol=None, out=None):
    """Number of singular values above max(atol, rtol * s_max) (int64)."""
    _mat(A, "linalg.matrix_rank", square=hermitian)
    if tol is not None:
        atol, rtol = tol, 0.0
    with no_grad():
        s = eigvalsh(A).abs() if hermitian else _sv._svdvals(A)
        return (s > _s.unsqueeze(_rank_tols(A, atol, rtol, s), -1)).sum(-1)


_lstsq_t = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of A X = B through the pseudo-inverse, with the fields of the
    chosen LAPACK driver (gelsy by default: rank; gelsd/gelss: singular values too)."""
    name = "torch.linalg.lstsq"
    if driver is not None and driver not in _DRIVERS:
        raise RuntimeError(f"{name}: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    driver = driver or "gelsy"
    na, nb = A._data.ndim, B._data.ndim
    if na < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if nb < 1 or na < nb or na - nb > 1:
        raise RuntimeError(f"{name}: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    _floating(A, name)
    if A.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {_cap(A.dtype)} and other's dtype {_cap(B.dtype)}")
    vec = na - nb == 1
    bm = _s.unsqueeze(B, -1) if vec else B
    if A.shape[-2] != bm.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2:]
    eps = float(np.finfo(A._data.dtype).eps)
    rc = eps * max(m, n) if rcond is None or rcond < 0 else rcond
    x = pinv(A, rtol=rc) @ bm
    s = _sv._svdvals(A.detach())
    xp = array_module(A._data)
    empty = _op._new_tensor(xp.zeros((0,), A._data.dtype))
    rank = empty.long()
    if driver != "gels":
        rank = _rank_mask(s, rc).sum(-1)
    sv = s if driver in ("gelsd", "gelss") else empty
    res = x.reshape(-1)[:0]  # empty, yet on the graph as torch's
    full = bool(xp.all(_rank_mask(s, rc).sum(-1)._data == n))
    if m > n and driver != "gelsy" and full:
        res = ((A @ x - bm) ** 2).sum(-2)
        res = res.squeeze(-1) if vec else res
    return _lstsq_t(x.squeeze(-1) if vec else x, res, rank, sv)


def _rank_mask(s, rc):
    smax = s.amax(-1, True) if s.shape[-1] else s
    return s > smax * rc


# ---- products and shapes ------------------------------------------------------------------------


@with_out
def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices in the cheapest order; the first and last may be vectors."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    ts = list(tensors)
    for i, t in enumerate(ts):
        nd = t._data.ndim
        if i in (0, n - 1) and nd not in (1, 2):
            which = "first" if i == 0 else "last"
            raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {nd}D")
        if 0 < i < n - 1 and nd != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {nd}D")
        if t.dtype != ts[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 "
                               f"is {_cap(ts[0].dtype)} and tensor {i} is {_cap(t.dtype)}")
    first_vec, last_vec = ts[0]._data.ndim == 1, ts[-1]._data.ndim == 1
    if first_vec:
        ts[0] = _s.unsqueeze(ts[0], 0)
    if last_vec:
        ts[-1] = _s.unsqueeze(ts[-1], -1)
    for i in range(n - 1):
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(ts[i].shape)} and {list(ts[i + 1].shape)} cannot be "
                               "multiplied")
    result = _chain(ts, _chain_order([t.shape[0] for t in ts] + [ts[-1].shape[1]]), 0, n - 1)
    if first_vec:
        result = result.squeeze(0)
    if last_vec:
        result = result.squeeze(-1)
    return result


def _chain_order(dims):
    """Matrix-chain dynamic programme: split[i][j] is where the product of i..j splits."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(ts, split, i, j):
    if i == j:
        return ts[i]
    k = split[i][j]
    return _la.mm(_chain(ts, split, i, k), _chain(ts, split, k + 1, j))


@with_out
def vecdot(x, y, *, dim: int = -1, out=None):
    """Dot product of vectors along `dim` (the first argument conjugated), broadcasting."""
    for t in (x, y):
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("linalg.vecdot: Expected a floating point or complex tensor as "
                               f"input. Got {_cap(t.dtype)}")
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {_cap(x.dtype)} and y of type {_cap(y.dtype)} instead")
    xc = x.conj() if x.dtype.is_complex else x
    return (xc * y).sum(dim)


@with_out
def cross(input, other, *, dim: int = -1, out=None):
    """Cross product of 3-vectors along `dim`, broadcasting."""
    return _la.cross(input, other, dim)


def diagonal(A, *, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """The diagonal of each matrix (a view)."""
    return _r.diagonal(A, offset, dim1, dim2)


def vander(x, *, N=None):
    """Vandermonde matrices: x^0, x^1, ..., x^(N-1) along a new last dim."""
    if x._data.ndim == 0:  # a scalar reads as one point
        if N is None:
            raise RuntimeError("N must be greater than 1.")
        x = _s.reshape(x, (1,))
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    return _d._vander_powers(x, n)


@with_out
def tensorinv(A, ind: int = 2, *, out=None):
    """Inverse of A read as a matrix prod(shape[:ind]) x prod(shape[ind:])."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A.shape)
    rows, cols = math.prod(shape[:ind]), math.prod(shape[ind:])
    if rows != cols:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return _s.reshape(inv(_s.reshape(A, (rows, cols))), shape[ind:] + shape[:ind])


@with_out
def tensorsolve(A, B, dims=None, *, out=None):
    """X with tensordot(A, X, X.ndim) = B; `dims` moves those dims of A to the end first."""
    if dims is not None:
        n = A._data.ndim
        moved = [d % n for d in dims]
        A = _s.permute(A, [i for i in range(n) if i not in moved] + moved)
    shape = tuple(A.shape)
    k = B._data.ndim
    rows, cols = math.prod(shape[:k]), math.prod(shape[k:])
    if rows != cols:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) "
                           f"== prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    x = solve(_s.reshape(A, (rows, cols)), _s.reshape(B, (rows,)))
    return _s.reshape(x, shape[k:])

