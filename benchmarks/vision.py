"""Vision model zoo workloads: resnet50 forward (batch 8, 224x224, eval, no grad) and a resnet18
training step (batch 16, 112x112, SGD). torchvision's models under torch, ember.vision's under
ember (torchvision 0.28's compiled ops cannot load against the CPU build of torch; its import
needs torch.library.register_fake stubbed, done here as in tests/third_party.py).

    python -m benchmarks.run benchmarks.vision --threads 1 --rounds 3
"""
from __future__ import annotations

import importlib


def _models(torch):
    if torch.__name__ == "ember":
        return importlib.import_module("ember.vision.models")
    original = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    try:
        return importlib.import_module("torchvision.models")
    finally:
        torch.library.register_fake = original


def bench_resnet50_forward_b8_224(torch):
    """resnet50 forward, batch 8, 224x224, eval mode, no autograd."""
    torch.manual_seed(0)
    model = _models(torch).resnet50().eval()
    x = torch.randn(8, 3, 224, 224)

    def step():
        with torch.no_grad():
            model(x)
    return step


def bench_resnet18_train_step_b16_112(torch):
    """resnet18 training step (forward, cross-entropy, backward, SGD momentum), batch 16,
    112x112."""
    torch.manual_seed(0)
    model = _models(torch).resnet18()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(16, 3, 112, 112), torch.randint(0, 1000, (16,))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return step
