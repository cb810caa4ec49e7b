"""ember.amp: automatic mixed precision as torch.amp has it (autocast, GradScaler, custom_fwd/bwd).

Its parts load on first use: ember's top level reads only the autocast state (amp._state)."""
import importlib

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]

_FROM = {"autocast": "autocast_mode", "custom_bwd": "autocast_mode", "custom_fwd": "autocast_mode",
         "is_autocast_available": "autocast_mode", "_enter_autocast": "autocast_mode",
         "_exit_autocast": "autocast_mode", "GradScaler": "grad_scaler"}


def __getattr__(name: str):
    if name in ("autocast_mode", "grad_scaler"):
        return importlib.import_module(f".{name}", __name__)
    if name in _FROM:
        value = getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_FROM) | {"autocast_mode", "grad_scaler"})
