"""parametrizations.orthogonal: a weight kept orthogonal (unitary) through one of three maps.

The parameter stored is an unconstrained matrix X; forward maps it to an orthogonal Q:
"matrix_exp" and "cayley" map the skew part of tril(X) (embedded in a square matrix when X is not
square), "householder" reads tril(X, -1) as Householder reflectors. With `use_trivialization` (the
default) the result is multiplied by a buffer `base` set when a value is assigned, so assigning an
orthogonal matrix keeps it and training moves around it. Every step follows torch's (including the
randn completion of a non-square base), so a seeded module is the same under both frameworks.
"""
from __future__ import annotations

import enum

from ... import random as _random
from ..._dtype import finfo
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops.comparison import allclose
from ...ops.creation import eye, zeros_like
from ...ops.decomposition import matrix_exp, solve
from ...ops.decomposition_packed import geqrf, householder_product
from ...ops.elementwise import add
from ...ops.shape import cat
from ..modules.module import Module
from . import parametrize


class _OrthMaps(enum.Enum):
    matrix_exp = enum.auto()
    cayley = enum.auto()
    householder = enum.auto()


def _q_of_qr(a: Tensor) -> Tensor:
    """The Q factor of a = QR with a real, non-negative diagonal of R (a tall, maybe complex)."""
    reflectors, tau = geqrf(a)
    q = householder_product(reflectors, tau)
    return q * reflectors.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _is_orthogonal(q: Tensor) -> bool:
    """Q^H Q == I within 10 n eps of Q's dtype."""
    n, k = q.shape[-2], q.shape[-1]
    ident = eye(k, dtype=q.dtype)
    return bool(allclose(q.mH @ q, ident, atol=10.0 * n * finfo(q.dtype).eps))


class _Orthogonal(Module):
    """X -> orthogonal Q of X's shape; `right_inverse` picks an X (and `base`) for a given Q."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *,
                 use_trivialization: bool = True) -> None:
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        wide = X.shape[-2] < X.shape[-1]
        if wide:
            X = X.mT
        n, k = X.shape[-2], X.shape[-1]
        if self.orthogonal_map == _OrthMaps.householder:
            reflectors = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (reflectors * reflectors).sum(dim=-2))
            Q = householder_product(reflectors, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)  # X's diagonal holds +-1
        else:
            X = X.tril()
            if n != k:  # embed the tall matrix in a square one
                pad = X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)
                X = cat([X, pad], dim=-1)
            skew = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(skew)
            else:
                ident = eye(n, dtype=skew.dtype)
                Q = solve(add(ident, skew, alpha=-0.5), add(ident, skew, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if wide else Q

    @no_grad()
    def right_inverse(self, Q: Tensor) -> Tensor:
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        given = Q
        wide = Q.shape[-2] < Q.shape[-1]
        if wide:
            Q = Q.mT
        n, k = Q.shape[-2], Q.shape[-1]
        if not hasattr(self, "base"):
            if self.orthogonal_map != _OrthMaps.householder:
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False.")
            reflectors, tau = geqrf(Q)
            diag = reflectors.diagonal(dim1=-2, dim2=-1)
            diag.sign_()  # R's diagonal becomes +-1, the sign the forward multiplies back
            diag[tau == 0.0] *= -1  # LAPACK skipped that reflection: H = I, so flip the sign
            return reflectors.mT if wide else reflectors
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _q_of_qr(Q)
        else:  # complete the tall Q to a square orthogonal matrix with random columns
            extra = _random.randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype)
            Q = _q_of_qr(cat([Q, extra], dim=-1))
        self.base = Q
        neg_eye = zeros_like(given)  # householder(zeros) is the identity with this sign
        neg_eye.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_eye


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Constrain `module.<name>` (a matrix or batch of matrices) to be orthogonal or unitary."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):  # torch raises ValueError here
        raise ValueError(  # noqa: TRY004
            f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. "
                         f"Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        square = weight.shape[-2] == weight.shape[-1]
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    kind = getattr(_OrthMaps, orthogonal_map, None)
    if kind is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, kind, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
