"""torch.autograd.forward_ad against torch: tangents of elementwise, reduction, matmul and
nn.functional ops, levels, tangent None cases, and errors."""
import pytest

from tests.autograd._both import ember, same, torch
from tests.func._both import arr

OPS = {
    "sin_mul": lambda lib, x, y: x.sin() * y,
    "exp_div": lambda lib, x, y: x.exp() / (y * y + 1),
    "pow_sqrt": lambda lib, x, y: (x * x + 1).sqrt() ** 3,
    "where": lambda lib, x, y: lib.where(x > 0, x * y, y),
    "sum_mean": lambda lib, x, y: x.sum(0) + y.mean(1),
    "amax_norm": lambda lib, x, y: x.amax(1) * y.norm(),
    "cumsum_prod": lambda lib, x, y: x.cumsum(1).prod(0),
    "matmul": lambda lib, x, y: x @ y.T,
    "linear": lambda lib, x, y: lib.nn.functional.linear(x, y, y[0]),
    "softmax": lambda lib, x, y: lib.nn.functional.log_softmax(x * y, -1),
    "layer_norm": lambda lib, x, y: lib.nn.functional.layer_norm(x, (3,), y[0], y[1]),
    "gelu_mse": lambda lib, x, y: lib.nn.functional.mse_loss(lib.nn.functional.gelu(x), y),
    "shape": lambda lib, x, y: x.T.reshape(-1)[1:4] * y.flatten()[:3],
    "conv1d": lambda lib, x, y: lib.nn.functional.conv1d(x.reshape(1, 2, 3), y.reshape(1, 2, 3),
                                                         padding=1),
    "cross_entropy": lambda lib, x, y: lib.nn.functional.cross_entropy(x, y.softmax(-1)),
}


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tangents(name, dtype):
    def run(lib):
        fwad = lib.autograd.forward_ad
        x, y = arr(lib, 2, 3, dtype=dtype), arr(lib, 2, 3, seed=1, dtype=dtype)
        with fwad.dual_level():
            dx = fwad.make_dual(x, arr(lib, 2, 3, seed=2, dtype=dtype))
            dy = fwad.make_dual(y, arr(lib, 2, 3, seed=3, dtype=dtype))
            primal, tangent = fwad.unpack_dual(OPS[name](lib, dx, dy))
        return primal, tangent

    same(run)


def test_levels_and_missing_tangents():
    def run(lib):
        fwad = lib.autograd.forward_ad
        x, t = arr(lib, 3), arr(lib, 3, seed=1)
        outside = fwad.unpack_dual(x)
        with fwad.dual_level() as level:
            d = fwad.make_dual(x, t)
            u = fwad.unpack_dual(d)
            y = d * 2
            plain = fwad.unpack_dual(x).tangent
            detached = fwad.unpack_dual(y.detach()).tangent
            zero = fwad.unpack_dual(d * 0).tangent
            inside = fwad.unpack_dual(y)
        after = fwad.unpack_dual(y).tangent
        return (level, outside.tangent, u.tangent is t, plain, detached, zero, inside.primal,
                inside.tangent, after, type(inside).__name__, inside._fields)

    same(run)


def test_backward_through_dual():
    def run(lib):
        fwad = lib.autograd.forward_ad
        x = arr(lib, 3, requires_grad=True)
        with fwad.dual_level():
            d = fwad.make_dual(x, arr(lib, 3, seed=1))
            y = (d ** 2).sum()
            tangent = fwad.unpack_dual(y).tangent
            y.backward()
        return tangent, x.grad

    same(run)


def test_dual_level_decorator():
    def run(lib):
        fwad = lib.autograd.forward_ad

        @fwad.dual_level()
        def f(x, t):
            return fwad.unpack_dual(fwad.make_dual(x, t).tanh()).tangent

        return f(arr(lib, 3), arr(lib, 3, seed=1))

    same(run)


def _in_level(fn):
    def run(lib):
        fwad = lib.autograd.forward_ad
        with fwad.dual_level():
            return fn(lib, fwad)
    return run


ERRORS = {
    "outside": lambda lib: lib.autograd.forward_ad.make_dual(arr(lib, 3), arr(lib, 3)),
    "exit_without_level": lambda lib: lib.autograd.forward_ad.exit_dual_level(),
    "nested": _in_level(lambda lib, fwad: fwad.enter_dual_level()),
    "size": _in_level(lambda lib, fwad: fwad.make_dual(arr(lib, 3), arr(lib, 2))),
    "int_primal": _in_level(lambda lib, fwad: fwad.make_dual(lib.ones(3, dtype=lib.long),
                                                             lib.ones(3, dtype=lib.long))),
    "int_tangent": _in_level(lambda lib, fwad: fwad.make_dual(arr(lib, 3),
                                                              lib.ones(3, dtype=lib.long))),
    "bad_level": _in_level(lambda lib, fwad: fwad.make_dual(arr(lib, 3), arr(lib, 3), level=5)),
    "exit_wrong_level": _in_level(lambda lib, fwad: fwad.exit_dual_level(level=3)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    try:
        same(ERRORS[name], same_message=True)
    finally:  # a failed exit leaves a level open in either library
        for lib in (torch, ember):
            try:
                lib.autograd.forward_ad.exit_dual_level()
            except RuntimeError:
                pass
