"""Typed, settable module flags: `ember.backends.cudnn.benchmark = True`, as torch's PropModule."""
from __future__ import annotations

import contextlib
import sys
import types


class BoolFlag:
    """A module attribute that only takes a bool (RuntimeError otherwise, with torch's text)."""

    def __init__(self, default: bool, setter_name: str) -> None:
        self.default = default
        self.setter_name = setter_name

    def __set_name__(self, owner, name: str) -> None:
        self.key = f"_flag_{name}"

    def __get__(self, module, owner=None):
        if module is None:
            return self
        return module.__dict__.get(self.key, self.default)

    def __set__(self, module, value) -> None:
        if not isinstance(value, bool):
            raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError here
                f"{self.setter_name} expects a bool, but got {type(value).__name__}")
        module.__dict__[self.key] = value


def install(module_name: str, cls: type) -> None:
    """Give the module `module_name` the flag descriptors of `cls` (a ModuleType subclass)."""
    assert issubclass(cls, types.ModuleType)
    sys.modules[module_name].__class__ = cls


@contextlib.contextmanager
def temporarily(module, **values):
    """Set flags of `module` inside a with-block and restore them after, as torch's flags()
    (a None value, set or saved, is left alone there too)."""
    saved = {name: getattr(module, name) for name in values}
    try:
        _set_all(module, values)
        yield
    finally:
        _set_all(module, saved)


def _set_all(module, values: dict) -> None:
    for name, value in values.items():
        if value is not None:
            setattr(module, name, value)
