"""The spec notebook's optimiser theory ("优化器" up to "Adam优化算法"): the Optimizer base class's
attributes and zero_grad, SGD / mini-batch / batch gradient descent, the exponentially weighted
average, and momentum, RMSprop and Adam written from the notebook's formulas, each checked
against torch.optim. `python examples/spec_notebook/14_optimizer_theory.py` runs it on ember,
`... --torch` on PyTorch."""
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that data and weights match.
torch.manual_seed(0)

# ---- 这些优化器都继承自基类Optimizer ---------------------------------------------------------------------
for name in ["SGD", "ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RAdam",
             "RMSprop", "Rprop", "LBFGS"]:
    print(name, issubclass(getattr(torch.optim, name), torch.optim.Optimizer))
w = nn.Parameter(torch.randn(3))
opt = torch.optim.Adam([w], lr=0.1)
print(opt.defaults)  # 存储一些通用超参数
print(type(opt.state).__name__, dict(opt.state))  # 优化器状态参数缓存
print(opt.param_groups)  # 字典列表
# 清空梯度缓存: set_to_none=False zeroes the gradient in place, True (the default now) drops it
w.grad = torch.ones(3)
opt.zero_grad(set_to_none=False)
print(w.grad)
opt.zero_grad()
print(w.grad)
# 执行参数更新: the base class's step is abstract (w has a gradient here: ember raised only then,
# reported to the lead; torch raises either way)
w.grad = torch.ones(3)
try:
    torch.optim.Optimizer([w], {}).step()
except NotImplementedError:
    print("NotImplementedError")

# ---- SGD, mini-batch and batch gradient descent on a least-squares problem -----------------------
X = torch.randn(64, 3)
true_w = torch.tensor([1.0, -2.0, 0.5])
y = X @ true_w + 0.1 * torch.randn(64)


def fit(batch_size, steps=40, lr=0.05):
    torch.manual_seed(1)
    model = nn.Linear(3, 1, bias=False)
    nn.init.zeros_(model.weight)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        idx = torch.randperm(64)[:batch_size]
        optimizer.zero_grad()
        loss = ((model(X[idx]).squeeze(1) - y[idx]) ** 2).mean()
        loss.backward()
        optimizer.step()
    return model.weight.detach().squeeze(0), ((model(X).squeeze(1) - y) ** 2).mean().item()


for batch_size in (1, 8, 64):  # SGD: 1, mini-batch: 8, batch: all 64
    weight, loss = fit(batch_size)
    print(batch_size, weight, round(loss, 4))

# ---- 知识点：指数加权平均 v_t = beta v_{t-1} + (1 - beta) theta_t ------------------------------------------
theta = torch.randn(50).cumsum(0)
beta, v, smooth = 0.9, torch.tensor(0.0), []
for t in range(50):
    v = beta * v + (1 - beta) * theta[t]
    smooth.append(v)
smooth = torch.stack(smooth)
print(smooth[-5:], theta[-5:])
print(round(1 / (1 - beta), 2))  # 平滑窗口长度约为 1 / (1 - beta)


def grads_at(p, k):
    """A fixed sequence of gradients, so the hand-written rule and torch.optim see the same."""
    return torch.sin(p * (k + 1)) + 0.1 * k


# ---- momentum: v = beta v + g, W = W - alpha v (torch's form: dampening 0) ------------------------
p0 = torch.randn(4)
p_ref = nn.Parameter(p0.clone())
ref = torch.optim.SGD([p_ref], lr=0.1, momentum=0.9)
p, v = p0.clone(), torch.zeros(4)
for k in range(5):
    p_ref.grad = grads_at(p_ref.detach(), k)
    ref.step()
    g = grads_at(p, k)
    v = 0.9 * v + g if k else g.clone()
    p = p - 0.1 * v
print(p_ref.data, torch.allclose(p, p_ref.data, atol=1e-6))

# ---- RMSprop: S = beta S + (1 - beta) dW^2, W = W - alpha dW / (sqrt(S) + eps) -------------------
p_ref = nn.Parameter(p0.clone())
ref = torch.optim.RMSprop([p_ref], lr=0.01, alpha=0.99, eps=1e-8)
p, S = p0.clone(), torch.zeros(4)
for k in range(5):
    p_ref.grad = grads_at(p_ref.detach(), k)
    ref.step()
    g = grads_at(p, k)
    S = 0.99 * S + (1 - 0.99) * g ** 2
    p = p - 0.01 * g / (S.sqrt() + 1e-8)
print(p_ref.data, torch.allclose(p, p_ref.data, atol=1e-6))

# ---- Adam: momentum (beta1) + RMSprop (beta2), with bias correction -----------------------------
p_ref = nn.Parameter(p0.clone())
ref = torch.optim.Adam([p_ref], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
p, m, s = p0.clone(), torch.zeros(4), torch.zeros(4)
for k in range(5):
    p_ref.grad = grads_at(p_ref.detach(), k)
    ref.step()
    g = grads_at(p, k)
    m = 0.9 * m + (1 - 0.9) * g
    s = 0.999 * s + (1 - 0.999) * g ** 2
    m_hat, s_hat = m / (1 - 0.9 ** (k + 1)), s / (1 - 0.999 ** (k + 1))
    p = p - 0.01 * m_hat / (s_hat.sqrt() + 1e-8)
print(p_ref.data, torch.allclose(p, p_ref.data, atol=1e-6))
print(ref.state_dict()['state'][0]['step'], sorted(ref.state_dict()['state'][0]))
