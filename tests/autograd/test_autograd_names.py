"""torch.autograd's legacy and engine-policy names against torch: Variable, variable,
NestedIOFunction, set_multithreading_enabled, enforce_grad_layout_policy, forward_ad."""
import pytest

from tests.autograd._both import ember, same, torch


def test_variable():
    def run(lib):
        V = lib.autograd.Variable
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        v1, v2, v3 = V(x), V(y), V(lib.ones(2), requires_grad=True)
        e = V()
        return (v1 is x, v1.requires_grad, v1.is_leaf, v2.requires_grad, v2.grad_fn is None,
                v3.requires_grad, v3.is_leaf, e.shape, e.dtype, isinstance(x, V),
                isinstance(lib.nn.Parameter(lib.ones(1)), V), isinstance(3, V),
                type(v3).__name__, V.__name__, issubclass(lib.Tensor, V))

    same(run)

    def shares(lib):
        x = lib.zeros(2)
        lib.autograd.Variable(x).add_(1)
        return x

    same(shares)


@pytest.mark.parametrize("call", [
    lambda lib: lib.autograd.Variable(3.0),
    lambda lib: lib.autograd.Variable(lib.ones(2), requires_grad=True, volatile=True),
    lambda lib: lib.autograd.Variable(lib.ones(2, dtype=lib.long), requires_grad=True),
    lambda lib: lib.autograd.variable(lib.ones(2)),
])
def test_variable_errors(call):
    same(call, same_message=True)


def test_nested_io_function():
    def run(lib):
        nio = lib.autograd.NestedIOFunction

        class Double(nio):
            def forward_extended(self, x):
                return x * 2

        def calls(f):
            try:
                f()
            except Exception as exc:  # noqa: BLE001 - the exception type is the result
                return type(exc).__name__
            return "ok"

        inst = nio.__new__(nio)
        return (issubclass(nio, lib.autograd.Function), nio.__name__,
                calls(lambda: inst.forward_extended(1)), calls(lambda: inst.backward_extended(1)),
                calls(lambda: Double.__new__(Double)(lib.ones(2))))

    same(run)


def test_flag_context_managers():
    def run(lib):
        ag = lib.autograd
        out = []
        for cls in (ag.set_multithreading_enabled, ag.enforce_grad_layout_policy):
            with cls(False):
                y = (lib.ones(2, requires_grad=True) * 2).sum()
            c = cls(True)
            out += [type(c).__name__, type(c.clone()).__name__, y.item()]

            @cls(False)
            def f(a):
                return a * 3

            out.append(f(lib.ones(1)).item())
        out.append(ag.enforce_grad_layout_policy().mode)
        return out

    same(run)


def test_forward_ad_module():
    for lib in (torch, ember):
        fwad = lib.autograd.forward_ad
        names = {"dual_level", "make_dual", "unpack_dual", "enter_dual_level", "exit_dual_level",
                 "UnpackedDualTensor"}
        assert names <= set(dir(fwad)), lib.__name__
    assert not hasattr(ember.autograd, "no_such_name")
