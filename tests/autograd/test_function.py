"""Custom autograd.Function against torch: ctx API, node names, errors, double backward."""
import pytest

from tests.autograd._both import ember, names, same, torch


def _functions(lib):
    """The same custom Functions, defined on lib.autograd.Function."""
    Function = lib.autograd.Function

    class Exp(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            ctx.grad_was_enabled = lib.is_grad_enabled()
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y * ctx.k, None

    class Two(Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y, x + y, 3

        @staticmethod
        def backward(ctx, ga, gb, gc):
            x, y = ctx.saved_tensors
            return ga * y + gb, ga * x + gb

    class NoMat(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            ctx.seen = (ga is None, gb is None)
            return (ga * 2 if ga is not None else 0) + (gb * 3 if gb is not None else 0)

    class Mat(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb * 3

    class NonDiff(Function):
        @staticmethod
        def forward(ctx, x):
            mask = x > 1
            ctx.mark_non_differentiable(mask)
            return x * 1, mask

        @staticmethod
        def backward(ctx, g, gmask):
            return g

    class Dirty(Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Ident(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    class Cube(Function):  # backward in differentiable ops: double backward works
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x * x * g

    class Setup(Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    class BadCount(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    class BadShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum().reshape(1)[:1] * lib.ones(2)

    class BadNonTensor(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class ExtraNone(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None, None

    class Broadcast(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.reshape(1, 3) * lib.ones(4, 3)

    return locals()


def _x(lib):
    return lib.tensor([1.0, 2.0, 0.5], requires_grad=True)


def test_forward_backward_and_node():
    def fn(lib):
        F = _functions(lib)
        x = _x(lib)
        y = F["Exp"].apply(x, 2.0)
        n = y.grad_fn
        info = (type(n).__name__, n.name(), names(n.next_functions), n.needs_input_grad,
                n.grad_was_enabled, y.requires_grad, y.is_leaf)
        y.sum().backward()
        return info, x.grad
    same(fn)


def test_saved_tensors_freed_after_backward():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Exp"].apply(x, 2.0).sum()
        y.backward()
        y.backward()
    same(fn, same_message=True)


def test_no_saved_tensors_runs_twice():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Mat"].apply(x)[0].sum()
        y.backward()
        y.backward()
        return x.grad
    same(fn)


def test_double_backward_through_custom_function():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Cube"].apply(x)
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        return g, g2
    same(fn)


def test_saved_output_modified_in_place():
    def fn(lib):
        y = _functions(lib)["Exp"].apply(_x(lib), 2.0)
        y.mul_(2)
        y.sum().backward()
    same(fn, same_message=True)


def test_saved_input_modified_in_place():
    def fn(lib):
        h = _x(lib) * 1
        y = _functions(lib)["Cube"].apply(h)
        h.add_(1)
        y.sum().backward()
    same(fn, same_message=True)


def test_multiple_outputs_and_non_tensor_output():
    def fn(lib):
        x, y = _x(lib), lib.tensor([3.0, 4.0, 5.0])
        a, b, c = _functions(lib)["Two"].apply(x, y)
        (a.sum() * 2 + b.sum()).backward()
        return (c, x.grad, y.grad, a.output_nr, b.output_nr, a.grad_fn.needs_input_grad,
                names(a.grad_fn.next_functions), a.grad_fn is b.grad_fn)
    same(fn)


@pytest.mark.parametrize("name", ["NoMat", "Mat"])
def test_materialize_grads(name):
    def fn(lib):
        x = _x(lib)
        a, b = _functions(lib)[name].apply(x)
        b.sum().backward()
        return x.grad, getattr(a.grad_fn, "seen", None)
    same(fn)


def test_mark_non_differentiable():
    def fn(lib):
        r, mask = _functions(lib)["NonDiff"].apply(_x(lib))
        return r.requires_grad, mask.requires_grad, mask
    same(fn)


def test_mark_dirty():
    def fn(lib):
        x = _x(lib)
        h = x * 1
        z = _functions(lib)["Dirty"].apply(h)
        info = (z is h, type(h.grad_fn).__name__, h._version)
        z.sum().backward()
        return info, x.grad, h
    same(fn)


def test_mark_dirty_on_leaf_raises():
    same(lambda lib: _functions(lib)["Dirty"].apply(_x(lib)), same_message=True)


def test_input_returned_as_is_becomes_view():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Ident"].apply(x)
        y.sum().backward()
        return y is x, y._base is x, type(y.grad_fn).__name__, x.grad
    same(fn)


def test_once_differentiable():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Square"].apply(x)
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)
        return g, g.requires_grad
    same(fn)


def test_once_differentiable_double_backward_raises():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Square"].apply(x)
        v = lib.ones(3, requires_grad=True)
        g, = lib.autograd.grad(y, x, v, create_graph=True)
        lib.autograd.grad(g.sum(), v)
    same(fn, same_message=True)


def test_setup_context_style():
    def fn(lib):
        x = _x(lib)
        _functions(lib)["Setup"].apply(x, 3.0).sum().backward()
        return x.grad
    same(fn)


@pytest.mark.parametrize("name", ["BadCount", "BadShape", "BadNonTensor"])
def test_backward_result_errors(name):
    def fn(lib):
        x = lib.ones(2, requires_grad=True) if name == "BadShape" else _x(lib)
        args = (x,) if name == "BadShape" else (x, 2)
        _functions(lib)[name].apply(*args).sum().backward()
    same(fn, same_message=True)


@pytest.mark.parametrize("name", ["ExtraNone", "Broadcast"])
def test_backward_results_fixed_up(name):
    def fn(lib):
        x = _x(lib)
        _functions(lib)[name].apply(x).sum().backward()
        return x.grad
    same(fn)


def test_no_input_requires_grad():
    def fn(lib):
        y = _functions(lib)["Exp"].apply(lib.ones(2), 2.0)
        with lib.no_grad():
            z = _functions(lib)["Exp"].apply(lib.ones(2, requires_grad=True), 2.0)
        return y.requires_grad, y.grad_fn is None, z.requires_grad, z.grad_fn is None
    same(fn)


def test_function_ctx_exports():
    for lib in (torch, ember):
        ctx_cls = lib.autograd.function.FunctionCtx
        node = _functions(lib)["Exp"].apply(_x(lib), 1.0).grad_fn
        assert isinstance(node, ctx_cls)
    assert ember.autograd.FunctionCtx is ember.autograd.function.FunctionCtx


def test_once_differentiable_backward_through_it_raises():
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Square"].apply(x)
        v = lib.ones(3, requires_grad=True)
        g, = lib.autograd.grad(y, x, v, create_graph=True)
        g.sum().backward()
    same(fn, same_message=True)


def test_once_differentiable_node():
    """once_differentiable's outputs hang off one DelayedError node over fresh leaves."""
    def fn(lib):
        x = _x(lib)
        y = _functions(lib)["Square"].apply(x)
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)
        node = g.grad_fn
        return node.name(), names(node.next_functions), g.is_leaf
    same(fn)
