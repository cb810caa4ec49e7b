"""Convolutional workloads: conv2d 3x3 64->64 forward and forward+backward on 32x64x56x56, a
strided 3x3, a MobileNet-v2 block stack (1x1 and depthwise convs) and a LeNet-5 training step on
64x1x28x28 (fwd + bwd + hand-written SGD).

    python -m benchmarks.run benchmarks.cnn
"""
from __future__ import annotations


def _uniform(torch, shape, seed=0, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g) * 2 - 1) * scale


def bench_conv3x3_64_fwd(torch):
    """F.conv2d 3x3, 64->64 channels, padding 1, on 32x64x56x56 float32; no autograd."""
    x = _uniform(torch, (32, 64, 56, 56))
    w = _uniform(torch, (64, 64, 3, 3), 1, 0.05)
    b = _uniform(torch, (64,), 2)
    conv2d = torch.nn.functional.conv2d
    return lambda: conv2d(x, w, b, padding=1)


def bench_conv3x3_64_fwd_bwd(torch):
    """conv2d 3x3 64->64 on 32x64x56x56: forward, then backward to input, weight and bias."""
    x = _uniform(torch, (32, 64, 56, 56)).requires_grad_(True)
    w = _uniform(torch, (64, 64, 3, 3), 1, 0.05).requires_grad_(True)
    b = _uniform(torch, (64,), 2).requires_grad_(True)
    up = _uniform(torch, (32, 64, 56, 56), 3)
    conv2d = torch.nn.functional.conv2d

    def step():
        x.grad = w.grad = b.grad = None
        conv2d(x, w, b, padding=1).backward(up)
    return step


def bench_conv3x3_stride2_fwd_bwd(torch):
    """conv2d 3x3 64->128, stride 2, padding 1 on 32x64x56x56: forward + backward (a ResNet
    downsampling conv)."""
    x = _uniform(torch, (32, 64, 56, 56)).requires_grad_(True)
    w = _uniform(torch, (128, 64, 3, 3), 1, 0.05).requires_grad_(True)
    up = _uniform(torch, (32, 128, 28, 28), 3)
    conv2d = torch.nn.functional.conv2d

    def step():
        x.grad = w.grad = None
        conv2d(x, w, None, stride=2, padding=1).backward(up)
    return step


def bench_mobilenet_blocks_fwd_bwd(torch):
    """Three MobileNet-v2 inverted residual blocks (1x1 expand 32->192, depthwise 3x3, 1x1 project
    192->32, ReLU6, residual) on 16x32x28x28: forward + backward to input and weights."""
    F = torch.nn.functional
    x = _uniform(torch, (16, 32, 28, 28)).requires_grad_(True)
    ws = [[_uniform(torch, shape, 10 * i + j, 0.1).requires_grad_(True) for j, shape in
           enumerate([(192, 32, 1, 1), (192, 1, 3, 3), (32, 192, 1, 1)])] for i in range(3)]
    up = _uniform(torch, (16, 32, 28, 28), 3)

    def step():
        x.grad = None
        for block in ws:
            for w in block:
                w.grad = None
        h = x
        for expand, depthwise, project in ws:
            t = F.relu6(F.conv2d(h, expand))
            t = F.relu6(F.conv2d(t, depthwise, padding=1, groups=192))
            h = h + F.conv2d(t, project)
        h.backward(up)
    return step


def _pool2(torch, x):
    """2x2 max pooling via F.max_pool2d when the framework has it, else a reshape-mean."""
    F = torch.nn.functional
    if hasattr(F, "max_pool2d"):
        return F.max_pool2d(x, 2)
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).mean((3, 5))


def bench_lenet5_step(torch):
    """LeNet-5 on 64x1x28x28: conv-relu-pool x2, linear x3, cross-entropy, backward, SGD step."""
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    conv1, conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
    fc1, fc2, fc3 = nn.Linear(16 * 5 * 5, 120), nn.Linear(120, 84), nn.Linear(84, 10)
    params = [p for m in (conv1, conv2, fc1, fc2, fc3) for p in m.parameters()]
    x = _uniform(torch, (64, 1, 28, 28))
    y = (_uniform(torch, (64,), 1) * 4.99 + 5).long()

    def step():
        for p in params:
            p.grad = None
        h = _pool2(torch, F.relu(conv1(x)))
        h = _pool2(torch, F.relu(conv2(h)))
        h = F.relu(fc1(h.reshape(64, -1)))
        h = F.relu(fc2(h))
        F.cross_entropy(fc3(h), y).backward()
        with torch.no_grad():
            for p in params:
                p.data -= 0.01 * p.grad
    return step
