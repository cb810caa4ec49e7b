"""Loss workloads: cross_entropy with class indices, the hot path of every classifier.

Each `bench_<name>(torch)` gets the framework module, sets up, and returns the callable to time.
"""
from __future__ import annotations


def _logits(torch, n, c):
    """Deterministic (n, c) float32 logits and int64 class targets (no RNG needed)."""
    x = (torch.arange(n * c, dtype=torch.float32).reshape(n, c) * 0.37).sin() * 3.0
    t = torch.arange(n) % c
    return x, t


def bench_cross_entropy_64x10(torch):
    """F.cross_entropy forward on (64, 10) logits, no autograd: dispatch-bound."""
    x, t = _logits(torch, 64, 10)
    f = torch.nn.functional.cross_entropy
    return lambda: f(x, t)


def bench_cross_entropy_fwd_bwd_64x10(torch):
    """cross_entropy forward + backward on (64, 10) logits that require grad."""
    x, t = _logits(torch, 64, 10)
    x.requires_grad_(True)
    f = torch.nn.functional.cross_entropy

    def step():
        f(x, t).backward()
        x.grad = None
    return step


def bench_cross_entropy_fwd_bwd_256x1000(torch):
    """cross_entropy forward + backward on (256, 1000) logits: ImageNet-sized head."""
    x, t = _logits(torch, 256, 1000)
    x.requires_grad_(True)
    f = torch.nn.functional.cross_entropy

    def step():
        f(x, t).backward()
        x.grad = None
    return step


def bench_mse_loss_fwd_bwd_256x100(torch):
    """mse_loss forward + backward on (256, 100)."""
    x, _ = _logits(torch, 256, 100)
    y = x.cos()
    x.requires_grad_(True)
    f = torch.nn.functional.mse_loss

    def step():
        f(x, y).backward()
        x.grad = None
    return step


def bench_bce_with_logits_fwd_bwd_256x100(torch):
    """binary_cross_entropy_with_logits forward + backward on (256, 100)."""
    x, _ = _logits(torch, 256, 100)
    y = (x.cos() + 1) * 0.5
    x.requires_grad_(True)
    f = torch.nn.functional.binary_cross_entropy_with_logits

    def step():
        f(x, y).backward()
        x.grad = None
    return step
