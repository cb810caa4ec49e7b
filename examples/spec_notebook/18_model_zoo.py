"""The spec notebook's model-zoo cells: "篡改resnet50" (print torchvision's resnet50, replace its
`fc` by a small classifier), `pretrained=True` weights, saving a pretrained model whole and as
weights, and "训练模型的特定层" (freeze a pretrained resnet18, give it a new `fc`).
`python examples/spec_notebook/18_model_zoo.py` runs it on ember (`ember.vision` standing for
torchvision), `... --torch` on PyTorch + torchvision; tests/test_spec_notebook.py checks that both
print the same. The notebook's 14 constructors are in 19_model_zoo_constructors.py."""
import os
import sys
import tempfile
import warnings
from collections import OrderedDict

if "--torch" in sys.argv:
    import torch
    from torch import nn

    # torchvision 0.28's compiled ops cannot load against the CPU build of torch 2.13 and its
    # import dies inside torch.library.register_fake: a no-op decorator for the duration of the
    # import leaves the models usable.
    _register_fake = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    from torchvision import models
    torch.library.register_fake = _register_fake
else:
    import ember as torch
    from ember import nn
    from ember.vision import models

# Deliberate addition to the notebook: a fixed seed, so that both frameworks draw the same weights.
torch.manual_seed(0)

# ---- 篡改resnet50 ---------------------------------------------------------------------------------
net = models.resnet50()
print(net)

# 我们把最终的fc层修改为含有两个隐藏层的全链接层
classifier = nn.Sequential(OrderedDict([
    ("fc1", nn.Linear(2048, 128)),
    ('relu1', nn.ReLU()),
    ('dropout1', nn.Dropout(0.5)),
    ('fc2', nn.Linear(128, 10)),
    ('output', nn.Softmax(dim=1))
]))
net.fc = classifier
print(net.fc)  # Deliberate change: the notebook prints the whole net again; its tail is the news
print(net(torch.rand(2, 3, 64, 64)).sum(dim=1))  # Deliberate addition: softmax rows sum to 1

# ---- pretrained=True without a download ----------------------------------------------------------
# Deliberate addition: a temporary TORCH_HOME holding a seeded resnet18 state_dict under the file
# name torchvision downloads, so that `pretrained=True` reads it from the hub cache.
tmp = tempfile.TemporaryDirectory()
torch_home = os.environ.get("TORCH_HOME")
os.environ["TORCH_HOME"] = tmp.name
checkpoints = os.path.join(torch.hub.get_dir(), "checkpoints")
os.makedirs(checkpoints)
weights_url = models.ResNet18_Weights.IMAGENET1K_V1.url
print(weights_url)
torch.save(models.resnet18().state_dict(), os.path.join(checkpoints, os.path.basename(weights_url)))

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    # 因此需要显式地指明使用预训练参数
    resnet18 = models.resnet18(pretrained=True)
for w in caught:  # Deliberate addition: the deprecation warnings torchvision gives
    print(f"{w.category.__name__}: {w.message}")
print(resnet18.fc.weight[0, :4])

# ---- torch中模型的输出&存储 -------------------------------------------------------------------------
# Deliberate change: resnet18 instead of the notebook's resnet152 (the same cell, 5x smaller),
# and state_dict() called: the notebook's `torch.save(model.state_dict, ...)` saves the bound
# method, not the weights.
model = models.resnet18(weights=models.ResNet18_Weights.DEFAULT, progress=False)
save_dir = os.path.join(tmp.name, 'resnet18.pth')

# 保存整个模型
torch.save(model, save_dir)
whole = torch.load(save_dir, weights_only=False)
print(type(whole).__name__, torch.equal(whole.fc.bias, model.fc.bias))
# 保存模型权重
torch.save(model.state_dict(), save_dir)
print(len(torch.load(save_dir)), "tensors in the state_dict")


# ---- 训练模型的特定层 -------------------------------------------------------------------------------
# 首先冻结所有参数的梯度计算
def set_param_requires_grad(model, feature_extracting):
    if feature_extracting:
        for param in model.parameters():
            param.requires_grad = False


feature_extract = True
model = models.resnet18(weights=models.ResNet18_Weights.DEFAULT, progress=False)
set_param_requires_grad(model, feature_extract)

# 自定义一个输出的全连接层
num_ftrs = model.fc.in_features
model.fc = nn.Linear(in_features=num_ftrs, out_features=4, bias=True)

# 之后在训练过程中，model仍会进行梯度回传，但是参数更新则只会发生在fc层。
# Deliberate addition: one SGD step shows it
print([name for name, p in model.named_parameters() if p.requires_grad])
optimizer = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1)
conv1_before = model.conv1.weight.clone()
loss = nn.functional.cross_entropy(model(torch.rand(4, 3, 32, 32)), torch.tensor([0, 1, 2, 3]))
loss.backward()
optimizer.step()
print(f"loss {loss.item():.4f}", torch.equal(model.conv1.weight, conv1_before),
      model.conv1.weight.grad is None, model.fc.weight.grad.shape)
tmp.cleanup()
if torch_home is None:  # Deliberate addition: leave the environment as it was
    del os.environ["TORCH_HOME"]
else:
    os.environ["TORCH_HOME"] = torch_home
