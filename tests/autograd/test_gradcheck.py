"""gradcheck / gradgradcheck against torch: passes on correct ops, fails on a wrong Function."""
import warnings

import pytest

from tests.autograd._both import ember, same


def _inputs(lib):
    x = lib.tensor([[0.3, 0.7, 1.2], [0.9, 1.5, 0.4]], dtype=lib.float64, requires_grad=True)
    y = lib.tensor([0.5, 1.5, 0.8], dtype=lib.float64, requires_grad=True)
    return x, y


def _square(lib, right: bool):
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return 2 * g * a if right else g * a  # the wrong one forgets the 2

    return Square


OK_FUNCS = {
    "exp_div": lambda a, b: (a * b).exp() / (b + 1),
    "matmul": lambda a, b: a @ b.reshape(3, 1),
    "pow_log": lambda a, b: (a ** 2 + b).log(),
    "sum_mean": lambda a, b: (a.sum(0) * b.mean(), a.t() - b.reshape(3, 1)),
}


@pytest.mark.parametrize("name", list(OK_FUNCS))
def test_gradcheck_passes(name):
    same(lambda lib: lib.autograd.gradcheck(OK_FUNCS[name], _inputs(lib)))


@pytest.mark.parametrize("name", ["exp_div", "matmul"])
def test_gradgradcheck_passes(name):
    same(lambda lib: lib.autograd.gradgradcheck(OK_FUNCS[name], _inputs(lib)))


def test_gradcheck_custom_functions():
    def fn(lib):
        y = _inputs(lib)[1]
        right, wrong = _square(lib, True), _square(lib, False)
        return (lib.autograd.gradcheck(right.apply, (y,)),
                lib.autograd.gradgradcheck(right.apply, (y,)),
                lib.autograd.gradcheck(wrong.apply, (y,), raise_exception=False))
    same(fn)


def test_gradcheck_wrong_function_raises():
    e, t = same(lambda lib: lib.autograd.gradcheck(_square(lib, False).apply, (_inputs(lib)[1],)),
                match="^Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
    from ember.autograd.gradcheck import GradcheckError

    assert type(e) is GradcheckError and isinstance(e, RuntimeError)
    assert type(t).__name__ == "GradcheckError"


def test_gradcheck_no_input_requires_grad():
    same(lambda lib: lib.autograd.gradcheck(lambda a: a * 2, (_inputs(lib)[1].detach(),)),
         same_message=True)


def test_gradcheck_non_tensor_inputs():
    same(lambda lib: lib.autograd.gradcheck(lambda a, k: a * k, (_inputs(lib)[1], 3.0)))


def test_gradcheck_float32_warns():
    def fn(lib):
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            ok = lib.autograd.gradcheck(lambda a: a * 2, (lib.ones(2, requires_grad=True),),
                                        eps=1e-3, atol=1e-2)
        return ok, [str(w.message) for w in ws]
    same(fn)


def test_gradcheck_is_exported_as_function():
    assert callable(ember.autograd.gradcheck) and callable(ember.autograd.gradgradcheck)
