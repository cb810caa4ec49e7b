"""autograd.graph against torch: saved_tensors_hooks (pack/unpack run, results unchanged, nested,
custom Functions), save_on_cpu, disable_saved_tensors_hooks, Node, get_gradient_edge,
increment_version, register_multi_grad_hook ('all' and 'any')."""
from __future__ import annotations

import pytest
import torch

import ember


def _loss(lib, x, w):
    return ((x * w).sin() * x).sum()


@pytest.mark.parametrize("lib", [torch, ember], ids=["torch", "ember"])
def test_saved_tensors_hooks_run_and_keep_results(lib):
    packed, unpacked = [], []

    def pack(t):
        packed.append(1)
        return t * 1  # a copy: what backward reads comes from the hook

    def unpack(t):
        unpacked.append(1)
        return t

    x = lib.arange(1.0, 4.0, requires_grad=True)
    w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        loss = _loss(lib, x, w)
    loss.backward()
    assert packed and unpacked
    reference = lib.arange(1.0, 4.0, requires_grad=True)
    _loss(lib, reference, w.detach()).backward()
    assert x.grad.tolist() == reference.grad.tolist()


def test_hooks_on_custom_function_and_save_on_cpu():
    results = []
    for lib in (torch, ember):
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 2 * x * g
        seen = []
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(
                lambda t, seen=seen: (seen.append("p"), t)[1],
                lambda t, seen=seen: (seen.append("u"), t)[1]):
            y = Square.apply(x).sum()
        y.backward()
        with lib.autograd.graph.save_on_cpu():
            z = (x.exp() * x).sum()
        z.backward()
        results.append((seen, x.grad.tolist()))
    assert results[0][0] == results[1][0]
    assert results[0][1] == pytest.approx(results[1][1], rel=1e-6)


def test_disable_saved_tensors_hooks():
    for lib in (torch, ember):
        with (lib.autograd.graph.disable_saved_tensors_hooks("no hooks here"),
              pytest.raises(RuntimeError, match="no hooks here"),
              lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t)):
            pass


def test_edges_versions_and_multi_grad_hooks():
    outs = []
    for lib in (torch, ember):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0], requires_grad=True)
        y = a * 2
        assert isinstance(y.grad_fn, lib.autograd.graph.Node)
        edge = lib.autograd.graph.get_gradient_edge(y)
        assert edge.node is y.grad_fn and edge.output_nr == 0
        with pytest.raises(RuntimeError, match="does not require gradients"):
            lib.autograd.graph.get_gradient_edge(lib.ones(1))
        v = a._version
        lib.autograd.graph.increment_version(a)
        assert a._version == v + 1
        calls = []
        handle = lib.autograd.graph.register_multi_grad_hook(
            (a, b), lambda grads, calls=calls: calls.append(
                [None if g is None else g.tolist() for g in grads]))
        (a.sum() * 3).backward()          # b unused: None for it
        (a.sum() + b.sum()).backward()
        handle.remove()
        (a.sum()).backward()
        first = []
        lib.autograd.graph.register_multi_grad_hook(
            (a, b), lambda g, first=first: first.append(g.tolist()), mode="any")
        (a.sum() * 5 + b.sum()).backward()
        outs.append((calls, len(first)))
    assert outs[0] == outs[1]
