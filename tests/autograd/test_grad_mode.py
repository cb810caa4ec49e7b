"""Grad-mode switches against torch: context managers, decorators, nesting, threads."""
import threading

from tests.autograd._both import same


def test_context_managers_nest():
    def fn(lib):
        seen = []
        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            seen.append((lib.is_grad_enabled(), (x * 2).requires_grad))
            with lib.enable_grad():
                seen.append((lib.is_grad_enabled(), (x * 2).requires_grad))
            with lib.set_grad_enabled(True):
                seen.append(lib.is_grad_enabled())
            seen.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(False):
            seen.append(lib.is_grad_enabled())
        seen.append(lib.is_grad_enabled())
        return seen
    same(fn)


def test_set_grad_enabled_as_function():
    def fn(lib):
        lib.set_grad_enabled(False)
        off = (lib.is_grad_enabled(), (lib.ones(2, requires_grad=True) * 2).requires_grad)
        lib.set_grad_enabled(True)
        return off, lib.is_grad_enabled()
    same(fn)


def test_inference_mode():
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            a = (lib.is_grad_enabled(), lib.is_inference_mode_enabled(), (x * 2).requires_grad)
            with lib.inference_mode(mode=False):
                b = (lib.is_grad_enabled(), lib.is_inference_mode_enabled())
        with lib.inference_mode(False):
            c = (lib.is_grad_enabled(), lib.is_inference_mode_enabled())
        return a, b, c, lib.is_inference_mode_enabled()
    same(fn)


def test_decorators():
    def fn(lib):
        @lib.no_grad()
        def a():
            return lib.is_grad_enabled()

        @lib.no_grad
        def b():
            return lib.is_grad_enabled()

        @lib.enable_grad()
        def c():
            return lib.is_grad_enabled()

        @lib.set_grad_enabled(False)
        def d():
            return lib.is_grad_enabled()

        @lib.inference_mode()
        def e():
            return lib.is_grad_enabled(), lib.is_inference_mode_enabled()

        @lib.inference_mode
        def f():
            return lib.is_grad_enabled()

        after_def = lib.is_grad_enabled()
        with lib.no_grad():
            inside = c()
        return a(), b(), inside, d(), e(), f(), after_def, lib.is_grad_enabled(), a.__name__
    same(fn)


def test_decorated_generator_switches_per_step():
    def fn(lib):
        @lib.no_grad()
        def gen():
            for _ in range(2):
                yield lib.is_grad_enabled()

        seen = []
        for v in gen():
            seen.append((v, lib.is_grad_enabled()))
        return seen
    same(fn)


def test_decorator_restores_mode_after_exception():
    def fn(lib):
        @lib.no_grad()
        def boom():
            raise ValueError("boom")

        try:
            boom()
        except ValueError:
            pass
        return lib.is_grad_enabled()
    same(fn)


def test_grad_mode_is_thread_local():
    def fn(lib):
        seen = []
        with lib.no_grad():
            t = threading.Thread(target=lambda: seen.append(lib.is_grad_enabled()))
            t.start()
            t.join()
            seen.append(lib.is_grad_enabled())
        return seen
    same(fn)


def test_backward_inside_no_grad_still_works():
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * x).sum()
        with lib.no_grad():
            y.backward()
        return x.grad, lib.is_grad_enabled()
    same(fn)
