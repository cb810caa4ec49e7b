# ruff: noqa: UP008 - the notebook's own super(Class, self) calls, kept as written
"""The spec notebook's convolution cells ("卷积层", "手撕池化层", "关于U-NET中上采样..."), cell by cell.
`python examples/spec_notebook/04_cnn.py` runs it on ember, `... --torch` on PyTorch;
tests/test_spec_notebook.py checks that both print the same."""
import sys

if "--torch" in sys.argv:
    import torch
    import torch.nn.functional as F
    from torch import nn
else:
    import ember as torch
    import ember.nn.functional as F
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that random weights and inputs print the
# same numbers on both frameworks.
torch.manual_seed(0)

# ---- 手撕二维卷积！！！ -----------------------------------------------------------------------------


def corr2d(X, K):
    h, w = K.shape
    print(h, w)
    X, K = X.float(), K.float()
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        # The notebook writes `super(Conv2D, self).__init()` (a typo: no such method, it raises
        # AttributeError on both frameworks); `__init__()` is what it means.
        super(Conv2D, self).__init__()
        # super 方法用于为子类调用父类方法，type参数
        # 传入类型， obj传入实例，在类定义中, obj传入
        # self
        self.weight = nn.Parameter(torch.randn(kernel_size))
        self.bias = nn.Parameter(torch.randn(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


# Deliberate addition: the notebook defines corr2d and Conv2D without calling them; run both.
X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
K = torch.tensor([[0, 1], [2, 3]])
print(corr2d(X, K))
conv_layer = Conv2D((2, 2))
out = conv_layer(torch.ones(4, 5))
print(out)
out.sum().backward()
print(conv_layer.weight.grad)
print(conv_layer.bias.grad)
# the same cross-correlation through nn.functional.conv2d
print(F.conv2d(X.float().view(1, 1, 3, 3), K.float().view(1, 1, 2, 2)))

# ---- 使用padding进行same卷积 ------------------------------------------------------------------------


def comp_conv2d(conv2d, X):
    X = X.view((1, 1) + X.shape)  # 为X加入批次和通道维度
    Y = conv2d(X)
    return Y.view(Y.shape[2:])  # 滤除批次和通道维度


# 对输入左右padding两行
conv2d = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, padding=1)

X = torch.rand(8, 8)
# 注意卷积之后前后变换公式: y = (x - h + 2 * p)/s + 1, 注意向下取整
print(comp_conv2d(conv2d, X).shape)

# 使用高宽不一致的卷积核
conv2d = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=(5, 3), padding=(2, 1))
print(comp_conv2d(conv2d, X).shape)

# 引入stride
conv2d = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=(3, 5), padding=(0, 1),
                   stride=(3, 4))
print(comp_conv2d(conv2d, X).shape)
# Deliberate addition: the values too, not only the shape
print(comp_conv2d(conv2d, X))

# ---- 手撕池化层 ------------------------------------------------------------------------------------


def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


X = torch.tensor([[0, 1, 2], [4, 5, 6], [7, 8, 9]], dtype=torch.float)
print(pool2d(X, (2, 2)))
print(pool2d(X, (2, 2), "avg"))

# Deliberate addition: the library's pooling with stride 1 gives the hand-written results
X4 = X.view(1, 1, 3, 3)
print(F.max_pool2d(X4, kernel_size=2, stride=1))
print(F.avg_pool2d(X4, kernel_size=2, stride=1))
print(torch.equal(F.max_pool2d(X4, 2, 1)[0, 0], pool2d(X, (2, 2))))
print(torch.allclose(F.avg_pool2d(X4, 2, 1)[0, 0], pool2d(X, (2, 2), "avg")))
print(nn.MaxPool2d(2)(torch.arange(16.).view(1, 1, 4, 4)))
print(nn.AvgPool2d(2)(torch.arange(16.).view(1, 1, 4, 4)))

# ---- 卷积层的计算量 ----------------------------------------------------------------------------------
# Deliberate addition: the output-shape formula floor((H - h + 2n) / s) + 1 and the multiply count
H, W, C, h, w, c, s, n = 32, 28, 3, 5, 3, 16, 2, 1
conv = nn.Conv2d(C, c, kernel_size=(h, w), stride=s, padding=n)
Y = conv(torch.randn(1, C, H, W))
H_o, W_o = (H - h + 2 * n) // s + 1, (W - w + 2 * n) // s + 1
print(Y.shape, (H_o, W_o, c))
print("乘法计算量:", H_o * W_o * h * w * C * c)

# ---- 关于U-NET中上采样或者解码层的一些补充 --------------------------------------------------------------
# Deliberate addition: the two upsampling methods of the notes, with H_out = s * (H - 1) + k - 2p
x = torch.randn(1, 2, 4, 5)
for k, s, p in [(2, 2, 0), (3, 2, 1), (4, 2, 1)]:
    up = nn.ConvTranspose2d(2, 1, kernel_size=k, stride=s, padding=p)
    y = up(x)
    print(y.shape, s * (4 - 1) + k - 2 * p, s * (5 - 1) + k - 2 * p)
print(up(x))
bilinear = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)
print(bilinear(x).shape)
print(F.interpolate(torch.arange(4.).view(1, 1, 2, 2), scale_factor=2, mode='bilinear',
                    align_corners=False))
print(F.interpolate(torch.arange(4.).view(1, 1, 2, 2), size=(3, 3), mode='bilinear',
                    align_corners=True))
