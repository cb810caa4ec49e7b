"""Calling a module with some of its parameters and buffers replaced for one call
(torch.func.functional_call; this module's `functional_call` is its deprecated alias)."""
from __future__ import annotations

import contextlib
import warnings

from ..._tensor import Tensor

__all__ = ["functional_call"]


def _owner(module, name: str):
    """(submodule, attribute name) that `name` ("a.b.weight") refers to."""
    *path, leaf = name.split(".")
    for part in path:
        module = getattr(module, part)
    return module, leaf


def _tied_names(module) -> dict[str, list[str]]:
    """Every parameter/buffer name -> all names of that same tensor (tied weights)."""
    by_id: dict[int, list[str]] = {}
    for name, t in (*module.named_parameters(remove_duplicate=False),
                    *module.named_buffers(remove_duplicate=False)):
        by_id.setdefault(id(t), []).append(name)
    return {name: names for names in by_id.values() for name in names}


def _untie(module, tensors: dict[str, Tensor]) -> dict[str, Tensor]:
    """Extend `tensors` to every name tied to a given name (torch's tie_weights=True)."""
    tied = _tied_names(module)
    out = dict(tensors)
    for name, value in tensors.items():
        group = tied.get(name, [name])
        given = [n for n in group if n in tensors]
        if len(given) > 1 and any(tensors[n] is not value for n in given):
            raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, "
                             "which are tied. Consider using tie_weights=False")
        for n in group:
            out.setdefault(n, value)
    return out


@contextlib.contextmanager
def _reparametrize_module(module, tensors: dict[str, Tensor], tie_weights: bool = True,
                          strict: bool = False):
    """Within the block, module.<name> is tensors[name]; the originals come back afterwards."""
    if tie_weights:
        tensors = _untie(module, tensors)
    if strict:
        known = set(_tied_names(module))
        unexpected = [k for k in tensors if k not in known]
        missing = [k for k in known if k not in tensors]
        if unexpected or missing:
            msg = f"Error(s) in reparametrizing for {module._get_name()}:"
            if unexpected:
                msg += f"\n\tUnexpected key(s): {', '.join(map(repr, unexpected))}."
            if missing:
                msg += f"\n\tMissing key(s): {', '.join(map(repr, missing))}."
            raise RuntimeError(msg)
    saved = []  # (dict, key, previous value, whether the key existed)
    try:
        for name, value in tensors.items():
            owner, leaf = _owner(module, name)
            registry = next((r for r in (owner._parameters, owner._buffers) if leaf in r),
                            owner.__dict__)
            saved.append((registry, leaf, registry.get(leaf), leaf in registry))
            registry[leaf] = value
        yield
    finally:
        for registry, leaf, old, existed in reversed(saved):
            if existed:
                registry[leaf] = old
            else:
                del registry[leaf]


def _functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                     tie_weights: bool = True, strict: bool = False):
    """module(*args, **kwargs) with the given parameters and buffers swapped in."""
    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = parameter_and_buffer_dicts
    else:
        tensors = {}
        seen: set[str] = set()
        for d in parameter_and_buffer_dicts:
            repeated = sorted(seen & d.keys())
            if repeated:
                raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                                 "functional call is ambiguous")
            seen |= d.keys()
            tensors.update(d)
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, tensors, tie_weights=tie_weights, strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """Deprecated alias of torch.func.functional_call."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and "
                  "will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
