"""Tensor methods for writes into views and storage-level operations: the *_scatter family,
index_put(_), put(_), fill_diagonal_, as_strided, the h/v/dsplit family, resize_, new(), and the
Python-callable in-place maps (apply_, map_, map2_)."""
from __future__ import annotations

import numpy as np

from ..ops import creation as _c
from ..ops._output import inplace
from ._lazy import LazyModule

_sv = LazyModule(globals(), "_sv", "ember.ops.scatter_views")


class ViewMethods:
    __slots__ = ()

    def hsplit(self, indices_or_sections):
        return _sv.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return _sv.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return _sv.dsplit(self, indices_or_sections)

    def split_with_sizes(self, split_sizes, dim=0):
        return _sv.split_with_sizes(self, split_sizes, dim)

    def unsafe_split(self, split_size, dim=0):
        return _sv.unsafe_split(self, split_size, dim)

    def unsafe_split_with_sizes(self, split_sizes, dim=0):
        return _sv.unsafe_split_with_sizes(self, split_sizes, dim)

    def unsafe_chunk(self, chunks, dim=0):
        return _sv.unsafe_chunk(self, chunks, dim)

    def narrow_copy(self, dim, start, length):
        return _sv.narrow_copy(self, dim, start, length)

    def select_scatter(self, src, dim, index):
        return _sv.select_scatter(self, src, dim, index)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        return _sv.slice_scatter(self, src, dim, start, end, step)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        return _sv.diagonal_scatter(self, src, offset, dim1, dim2)

    def as_strided(self, size, stride, storage_offset=None):
        return _sv.as_strided(self, size, stride, storage_offset)

    def as_strided_scatter(self, src, size, stride, storage_offset=None):
        return _sv.as_strided_scatter(self, src, size, stride, storage_offset)

    def index_put(self, indices, values, accumulate=False):
        return _sv.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return inplace(self, _sv.index_put, indices, values, accumulate)

    def put(self, index, source, accumulate=False):
        return _sv.put(self, index, source, accumulate)

    def put_(self, index, source, accumulate=False):
        return inplace(self, _sv.put, index, source, accumulate)

    def diagflat(self, offset=0):
        return _sv.diagflat(self, offset)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return _sv.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        return inplace(self, _sv.addr, vec1, vec2, beta=beta, alpha=alpha)

    def fill_diagonal_(self, fill_value, wrap=False):
        """Fill the main diagonal in place (every dim of equal length beyond 2-d; a tall matrix
        with wrap=True restarts the diagonal after one skipped row, as torch)."""
        if self.dim() < 2:
            raise RuntimeError("dimensions must larger than 1")
        h, w = self.shape[0], self.shape[1]
        if self.dim() > 2 and any(s != h for s in self.shape):
            raise RuntimeError("all dimensions of input must be of equal length")
        n = min(h, w)
        if self.dim() == 2 and wrap and h > w + 1:
            flat = np.arange(0, h * w, w + 1)
            rows, cols = flat // w, flat % w
            key = (_c.tensor(rows), _c.tensor(cols))
        else:
            idx = _c.tensor(np.arange(n))
            key = (idx,) * self.dim()
        self[key] = fill_value
        return self

    def new(self, *args, **kwargs):
        """Legacy constructor in this tensor's dtype: new(2, 3) uninitialised, new(data)."""
        if kwargs:
            raise TypeError(f"new() got unexpected keyword arguments {sorted(kwargs)}")
        if len(args) == 1 and not isinstance(args[0], int) and not _is_size(args[0]):
            return _c.tensor(args[0], dtype=self.dtype)
        sizes = tuple(args[0]) if len(args) == 1 and _is_size(args[0]) else args
        return _c.empty(sizes if sizes else (0,), dtype=self.dtype)

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False):
        return _c.empty_strided(size, stride, dtype=dtype or self.dtype,
                                device=device or self.device, requires_grad=requires_grad)

    def resize_(self, *sizes, memory_format=None):
        """Change the shape in place, keeping the first elements; new ones are uninitialised."""
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        n = int(np.prod(sizes)) if sizes else 1
        flat = self._data.reshape(-1)
        if n <= flat.size and self._data.flags.c_contiguous:
            self._data = flat[:n].reshape(sizes)
        else:
            grown = np.zeros(n, dtype=self._data.dtype)
            grown[:min(n, flat.size)] = flat[:min(n, flat.size)]
            self._data = grown.reshape(sizes)
        self._vbox[0] += 1
        return self

    def resize_as_(self, the_template, memory_format=None):
        return self.resize_(tuple(the_template.shape))

    # device and layout kinds ember tensors never are (torch's flags, read by real programs)
    is_xpu = is_mps = is_ipu = is_hpu = is_mtia = is_vulkan = is_mkldnn = is_nested = \
        is_sparse_csr = property(lambda self: False)

    def get_device(self) -> int:
        return -1 if self.device.type == "cpu" else (self.device.index or 0)

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None):
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def apply_(self, callable):
        """Replace each element x by callable(x) (CPU; Python numbers in and out)."""
        return self._map_python(callable)

    def map_(self, tensor, callable):
        """self[i] = callable(self[i], tensor[i]), tensor broadcast to self."""
        return self._map_python(callable, tensor)

    def map2_(self, x, y, callable):
        """self[i] = callable(self[i], x[i], y[i]), x and y broadcast to self."""
        return self._map_python(callable, x, y)

    def _map_python(self, fn, *others):
        if self.requires_grad:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        arrays = [np.broadcast_to(o._data, self._data.shape) for o in others]
        out = self._data.reshape(-1) if self._data.flags.c_contiguous else None
        values = [fn(*(a.item() for a in items)) for items in
                  zip(np.nditer(self._data), *(np.nditer(a) for a in arrays))]
        result = np.asarray(values, dtype=self._data.dtype).reshape(self._data.shape)
        if out is not None:
            out[...] = result.reshape(-1)
        else:
            self._data[...] = result
        self._vbox[0] += 1
        return self


def _is_size(value) -> bool:
    return isinstance(value, tuple) and type(value).__name__ == "Size"
