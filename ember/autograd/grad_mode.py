"""no_grad, enable_grad, set_grad_enabled, inference_mode: thread-local switches for recording."""
from __future__ import annotations

import functools
import threading


class _State(threading.local):
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


class _GradModeContext:
    """Base for the grad-mode switches: a context manager that is also a decorator."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = self._target()

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False


class no_grad(_GradModeContext):
    """Disable graph recording: results of ops do not require grad."""

    def __init__(self, orig_func=None) -> None:
        if orig_func is not None and callable(orig_func):  # used as bare @no_grad (old style)
            raise RuntimeError("no_grad must be instantiated: use @ember.no_grad()")

    def _target(self):
        return False


class enable_grad(_GradModeContext):
    """Re-enable graph recording inside a no_grad block."""

    def _target(self):
        return True


class set_grad_enabled(_GradModeContext):
    """Set recording on or off; works as a function, context manager or decorator."""

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __call__(self, fn):
        _state.enabled = self._prev  # as a decorator it must not switch the mode right away
        return super().__call__(fn)

    def clone(self):
        return set_grad_enabled(self._mode)

    def _target(self):
        return self._mode

    def __enter__(self):
        _state.enabled = self._mode

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False


class inference_mode(_GradModeContext):
    """Like no_grad (ember keeps no extra bookkeeping to skip); mode=False leaves grad mode as is."""

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)

    def clone(self):
        return inference_mode(self._mode)

    def __enter__(self):
        self._prev = _state.enabled
        self._prev_inf = _state.inference
        if self._mode:
            _state.enabled = False
            _state.inference = True

    def __exit__(self, *exc):
        _state.enabled = self._prev
        _state.inference = self._prev_inf
        return False
