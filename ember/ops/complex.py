"""Complex-number ops: real/imag views, conj, angle, polar, complex, view_as_real/view_as_complex."""
from __future__ import annotations

__all__: list[str] = []
