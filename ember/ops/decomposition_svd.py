"""The singular value decomposition and the symmetric (Hermitian) eigendecomposition.

Forward is LAPACK's gesdd / syevd through the backend; backward is the classical formulas in
ember ops (F_ij = 1 / (s_j^2 - s_i^2) or 1 / (w_j - w_i) off the diagonal), with torch's refusal
of complex losses that depend on the vectors' arbitrary phase.
"""
from __future__ import annotations

import numpy as np

from ..backend import array_module
from . import _op
from . import rearrange as _r
from ._lapack import LinAlgError, _batch, _mat, _mH, _outputs, _real
from ._op import Op
from ._output import with_out
from .elementwise import where
from .sorting import return_type

# ---- SVD and the symmetric eigendecomposition -------------------------------------------------


class SVD(Op):
    node_name = "LinalgSvdBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, full_matrices):
        xp = array_module(a)
        _check_finite(xp, a)
        u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
        k = s.shape[-1]
        ctx.keep = (u[..., :k], s, vh[..., :k, :])
        return u, s.astype(_real(a.dtype)), vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = _outputs(ctx, SVD, False)
        k = s.shape[-1]
        gu, gvh = gu[..., :k], gvh[..., :k, :]
        xp = array_module(gu._data)
        if not (xp.any(gu._data) or xp.any(gvh._data)):
            return (u * gs[..., None, :]) @ vh
        return _svd_backward(u, s, vh, gu, gs, gvh)


def _check_finite(xp, a) -> None:
    """torch's LinAlgError for a NaN entry (its gesdd refuses them)."""
    finite = (~xp.isnan(a)).reshape(a.shape[:-2] + (a.shape[-2] * a.shape[-1],)).all(-1)
    if not finite.all():
        prefix, _ = _batch("linalg.svd: ", (~finite).astype(np.int32), a.ndim > 2)
        raise LinAlgError(f"{prefix}The algorithm failed to converge because the input matrix "
                          "contained non-finite values.")


def _check_phase(d, msg: str) -> None:
    """torch refuses a loss that depends on the arbitrary phase of complex singular vectors or
    eigenvectors: Im of the gauge direction's derivative must vanish."""
    x = d._data
    xp = array_module(x)
    if x.size and xp.any(xp.abs(x.imag) > 1e-4 * max(1.0, float(xp.abs(x).max()))):
        raise RuntimeError(msg)


def _svd_backward(u, s, vh, gu, gs, gvh):
    """Real A = U S V^T: U[(F*(U^T gU - gU^T U)) S + diag(gS) + S (F*(V^T gV - gV^T V))]V^T
    plus the parts of gU, gV outside the column spaces (F_ij = 1/(s_j^2 - s_i^2))."""
    v, gv = _mH(vh), _mH(gvh)
    m, n, k = u.shape[-2], v.shape[-2], s.shape[-1]
    s2 = s * s
    e = s2[..., None, :] - s2[..., :, None]
    eye = _op._new_tensor(array_module(s._data).eye(k, dtype=bool))
    f = where(eye, 0.0, 1.0 / where(eye, 1.0, e))
    uhgu = _mH(u) @ gu
    vhgv = _mH(v) @ gv
    inner = (f * (uhgu - _mH(uhgu))) * s[..., None, :] + _r.diag_embed(gs).to(u.dtype) \
        + s[..., :, None] * (f * (vhgv - _mH(vhgv)))
    ga = u @ inner @ vh
    inv_s = 1.0 / s
    if u.dtype.is_complex:  # the phase of each singular pair: i Im diag(U^H gU) / s
        _check_phase((uhgu + vhgv).diagonal(0, -2, -1), "linalg_svd_backward: The singular "
                     "vectors in the complex case are specified up to multiplication by e^{i "
                     "phi}. The specified loss function depends on this phase term, making it "
                     "ill-defined.")
        d = (uhgu - _mH(uhgu)).diagonal(0, -2, -1) * (0.5 * inv_s)
        ga = ga + (u * d[..., None, :]) @ vh
    if m > k:
        ga = ga + (gu - u @ uhgu) @ (vh * inv_s[..., :, None])
    if n > k:
        ga = ga + (u * inv_s[..., None, :]) @ (_mH(gv) - _mH(vhgv) @ vh)
    return ga


class Svdvals(Op):
    node_name = "LinalgSvdBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        _check_finite(xp, a)
        if not ctx.needs_input_grad or not ctx.needs_input_grad[0]:
            return xp.linalg.svd(a, compute_uv=False).astype(_real(a.dtype))
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        ctx.keep = (u, s, vh)
        return s.astype(_real(a.dtype))

    @staticmethod
    def backward(ctx, gs):
        u, _, vh = _outputs(ctx, SVD, False)
        return (u * gs[..., None, :]) @ vh


_svd_t = return_type("svd", ("U", "S", "V"))
_linalg_svd_t = return_type("linalg_svd", ("U", "S", "Vh"))


def _svd(A, full_matrices: bool = True, name: str = "linalg.svd"):
    _mat(A, name, square=False)
    return _linalg_svd_t(*SVD.apply(A, full_matrices))


def _svdvals(A, name: str = "linalg.svdvals"):
    _mat(A, name, square=False)
    return Svdvals.apply(A)


@with_out
def svd(input, some: bool = True, compute_uv: bool = True, *, out=None):
    """The deprecated torch.svd: (U, S, V) with V, not V^H; zeros for U, V when not computed."""
    if not compute_uv:
        s = _svdvals(input)
        m, n = input.shape[-2:]
        xp = array_module(input._data)
        z = (xp.zeros(input.shape[:-2] + (m, m), input._data.dtype),
             xp.zeros(input.shape[:-2] + (n, n), input._data.dtype))
        return _svd_t(_op._new_tensor(z[0]), s, _op._new_tensor(z[1]))
    u, s, vh = _svd(input, not some)
    return _svd_t(u, s, _mH(vh))


class Eigh(Op):
    node_name = "LinalgEighBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, uplo):
        xp = array_module(a)
        w, v = xp.linalg.eigh(a, UPLO=uplo)
        ctx.uplo = uplo
        ctx.keep = (w, v)
        return w.astype(_real(a.dtype)), v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = _outputs(ctx, Eigh, ctx.uplo)
        return _eigh_backward(v, w, gw, gv)


def _eigh_backward(v, w, gw, gv):
    """A = V diag(w) V^H: gA = V (diag(gw) + F * skew(V^H gV)) V^H, F_ij = 1 / (w_j - w_i)."""
    k = w.shape[-1]
    inner = _r.diag_embed(gw).to(v.dtype)
    xp = array_module(gv._data)
    if xp.any(gv._data):
        eye = _op._new_tensor(xp.eye(k, dtype=bool))
        e = w[..., None, :] - w[..., :, None]
        f = where(eye, 0.0, 1.0 / where(eye, 1.0, e))
        vhgv = _mH(v) @ gv
        inner = inner + f * (0.5 * (vhgv - _mH(vhgv)))  # the skew part: gA comes out symmetric
    return v @ inner @ _mH(v)
