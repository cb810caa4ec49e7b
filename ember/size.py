"""ember.Size: the tuple subclass PyTorch returns for shapes (`torch.Size([3, 4])`)."""
from __future__ import annotations


class Size(tuple):
    """A shape: a tuple of ints that prints as `torch.Size([...])`."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        """Validate the entries (ints, or objects with __index__ such as 0-d integer tensors)."""
        out = []
        for i, s in enumerate(sizes):
            if s.__class__ is not int:
                if not hasattr(s, "__index__"):
                    raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                                    f"'{type(s).__name__}')")
                s = s.__index__()
            out.append(s)
        return tuple.__new__(cls, out)

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return tuple.__new__(Size, r) if isinstance(item, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, tuple.__add__(other, self))

    def __mul__(self, n):
        return tuple.__new__(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))
