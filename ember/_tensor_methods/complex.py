"""Tensor methods of the complex and spectral families (conj, angle, stft, istft...)."""
from __future__ import annotations

from ..ops import complex as _c
from ..ops._output import inplace
from ._lazy import LazyModule

_s = LazyModule(globals(), "_s", "ember.ops.spectral")


class ComplexMethods:
    __slots__ = ()

    def cfloat(self, memory_format=None):
        return self.to(_c.complex64)

    def cdouble(self, memory_format=None):
        return self.to(_c.complex128)

    def angle(self):
        return _c.angle(self)

    def conj(self):
        return _c.conj(self)

    def conj_physical(self):
        return _c.conj_physical(self)

    def conj_physical_(self):
        return inplace(self, _c.conj_physical)

    def resolve_conj(self):
        return _c.resolve_conj(self)

    def resolve_neg(self):
        return _c.resolve_neg(self)

    def is_conj(self) -> bool:
        return _c.is_conj(self)

    def is_neg(self) -> bool:
        return _c.is_neg(self)

    def stft(self, n_fft, hop_length=None, win_length=None, window=None, center=True,
             pad_mode="reflect", normalized=False, onesided=None, return_complex=None,
             align_to_window=None):
        return _s.stft(self, n_fft, hop_length, win_length, window, center, pad_mode, normalized,
                       onesided, return_complex, align_to_window)

    def istft(self, n_fft, hop_length=None, win_length=None, window=None, center=True,
              normalized=False, onesided=None, length=None, return_complex=False):
        return _s.istft(self, n_fft, hop_length, win_length, window, center, normalized,
                        onesided, length, return_complex)
