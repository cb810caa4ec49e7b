"""The spec notebook's "修改现有模型" (篡改resnet50) and "深度学习模型微调" / "训练模型的特定层" cells on a
small ResNet-shaped stand-in (torchvision's model zoo and pretrained weights are not part of
ember): replace the fc head, freeze everything else, train only the new layer, and give middle
layers a tenth of the learning rate.
`python examples/spec_notebook/13_finetune.py` runs it on ember, `... --torch` on PyTorch."""
import sys
from collections import OrderedDict

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that weights and data match.
torch.manual_seed(0)


class BasicBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + x)


class ResNet(nn.Module):
    """resnet's layout (conv1, bn1, relu, maxpool, layer1, avgpool, fc), a few channels wide."""

    def __init__(self, num_classes=1000, width=8):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = nn.Sequential(BasicBlock(width), BasicBlock(width))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.avgpool(self.layer1(x))
        return self.fc(torch.flatten(x, 1))


# ---- 篡改resnet50 ---------------------------------------------------------------------------------
net = ResNet()
print(net)
# 我们把最终的fc层修改为含有两个隐藏层的全链接层
classifier = nn.Sequential(OrderedDict([
    ("fc1", nn.Linear(8, 128)),
    ('relu1', nn.ReLU()),
    ('dropout1', nn.Dropout(0.5)),
    ('fc2', nn.Linear(128, 10)),
    ('output', nn.Softmax(dim=1))
]))
net.fc = classifier
print(net.fc)
images = torch.randn(4, 3, 32, 32)
probs = net(images)
print(probs.shape, probs.sum(dim=1))
net.eval()
print(net(images[:1]))

# ---- 训练模型的特定层: 首先冻结所有参数的梯度计算 --------------------------------------------------------------


def set_param_requires_grad(model, feature_extracting):
    if feature_extracting:
        for param in model.parameters():
            param.requires_grad = False


feature_extract = True
model = ResNet()  # the notebook loads pretrained weights here; this stand-in keeps its init
set_param_requires_grad(model, feature_extract)

# 自定义一个输出的全连接层
num_ftrs = model.fc.in_features
model.fc = nn.Linear(in_features=num_ftrs, out_features=4, bias=True)
print(num_ftrs, model.fc)
print([name for name, p in model.named_parameters() if p.requires_grad])

# 之后在训练过程中，model仍会进行梯度回传，但是参数更新则只会发生在fc层。
before = {k: v.clone() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1,
                            momentum=0.9)
labels = torch.tensor([0, 1, 2, 3])
model.train()
for step in range(5):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 4))
print(model.conv1.weight.grad, model.fc.weight.grad.shape)
changed = [k for k, v in model.state_dict().items() if not torch.equal(v, before[k])]
print(changed)  # fc only, plus the BatchNorm running statistics that train() keeps updating

# ---- 对网络进行重新训练: 中间层的学习率设置为预定的十分之一，输出层学习率设置为正常 ------------------------------------
for param in model.parameters():
    param.requires_grad = True
base_lr = 0.01
fc_ids = {id(p) for p in model.fc.parameters()}
optimizer = torch.optim.SGD([
    {'params': [p for p in model.parameters() if id(p) not in fc_ids], 'lr': base_lr / 10},
    {'params': model.fc.parameters()},
], lr=base_lr, momentum=0.9)
print([(len(g['params']), g['lr']) for g in optimizer.param_groups])
for step in range(3):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 4))
print(model.layer1[0].conv1.weight[0, 0])
