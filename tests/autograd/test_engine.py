"""The backward engine against torch: accumulation, retain_graph, errors, inputs=, autograd.grad,
long chains, diamonds, the version counter, .data, retain_grad, next_functions, leaves."""
import gc
import time

import numpy as np
import pytest

from tests.autograd._both import names, same
from tests.oracle import check


def _leaf(lib, values=(1.0, 2.0, 3.0), dtype=None):
    return lib.tensor(list(values), dtype=dtype or lib.float32, requires_grad=True)


def test_grad_accumulates_across_backward_calls():
    def fn(lib):
        x = _leaf(lib)
        (x * x).sum().backward()
        first = x.grad.clone()
        (x * 3).sum().backward()
        second = x.grad.clone()
        x.grad.data.zero_()
        return first, second, x.grad
    same(fn)


def test_second_backward_through_freed_graph_raises():
    def fn(lib):
        x = _leaf(lib)
        y = (x * x).sum()
        y.backward()
        y.backward()
    same(fn, same_message=True)


def test_retain_graph_allows_second_backward():
    def fn(lib):
        x = _leaf(lib)
        y = (x * x).exp().sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    same(fn)


def test_graph_without_saved_tensors_runs_twice():
    def fn(lib):
        x = _leaf(lib)
        y = (x + x).sum()
        y.backward()
        y.backward()
        return x.grad
    same(fn)


@pytest.mark.parametrize("case", ["nonscalar", "shape", "no_grad", "int_scalar"])
def test_backward_errors(case):
    def fn(lib):
        x = _leaf(lib)
        if case == "nonscalar":
            (x * 2).backward()
        elif case == "shape":
            (x * 2).backward(lib.ones(4))
        elif case == "no_grad":
            lib.ones(3).sum().backward()
        else:
            lib.ones(3, dtype=lib.int64).sum().backward()
    same(fn, same_message=case != "int_scalar")


def test_backward_inputs_only_accumulates_those():
    def fn(lib):
        x, y = _leaf(lib), _leaf(lib, (4.0, 5.0, 6.0))
        (x * y).sum().backward(inputs=[x])
        return x.grad, y.grad
    same(fn)


def test_backward_inputs_non_leaf():
    def fn(lib):
        x = _leaf(lib)
        h = x * 2
        (h * h).sum().backward(inputs=[h])
        return h.grad, x.grad
    same(fn)


def test_backward_inputs_empty_raises():
    same(lambda lib: (_leaf(lib) * 2).sum().backward(inputs=[]))


def test_backward_on_leaf_scalar():
    def fn(lib):
        x = lib.tensor(3.0, requires_grad=True)
        x.backward()
        return x.grad
    same(fn)


def test_backward_jacobian_vector_product():
    def fn(lib):
        x = _leaf(lib)
        k = x * x
        k.backward(lib.tensor([0.1, 1.0, 0.001]))
        return x.grad
    same(fn)


def test_backward_create_graph_grad_has_history():
    def fn(lib):
        x = _leaf(lib)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        return g, g.requires_grad, type(g.grad_fn).__name__ is not None
    same(fn)


# ---- autograd.grad --------------------------------------------------------------------------


def test_grad_unused_raises():
    def fn(lib):
        x, y = _leaf(lib), _leaf(lib)
        return lib.autograd.grad((x * 2).sum(), [x, y])
    same(fn, same_message=True)


def test_grad_allow_unused_and_materialize():
    def fn(lib):
        x, y = _leaf(lib), _leaf(lib)
        a = lib.autograd.grad((x * 2).sum(), [x, y], allow_unused=True, retain_graph=True)
        b = lib.autograd.grad((x * 2).sum(), [x, y], materialize_grads=True)
        return a, b
    same(fn)


def test_grad_create_graph_second_derivative():
    def fn(lib):
        x = _leaf(lib)
        g, = lib.autograd.grad((x ** 3).sum(), x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        return g, g2, g.requires_grad
    same(fn)


def test_grad_outputs_and_non_leaf_inputs():
    def fn(lib):
        x = _leaf(lib)
        h = x * 3
        y = h * h
        gh, gx = lib.autograd.grad(y, [h, x], grad_outputs=lib.tensor([1.0, 0.5, -2.0]))
        return gh, gx, x.grad
    same(fn)


def test_grad_does_not_touch_dot_grad():
    def fn(lib):
        x = _leaf(lib)
        lib.autograd.grad((x * x).sum(), x)
        return x.grad
    same(fn)


def test_grad_input_without_grad_raises():
    same(lambda lib: lib.autograd.grad((_leaf(lib) * 2).sum(), lib.ones(3)), same_message=True)


# ---- graph shapes ---------------------------------------------------------------------------


def test_long_chain_backward_is_iterative_and_fast():
    def fn(lib):
        x = _leaf(lib)
        y = x
        for _ in range(10_000):
            y = y * 1.0001
        start = time.perf_counter()
        y.sum().backward()
        elapsed = time.perf_counter() - start
        del y
        gc.collect()
        return x.grad, elapsed < 10.0
    same(fn, rtol=1e-4)


def test_diamond_graph():
    check(lambda x: (x * 2).exp() + (x * 2) * 3 + (x * 2), shapes=[(2, 3)], grad2=True)


def test_shared_subexpression_twice():
    check(lambda x, y: (x @ y) * (x @ y).sum(), shapes=[(2, 3), (3, 4)], grad2=True)


# ---- version counter, .data, detach ---------------------------------------------------------


def test_inplace_on_saved_input_raises():
    def fn(lib):
        x = _leaf(lib)
        h = x * 1
        y = h * h
        h.mul_(2)
        y.sum().backward()
    same(fn, same_message=True)


def test_inplace_on_saved_output_raises():
    def fn(lib):
        x = _leaf(lib)
        y = x.exp()
        y.add_(1)
        y.sum().backward()
    same(fn, same_message=True)


def test_inplace_through_detach_shares_version():
    def fn(lib):
        x = _leaf(lib)
        z = x * x
        x.detach().add_(1)
        z.sum().backward()
    same(fn, same_message=True)


def test_inplace_on_unsaved_tensor_is_fine():
    def fn(lib):
        x = _leaf(lib)
        h = x * 2
        y = h + 1  # add saves nothing
        h.mul_(3)
        y.sum().backward()
        return x.grad, h._version
    same(fn)


def test_data_changes_are_not_tracked():
    def fn(lib):
        x = lib.tensor(1.0, requires_grad=True)
        y = x * 2
        x.data *= 100
        y.backward()
        return x.grad, x.detach(), x._version
    same(fn)


def test_numpy_on_requires_grad_raises():
    same(lambda lib: _leaf(lib).numpy(), same_message=True)


def test_detach_and_detach_():
    def fn(lib):
        x = _leaf(lib)
        h = x * 2
        d = h.detach()
        h.detach_()
        return d.requires_grad, d.is_leaf, h.requires_grad, h.is_leaf, h.grad_fn is None
    same(fn)


def test_requires_grad_on_non_leaf_raises():
    same(lambda lib: (_leaf(lib) * 2).requires_grad_(False), same_message=True)


def test_requires_grad_on_int_raises():
    same(lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_(), match="floating point")


def test_retain_grad_on_non_leaf():
    def fn(lib):
        x = _leaf(lib)
        h = x * 2
        h.retain_grad()
        (h * h).sum().backward()
        return h.grad, h.is_leaf, h.retains_grad, x.retains_grad
    same(fn)


def test_requires_grad_propagation():
    def fn(lib):
        x, y = _leaf(lib), lib.ones(3)
        with lib.no_grad():
            z = x * 2
        return ((x + y).requires_grad, (y * 2).requires_grad, (x > 0).requires_grad,
                z.requires_grad, x.is_leaf, (x + y).is_leaf, y.is_leaf, z.is_leaf)
    same(fn)


# ---- grad_fn structure ----------------------------------------------------------------------


def test_next_functions_structure():
    def fn(lib):
        x = _leaf(lib)
        c = lib.ones(3)
        y = (x * c).exp() + x
        add = y.grad_fn
        exp = add.next_functions[0][0]
        mul = exp.next_functions[0][0]
        return (type(add).__name__, add.name(), names(add.next_functions),
                names(exp.next_functions), names(mul.next_functions),
                mul.next_functions[0][0].variable is x)
    same(fn)


def test_accumulate_grad_is_shared_per_leaf():
    def fn(lib):
        x = _leaf(lib)
        a, b = x * 2, x.exp()
        return a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]
    same(fn)


def test_float64_grad_dtype():
    def fn(lib):
        x = _leaf(lib, dtype=lib.float64)
        (x * lib.ones(3)).sum().backward()
        return x.grad
    same(fn)


def test_non_contiguous_leaf():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3).T
    check(lambda x: (x * x).sum(), inputs=[arr], grad2=True)



def test_grad_is_grads_batched():
    def fn(lib):
        x = _leaf(lib)
        return lib.autograd.grad(x * x, x, lib.eye(3), is_grads_batched=True)
    same(fn)


def test_grad_outputs_count_mismatch():
    def fn(lib):
        x = _leaf(lib)
        lib.autograd.grad([x * 2, x * 3], x, [lib.ones(3)])
    same(fn, same_message=True)


# ---- edges for Python-number operands (wrapped numbers show as (None, 0)) --------------------

SCALAR_EDGE_CASES = {
    "x*2+1": lambda lib, x, y, c: x * 2 + 1,
    "2*x": lambda lib, x, y, c: 2 * x,
    "2.5*x": lambda lib, x, y, c: 2.5 * x,
    "True*x": lambda lib, x, y, c: True * x,
    "x*2": lambda lib, x, y, c: x * 2,
    "x+2": lambda lib, x, y, c: x + 2,
    "2+x": lambda lib, x, y, c: 2 + x,
    "x-2": lambda lib, x, y, c: x - 2,
    "2-x": lambda lib, x, y, c: 2 - x,
    "x/2": lambda lib, x, y, c: x / 2,
    "2/x": lambda lib, x, y, c: 2 / x,
    "x**2": lambda lib, x, y, c: x ** 2,
    "2**x": lambda lib, x, y, c: 2 ** x,
    "x**y": lambda lib, x, y, c: x ** y,
    "where": lambda lib, x, y, c: lib.where(c, x, y),
    "where_scalar_y": lambda lib, x, y, c: lib.where(c, x, 2.0),
    "where_scalar_x": lambda lib, x, y, c: lib.where(c, 2.0, y),
    "add_alpha": lambda lib, x, y, c: lib.add(x, 2, alpha=3),
    "add_float_alpha": lambda lib, x, y, c: lib.add(x, 2.5, alpha=3),
    "sub_float_alpha": lambda lib, x, y, c: lib.sub(x, 2.5, alpha=-2),
    "x*big_int": lambda lib, x, y, c: x * (2 ** 53 - 1),
    "sub_tensors_alpha": lambda lib, x, y, c: lib.sub(x, y, alpha=2),
    "sub_number_first": lambda lib, x, y, c: lib.sub(2, x),
    "mul_number_first": lambda lib, x, y, c: lib.mul(2, x),
    "rsub_number": lambda lib, x, y, c: lib.rsub(x, 2),
    "rsub_tensors": lambda lib, x, y, c: lib.rsub(x, y),
    "rsub_tensors_alpha": lambda lib, x, y, c: lib.rsub(x, y, alpha=2),
    "x+int_tensor": lambda lib, x, y, c: x + lib.tensor(2),
    "x*0d_tensor": lambda lib, x, y, c: x * lib.tensor(2.0),
    "method_add": lambda lib, x, y, c: x.add(2),
    "method_div": lambda lib, x, y, c: x.div(2),
    "div_floor_number": lambda lib, x, y, c: lib.div(x, 2, rounding_mode="floor"),
    "div_trunc_tensors": lambda lib, x, y, c: lib.div(x, y, rounding_mode="trunc"),
}


@pytest.mark.parametrize("case", sorted(SCALAR_EDGE_CASES))
def test_next_functions_with_number_operands(case):
    """Node names, edge order and (None, 0) placeholders match torch, and so does the backward."""
    f = SCALAR_EDGE_CASES[case]

    def fn(lib):
        x = lib.tensor([1.5, 2.0, 3.0], requires_grad=True)
        y = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        c = lib.tensor([True, False, True])
        out = f(lib, x, y, c)
        node = out.grad_fn
        out.backward(lib.tensor([1.0, -2.0, 0.5]))
        grads = tuple(lib.zeros(3) if t.grad is None else t.grad for t in (x, y))
        return type(node).__name__, names(node.next_functions), grads
    same(fn)


@pytest.mark.parametrize("case", ["x*2", "2*x", "x+2", "x/2", "where_scalar_y", "2-x", "x**2"])
def test_node_hook_grad_inputs_for_number_operands(case):
    """A node hook sees one grad_input per edge, None for the number's placeholder."""
    f = SCALAR_EDGE_CASES[case]

    def fn(lib):
        x = lib.tensor([1.5, 2.0, 3.0], requires_grad=True)
        y = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        out = f(lib, x, y, lib.tensor([True, False, True]))
        seen = []
        out.grad_fn.register_hook(
            lambda gi, go: seen.append(tuple(g is None for g in gi)) and None)
        out.sum().backward()
        return seen
    _, t_seen = same(fn)
    assert len(t_seen) == 1


# ---- the root of the graph: several roots, shared roots, a leaf as root ------------------------


@pytest.mark.parametrize("case", ["two_roots", "same_root_twice", "root_feeds_root", "leaf_root",
                                  "multi_output_roots"])
def test_backward_from_several_roots(case):
    """backward/grad from several tensors at once: gradients of every root are summed."""
    def fn(lib):
        x = lib.tensor([1.5, -2.0, 3.0], requires_grad=True)
        y = x * x
        z = y.exp().sum()
        roots = {"two_roots": (y.sum(), z), "same_root_twice": (z, z),
                 "root_feeds_root": (y, z), "leaf_root": (x, z),
                 "multi_output_roots": tuple(x.max(0))[:1] + (z,)}[case]
        grads = [lib.ones_like(r) * (i + 1) for i, r in enumerate(roots)]
        lib.autograd.backward(roots, grads)
        g, = lib.autograd.grad(roots, x, [lib.ones_like(r) for r in roots])
        return x.grad, g
    same(fn)


def test_nan_in_given_gradient_named_at_first_node():
    """Anomaly mode checks what nodes return, not the gradient the caller passes in."""
    def fn(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.set_detect_anomaly(True):
            (x * 2).backward(lib.tensor([float("nan"), 1.0]))
    same(fn, same_message=True)


def test_sum_to_size():
    def fn(lib):
        x = lib.tensor([[1.5, -2.0, 3.0], [0.5, 1.0, -1.0]], requires_grad=True)
        a, b, c = x.sum_to_size(1, 3), x.sum_to_size((2, 1)), x.sum_to_size(2, 3)
        (a * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return a, b, c is x, x.grad
    same(fn)


@pytest.mark.parametrize("size", [(4,), (3, 2), (1, 2, 3, 1)])
def test_sum_to_size_not_expandable(size):
    same(lambda lib: lib.ones(2, 3).sum_to_size(size), same_message=True)



def test_first_gradient_is_stolen_only_when_nothing_else_holds_it():
    """A fresh gradient becomes .grad without a copy (as torch's AccumulateGrad steals it); one
    shared by two leaves, kept by a hook or passed in by the caller is copied: later in-place
    accumulation never shows through another tensor."""
    def fn(lib):
        a, b, c = _leaf(lib), _leaf(lib, (4.0, 5.0, 6.0)), _leaf(lib, (0.5, 1.5, 2.5))
        kept = []
        c.register_hook(lambda g: kept.append(g))
        ((a + b).exp() * 2).sum().backward()  # AddBackward hands one gradient to a and b
        (a * b * c).sum().backward()  # a and b accumulate in place; c's grad was kept
        a.grad.add_(1)
        g = lib.tensor([1.0, 2.0, 3.0])
        w = _leaf(lib)
        w.backward(g)
        w.grad.mul_(3)
        m = lib.nn.Linear(3, 2)
        m(a.detach()).pow(2).sum().backward()
        m.weight.grad.mul_(2)
        return a.grad, b.grad, c.grad, kept[0], g, w.grad, m.weight.grad is not None
    same(fn)
