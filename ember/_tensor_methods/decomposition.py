"""Tensor methods of the decomposition family (det, inverse, svd, qr, cholesky...)."""
from __future__ import annotations


class DecompositionMethods:
    __slots__ = ()
