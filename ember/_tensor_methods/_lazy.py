"""Tensor methods whose ops live in modules `import ember` does not load (decomposition, special...):
the module loads on first use, after which the method costs what an eagerly bound one does."""
from __future__ import annotations

import importlib
from collections.abc import Callable


class LazyModule:
    """Stands for module `name` under the global `alias` of `namespace` until the first attribute
    read, which imports the module and puts it in the global's place."""

    __slots__ = ("_alias", "_name", "_namespace")

    def __init__(self, namespace: dict, alias: str, name: str) -> None:
        self._namespace, self._alias, self._name = namespace, alias, name

    def __getattr__(self, attr: str):
        module = importlib.import_module(self._name)
        self._namespace[self._alias] = module
        return getattr(module, attr)


class LazyMethod:
    """A method that is the function `module.attr` (passed through `make` if given): resolved on
    first access, then set on the class in this placeholder's stead."""

    __slots__ = ("_attr", "_make", "_module", "_name", "_owner")

    def __init__(self, module: LazyModule, attr: str, make: Callable | None = None) -> None:
        self._module, self._attr, self._make = module, attr, make

    def __set_name__(self, owner: type, name: str) -> None:
        self._owner, self._name = owner, name

    def __get__(self, obj, cls=None):
        fn = getattr(self._module, self._attr)
        if self._make is not None:
            fn = self._make(fn)
        setattr(self._owner, self._name, fn)
        return fn if obj is None else fn.__get__(obj, cls)
