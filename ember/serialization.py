"""ember.save / ember.load in PyTorch's zip checkpoint format; restricted unpickler by default."""
from __future__ import annotations

__all__: list = []


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Placeholder until the serialization family lands."""
    raise NotImplementedError("ember.save is not implemented yet")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **kw):
    """Placeholder until the serialization family lands."""
    raise NotImplementedError("ember.load is not implemented yet")
