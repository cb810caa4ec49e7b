"""Tensor methods of the decomposition family (det, inverse, svd, qr, cholesky...)."""
from __future__ import annotations

from ._lazy import LazyModule

_d = LazyModule(globals(), "_d", "ember.ops.decomposition")


class DecompositionMethods:
    __slots__ = ()

    def det(self):
        return _d.det(self)

    def logdet(self):
        return _d.logdet(self)

    def slogdet(self):
        return _d.slogdet(self)

    def inverse(self):
        return _d.inverse(self)

    def svd(self, some: bool = True, compute_uv: bool = True):
        return _d.svd(self, some, compute_uv)

    def qr(self, some: bool = True):
        return _d.qr(self, some)

    def cholesky(self, upper: bool = False):
        return _d.cholesky(self, upper)

    def cholesky_inverse(self, upper: bool = False):
        return _d.cholesky_inverse(self, upper)

    def cholesky_solve(self, input2, upper: bool = False):
        return _d.cholesky_solve(self, input2, upper)

    def lu(self, pivot: bool = True, get_infos: bool = False):
        return _d.lu(self, pivot, get_infos)

    def lu_solve(self, LU_data, LU_pivots):
        return _d.lu_solve(self, LU_data, LU_pivots)

    def pinverse(self, rcond: float = 1e-15):
        return _d.pinverse(self, rcond)

    def matrix_power(self, n: int):
        return _d.matrix_power(self, n)

    def matrix_exp(self):
        return _d.matrix_exp(self)

    def trace(self):
        return _d.trace(self)

    def triangular_solve(self, A, upper: bool = True, transpose: bool = False,
                         unitriangular: bool = False):
        return _d.triangular_solve(self, A, upper, transpose, unitriangular)

    def geqrf(self):
        return _d.geqrf(self)

    def orgqr(self, input2):
        return _d.orgqr(self, input2)

    def ormqr(self, input2, input3, left: bool = True, transpose: bool = False):
        return _d.ormqr(self, input2, input3, left, transpose)

    def eig(self, eigenvectors: bool = False):
        return _d.eig(self, eigenvectors)

    def symeig(self, eigenvectors: bool = False, upper: bool = True):
        return _d.symeig(self, eigenvectors, upper)

    def lstsq(self, A):
        return _d.lstsq(self, A)
