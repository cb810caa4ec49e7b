# ruff: noqa: UP032 - the notebook's own str.format calls, kept as written
"""The spec notebook's "torch优化器实际操作" part, cell by cell: an SGD step, zero_grad, the
param_groups prints, add_param_group, state_dict before and after 50 steps, saving and loading the
optimizer state, and the defaults/state/param_groups prints.
`python examples/spec_notebook/07_optimizer.py` runs it on ember, `... --torch` on PyTorch."""
import os
import sys
import tempfile

if "--torch" in sys.argv:
    import torch
else:
    import ember as torch

# Deliberate addition to the notebook: a fixed seed, so that the random weights match.
torch.manual_seed(0)

# ---- 初始化权重 ------------------------------------------------------------------------------------
weight = torch.randn((2, 2), requires_grad=True)
# 设置梯度为全1矩阵 --> 2 * 2
weight.grad = torch.ones((2, 2))
print("The data of weight before step:\n{}".format(weight.data))
print("The grad of weight before step:\n{}".format(weight.grad))

# ---- 实例化优化器 ----------------------------------------------------------------------------------
optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
# 更新下参数
optimizer.step()
print("The data of weight after step:\n{}".format(weight.data))
print("The grad of weight after step:\n{}".format(weight.grad))
# 发现参数都降低了0.1

# ---- 梯度清零 --------------------------------------------------------------------------------------
optimizer.zero_grad()
print("The grad of weight after optimizer.zero_grad():\n{}".format(weight.grad))

# ---- param_groups ---------------------------------------------------------------------------------
print("optimizer.params_group is \n{}".format(optimizer.param_groups))
# The notebook prints the two id() values; they differ from run to run, so this program prints
# whether they are equal instead.
print("weight in optimizer is weight: {}\n".format(
    id(optimizer.param_groups[0]['params'][0]) == id(weight)))
# 上面发现optimizer.param_groups[0]["params"[0]]和weight指向同一个对象

# ---- 添加参数：weight2 -----------------------------------------------------------------------------
weight = torch.rand((3, 3), requires_grad=True)
optimizer.add_param_group({"params": weight, "lr": 0.0001, "nesterov": True})
# 查
print("optimizer.param_groups is\n{}".format(optimizer.param_groups))
# 发现default属性的确存储的是统一超参数，但优先级低于param_group中的超参数

# ---- 查看优化器当前状态信息 -------------------------------------------------------------------------
opt_state_dict = optimizer.state_dict()
print("state_dict before step:\n", opt_state_dict)

# ---- 50次step -------------------------------------------------------------------------------------
for _ in range(50):
    optimizer.step()
print("state_dict after step:\n", optimizer.state_dict())
# 注意state中只存储一些当前的超参数、梯度等信息，并不存储data
# 保存参数信息 (to a temporary folder instead of the notebook's Windows path)
with tempfile.TemporaryDirectory() as save_dir:
    torch.save(optimizer.state_dict(), os.path.join(save_dir, "optimizer_state_dict.pkl"))
    print("----------done-----------")
    # 加载参数信息
    state_dict = torch.load(os.path.join(save_dir, "optimizer_state_dict.pkl"))
optimizer.load_state_dict(state_dict)
print("load state_dict successfully\n{}".format(state_dict))
# 输出最后属性信息
print("\n{}".format(optimizer.defaults))
print("\n{}".format(optimizer.state))
print("\n{}".format(optimizer.param_groups))

# ---- Deliberate addition: steps that do change the weights once gradients are set ---------------
weight.grad = torch.full((3, 3), 0.5)
optimizer.param_groups[0]['params'][0].grad = torch.ones((2, 2))
for _ in range(3):
    optimizer.step()
print(optimizer.param_groups[0]['params'][0].data)
print(weight.data)
print(optimizer.state_dict()['state'])
