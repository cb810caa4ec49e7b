"""Math-namespace workloads (issue 15): a batched 256x256 svd, a MultivariateNormal log_prob over
10k samples, and vmap(jacrev) of a small MLP.

    python -m benchmarks.run benchmarks.math --threads 1 --rounds 3
"""
from __future__ import annotations


def bench_svd_batched_256(torch):
    """torch.linalg.svd of 4 float32 256x256 matrices (U, S, Vh)."""
    torch.manual_seed(0)
    a = torch.randn(4, 256, 256)
    return lambda: torch.linalg.svd(a)


def bench_mvn_log_prob_10k(torch):
    """MultivariateNormal(16-d, full covariance).log_prob of 10,000 samples."""
    torch.manual_seed(0)
    m = torch.randn(16, 16)
    cov = m @ m.T + 16 * torch.eye(16)
    dist = torch.distributions.MultivariateNormal(torch.zeros(16), covariance_matrix=cov)
    x = torch.randn(10_000, 16)
    return lambda: dist.log_prob(x)


def bench_vmap_jacrev_mlp(torch):
    """vmap(jacrev(mlp)) over 64 inputs of a 16-32-8 tanh MLP (per-sample 8x16 Jacobians)."""
    torch.manual_seed(0)
    w1, b1 = torch.randn(32, 16) * 0.2, torch.zeros(32)
    w2, b2 = torch.randn(8, 32) * 0.2, torch.zeros(8)

    def mlp(x):
        return torch.tanh(x @ w1.T + b1) @ w2.T + b2

    jac = torch.func.vmap(torch.func.jacrev(mlp))
    x = torch.randn(64, 16)
    return lambda: jac(x)
