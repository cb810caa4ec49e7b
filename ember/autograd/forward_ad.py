"""torch.autograd.forward_ad: dual tensors (primal + tangent) inside a dual_level.

ember computes tangents with the double-backward trick instead of per-op forward rules: make_dual
returns a tensor that autograd tracks, ordinary ops record the graph, and unpack_dual(y) gets
J v from two backward passes (u^T J with a dummy u, then its derivative w.r.t. u along v). Every
op whose backward is written in ember ops is covered this way (all of them). Differences from
torch: a dual tensor reports requires_grad=True, and ops run under no_grad carry no tangent.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from . import grad_mode
from . import node as _node

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]


class _State:
    """The open dual level (a func Level; None outside) and the (dual, tangent) pairs made in it."""

    def __init__(self) -> None:
        self.level = None
        self.duals: list = []


_state = _State()


def enter_dual_level() -> int:
    """Open the (single) forward AD level; nesting is refused, as in torch."""
    from ..func._level import Level

    if _state.level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _state.level = Level(create_graph=True)
    _state.duals = []
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the level: every tangent made in it is dropped."""
    if _state.level is None:
        raise RuntimeError("Dual level must be a positive number.")
    if level is not None and level != 0:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was "
                           "created. This is not supported.")
    _state.level = None
    _state.duals = []


def _check_level(level, fn: str) -> None:
    if level is not None and level != 0:
        raise RuntimeError(f"Invalid level given to {fn}")


def make_dual(tensor, tangent, *, level: int | None = None):
    """A tensor equal to `tensor` whose forward gradient is `tangent`."""
    from ..func._transforms import _check_dual

    if _state.level is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    _check_level(level, "_make_dual")
    _check_dual(tensor, tangent)
    with grad_mode.enable_grad():
        dual = _state.level.wrap(tensor)
    _state.duals.append((dual, tangent))
    return dual


class UnpackedDualTensor(NamedTuple):
    """What unpack_dual returns: the primal and its tangent (None if it has none)."""

    primal: Any
    tangent: Any


def unpack_dual(tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of `tensor` at the current level; tangent None outside or if untracked."""
    lvl = _state.level
    if lvl is None or not isinstance(tensor, _node.Tensor) or not tensor.requires_grad:
        return UnpackedDualTensor(tensor, None)
    _check_level(level, "_unpack_dual")
    for dual, tangent in _state.duals:
        if dual is tensor:
            return UnpackedDualTensor(tensor.detach(), tangent)
    from ..func._transforms import _Linearization

    duals = [d for d, _ in _state.duals]
    with grad_mode.enable_grad():
        lin = _Linearization([tensor], duals, lvl)
        if not lin.gs:
            return UnpackedDualTensor(tensor, None)
        out = lin.apply([t for _, t in _state.duals], grad_mode.is_grad_enabled())[0]
    return UnpackedDualTensor(lvl.unwrap(tensor), lvl.unwrap(out))


class dual_level:
    """Context manager (and decorator) for one forward AD level: `with dual_level(): ...`."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> bool:
        exit_dual_level()
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)

        return wrapper
