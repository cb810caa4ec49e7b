"""Whole training steps of small models: forward, cross-entropy, backward and optimizer step.

Each `bench_<name>(torch)` builds the model under the framework it is given (same seed, so the same
initial weights on both) and returns one training step to time.
"""
from __future__ import annotations

import itertools


def _train_step(torch, model, optimizer, x, y):
    loss_fn = torch.nn.functional.cross_entropy

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    return step


def _mlp(torch, sizes):
    layers = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def bench_mlp_small(torch):
    """MLP 784-256-10, batch 64, cross-entropy, SGD momentum 0.9: one training step."""
    torch.manual_seed(0)
    model = _mlp(torch, [784, 256, 10])
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(64, 784), torch.randint(0, 10, (64,))
    return _train_step(torch, model, opt, x, y)


def bench_mlp_large(torch):
    """MLP 784-1024-1024-10, batch 256, cross-entropy, Adam: one training step."""
    torch.manual_seed(0)
    model = _mlp(torch, [784, 1024, 1024, 10])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(256, 784), torch.randint(0, 10, (256,))
    return _train_step(torch, model, opt, x, y)


def _basic_block(torch, cin, cout, stride):
    nn = torch.nn

    class BasicBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.short = nn.Sequential()
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                           nn.BatchNorm2d(cout))

        def forward(self, x):
            out = torch.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return torch.relu(out + self.short(x))
    return BasicBlock()


def _resnet_small_step(torch, batch):
    nn = torch.nn
    torch.manual_seed(0)
    blocks, cin = [], 16
    for width, stride in ((16, 1), (32, 2), (64, 2), (128, 2)):
        blocks += [_basic_block(torch, cin, width, stride), _basic_block(torch, width, width, 1)]
        cin = width
    model = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                          *blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(batch, 3, 32, 32), torch.randint(0, 10, (batch,))
    return _train_step(torch, model, opt, x, y)


def bench_resnet_small(torch):
    """CIFAR-style ResNet-18 (4 stages x 2 basic blocks, widths 16-128) on 16x3x32x32, SGD step."""
    return _resnet_small_step(torch, 16)


def bench_resnet_small_b32(torch):
    """The same CIFAR-style ResNet-18 training step at batch 32."""
    return _resnet_small_step(torch, 32)


def _inverted_residual(torch, channels, expand):
    """MobileNet v2's block: 1x1 expand, 3x3 depthwise, 1x1 project, residual add."""
    nn = torch.nn
    hidden = channels * expand

    class InvertedResidual(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(channels, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
                nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden, bias=False),
                nn.BatchNorm2d(hidden), nn.ReLU6(),
                nn.Conv2d(hidden, channels, 1, bias=False), nn.BatchNorm2d(channels))

        def forward(self, x):
            return x + self.body(x)
    return InvertedResidual()


def bench_mobilenet_blocks(torch):
    """Four MobileNet v2 inverted-residual blocks (32 ch, expand 6; 1x1-conv heavy) on
    16x32x28x28, linear head, SGD step."""
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(*[_inverted_residual(torch, 32, 6) for _ in range(4)],
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    x, y = torch.randn(16, 32, 28, 28), torch.randint(0, 10, (16,))
    return _train_step(torch, model, opt, x, y)
