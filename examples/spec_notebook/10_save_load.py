"""The spec notebook's "torch中模型的输出&存储" section: torch.save of a whole module and of its
state_dict (to a temporary folder instead of './resnet152.pth', on a small model instead of
torchvision's resnet152), loaded back and compared.
`python examples/spec_notebook/10_save_load.py` runs it on ember, `... --torch` on PyTorch."""
import os
import sys
import tempfile
from collections import OrderedDict

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that the weights match.
torch.manual_seed(0)


class SmallNet(nn.Module):
    """A stand-in for the notebook's resnet152 (torchvision's model zoo is not part of ember)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


model = SmallNet()
x = torch.randn(2, 3, 5, 5)
model(x)  # one training-mode pass, so the BatchNorm running statistics are not the defaults
model.eval()
expected = model(x)
print(expected)

with tempfile.TemporaryDirectory() as tmp:
    save_dir = os.path.join(tmp, 'resnet152.pth')

    # 保存整个模型 (pickles the class by reference: loading needs weights_only=False)
    torch.save(model, save_dir)
    whole = torch.load(save_dir, weights_only=False)
    print(type(whole).__name__, whole.training)
    print(whole)
    print(torch.equal(whole(x), expected))
    print(whole.features[1].running_mean)

    # 保存模型权重. The notebook writes `torch.save(model.state_dict, save_dir)`: that pickles the
    # bound method (and with it the whole module), not the dictionary
    torch.save(model.state_dict, save_dir)
    method = torch.load(save_dir, weights_only=False)
    print(type(method).__name__, type(method.__self__).__name__, list(method())[:2])
    # calling it is what is meant
    torch.save(model.state_dict(), save_dir)
    state = torch.load(save_dir)
    print(type(state).__name__, list(state.keys()))
    print(state['features.1.num_batches_tracked'])
    fresh = SmallNet()
    print(torch.equal(fresh.fc.weight, model.fc.weight))
    print(fresh.load_state_dict(state))
    fresh.eval()
    print(torch.equal(fresh(x), expected))
    print(all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(),
                                                 model.state_dict().values())))

    # tensors, dicts and an optimizer's state in one checkpoint (断点续训练)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.train()
    model(x).sum().backward()
    optimizer.step()
    checkpoint = {'epoch': 3, 'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                  'extra': [torch.arange(3), (1.5, 'text')]}
    torch.save(checkpoint, os.path.join(tmp, 'checkpoint.pt'))
    loaded = torch.load(os.path.join(tmp, 'checkpoint.pt'))
    print(loaded['epoch'], loaded['extra'])
    print(loaded['optimizer']['param_groups'])
    print(loaded['optimizer']['state'][4])
    print(torch.equal(loaded['model']['fc.weight'], model.fc.weight))

    # a missing key is reported by load_state_dict(strict=False)
    partial = OrderedDict((k, v) for k, v in state.items() if not k.startswith('fc.'))
    print(SmallNet().load_state_dict(partial, strict=False))
    try:
        SmallNet().load_state_dict(partial)
    except RuntimeError as err:
        print(type(err).__name__, str(err).splitlines()[0])
