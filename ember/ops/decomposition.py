"""Matrix decompositions and the functions built on them (det, inverse, svd, qr, cholesky, eig...)."""
from __future__ import annotations

__all__: list[str] = []
