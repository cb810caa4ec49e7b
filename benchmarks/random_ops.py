"""Random sampling: torch's exact CPU streams (MT19937, Box-Muller) at bulk and per-call sizes.

Each `bench_<name>(torch)` gets the framework module, sets up, and returns the callable to time.
Run with `python -m benchmarks.run benchmarks.random_ops`.
"""
from __future__ import annotations


def bench_randn_1m(torch):
    """randn(1_000_000) float32: the 16-wide AVX2 Box-Muller path."""
    torch.manual_seed(0)
    return lambda: torch.randn(1_000_000)


def bench_randn_1m_f64(torch):
    """randn(1_000_000, dtype=float64): the double Box-Muller path."""
    torch.manual_seed(0)
    return lambda: torch.randn(1_000_000, dtype=torch.float64)


def bench_rand_1m(torch):
    """rand(1_000_000) float32: 24-bit uniforms."""
    torch.manual_seed(0)
    return lambda: torch.rand(1_000_000)


def bench_randn_256x784(torch):
    """randn(256, 784): an MNIST-sized batch of noise."""
    torch.manual_seed(0)
    return lambda: torch.randn(256, 784)


def bench_uniform_1024x1024(torch):
    """uniform_(-a, a) on a (1024, 1024) float32 weight, as kaiming_uniform_ does."""
    torch.manual_seed(0)
    w = torch.empty(1024, 1024)
    return lambda: w.uniform_(-0.0541, 0.0541)


def bench_normal_1024x1024(torch):
    """normal_(0, 0.02) on a (1024, 1024) float32 weight (Box-Muller, then an FMA)."""
    torch.manual_seed(0)
    w = torch.empty(1024, 1024)
    return lambda: w.normal_(0.0, 0.02)


def bench_uniform_1024x1024_f64(torch):
    """uniform_(-1, 2) on a (1024, 1024) float64 tensor (an exact double FMA per element)."""
    torch.manual_seed(0)
    w = torch.empty(1024, 1024, dtype=torch.float64)
    return lambda: w.uniform_(-1.0, 2.0)


def bench_randint_1m(torch):
    """randint(0, 1000, (1_000_000,)) int64."""
    torch.manual_seed(0)
    return lambda: torch.randint(0, 1000, (1_000_000,))


def bench_randperm_10000(torch):
    """randperm(10_000): Fisher-Yates over the stream."""
    torch.manual_seed(0)
    return lambda: torch.randperm(10_000)


def bench_multinomial_1000x100(torch):
    """multinomial of 1000 rows of 100 weights, 10 draws each without replacement."""
    torch.manual_seed(0)
    probs = torch.rand(1000, 100)
    return lambda: torch.multinomial(probs, 10)


def bench_bernoulli_1m(torch):
    """bernoulli_(0.3) in place on 1M float32 (a dropout mask)."""
    torch.manual_seed(0)
    x = torch.empty(1_000_000)
    return lambda: x.bernoulli_(0.3)


def bench_rand_small(torch):
    """rand(10): per-call overhead."""
    torch.manual_seed(0)
    return lambda: torch.rand(10)


def bench_randn_small(torch):
    """randn(3): per-call overhead of the serial (cached) Box-Muller."""
    torch.manual_seed(0)
    return lambda: torch.randn(3)
