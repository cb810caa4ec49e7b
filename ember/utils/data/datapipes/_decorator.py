"""DataPipe decorators: functional_datapipe (registration as a method), non_deterministic with
the guaranteed_datapipes_determinism switch, and the typing checks runtime_validation /
argument_validation with their runtime_validation_disabled switch, as torch 2.13 behaves."""
from __future__ import annotations

import functools
import inspect
import typing

from .datapipe import IterDataPipe, MapDataPipe

__all__ = ["argument_validation", "functional_datapipe", "guaranteed_datapipes_determinism",
           "non_deterministic", "runtime_validation", "runtime_validation_disabled"]


class functional_datapipe:
    """Class decorator: `@functional_datapipe("name")` makes `dp.name(...)` build the class."""

    name: str

    def __init__(self, name: str, enable_df_api_tracing: bool = False) -> None:
        self.name = name
        self.enable_df_api_tracing = enable_df_api_tracing

    def __call__(self, cls):
        if isinstance(cls, non_deterministic) or issubclass(cls, IterDataPipe):
            IterDataPipe.register_datapipe_as_function(self.name, cls,
                                                       self.enable_df_api_tracing)
        elif issubclass(cls, MapDataPipe):
            MapDataPipe.register_datapipe_as_function(self.name, cls)
        return cls


# ---- determinism ------------------------------------------------------------------------------

_determinism = False


class guaranteed_datapipes_determinism:
    """Context manager: constructing a non_deterministic DataPipe inside it raises TypeError."""

    prev: bool

    def __init__(self) -> None:
        global _determinism
        self.prev = _determinism
        _determinism = True

    def __enter__(self) -> None:
        pass

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        global _determinism
        _determinism = self.prev


class non_deterministic:
    """Mark an IterDataPipe class (or, given a function, the inputs for which it is) as
    non-deterministic: building it under guaranteed_datapipes_determinism raises TypeError."""

    cls = None
    deterministic_fn = None

    def __init__(self, arg) -> None:
        if isinstance(arg, type):
            if not issubclass(arg, IterDataPipe):
                raise TypeError(f"Only `IterDataPipe` can be decorated with `non_deterministic`, "
                                f"but {arg.__name__} is found")
            self.cls = arg
        elif callable(arg):
            self.deterministic_fn = arg
        else:
            raise TypeError(f"{arg} can not be decorated by non_deterministic")

    def __call__(self, *args, **kwargs):
        if self.cls is not None:
            if _determinism:
                raise TypeError(
                    f"{self.cls.__name__} is non-deterministic, but you set "
                    "'guaranteed_datapipes_determinism'. You can turn off determinism for this "
                    "DataPipe if that is acceptable for your application")
            return self.cls(*args, **kwargs)
        self.cls = args[0]  # decorating a class with a deterministic_fn
        if not (isinstance(self.cls, type) and issubclass(self.cls, IterDataPipe)):
            raise TypeError(f"Only `IterDataPipe` can be decorated, but "
                            f"{self.cls.__name__} is found")
        return self.deterministic_wrapper_fn

    def deterministic_wrapper_fn(self, *args, **kwargs):
        result = self.deterministic_fn(*args, **kwargs)
        if not isinstance(result, bool):
            raise TypeError("deterministic_fn of `non_deterministic` decorator is required to "
                            f"return a boolean value, but {type(result)} is found")
        if _determinism and result:
            raise TypeError(
                f"{self.cls.__name__} is non-deterministic with the inputs, but you set "
                "'guaranteed_datapipes_determinism'. You can turn off determinism for this "
                "DataPipe if that is acceptable for your application")
        return self.cls(*args, **kwargs)


# ---- typing checks ----------------------------------------------------------------------------

_runtime_validation_enabled = True


class runtime_validation_disabled:
    """Context manager turning runtime_validation's per-item checks off."""

    prev: bool

    def __init__(self) -> None:
        global _runtime_validation_enabled
        self.prev = _runtime_validation_enabled
        _runtime_validation_enabled = False

    def __enter__(self) -> None:
        pass

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        global _runtime_validation_enabled
        _runtime_validation_enabled = self.prev


def runtime_validation(f):
    """Decorate a DataPipe's __iter__: each yielded item is checked against the pipe's `type`."""
    if f.__name__ != "__iter__":
        raise TypeError(f"Can not decorate function {f.__name__} with 'runtime_validation'")

    @functools.wraps(f)
    def wrapper(self):
        if not _runtime_validation_enabled:
            yield from f(self)
            return
        expected = self.type  # DataPipes without a declared `type` fail here, as torch's do
        for item in f(self):
            if not expected.issubtype_of_instance(item):
                raise RuntimeError(f"Expected an instance as subtype of {expected}, but found "
                                   f"{item}({type(item)})")
            yield item

    return wrapper


def argument_validation(f):
    """Decorate __init__: an argument annotated with a bare DataPipe class must be one."""
    signature = inspect.signature(f)
    hints = typing.get_type_hints(f)

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            hint = hints.get(name)
            if isinstance(hint, type) and issubclass(hint, (IterDataPipe, MapDataPipe)):
                if not isinstance(value, hint):
                    raise TypeError(f"Expected argument '{name}' as a {hint.__name__}, but found "
                                    f"{type(value)}")
                if not value.type.issubtype(hint.type):  # untyped pipes fail here, as torch's
                    raise TypeError(f"Expected type of argument '{name}' as a subtype of hint "
                                    f"{hint.type}, but found {value.type}")
        return f(*args, **kwargs)

    return wrapper
