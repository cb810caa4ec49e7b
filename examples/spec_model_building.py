"""The spec notebook's model-building cells ("模型构建", custom layers, containers, "模型初始化"), as one
program. `python examples/spec_model_building.py` runs it on ember, `... --torch` on PyTorch;
tests/test_spec_examples.py checks that both print the same."""
import sys
from collections import OrderedDict

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that initial weights and randn inputs are
# the same on both frameworks (ember's CPU random streams reproduce torch's bit for bit).
torch.manual_seed(0)


# ---- 使用nn.Module构建多层感知机 ---------------------------------------------------------------------

class MLP(nn.Module):
    # 在__init__中构建神经网络
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Linear(784, 256)
        self.act = nn.ReLU()
        self.output = nn.Linear(256, 10)

    # 定义模型的前向计算
    def forward(self, x):
        o = self.act(self.hidden(x))
        return self.output(o)


x = torch.randn(2, 784)  # 第一维是batch
net = MLP()
print(net)
print(net(x))  # 前向计算


# ---- 不含参数的层 / 自定义参数的层 ------------------------------------------------------------------

class MyLayer(nn.Module):
    def __init__(self, **kwargs):
        super(MyLayer, self).__init__(**kwargs)

    def forward(self, x):
        return x - x.mean()


layer = MyLayer()
print(layer(torch.tensor([1, 2, 3, 4, 5], dtype=torch.float)))


class MyListDense(nn.Module):
    def __init__(self):
        super(MyListDense, self).__init__()
        self.params = nn.ParameterList([nn.Parameter(torch.randn(4, 4)) for i in range(3)])
        self.params.append(nn.Parameter(torch.randn(4, 1)))

    def forward(self, x):
        for i in range(len(self.params)):
            x = torch.mm(x, self.params[i])
        return x


net = MyListDense()
print(net)
print(net(torch.ones(1, 4)))


class MyDictDense(nn.Module):
    def __init__(self):
        super(MyDictDense, self).__init__()
        self.params = nn.ParameterDict({
            'linear1': nn.Parameter(torch.randn(4, 4)),
            'linear2': nn.Parameter(torch.randn(4, 1))
        })
        self.params.update({'linear3': nn.Parameter(torch.randn(4, 2))})  # 新增

    def forward(self, x, choice='linear1'):
        return torch.mm(x, self.params[choice])


net = MyDictDense()
print(net)
x = torch.ones(1, 4)
print(net(x, 'linear1'))
print(net(x, 'linear2'))
print(net(x, 'linear3'))


# ---- 容器: Sequential / ModuleList / ModuleDict ----------------------------------------------------

net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
print(net)
net = nn.Sequential(OrderedDict([
    ('fc1', nn.Linear(784, 256)),
    ('relu1', nn.ReLU()),
    ('fc2', nn.Linear(256, 10)),
]))
print(net)
print(net(torch.randn(2, 784)))
net = nn.ModuleList([nn.Linear(784, 256), nn.ReLU()])
net.append(nn.Linear(256, 10))  # 类似List的append操作
print(net[-1])  # 类似List的索引访问
print(net)
net = nn.ModuleDict({
    'linear': nn.Linear(784, 256),
    'act': nn.ReLU(),
})
net['output'] = nn.Linear(256, 10)  # 添加
print(net['linear'])  # 访问
print(net.output)
print(net)
deep = nn.Sequential(*[nn.Linear(8, 8) for _ in range(4)], nn.Dropout(0.2), nn.Flatten())
print(deep)
print([name for name, _ in deep.named_parameters()])


# ---- 模型初始化 -----------------------------------------------------------------------------------

linear = nn.Linear(10, 1)
print(isinstance(linear, nn.Linear))
print(isinstance(linear, nn.Conv2d) if hasattr(nn, "Conv2d") else False)
print(linear.weight.data)
torch.nn.init.kaiming_normal_(linear.weight.data)
print(linear.weight.data)
print(torch.nn.init.constant_(linear.weight.data, 0.3))


def initialize_weights(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            torch.nn.init.normal_(m.weight.data, 0.1)
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias.data)


mlp = MLP()
initialize_weights(mlp)
print(mlp.output.bias)
print(mlp.state_dict().keys())
