"""The DataPipe bases: IterDataPipe (a stream), MapDataPipe (indexed) and DataChunk (a batch).

A class decorated with `functional_datapipe("name")` becomes a method of every DataPipe of its
kind: `dp.name(*args)` builds `Cls(dp, *args)`, so pipelines chain as `dp.map(f).batch(4)`.
"""
from __future__ import annotations

import functools
import types
from typing import ClassVar

from ..dataset import Dataset, IterableDataset

__all__ = ["DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe"]


class DataChunk(list):
    """A list that a batching DataPipe yields; prints as a list, nested chunks indented."""

    def __init__(self, items=()):
        super().__init__(items)
        self.items = items

    def as_str(self, indent: str = "") -> str:
        return indent + "[" + ", ".join(str(i) for i in iter(self)) + "]"

    def __iter__(self):
        yield from super().__iter__()

    def raw_iterator(self):
        yield from self.items


class _DataPipeMixin:
    """The function registry and the hooks shared by both DataPipe kinds."""

    getstate_hook = None
    reduce_ex_hook = None
    repr_hook = None
    str_hook = None

    def __class_getitem__(cls, item):  # IterDataPipe[int]: a typing alias, as torch's
        return types.GenericAlias(cls, item)

    def __getattr__(self, attribute_name):
        functions = getattr(type(self), "functions", {})
        if attribute_name in functions:
            return functools.partial(functions[attribute_name], self)
        raise AttributeError(
            f"'{type(self).__name__}' object has no attribute '{attribute_name}")

    @classmethod
    def register_function(cls, function_name, function) -> None:
        cls.functions[function_name] = function

    @classmethod
    def register_datapipe_as_function(cls, function_name, cls_to_register,
                                      enable_df_api_tracing=False) -> None:
        """Make `cls_to_register` callable as `dp.function_name(...)` on every DataPipe of cls."""
        if function_name in cls.functions:
            raise Exception(  # noqa: TRY002  (torch raises a bare Exception)
                f"Unable to add DataPipe function name {function_name} as it is already taken")

        def class_function(source_dp, *args, **kwargs):  # DataFrame tracing: not supported
            return cls_to_register(source_dp, *args, **kwargs)

        function = functools.wraps(cls_to_register)(class_function)
        function.__doc__ = cls_to_register.__doc__
        cls.functions[function_name] = function

    def __getstate__(self):
        hook = type(self).getstate_hook
        return hook(self) if hook is not None else self.__dict__

    def __reduce_ex__(self, *args, **kwargs):
        hook = type(self).reduce_ex_hook
        if hook is not None:
            try:
                return hook(self)
            except NotImplementedError:
                pass
        return super().__reduce_ex__(*args, **kwargs)

    @classmethod
    def set_getstate_hook(cls, hook_fn) -> None:
        if cls.getstate_hook is not None and hook_fn is not None:
            raise RuntimeError("Attempt to override existing getstate_hook")
        cls.getstate_hook = hook_fn

    @classmethod
    def set_reduce_ex_hook(cls, hook_fn) -> None:
        if cls.reduce_ex_hook is not None and hook_fn is not None:
            raise RuntimeError("Attempt to override existing reduce_ex_hook")
        cls.reduce_ex_hook = hook_fn

    def __repr__(self) -> str:
        hook = type(self).repr_hook
        return hook(self) if hook is not None else str(type(self).__qualname__)

    def __str__(self) -> str:
        hook = type(self).str_hook
        return hook(self) if hook is not None else str(type(self).__qualname__)

    def __dir__(self):
        return list(super().__dir__()) + list(getattr(type(self), "functions", {}))


class IterDataPipe(_DataPipeMixin, IterableDataset):
    """An iterable DataPipe: `__iter__` yields samples; `reset()` runs before each iteration."""

    functions: ClassVar[dict] = {}

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def reset(self) -> None:
        """Called before each new iteration (a no-op unless the DataPipe keeps state)."""


class DFIterDataPipe(IterDataPipe):
    """An IterDataPipe of DataFrames (torch's marker class for the DataFrame API)."""

    def _is_dfpipe(self) -> bool:
        return True


class MapDataPipe(_DataPipeMixin, Dataset):
    """A map-style DataPipe: `__getitem__` by key and usually `__len__`."""

    functions: ClassVar[dict] = {}
