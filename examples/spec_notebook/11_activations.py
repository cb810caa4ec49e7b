"""The spec notebook's "激活函数" section (Sigmoid, tanh, ReLU, LeakyReLU) and its notes on
vanishing and exploding gradients ("为什么会发生梯度消失and梯度爆炸？"), made runnable.
`python examples/spec_notebook/11_activations.py` runs it on ember, `... --torch` on PyTorch."""
import sys

if "--torch" in sys.argv:
    import torch
    import torch.nn.functional as F
    from torch import nn
else:
    import ember as torch
    import ember.nn.functional as F
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that weights and inputs match.
torch.manual_seed(0)

x = torch.linspace(-6, 6, 7, requires_grad=True)

# ---- Sigmoid函数 ----------------------------------------------------------------------------------
# 当输入数据较大或较小的时候，会导致梯度接近于0 (梯度消失); sigmoid不过零
y = torch.sigmoid(x)
print(y)
y.sum().backward()
print(x.grad)  # sigmoid'(x) = s(1 - s): at most 0.25, tiny at |x| = 6
print(nn.Sigmoid()(torch.zeros(1)))

# ---- tanh函数 -------------------------------------------------------------------------------------
x.grad = None
y = torch.tanh(x)
print(y)
y.sum().backward()
print(x.grad)
# The notebook writes tanh(x) = 2sigmoid(x) - 1; the identity is tanh(x) = 2sigmoid(2x) - 1.
print(torch.allclose(torch.tanh(x), 2 * torch.sigmoid(2 * x) - 1, atol=1e-6))
print(torch.allclose(torch.tanh(x), 2 * torch.sigmoid(x) - 1, atol=1e-6))

# ---- ReLU函数 -------------------------------------------------------------------------------------
x.grad = None
y = F.relu(x)
print(y)
y.sum().backward()
print(x.grad)  # 正方向导数都是1; 负方向为0 (神经元坏死)
print(nn.ReLU(inplace=True))

# ---- LeakyRelu -----------------------------------------------------------------------------------
x.grad = None
leaky = nn.LeakyReLU(negative_slope=0.01)
print(leaky)
y = leaky(x)
print(y)
y.sum().backward()
print(x.grad)  # 复数部分不为零，而是一个带有非常小坡度的直线

# ---- 没有激活函数: 多层线性网络等效于一个线性层 -----------------------------------------------------------
lin = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
W = lin[1].weight @ lin[0].weight
b = lin[1].weight @ lin[0].bias + lin[1].bias
inp = torch.randn(5, 3)
print(torch.allclose(lin(inp), inp @ W.T + b, atol=1e-6))

# ---- 梯度消失 and 梯度爆炸: 深层网络中每层的导数连乘 --------------------------------------------------------


def first_layer_grad_norm(activation, std, depth=12):
    torch.manual_seed(1)
    layers = []
    for _ in range(depth):
        linear = nn.Linear(16, 16)
        nn.init.normal_(linear.weight, std=std)
        nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
    net = nn.Sequential(*layers)
    net(torch.randn(8, 16)).pow(2).sum().backward()
    return net[0].weight.grad.norm().item()


for name, act in [("Sigmoid", nn.Sigmoid), ("Tanh", nn.Tanh), ("ReLU", nn.ReLU)]:
    for std in (0.1, 0.25, 1.0):
        print(name, std, f"{first_layer_grad_norm(act, std):.3e}")
