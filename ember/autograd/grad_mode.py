"""no_grad, enable_grad, set_grad_enabled, inference_mode: thread-local switches for recording.

Each is a context manager and a decorator (functions and generator functions); no_grad,
enable_grad and inference_mode also work as bare decorators (`@ember.no_grad`), as in PyTorch.
"""
from __future__ import annotations

import functools
import inspect
import sys
import threading


class _State(threading.local):
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


def _wrap_generator(factory, fn):
    """Re-enter the mode each time the generator resumes, and leave it at every yield."""

    @functools.wraps(fn)
    def generator_context(*args, **kwargs):
        gen = fn(*args, **kwargs)
        try:
            with factory():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with factory():
                        gen.close()
                    raise
                except BaseException:  # noqa: BLE001 - re-thrown into the generator
                    with factory():
                        response = gen.throw(*sys.exc_info())
                else:
                    with factory():
                        response = gen.send(request)
        except StopIteration as e:
            return e.value

    return generator_context


class _GradModeContext:
    """Base for the grad-mode switches: a context manager that is also a decorator."""

    def __call__(self, fn):
        factory = self.clone
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(factory, fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with factory():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self._target()

    def __exit__(self, *exc) -> bool:
        _state.enabled = self._prev
        return False


class _NoParamContext(_GradModeContext):
    """Also usable without parentheses: `@no_grad` wraps the function directly."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func=None) -> None:
        pass


class no_grad(_NoParamContext):
    """Disable graph recording: results of ops do not require grad."""

    def _target(self) -> bool:
        return False


class enable_grad(_NoParamContext):
    """Re-enable graph recording inside a no_grad block."""

    def _target(self) -> bool:
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

    def __enter__(self) -> None:
        _state.enabled = self._mode

    def __exit__(self, *exc) -> bool:
        _state.enabled = self._prev
        return False


class inference_mode(_GradModeContext):
    """Like no_grad (ember keeps no extra bookkeeping to skip); mode=False enables grad instead."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):  # bare @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)

    def clone(self):
        return inference_mode(self._mode)

    def __enter__(self) -> None:
        self._prev = _state.enabled
        self._prev_inf = _state.inference
        _state.enabled = not self._mode  # mode=False turns recording on, as PyTorch's guard does
        _state.inference = self._mode

    def __exit__(self, *exc) -> bool:
        _state.enabled = self._prev
        _state.inference = self._prev_inf
        return False
