"""Tensor methods of the linear-algebra family (matmul, mm, bmm, mv, dot, outer, addmm...)."""
from __future__ import annotations

from ..ops import linalg as _la


class LinalgMethods:
    __slots__ = ()

    def matmul(self, other):
        return _la.matmul(self, other)
