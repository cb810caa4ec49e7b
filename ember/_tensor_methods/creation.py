"""Tensor.new_* methods: factories that default to the tensor's own dtype and device."""
from __future__ import annotations

from ..ops import creation as _c


class CreationMethods:
    __slots__ = ()

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        if not isinstance(data, type(self)):
            return _c.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                             requires_grad=requires_grad)
        return _c.tensor(data.detach(), dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return _c.zeros(*size, dtype=dtype or self.dtype, device=device or self.device,
                        requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return _c.ones(*size, dtype=dtype or self.dtype, device=device or self.device,
                       requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return _c.empty(*size, dtype=dtype or self.dtype, device=device or self.device,
                        requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        return _c.full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                       requires_grad=requires_grad)
