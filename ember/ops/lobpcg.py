"""torch.lobpcg: a few extreme eigenpairs of a symmetric (generalized) eigenproblem A x = e B x.

LOBPCG (Knyazev 2001) keeps a search basis S = [X, P, W] of current eigenvectors, previous
directions and preconditioned residuals, and solves the small projected problem S^T A S each step
(Rayleigh-Ritz). `method="ortho"` B-orthonormalizes S (Stathopoulos & Wu 2002, Duersch et al. 2018);
`"basic"` uses a Cholesky-based transform instead. The steps, convergence test and defaults are
torch's, so the same A and X give torch's eigenpairs (eigenvectors up to sign).
Paper: https://arxiv.org/abs/1704.07458 (Duersch, Shao, Yang & Gu, 2018).
"""
from __future__ import annotations

import ember
from ember import _dtype as _dt
from ember.autograd.function import Function

__all__ = ["lobpcg"]

_FEPS = {_dt.float32: 1.2e-07, _dt.float64: 2.23e-16}  # torch's tol defaults: feps ** 0.5


# ---- small helpers -----------------------------------------------------------------------------


def _mm(A, X):
    """A @ X, where a missing A (None) is the identity."""
    return X if A is None else ember.matmul(A, X)


def _qform(A, S):
    """S^T A S."""
    return ember.matmul(S.mT, _mm(A, S))


def _symeig(M, largest: bool = False):
    """Eigenpairs of symmetric M (upper triangle), ascending, or descending when `largest`."""
    E, Z = ember.linalg.eigh(M, UPLO="U")
    if largest:
        E, Z = ember.flip(E, dims=(-1,)), ember.flip(Z, dims=(-1,))
    return E, Z


def _floating_dtype(A):
    return A.dtype if A.dtype in (_dt.float16, _dt.float32, _dt.float64) else _dt.float32


# ---- the iteration -----------------------------------------------------------------------------


class LOBPCG:
    """The iteration state: what a `tracker` callback sees (iparams, fparams, bparams, ivars,
    fvars, bvars, tvars, A, B, iK, E, X, S, R); it may set `bvars["force_stop"] = True`."""

    def __init__(self, A, B, X, iK, iparams, fparams, bparams, method, tracker) -> None:
        self.A, self.B, self.iK = A, B, iK
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method, self.tracker = method, tracker
        m, n = iparams["m"], iparams["n"]
        self.X = X
        self.E = ember.zeros((n,), dtype=X.dtype, device=X.device)
        self.R = ember.zeros((m, n), dtype=X.dtype, device=X.device)
        self.S = ember.zeros((m, 3 * n), dtype=X.dtype, device=X.device)
        self.tvars, self.ivars = {}, {"istep": 0}
        self.fvars, self.bvars = {"_": 0.0}, {"_": False}

    def __str__(self) -> str:
        names = ("iparams", "fparams", "bparams", "ivars", "fvars", "bvars", "tvars", "A", "B",
                 "iK", "X", "E")
        return "LOBPCG:\n" + "".join(f"  {k}={getattr(self, k)}\n" for k in names)

    def run(self) -> None:
        """Iterate until k pairs converged, niter steps were taken, or a tracker forced a stop."""
        self.update()
        self.call_tracker()
        while not self.stop_iteration():
            self.update()
            self.call_tracker()

    def call_tracker(self) -> None:
        if self.tracker is not None:
            self.tracker(self)

    def stop_iteration(self) -> bool:
        return (self.bvars.get("force_stop", False) or self.ivars["iterations_left"] == 0
                or self.ivars["converged_count"] >= self.iparams["k"])

    def update(self) -> None:
        """One step; the first also measures |X|, |A X| / |X| and |B X| / |X|."""
        if self.ivars["istep"] == 0:
            x_norm = float(ember.norm(self.X))
            self.fvars["X_norm"] = x_norm
            self.fvars["A_norm"] = float(ember.norm(_mm(self.A, self.X))) * x_norm**-1
            self.fvars["B_norm"] = float(ember.norm(_mm(self.B, self.X))) * x_norm**-1
            self.ivars["iterations_left"] = self.iparams["niter"]
            self.ivars["converged_count"] = 0
            self.ivars["converged_end"] = 0
        if self.method == "ortho":
            self._update_ortho()
        else:
            self._update_basic()
        self.ivars["iterations_left"] -= 1
        self.ivars["istep"] += 1

    def update_residual(self) -> None:
        self.R = _mm(self.A, self.X) - _mm(self.B, self.X) * self.E

    def update_converged_count(self) -> int:
        """Leading pairs whose backward-stable residual |r| / (|x| (|A| + |e| |B|)) is below tol."""
        prev = self.ivars["converged_count"]
        E, X, R = self.E, self.X, self.R
        col_norm = ember.linalg.vector_norm
        rerr = col_norm(R, 2, dim=(0,)) / (col_norm(X, 2, dim=(0,)) * (
            self.fvars["A_norm"] + ember.abs(E[:X.shape[-1]]) * self.fvars["B_norm"]))
        count = 0
        for ok in (rerr < self.fparams["tol"]).tolist():
            if not ok:
                break
            count += 1
        if count < prev:
            raise AssertionError(f"the number of converged eigenpairs (was {prev}, got {count}) "
                                 "cannot decrease")
        self.ivars["converged_count"] = count
        self.tvars["rerr"] = rerr
        return count

    def _first_ritz(self, largest: bool):
        """Rayleigh-Ritz on the initial X: (Ritz values, Ritz vectors)."""
        Ri = self._get_rayleigh_ritz_transform(self.X)
        E, Z = _symeig(_qform(_qform(self.A, self.X), Ri), largest)
        return E, ember.matmul(self.X, ember.matmul(Ri, Z))

    def _update_basic(self) -> None:
        """One "basic" step: Rayleigh-Ritz on S = [X, P, W] through the Cholesky transform."""
        nc, ns = self.ivars["converged_count"], self.ivars["converged_end"]
        n, largest = self.iparams["n"], self.bparams["largest"]
        if self.ivars["istep"] == 0:
            E, X = self._first_ritz(largest)
            self.X[:] = X
            self.E[:] = E
            np_ = 0
            self.update_residual()
            nc = self.update_converged_count()
            self.S[..., :n] = self.X
            W = _mm(self.iK, self.R)
        else:
            S_ = self.S[:, nc:ns]
            Ri = self._get_rayleigh_ritz_transform(S_)
            E_, Z = _symeig(_qform(_qform(self.A, S_), Ri), largest)
            self.X[:, nc:] = ember.matmul(S_, ember.matmul(Ri, Z[:, :n - nc]))
            self.E[nc:] = E_[:n - nc]
            P = ember.matmul(S_, ember.matmul(Ri, Z[:, n:2 * n - nc]))
            np_ = P.shape[-1]
            self.update_residual()
            nc = self.update_converged_count()
            self.S[..., :n] = self.X
            self.S[:, n:n + np_] = P
            W = _mm(self.iK, self.R[:, nc:])
        ns = self.ivars["converged_end"] = n + np_ + W.shape[-1]
        self.S[:, n + np_:ns] = W

    def _update_ortho(self) -> None:
        """One "ortho" step: S is kept B-orthonormal, so Rayleigh-Ritz is a plain eigh."""
        nc, ns = self.ivars["converged_count"], self.ivars["converged_end"]
        n, largest = self.iparams["n"], self.bparams["largest"]
        if self.ivars["istep"] == 0:
            _, self.X = self._first_ritz(largest)  # E stays 0 until the first full step, as torch
            self.update_residual()
            np_ = 0
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            W = self._get_ortho(self.R, self.X)
        else:
            S_ = self.S[:, nc:ns]
            E_, Z = _symeig(_qform(self.A, S_), largest)
            self.X[:, nc:] = ember.matmul(S_, Z[:, :n - nc])
            self.E[nc:] = E_[:n - nc]
            # the new directions P: the rest of the Ritz basis, orthogonal to the X block
            Q = ember.linalg.qr(Z[:n - nc, n - nc:].mT).Q
            P = ember.matmul(S_, ember.matmul(Z[:, n - nc:], Q))
            np_ = P.shape[-1]
            self.update_residual()
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            self.S[:, n:n + np_] = P
            W = self._get_ortho(self.R[:, nc:], self.S[:, :n + np_])
        ns = self.ivars["converged_end"] = n + np_ + W.shape[-1]
        self.S[:, n + np_:ns] = W

    # ---- bases ---------------------------------------------------------------------------------

    def _get_rayleigh_ritz_transform(self, S):
        """Upper-triangular Ri with Ri^T (S^T B S) Ri = I: Ri = R^-1 d for R^T R = d d^T * S^T B S,
        d = diag(S^T B S)^-1/2 (the diagonal scaling written as broadcasts)."""
        SBS = _qform(self.B, S)
        d_row = SBS.diagonal(0, -2, -1) ** -0.5
        d_col = d_row.reshape(d_row.shape[0], 1)
        R = ember.linalg.cholesky((SBS * d_row) * d_col, upper=True)
        return ember.linalg.solve_triangular(R, d_row.diag_embed(), upper=True, left=False)

    def _get_svqb(self, U, drop: bool, tau: float):
        """B-orthonormal columns spanning U (SVQB, Stathopoulos & Wu): eigenvalues of the scaled
        Gram matrix below tau * max are raised to it, or their directions dropped."""
        if U.numel() == 0:
            return U
        UBU = _qform(self.B, U)
        d = UBU.diagonal(0, -2, -1)
        nz = ember.where(abs(d) != 0.0)[0]
        if len(nz) < len(d):
            U = U[:, nz]
            if U.numel() == 0:
                return U
            UBU = _qform(self.B, U)
            d = UBU.diagonal(0, -2, -1)
            if len(ember.where(abs(d) != 0.0)[0]) != len(d):
                raise AssertionError("expected a nonzero B-norm for every column")
        d_col = (d**-0.5).reshape(d.shape[0], 1)
        E, Z = _symeig((UBU * d_col) * d_col.mT)
        t = tau * abs(E).max()
        if drop:
            keep = ember.where(E > t)[0]
            E, Z, d_col = E[keep], Z[:, keep], d_col[keep]
        else:
            E[ember.where(E < t)[0]] = t
        return ember.matmul(U * d_col.mT, Z * E**-0.5)

    def _get_ortho(self, U, V):
        """U made B-orthonormal and B-orthogonal to V: up to ortho_i_max rounds of projecting out
        V, each with up to ortho_j_max SVQB passes, until the relative errors fall below
        ortho_tol (errors recorded in fvars as ortho_UBUmI_rerr[i, j] and ortho_VBU_rerr[i])."""
        fp, ip = self.fparams, self.iparams
        tau_ortho, tau_drop, tau_replace = fp["ortho_tol"], fp["ortho_tol_drop"], fp[
            "ortho_tol_replace"]
        use_drop = self.bparams["ortho_use_drop"]
        for key in [k for k in self.fvars if k.startswith("ortho_") and k.endswith("_rerr")]:
            self.fvars.pop(key)
        self.ivars.pop("ortho_i", 0)
        self.ivars.pop("ortho_j", 0)
        BV_norm = ember.norm(_mm(self.B, V))
        VBU = ember.matmul(V.mT, _mm(self.B, U))
        i = j = 0
        for i in range(ip["ortho_i_max"]):
            U = U - ember.matmul(V, VBU)
            drop, tau_svqb = False, tau_drop
            for j in range(ip["ortho_j_max"]):
                if use_drop:
                    U = self._get_svqb(U, drop, tau_svqb)
                    drop, tau_svqb = True, tau_replace
                else:
                    U = self._get_svqb(U, False, tau_replace)
                if U.numel() == 0:
                    self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
                    return U
                BU = _mm(self.B, U)
                UBU = ember.matmul(U.mT, BU)
                eye = ember.eye(UBU.shape[-1], device=UBU.device, dtype=UBU.dtype)
                rerr = float(ember.norm(UBU - eye)) * float(ember.norm(BU) * ember.norm(U)) ** -1
                self.fvars[f"ortho_UBUmI_rerr[{i}, {j}]"] = rerr
                if rerr < tau_ortho:
                    break
            VBU = ember.matmul(V.mT, BU)
            rerr = float(ember.norm(VBU)) * float(BV_norm * ember.norm(U)) ** -1
            self.fvars[f"ortho_VBU_rerr[{i}]"] = rerr
            if rerr < tau_ortho:
                break
            if ip["m"] < U.shape[-1] + V.shape[-1]:
                if self.B is None:
                    raise AssertionError("B must not be None")
                raise ValueError(f"Overdetermined shape of U: #B-cols(={self.B.shape[-1]}) >= "
                                 f"#U-cols(={U.shape[-1]}) + #V-cols(={V.shape[-1]}) must hold")
        self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
        return U


# ---- the gradient (B = I) ----------------------------------------------------------------------


def _symeig_backward_complete(D_grad, U_grad, A, D, U):
    """dA = U (diag(dD) + (U^T dU) * F) U^T, F_ij = 1 / (D_j - D_i) off the diagonal, 0 on it."""
    F = D.unsqueeze(-2) - D.unsqueeze(-1)
    eye = ember.eye(D.shape[-1], dtype=ember.bool, device=D.device)
    F = ember.where(eye, ember.full_like(F, float("inf")), F).reciprocal()
    Ut = U.mT.contiguous()
    inner = ember.diag_embed(D_grad) + ember.matmul(Ut, U_grad) * F
    return ember.matmul(U, ember.matmul(inner, Ut))


def _poly_from_roots(roots):
    """Coefficients (a_0, ..., a_n = 1) of prod_i (x - r_i), batched over leading dims."""
    n = roots.shape[-1]
    coeffs = [ember.ones_like(roots[..., 0])]  # highest power first while building
    for i in range(n):
        r = roots[..., i]
        coeffs = ([coeffs[0]] + [coeffs[j] - r * coeffs[j - 1] for j in range(1, i + 1)]
                  + [-r * coeffs[i]])
    return ember.stack(coeffs[::-1], dim=-1)


def _poly_at_vector(poly, x):
    """poly(x) elementwise by Horner's rule (poly's last coefficient is 1)."""
    res = ember.ones_like(x)
    for k in range(poly.shape[-1] - 2, -1, -1):
        res = ember.addcmul(poly[..., k].unsqueeze(-1), x, res)
    return res


def _poly_at_matrix(poly, A):
    """poly(A) for square A by Horner's rule."""
    m = A.shape[-1]
    eye = ember.eye(m, m, dtype=A.dtype, device=A.device)
    res = eye.view(*([1] * (A.dim() - 2)), m, m)
    for k in range(poly.shape[-1] - 2, -1, -1):
        res = ember.matmul(A, res) + poly[..., k].unsqueeze(-1).unsqueeze(-1) * eye
    return res


def _symeig_backward_partial(D_grad, U_grad, A, D, U, largest: bool):
    """k of m eigenpairs: the complete-eigenspace term plus the part of dA outside span(U),
    found by solving a Sylvester equation through the characteristic polynomial p of D on a
    random basis of U's orthogonal complement (drawn from a fresh default-seeded generator)."""
    Ut = U.mT.contiguous()
    proj_ortho = ember.eye(A.shape[-1], dtype=A.dtype, device=A.device) - ember.matmul(U, Ut)
    gen = ember.Generator(A.device)
    noise = ember.randn((*A.shape[:-1], A.shape[-1] - D.shape[-1]), dtype=A.dtype,
                        device=A.device, generator=gen)
    U_ortho = ember.matmul(proj_ortho, noise)
    U_ortho_t = U_ortho.mT.contiguous()
    p = _poly_from_roots(D)
    series, U_grad_k = ember.zeros_like(U_grad), U_grad
    for k in range(1, p.shape[-1]):
        series = series + U_grad_k * _poly_at_vector(p[..., k:], D).unsqueeze(-2)
        U_grad_k = ember.matmul(A, U_grad_k)
    p_A = ember.matmul(U_ortho_t, ember.matmul(_poly_at_matrix(p, A), U_ortho))
    sign = -1 if (largest and D.shape[-1] % 2 == 1) else 1  # keep p(A) on U_ortho positive
    L = ember.linalg.cholesky(sign * p_A)
    res = _symeig_backward_complete(D_grad, U_grad, A, D, U)
    fix = sign * ember.cholesky_solve(ember.matmul(U_ortho_t, series), L)
    return res - ember.matmul(ember.matmul(U_ortho, fix), Ut)


class LOBPCGAutogradFunction(Function):
    """lobpcg with a gradient for A (B = I only), as torch's."""

    @staticmethod
    def forward(ctx, A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None,
                largest=None, method=None, tracker=None, ortho_iparams=None, ortho_fparams=None,
                ortho_bparams=None):
        A = A.contiguous()
        B = B.contiguous() if B is not None else None
        D, U = _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams,
                       ortho_fparams, ortho_bparams)
        ctx.save_for_backward(A, B, D, U)
        ctx.largest = largest
        return D, U

    @staticmethod
    def backward(ctx, D_grad, U_grad):
        A, B, D, U = ctx.saved_tensors
        if A.is_complex() or (B is not None and B.is_complex()):
            raise ValueError("lobpcg.backward does not support complex input yet. "
                             "Note that lobpcg.forward does though.")
        if B is not None:
            raise ValueError("lobpcg.backward does not support backward with B != I yet.")
        largest = True if ctx.largest is None else ctx.largest
        if U.shape[-1] == U.shape[-2]:
            A_grad = _symeig_backward_complete(D_grad, U_grad, A, D, U)
        else:
            A_grad = _symeig_backward_partial(D_grad, U_grad, A, D, U, largest)
        return (A_grad,) + (None,) * 13


# ---- the entry point ---------------------------------------------------------------------------


def lobpcg(A, k: int | None = None, B=None, X=None, n: int | None = None, iK=None,
           niter: int | None = None, tol: float | None = None, largest: bool | None = None,
           method: str | None = None, tracker=None, ortho_iparams: dict | None = None,
           ortho_fparams: dict | None = None, ortho_bparams: dict | None = None):
    """The k largest (or smallest) eigenpairs of symmetric A x = e B x: (E of (*, k), X of
    (*, m, k)). A is symmetrized, (A + A^T) / 2, when it needs a gradient."""
    if A.requires_grad or (B is not None and B.requires_grad):
        A_sym = (A + A.mT) / 2
        B_sym = (B + B.mT) / 2 if B is not None else None
        return LOBPCGAutogradFunction.apply(A_sym, k, B_sym, X, n, iK, niter, tol, largest,
                                            method, tracker, ortho_iparams, ortho_fparams,
                                            ortho_bparams)
    return _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams,
                   ortho_fparams, ortho_bparams)


def _params(m, n, k, niter, tol, largest, method, ortho_iparams, ortho_fparams, ortho_bparams):
    """torch's iparams / fparams / bparams dictionaries, with the ortho defaults."""
    iparams = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if method == "ortho":
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
        iparams.setdefault("ortho_i_max", 3)
        iparams.setdefault("ortho_j_max", 3)
        for key in ("ortho_tol", "ortho_tol_drop", "ortho_tol_replace"):
            fparams.setdefault(key, tol)
        bparams.setdefault("ortho_use_drop", False)
    return iparams, fparams, bparams


def _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams,
            ortho_fparams, ortho_bparams):
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None and A.shape != B.shape:
        raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    dtype, device = _floating_dtype(A), A.device
    if tol is None:
        tol = _FEPS[dtype] ** 0.5  # KeyError for float16, as torch
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) "
                         f"is smaller than 3 x the number of requested eigenpairs (={n})")
    method = "ortho" if method is None else method
    iparams, fparams, bparams = _params(m, n, k, niter, tol, largest, method, ortho_iparams,
                                        ortho_fparams, ortho_bparams)

    def solve(A_, B_, X_, name="X"):
        if X_ is None:
            X_ = ember.randn((m, n), dtype=dtype, device=device)
        if not (X_.dim() == 2 and tuple(X_.shape) == (m, n)):
            raise AssertionError(f"{name} shape mismatch: got {X_.shape}, expected {(m, n)}")
        worker = LOBPCG(A_, B_, X_, iK, iparams, fparams, bparams, method, tracker)
        worker.run()
        return worker.E[:k], worker.X[:, :k]

    if A.dim() == 2:
        return solve(A, B, X)
    batch = tuple(A.shape[:-2])
    N = 1
    for s in batch:
        N *= s
    bA = A.reshape((N, m, m))
    bB = B.reshape((N, m, m)) if B is not None else None
    bX = X.reshape((N,) + tuple(X.shape[-2:])) if X is not None else None
    bE = ember.empty((N, k), dtype=dtype, device=device)
    bU = ember.empty((N, m, k), dtype=dtype, device=device)
    for i in range(N):
        iparams["batch_index"] = i
        bE[i], bU[i] = solve(bA[i], None if bB is None else bB[i],
                             None if bX is None else bX[i], "X_")
    return bE.reshape(batch + (k,)), bU.reshape(batch + (m, k))
