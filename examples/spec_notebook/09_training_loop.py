# ruff: noqa: UP008, UP032 - the notebook's super(Class, self) and str.format, kept as written
"""The spec notebook's "深度学习训练的整体流程" section as one runnable loop on synthetic data: the
imports, device and hyper-parameter cells, a Dataset and DataLoaders, a small CNN, the train/val
functions (CrossEntropyLoss, Adam, model.train()/eval(), torch.no_grad()).
`python examples/spec_notebook/09_training_loop.py` runs it on ember, `... --torch` on PyTorch."""
import os
import sys

import numpy as np

if "--torch" in sys.argv:
    import torch
    import torch.optim as optimizer_lib
    from torch import nn
    from torch.utils.data import DataLoader, Dataset
else:
    import ember as torch
    import ember.optim as optimizer_lib
    from ember import nn
    from ember.utils.data import DataLoader, Dataset

# Deliberate addition to the notebook: a fixed seed, so that data, weights, shuffling and dropout
# masks are the same on both frameworks.
torch.manual_seed(0)

# ---- 显式指定gpu -----------------------------------------------------------------------------------
os.environ['CUDA_VISIBLE_DEVICES'] = '0, 1'  # 指明gpu为01
# The notebook writes `torch.cuda.is_available` (no call: always true) and a bare `cpu` name; the
# intended line calls it and quotes "cpu". This program runs on the CPU.
device = torch.device("cuda:1" if torch.cuda.is_available() else "cpu")
print(device)

# ---- 设置一些超参数 ---------------------------------------------------------------------------------
batch_size = 16
lr = 1e-3  # the notebook's 1e-4 barely moves a 4-epoch run; 1e-3 shows learning
epoch = 4  # the notebook's 100 epochs, cut to keep this program fast
# 当然我们可以选择把超参数存储在yaml里面

# ---- 数据读入: dataset定义数据格式, dataloader以迭代的方式向模型输入批次数据 -------------------------------------


class MyDataset(Dataset):
    """Synthetic 1x8x8 'images' of 3 classes: class k has a bright band in rows 2k..2k+2."""

    def __init__(self, n, transform=None):
        self.labels = torch.randint(0, 3, (n,))
        self.images = torch.randn(n, 1, 8, 8) * 0.5
        for i in range(n):
            k = int(self.labels[i])
            self.images[i, 0, 2 * k:2 * k + 3] += 1.0
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        image, label = self.images[idx], self.labels[idx]
        if self.transform:
            image = self.transform(image)
        return image, label


train_data = MyDataset(120)
val_data = MyDataset(40, transform=lambda image: image.clamp(-3, 3))
train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=True, drop_last=True)
val_loader = DataLoader(val_data, batch_size=batch_size, shuffle=False)
print(len(train_loader), len(val_loader))
# drop_last, 对于最后达不到batch_size数量的样本，是否丢弃？

# ---- 模型构建 --------------------------------------------------------------------------------------


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv = nn.Sequential(
            # no conv bias before BatchNorm: its true gradient is zero, and Adam would turn the
            # float rounding noise left in it into full-size steps that differ between libraries
            nn.Conv2d(1, 8, 3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2, stride=2),
            nn.Dropout(0.3),
        )
        self.fc = nn.Sequential(nn.Linear(8 * 4 * 4, 32), nn.ReLU(), nn.Linear(32, 3))

    def forward(self, x):
        x = self.conv(x)
        x = x.view(-1, 8 * 4 * 4)
        return self.fc(x)


model = Net()
model = model.to(device)
print(model)

# ---- 损失函数、优化器 --------------------------------------------------------------------------------
criterion = nn.CrossEntropyLoss()
optimizer = optimizer_lib.Adam(model.parameters(), lr=lr)

# ---- 训练与验证 -------------------------------------------------------------------------------------


def train(epoch):
    model.train()
    train_loss = 0
    for data, label in train_loader:
        data, label = data.to(device), label.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output, label)
        loss.backward()
        optimizer.step()
        train_loss += loss.item() * data.size(0)
    train_loss = train_loss / len(train_loader.dataset)
    print('Epoch: {} \tTraining Loss: {:.6f}'.format(epoch, train_loss))


def val(epoch):
    model.eval()
    val_loss = 0
    gt_labels = []
    pred_labels = []
    with torch.no_grad():
        for data, label in val_loader:
            data, label = data.to(device), label.to(device)
            output = model(data)
            preds = torch.argmax(output, 1)
            gt_labels.append(label.cpu().data.numpy())
            pred_labels.append(preds.cpu().data.numpy())
            loss = criterion(output, label)
            val_loss += loss.item() * data.size(0)
    val_loss = val_loss / len(val_loader.dataset)
    gt_labels, pred_labels = np.concatenate(gt_labels), np.concatenate(pred_labels)
    acc = np.sum(gt_labels == pred_labels) / len(pred_labels)
    print('Epoch: {} \tValidation Loss: {:.6f}, Accuracy: {:6f}'.format(epoch, val_loss, acc))


for e in range(1, epoch + 1):
    train(e)
    val(e)

# eval mode uses the running statistics and no dropout; no_grad builds no graph
model.eval()
with torch.no_grad():
    out = model(val_data[0][0].unsqueeze(0))
print(out, out.requires_grad)
print(model.conv[1].running_mean)
print(model.conv[1].num_batches_tracked)
