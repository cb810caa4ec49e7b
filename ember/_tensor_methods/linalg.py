"""Tensor methods of the linear-algebra family (matmul, mm, bmm, mv, dot, outer, addmm...)."""
from __future__ import annotations

from ..ops import linalg as _la
from ..ops._output import inplace


class LinalgMethods:
    __slots__ = ()

    def matmul(self, other):
        return _la.matmul(self, other)

    def mm(self, mat2):
        return _la.mm(self, mat2)

    def bmm(self, mat2):
        return _la.bmm(self, mat2)

    def mv(self, vec):
        return _la.mv(self, vec)

    def dot(self, other):
        return _la.dot(self, other)

    def vdot(self, other):
        return _la.vdot(self, other)

    def inner(self, other):
        return _la.inner(self, other)

    def outer(self, vec2):
        return _la.outer(self, vec2)

    ger = outer

    def kron(self, other):
        return _la.kron(self, other)

    def cross(self, other, dim=None):
        return _la.cross(self, other, dim)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _la.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return inplace(self, _la.addmm, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return _la.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return inplace(self, _la.addmv, mat, vec, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _la.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return inplace(self, _la.baddbmm, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _la.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return inplace(self, _la.addbmm, batch1, batch2, beta=beta, alpha=alpha)
