"""Per-op overhead: tiny tensors, where the framework's Python/C++ dispatch is the whole cost.

Each `bench_<name>(torch)` gets the framework module, sets up, and returns the callable to time.
"""
from __future__ import annotations


def _ramp(torch, n, lo, hi):
    """n float32 values from lo towards hi (arange-based, no random numbers needed)."""
    return torch.arange(n, dtype=torch.float32) * ((hi - lo) / n) + lo


def bench_add_small(torch):
    """a + b on 10 float32 elements, no autograd."""
    a, b = torch.ones(10), torch.ones(10)
    return lambda: a + b


def bench_mul_small(torch):
    """a * b on 10 float32 elements, no autograd."""
    a, b = torch.ones(10), torch.ones(10)
    return lambda: a * b


def bench_add_scalar_small(torch):
    """a + 1.5 (a Python scalar) on 10 elements, no autograd."""
    a = torch.ones(10)
    return lambda: a + 1.5


def bench_add_small_grad(torch):
    """a + b on 10 elements that require grad: the op plus recording its graph node."""
    a, b = torch.ones(10, requires_grad=True), torch.ones(10, requires_grad=True)
    return lambda: a + b


def bench_mul_small_grad(torch):
    """a * b on 10 elements that require grad (saves both inputs for backward)."""
    a, b = torch.ones(10, requires_grad=True), torch.ones(10, requires_grad=True)
    return lambda: a * b


def bench_add_scalar_small_grad(torch):
    """a * 1.5 on 10 elements that require grad: a Tensor-number op recording its node."""
    a = torch.ones(10, requires_grad=True)
    return lambda: a * 1.5


def bench_exp_small_grad(torch):
    """exp of 10 elements that require grad: a unary op recording its node (saves the output)."""
    a = torch.ones(10, requires_grad=True)
    return lambda: a.exp()


def bench_sum_small_grad(torch):
    """Full reduction of 10 elements that require grad: a reduction recording its node."""
    a = torch.ones(10, requires_grad=True)
    return lambda: a.sum()


def bench_chain_fwd_bwd(torch):
    """10 elementwise ops on a (16, 16) leaf, then .sum().backward(): the engine's overhead."""
    x = _ramp(torch, 256, 0.1, 1.0).reshape(16, 16).requires_grad_()

    def step():
        y = x * 1.5
        y = y + 0.5
        y = y.exp()
        y = y * x
        y = y - x
        y = y / 2.0
        y = y ** 2
        y = y + 1.0
        y = y.log()
        y = -y
        y.sum().backward()
        x.grad = None
    return step


def bench_matmul_64(torch):
    """(64, 64) @ (64, 64) float32: BLAS-bound, small."""
    a = _ramp(torch, 4096, -1.0, 1.0).reshape(64, 64)
    b = _ramp(torch, 4096, 1.0, -1.0).reshape(64, 64)
    return lambda: torch.matmul(a, b)


def bench_exp_100x100(torch):
    """exp of a (100, 100) float32 tensor: 10,000 transcendental evaluations."""
    a = _ramp(torch, 10_000, -3.0, 3.0).reshape(100, 100)
    return lambda: a.exp()


def bench_sum_small(torch):
    """Full reduction of 10 elements to a 0-d tensor."""
    a = torch.ones(10)
    return lambda: a.sum()


def bench_zeros_small(torch):
    """Creating a (10,) float32 tensor of zeros."""
    return lambda: torch.zeros(10)
