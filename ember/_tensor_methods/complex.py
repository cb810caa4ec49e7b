"""Tensor methods of the complex and spectral families (conj, angle, stft, istft...)."""
from __future__ import annotations


class ComplexMethods:
    __slots__ = ()
