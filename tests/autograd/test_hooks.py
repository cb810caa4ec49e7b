"""Tensor and Node hooks against torch: leaves, non-leaves, removal, retain_grad order."""
import gc

import pytest
import torch

import ember
from tests.autograd._both import same


def _leaf(lib):
    return lib.tensor([1.0, 2.0, 3.0], requires_grad=True)


def test_leaf_hook_modifies_grad_and_removes():
    def fn(lib):
        x = _leaf(lib)
        seen = []
        handle = x.register_hook(lambda g: seen.append(g.clone()) or g * 2)
        (x * 3).sum().backward()
        first = x.grad.clone()
        handle.remove()
        (x * 3).sum().backward()
        return first, x.grad, seen
    same(fn)


def test_leaf_hook_survives_garbage_collection():
    def fn(lib):
        x = _leaf(lib)
        x.register_hook(lambda g: g * 10)
        gc.collect()
        (x * 3).sum().backward()
        return x.grad
    same(fn)


def test_leaf_hook_applies_to_autograd_grad():
    def fn(lib):
        x = _leaf(lib)
        x.register_hook(lambda g: g + 1)
        return lib.autograd.grad((x * x).sum(), x)
    same(fn)


def test_non_leaf_hook():
    def fn(lib):
        x = _leaf(lib)
        h = x * 2
        h.register_hook(lambda g: g * 10)
        (h * h).sum().backward()
        return x.grad
    same(fn)


def test_hooks_run_in_order_and_retain_grad_sees_final():
    def fn(lib):
        x = _leaf(lib)
        h = x * 2
        order = []
        h.register_hook(lambda g: order.append("a") or g + 1)
        h.retain_grad()
        h.register_hook(lambda g: order.append("b") or g * 2)
        h.sum().backward()
        return x.grad, h.grad, order
    same(fn)


def test_hook_returning_none_keeps_grad():
    def fn(lib):
        x = _leaf(lib)
        seen = []
        x.register_hook(lambda g: seen.append(g.sum().item()))
        (x * 4).sum().backward()
        return x.grad, seen
    same(fn)


def test_register_hook_requires_grad():
    same(lambda lib: lib.ones(2).register_hook(lambda g: g))


def test_node_pre_and_post_hooks():
    def fn(lib):
        x, y = _leaf(lib), lib.tensor([1.0, 1.0, 1.0], requires_grad=True)
        h = x * y
        seen = []

        def pre(grad_outputs):
            seen.append(("pre", len(grad_outputs)))
            return (grad_outputs[0] * 2,)

        def post(grad_inputs, grad_outputs):
            seen.append(("post", len(grad_inputs), len(grad_outputs)))

        h.grad_fn.register_prehook(pre)
        handle = h.grad_fn.register_hook(post)
        h.sum().backward(retain_graph=True)
        handle.remove()
        h.sum().backward()
        return seen, x.grad
    same(fn)


def test_post_hook_can_replace_grad_inputs():
    def fn(lib):
        x = _leaf(lib)
        h = x.exp()
        h.grad_fn.register_hook(lambda gi, go: (gi[0] * 0 + 1,))
        h.sum().backward()
        return x.grad
    same(fn)


def test_post_accumulate_grad_hooks_like_torch():
    results = []
    for lib in (torch, ember):
        x = lib.ones(2, requires_grad=True)
        seen = []
        handle = x.register_post_accumulate_grad_hook(lambda t, seen=seen: seen.append(
            t.grad.tolist()))
        (x * 2).sum().backward()
        (x * 3).sum().backward()
        handle.remove()
        (x * 1).sum().backward()
        results.append(seen)
        with pytest.raises(RuntimeError, match="cannot be registered on non-leaf tensors"):
            (x * 2).register_post_accumulate_grad_hook(lambda t: None)
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)
        y = lib.ones(2, requires_grad=True)
        y.register_post_accumulate_grad_hook(lambda t: 5)
        with pytest.raises(TypeError, match="hook returned 'int'"):
            y.sum().backward()
    assert results[0] == results[1] == [[2.0, 2.0], [5.0, 5.0]]
