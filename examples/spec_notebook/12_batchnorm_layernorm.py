"""The spec notebook's "BatchNorm与LayerNorm" notes made runnable: batch statistics in training,
the exponentially averaged running statistics used at inference, and LayerNorm's per-sample
statistics, each checked against the formula.
`python examples/spec_notebook/12_batchnorm_layernorm.py` runs it on ember, `... --torch` on PyTorch."""
import sys

if "--torch" in sys.argv:
    import torch
    import torch.nn.functional as F
    from torch import nn
else:
    import ember as torch
    import ember.nn.functional as F
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that inputs match.
torch.manual_seed(0)

# ---- BatchNorm: 在mini-batch层面上对数据进行归一化 --------------------------------------------------------
x = torch.randn(6, 3) * 2 + 1
bn = nn.BatchNorm1d(3)
print(bn)
y = bn(x)
mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
print(torch.allclose(y, (x - mean) / torch.sqrt(var + bn.eps), atol=1e-5))
# (the means are zero up to float rounding noise, which differs between libraries)
print(y.mean(dim=0).abs().max() < 1e-6, y.std(dim=0, unbiased=False))
# 以指数加权平均的方式记录训练过程中得到的均值和方差 (running_var uses the unbiased variance)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
print(torch.allclose(bn.running_mean, 0.9 * torch.zeros(3) + 0.1 * mean))
print(torch.allclose(bn.running_var, 0.9 * torch.ones(3) + 0.1 * x.var(dim=0)))
for _ in range(20):
    bn(torch.randn(6, 3) * 2 + 1)
print(bn.running_mean, bn.running_var)
# 推理的时候 batch size 可能为1，因此使用记录下来的均值和方差
bn.eval()
one = torch.randn(1, 3)
print(bn(one))
print((one - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias)
# a batch of one in training mode has no variance to estimate
bn.train()
try:
    bn(one)
except ValueError as err:
    print(type(err).__name__, err)
# momentum=None: a cumulative (plain) average instead of an exponential one
cum = nn.BatchNorm1d(3, momentum=None)
batches = [torch.randn(4, 3) for _ in range(3)]
for b in batches:
    cum(b)
print(torch.allclose(cum.running_mean, torch.stack([b.mean(0) for b in batches]).mean(0)))

# BatchNorm2d: statistics over (N, H, W) for each channel; 可学习的缩放和偏移因子
img = torch.randn(4, 2, 3, 3)
bn2 = nn.BatchNorm2d(2)
out = bn2(img)
print(out.mean(dim=(0, 2, 3)).abs().max() < 1e-6, out.var(dim=(0, 2, 3), unbiased=False))
out.pow(3).sum().backward()
print(bn2.weight.grad, bn2.bias.grad)
print(F.batch_norm(img, torch.zeros(2), torch.ones(2), training=False)[0, 0, 0])

# ---- LayerNorm: 直接对每个数据样本求均值和方差 -----------------------------------------------------------
seq = torch.randn(2, 4, 5)  # (batch, time, features), as in an RNN
ln = nn.LayerNorm(5)
print(ln)
z = ln(seq)
m, v = seq.mean(-1, keepdim=True), seq.var(-1, unbiased=False, keepdim=True)
print(torch.allclose(z, (seq - m) / torch.sqrt(v + ln.eps), atol=1e-5))
print(z[0, 0])
print(list(dict(ln.named_buffers())))  # 不需要额外记录均值与方差
ln2 = nn.LayerNorm([4, 5], elementwise_affine=False)
print(ln2(seq)[1, :, 0])
print(torch.equal(ln.train()(seq), ln.eval()(seq)))  # the same in training and inference
