"""torch.func's grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd and hessian against
torch.func: values, structures, requires_grad of results, and error types/messages."""
import pytest

from tests.func._both import arr, both


def _mlp(lib, x):
    w1 = arr(lib, 4, 3, seed=1)
    w2 = arr(lib, 2, 4, seed=2)
    h = lib.nn.functional.gelu(lib.nn.functional.linear(x, w1))
    return lib.nn.functional.linear(lib.tanh(h), w2)


# scalar functions of one tensor: elementwise, reductions, matmul, nn.functional
SCALAR = {
    "sin_sq": lambda lib, x: (x.sin() ** 2).sum(),
    "exp_tanh": lambda lib, x: (x.exp() * x.tanh()).mean(),
    "logsumexp": lambda lib, x: x.logsumexp(-1).sum(),
    "norm": lambda lib, x: x.norm(),
    "prod_max": lambda lib, x: x.prod() + x.amax(),
    "matmul": lambda lib, x: (x @ x.T).trace(),
    "softmax": lambda lib, x: (lib.softmax(x, -1) * arr(lib, 3, 3, seed=5)).sum(),
    "layer_norm": lambda lib, x: lib.nn.functional.layer_norm(x, (3,)).pow(3).sum(),
    "cross_entropy": lambda lib, x: lib.nn.functional.cross_entropy(
        x, lib.tensor([0, 2, 1])),
    "mlp": lambda lib, x: _mlp(lib, x).pow(2).sum(),
}


@pytest.mark.parametrize("name", list(SCALAR))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_grad(name, dtype):
    f = SCALAR[name]
    both(lambda lib, F: F.grad(lambda x: f(lib, x))(arr(lib, 3, 3, dtype=dtype)))


@pytest.mark.parametrize("name", ["sin_sq", "logsumexp", "matmul", "softmax", "mlp"])
def test_hessian(name):
    f = SCALAR[name]
    both(lambda lib, F: F.hessian(lambda x: f(lib, x))(arr(lib, 3, 3)))


@pytest.mark.parametrize("name", ["sin_sq", "norm", "layer_norm"])
def test_grad_of_grad_and_jacrev_of_jacrev(name):
    f = SCALAR[name]
    x = arr
    both(lambda lib, F: F.jacrev(F.jacrev(lambda x: f(lib, x)))(x(lib, 3, 3)))
    both(lambda lib, F: F.grad(lambda x: F.grad(lambda y: f(lib, y))(x).sum())(x(lib, 3, 3)))


def test_grad_argnums_aux_and_pytrees():
    def f(lib, a, b, c):
        return (a * b.exp()).sum() + c["w"].sin().sum() * a.sum(), {"aux": a * 2, "n": b.sum()}

    def run(lib, F, argnums):
        a, b, c = arr(lib, 3), arr(lib, 3, seed=1), {"w": arr(lib, 2, seed=2)}
        return F.grad(lambda *t: f(lib, *t), argnums=argnums, has_aux=True)(a, b, c)

    for argnums in (0, 1, -1, (0, 2), (2, 1, 0)):
        both(lambda lib, F, a=argnums: run(lib, F, a))
    both(lambda lib, F: F.grad_and_value(lambda *t: f(lib, *t), argnums=(0, 1), has_aux=True)(
        arr(lib, 3), arr(lib, 3, seed=1), {"w": arr(lib, 2)}))
    both(lambda lib, F: F.grad_and_value(lambda x: (x ** 3).sum())(arr(lib, 4)))
    both(lambda lib, F: F.grad(lambda x, y: (y * 2).sum())(arr(lib, 2), arr(lib, 2)))  # unused
    both(lambda lib, F: F.grad(lambda x: x * 2)(arr(lib, ())))  # 0-d output


GRAD_ERRORS = {
    "nonscalar": lambda lib, F: F.grad(lambda x: x * 2)(arr(lib, 3)),
    "nontensor": lambda lib, F: F.grad(lambda x: 3.0)(arr(lib, 3)),
    "tuple_out": lambda lib, F: F.grad(lambda x: (x.sum(), x))(arr(lib, 3)),
    "aux_not_pair": lambda lib, F: F.grad(lambda x: x.sum(), has_aux=True)(arr(lib, 3)),
    "aux_nontensor": lambda lib, F: F.grad(lambda x: (x.sum(), 3), has_aux=True)(arr(lib, 3)),
    "argnum_range": lambda lib, F: F.grad(lambda x: x.sum(), argnums=1)(arr(lib, 3)),
    "argnums_empty": lambda lib, F: F.grad(lambda x: x.sum(), argnums=())(arr(lib, 3)),
    "argnums_float": lambda lib, F: F.grad(lambda x: x.sum(), argnums=1.0)(arr(lib, 3)),
    "argnums_dup": lambda lib, F: F.grad(lambda x, y: x.sum(), argnums=(0, 0))(
        arr(lib, 3), arr(lib, 3)),
    "no_args": lambda lib, F: F.grad(lambda: lib.ones(()))(),
    "int_input": lambda lib, F: F.grad(lambda x: x.sum())(lib.ones(3, dtype=lib.long)),
    "float_input": lambda lib, F: F.grad(lambda x: x)(3.0),
}


@pytest.mark.parametrize("name", list(GRAD_ERRORS))
def test_grad_errors(name):
    both(GRAD_ERRORS[name], same_message=True)


def test_vjp():
    def f(lib, x, y):
        return {"p": (x @ y).sin(), "q": (x.exp() * 2).sum()}

    def run(lib, F):
        x, y = arr(lib, 2, 3), arr(lib, 3, 2, seed=1)
        out, fn = F.vjp(lambda a, b: f(lib, a, b), x, y)
        ct = {"p": arr(lib, 2, 2, seed=3), "q": arr(lib, (), seed=4)}
        return out, fn(ct), fn(ct)  # vjp_fn may be called again

    both(run)
    both(lambda lib, F: F.vjp(lambda x: (x.sin(), x.sum()), arr(lib, 3), has_aux=True)[2])
    both(lambda lib, F: F.vjp(lambda x: x * 2, arr(lib, 3))[1](arr(lib, 3, seed=1)))


VJP_ERRORS = {
    "nontensor_out": lambda lib, F: F.vjp(lambda x: 3.0, arr(lib, 3)),
    "int_out": lambda lib, F: F.vjp(lambda x: (x > 0).long(), arr(lib, 3)),
    "aux_not_pair": lambda lib, F: F.vjp(lambda x: x, arr(lib, 3), has_aux=True),
    "aux_nontensor": lambda lib, F: F.vjp(lambda x: (x, 3), arr(lib, 3), has_aux=True),
    "nontensor_primal": lambda lib, F: F.vjp(lambda x: x, 3.0),
    "cot_structure": lambda lib, F: F.vjp(lambda x: (x, x.sum()), arr(lib, 3))[1](arr(lib, 3)),
    "cot_shape": lambda lib, F: F.vjp(lambda x: x * 2, arr(lib, 3))[1](arr(lib, 2)),
}


@pytest.mark.parametrize("name", list(VJP_ERRORS))
def test_vjp_errors(name):
    both(VJP_ERRORS[name], same_message=True)


def test_jvp_and_linearize():
    def f(lib, x, y):
        return (x @ y).tanh(), lib.nn.functional.softplus(x).sum()

    both(lambda lib, F: F.jvp(lambda a, b: f(lib, a, b), (arr(lib, 2, 3), arr(lib, 3, 2)),
                              (arr(lib, 2, 3, seed=3), arr(lib, 3, 2, seed=4))))
    both(lambda lib, F: F.jvp(lambda x: (x.exp(), {"a": x}), (arr(lib, 3),), (arr(lib, 3),),
                              has_aux=True))
    both(lambda lib, F: F.jvp(lambda x: lib.ones(2), (arr(lib, 3),), (arr(lib, 3),)))

    def lin(lib, F):
        out, fn = F.linearize(lambda x: _mlp(lib, x), arr(lib, 5, 3))
        return out, fn(arr(lib, 5, 3, seed=7)), fn(arr(lib, 5, 3, seed=8))

    both(lin)


JVP_ERRORS = {
    "primals_not_tuple": lambda lib, F: F.jvp(lambda x: x, arr(lib, 3), (arr(lib, 3),)),
    "structure": lambda lib, F: F.jvp(lambda x: x, (arr(lib, 3),), arr(lib, 3)),
    "nontensor_primal": lambda lib, F: F.jvp(lambda x: x, (3.0,), (1.0,)),
    "empty": lambda lib, F: F.jvp(lambda: lib.ones(1), (), ()),
    "int_tangent": lambda lib, F: F.jvp(lambda x: x, (arr(lib, 3),),
                                        (lib.ones(3, dtype=lib.long),)),
    "size": lambda lib, F: F.jvp(lambda x: x.sin(), (arr(lib, 3),), (arr(lib, 2),)),
    "nontensor_out": lambda lib, F: F.jvp(lambda x: 3.0, (arr(lib, 3),), (arr(lib, 3),)),
    "aux_not_pair": lambda lib, F: F.jvp(lambda x: x, (arr(lib, 3),), (arr(lib, 3),),
                                         has_aux=True),
    "lin_shape": lambda lib, F: F.linearize(lambda x: x.sin(), arr(lib, 3))[1](arr(lib, 2)),
}


@pytest.mark.parametrize("name", list(JVP_ERRORS))
def test_jvp_errors(name):
    both(JVP_ERRORS[name], same_message=True)


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobians(jac):
    def run(lib, F, fn, *args, **kw):
        return getattr(F, jac)(fn, **kw)(*args)

    both(lambda lib, F: run(lib, F, lambda x: _mlp(lib, x), arr(lib, 2, 3)))
    both(lambda lib, F: run(lib, F, lambda x: x.sin().sum(0), arr(lib, 4, 2)))  # fewer outputs
    both(lambda lib, F: run(lib, F, lambda x: x.outer(x).exp(), arr(lib, 3)))  # more outputs
    both(lambda lib, F: run(lib, F, lambda x, y: {"a": x * y, "b": (x @ y).reshape(1)},
                            arr(lib, 3), arr(lib, 3, seed=1), argnums=(0, 1)))
    both(lambda lib, F: run(lib, F, lambda d: d["w"].cumsum(0), {"w": arr(lib, 3)}))
    both(lambda lib, F: run(lib, F, lambda x: (x * 2, x.cos()), arr(lib, ()), has_aux=True))
    both(lambda lib, F: run(lib, F, lambda x: lib.ones(2), arr(lib, 3)))  # independent
    both(lambda lib, F: run(lib, F, lambda x: x[1:].softmax(0), arr(lib, 4, dtype="float32")))


JAC_ERRORS = {
    "rev_int": lambda lib, F: F.jacrev(lambda x: x)(lib.ones(2, dtype=lib.long)),
    "fwd_int": lambda lib, F: F.jacfwd(lambda x: x)(lib.ones(2, dtype=lib.long)),
    "rev_chunk": lambda lib, F: F.jacrev(lambda x: x, chunk_size=0)(arr(lib, 2)),
    "rev_nontensor": lambda lib, F: F.jacrev(lambda x: 3.0)(arr(lib, 2)),
    "fwd_nontensor": lambda lib, F: F.jacfwd(lambda x: 3.0)(arr(lib, 2)),
    "rev_bool_out": lambda lib, F: F.jacrev(lambda x: x > 0)(arr(lib, 2)),
    "rev_aux": lambda lib, F: F.jacrev(lambda x: x, has_aux=True)(arr(lib, 2)),
    "fwd_aux": lambda lib, F: F.jacfwd(lambda x: x, has_aux=True)(arr(lib, 2)),
    "rev_argnums": lambda lib, F: F.jacrev(lambda x: x, argnums=2)(arr(lib, 2)),
    "fwd_random": lambda lib, F: F.jacfwd(lambda x: x + lib.rand(2))(arr(lib, 2)),
    "fwd_randomness": lambda lib, F: F.jacfwd(lambda x: x, randomness="x")(arr(lib, 2)),
}


@pytest.mark.parametrize("name", list(JAC_ERRORS))
def test_jacobian_errors(name):
    both(JAC_ERRORS[name], same_message=True)


def test_composition_with_autograd():
    """Results carry a graph exactly when they depend on tensors outside the transform."""
    def closure(lib, F):
        w = arr(lib, 3, seed=1, requires_grad=True)
        g = F.grad(lambda x: (x * w).sin().sum())(arr(lib, 3))
        g.sum().backward()
        return g, w.grad

    def through_input(lib, F):
        x = arr(lib, 3, requires_grad=True)
        h = F.jacrev(lambda a: a.exp() * a)(x)
        (gx,) = lib.autograd.grad(h.sum(), x)
        return h, gx

    def no_grad_outside(lib, F):
        w = arr(lib, 3, seed=1, requires_grad=True)
        with lib.no_grad():
            return F.grad(lambda x: (x * w).sum())(arr(lib, 3)), F.vjp(lambda x: x * w, w)[0]

    both(closure)
    both(through_input)
    both(no_grad_outside)
    both(lambda lib, F: F.grad(lambda x: (x ** 2).sum())(arr(lib, 3, requires_grad=True)))
    both(lambda lib, F: F.jacfwd(F.jacrev(lambda x: x.sin().prod()))(arr(lib, 3)))
    both(lambda lib, F: F.jvp(F.grad(lambda x: (x ** 3).sum()), (arr(lib, 3),), (arr(lib, 3),)))
    both(lambda lib, F: F.vjp(F.grad(lambda x: x.exp().sum()), arr(lib, 3))[1](arr(lib, 3)))


def test_vjp_graph_options_and_identities():
    def jvp_under_autograd(lib, F):
        x = arr(lib, 3, requires_grad=True)
        o, t = F.jvp(lambda x: x.sin() * x, (x,), (arr(lib, 3, seed=1),))
        return o, t, lib.autograd.grad(t.sum(), x)

    def vjp_freed(lib, F):
        _, fn = F.vjp(lambda x: x.exp(), arr(lib, 3))
        fn(arr(lib, 3), retain_graph=False)
        return fn(arr(lib, 3))

    def vjp_create_graph(lib, F):
        _, fn = F.vjp(lambda x: x.exp() * x, arr(lib, 3))
        ct = arr(lib, 3, seed=2, requires_grad=True)
        r = fn(ct, create_graph=True)
        return r, lib.autograd.grad(r[0].sum(), ct)

    def hessian_under_autograd(lib, F):
        x = arr(lib, 3, requires_grad=True)
        h = F.hessian(lambda a: (a ** 4).sum())(x)
        return h, lib.autograd.grad(h.sum(), x)

    both(jvp_under_autograd)
    both(vjp_freed)
    both(vjp_create_graph)
    both(hessian_under_autograd)
    both(lambda lib, F: (F.vjp(lambda x: x, arr(lib, 3))[1](arr(lib, 3, seed=4)),
                         F.jacrev(lambda x: x)(arr(lib, 3)), F.jacfwd(lambda x: x)(arr(lib, 3))))
    both(lambda lib, F: F.vmap(F.vjp, in_dims=(None, 0))(lib.sin, arr(lib, 2, 3))[0])
