"""The spec notebook's "模型初始化" and "损失函数" sections: the isinstance cells with Conv2d, the
printed default weights, kaiming/constant init, every init of the notebook's list of 14, and the
losses a classifier uses. `python examples/spec_notebook/06_init_loss.py` runs it on ember,
`... --torch` on PyTorch; tests/test_spec_notebook.py checks that both print the same."""
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that initial weights match.
torch.manual_seed(0)

# ---- isinstance方法可以判定某个实例是不是属于某个类型 ---------------------------------------------------
conv = nn.Conv2d(1, 3, 3)
linear = nn.Linear(10, 1)

print(isinstance(conv, nn.Conv2d))
print(isinstance(linear, nn.Conv2d))

# ---- 查看一波层的参数 -----------------------------------------------------------------------------
print(conv.weight.data)
# 3*3的卷积核，输出通道为3，似乎创建出来就被自动初始化了
print(linear.weight.data)

# ---- 对conv进行kaiming初始化 ----------------------------------------------------------------------
print(torch.nn.init.kaiming_normal_(conv.weight.data))

# ---- 对linear进行常数初始化 -----------------------------------------------------------------------
print(torch.nn.init.constant_(linear.weight.data, 0.3))

# ---- nn.init中提供了一些初始化的方法 (the notebook's list of 14) -------------------------------------------
# 方法带有下划线，意味着这些方法能原地改变张量的值
w = torch.empty(3, 5)
# 1 . uniform_
print(torch.nn.init.uniform_(w, a=0.0, b=1.0))
# 2 . normal_
print(torch.nn.init.normal_(w, mean=0.0, std=1.0))
# 3 . constant_
print(torch.nn.init.constant_(w, 0.5))
# 4 . ones_
print(torch.nn.init.ones_(w))
# 5 . zeros_
print(torch.nn.init.zeros_(w))
# 6 . eye_
print(torch.nn.init.eye_(w))
# 7 . dirac_ (a conv weight: out_channels x in_channels x k x k)
print(torch.nn.init.dirac_(torch.empty(2, 2, 3, 3), groups=1)[:, :, 1])
print(torch.nn.init.dirac_(torch.empty(4, 2, 3), groups=2))
# 8 . xavier_uniform_
print(torch.nn.init.xavier_uniform_(w, gain=1.0))
# 9 . xavier_normal_
print(torch.nn.init.xavier_normal_(w, gain=1.0))
# 10 . kaiming_uniform_ (the notebook's 'fan__in' is a typo: the mode is 'fan_in')
print(torch.nn.init.kaiming_uniform_(w, a=0, mode='fan_in', nonlinearity='leaky_relu'))
# 11 . kaiming_normal_
print(torch.nn.init.kaiming_normal_(w, a=0, mode='fan_in', nonlinearity='leaky_relu'))
print(torch.nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu'))
# 12 . orthogonal_
q = torch.nn.init.orthogonal_(torch.empty(3, 5), gain=1)
print(q)
print(torch.allclose(q @ q.T, torch.eye(3), atol=1e-5))
# 13 . sparse_
print(torch.nn.init.sparse_(torch.empty(6, 3), sparsity=0.5, std=0.01))
# 14 . calculate_gain
for nonlinearity in ['linear', 'conv2d', 'sigmoid', 'tanh', 'relu', 'selu']:
    print(nonlinearity, torch.nn.init.calculate_gain(nonlinearity))
print(torch.nn.init.calculate_gain('leaky_relu', 0.2))

# Deliberate addition: the usual whole-model init loop over modules()
model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2))
for m in model.modules():
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        nn.init.constant_(m.bias, 0)
    elif isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
print(model[0].weight[0, 0])
print(model[3].weight)
print(model(torch.randn(2, 1, 4, 4)))

# ---- 损失函数 --------------------------------------------------------------------------------------
# 损失函数衡量了预测信息与标签信息之间的差距，是反向传播的起点。
logits = torch.randn(4, 3, requires_grad=True)
target = torch.tensor([0, 2, 1, 2])
ce = nn.CrossEntropyLoss()
loss = ce(logits, target)
print(loss)
loss.backward()
print(logits.grad)
pred, label = torch.randn(4, 2), torch.randn(4, 2)
print(nn.MSELoss()(pred, label))
print(nn.L1Loss(reduction='sum')(pred, label))
print(nn.BCEWithLogitsLoss()(pred, (label > 0).float()))
print(nn.SmoothL1Loss()(pred, label))
print(nn.NLLLoss()(torch.log_softmax(logits.detach(), dim=1), target))
