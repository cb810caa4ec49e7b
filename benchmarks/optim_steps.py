"""Optimizer steps: the per-step cost of Adam and of SGD with momentum over a ResNet-18's
parameters (memory-bound whole-buffer passes), and of SGD/AdamW over many small tensors (pure
per-parameter overhead).

Each `bench_<name>(torch)` gets the framework module, sets up, and returns the callable to time.
Run with `python -m benchmarks.run benchmarks.optim_steps`.
"""
from __future__ import annotations


def _resnet18_shapes() -> list[tuple[int, ...]]:
    """The 62 parameter shapes of torchvision's resnet18 (11.7M parameters), in order."""
    shapes = [(64, 3, 7, 7), (64,), (64,)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        for block in range(2):
            shapes += [(cout, cin, 3, 3), (cout,), (cout,), (cout, cout, 3, 3), (cout,), (cout,)]
            if block == 0 and (stride != 1 or cin != cout):
                shapes += [(cout, cin, 1, 1), (cout,), (cout,)]
            cin = cout
    return shapes + [(1000, 512), (1000,)]


def _params_with_grads(torch, shapes):
    torch.manual_seed(0)
    params = []
    for shape in shapes:
        p = (torch.randn(shape) * 0.01).requires_grad_(True)
        p.grad = torch.randn(shape)
        params.append(p)
    return params


def bench_adam_step_resnet18_params(torch):
    """Adam(lr=1e-3).step() over ResNet-18's 62 parameter tensors (11.7M floats), grads fixed."""
    opt = torch.optim.Adam(_params_with_grads(torch, _resnet18_shapes()), lr=1e-3)
    opt.step()  # state created outside the timed region
    return opt.step


def bench_sgd_momentum_step_resnet18_params(torch):
    """SGD(lr=0.01, momentum=0.9).step() over ResNet-18's 62 parameter tensors, grads fixed."""
    opt = torch.optim.SGD(_params_with_grads(torch, _resnet18_shapes()), lr=0.01, momentum=0.9)
    opt.step()
    return opt.step


def bench_sgd_momentum_step_200_small(torch):
    """SGD(lr=0.01, momentum=0.9).step() over 200 tensors of 100 floats: per-param overhead."""
    opt = torch.optim.SGD(_params_with_grads(torch, [(10, 10)] * 200), lr=0.01, momentum=0.9)
    opt.step()
    return opt.step


def bench_adamw_step_200_small(torch):
    """AdamW(lr=1e-3).step() over 200 tensors of 100 floats: per-param overhead of Adam's rule."""
    opt = torch.optim.AdamW(_params_with_grads(torch, [(10, 10)] * 200), lr=1e-3)
    opt.step()
    return opt.step
