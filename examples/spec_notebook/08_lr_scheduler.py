"""The spec notebook's "动态调整学习率" section: each of the 15 schedulers it lists, built on an Adam
optimizer and stepped for 10 epochs (printing get_last_lr), and the custom adjust_learning_rate
function. `python examples/spec_notebook/08_lr_scheduler.py` runs it on ember, `... --torch` on
PyTorch; tests/test_spec_notebook.py checks that both print the same."""
import argparse
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
    from torch.optim import lr_scheduler
else:
    import ember as torch
    from ember import nn
    from ember.optim import lr_scheduler

# Deliberate addition to the notebook: a fixed seed, so that the model and data match.
torch.manual_seed(0)

model = nn.Linear(4, 2)
x, y = torch.randn(8, 4), torch.randn(8, 2)
loss_fn = nn.MSELoss()


def train(optimizer):
    """One 'epoch' of the notebook's loop: a single full-batch step; returns the loss."""
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


# 在torch.optim.lr_scheduler模块中封装好了一系列调度器 (each gets a fresh Adam optimizer)
def make(name, optimizer):
    if name == "LambdaLR":
        return lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)
    if name == "MultiplicativeLR":
        return lr_scheduler.MultiplicativeLR(optimizer, lr_lambda=lambda epoch: 0.9)
    if name == "StepLR":
        return lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    if name == "MultiStepLR":
        return lr_scheduler.MultiStepLR(optimizer, milestones=[2, 5, 8], gamma=0.1)
    if name == "ExponentialLR":
        return lr_scheduler.ExponentialLR(optimizer, gamma=0.8)
    if name == "CosineAnnealingLR":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=1e-4)
    if name == "ReduceLROnPlateau":
        return lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
    if name == "CyclicLR":
        return lr_scheduler.CyclicLR(optimizer, base_lr=1e-4, max_lr=1e-2, step_size_up=3,
                                     cycle_momentum=False)
    if name == "OneCycleLR":
        return lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, total_steps=11)
    if name == "CosineAnnealingWarmRestarts":
        return lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2)
    if name == "ConstantLR":
        return lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=4)
    if name == "LinearLR":
        return lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=4)
    if name == "PolynomialLR":
        return lr_scheduler.PolynomialLR(optimizer, total_iters=8, power=2.0)
    if name == "ChainedScheduler":
        return lr_scheduler.ChainedScheduler([
            lr_scheduler.ConstantLR(optimizer, factor=0.1, total_iters=2),
            lr_scheduler.ExponentialLR(optimizer, gamma=0.9)])
    if name == "SequentialLR":
        return lr_scheduler.SequentialLR(optimizer, schedulers=[
            lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3),
            lr_scheduler.ExponentialLR(optimizer, gamma=0.9)], milestones=[3])
    raise ValueError(name)


NAMES = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ExponentialLR",
         "CosineAnnealingLR", "ReduceLROnPlateau", "CyclicLR", "OneCycleLR",
         "CosineAnnealingWarmRestarts", "ConstantLR", "LinearLR", "PolynomialLR",
         "ChainedScheduler", "SequentialLR"]

# 学习率调度往往是在训练完一个epoch后执行的：
for name in NAMES:
    # 选择一种优化器
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    # 选择上面提到的一种或多种动态调整学习率的方法
    scheduler = make(name, optimizer)
    print(name, isinstance(scheduler, lr_scheduler.LRScheduler), scheduler.get_last_lr())
    # 进行训练
    for epoch in range(10):
        loss = train(optimizer)
        # 需要在优化器参数更新之后再动态调整学习率
        if name == "ReduceLROnPlateau":
            scheduler.step(1.0)  # a loss that has stopped improving
        else:
            scheduler.step()
        print(" ", epoch, [round(lr, 8) for lr in scheduler.get_last_lr()],
              round(optimizer.param_groups[0]["lr"], 8))
    print(" ", round(loss, 4))

# 选择上面提到的一种或多种动态调整学习率的方法: several schedulers on one optimizer, each stepped
# after optimizer.step() (scheduler1.step() ... schedulern.step()), compose their factors
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler1 = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
scheduler2 = lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
for epoch in range(6):
    train(optimizer)
    scheduler1.step()
    scheduler2.step()
    print(epoch, round(optimizer.param_groups[0]["lr"], 8), scheduler1.get_last_lr(),
          scheduler2.get_last_lr())

# state_dict of a scheduler round-trips through load_state_dict (deliberate addition)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for _ in range(3):
    optimizer.step()
    scheduler.step()
state = scheduler.state_dict()
print(sorted(state), state["last_epoch"], state["_last_lr"])
fresh = lr_scheduler.StepLR(torch.optim.Adam(model.parameters(), lr=1e-2), step_size=2)
fresh.load_state_dict(state)
print(fresh.last_epoch, fresh.get_last_lr())

# ---- 自定义scheduler: 修改param_group的"lr" -----------------------------------------------------------
# 在之前的内容中我们知道训练的权重、梯度、学习率等内容都存储在optimizer的param_group中
# 因此如果希望自定义一个scheduler，我们的核心就是修改param_group的"lr"
args = argparse.Namespace(lr=0.1)  # the notebook's command-line arguments


def adjust_learning_rate(optimizer, epoch):
    lr = args.lr * (0.1 ** (epoch // 30))
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr


optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
for epoch in range(10):
    train(optimizer)
    adjust_learning_rate(optimizer, epoch)
print(optimizer.param_groups[0]['lr'])
# Deliberate addition: the decay by 10x every 30 epochs
for epoch in (29, 30, 59, 60, 90):
    adjust_learning_rate(optimizer, epoch)
    print(epoch, optimizer.param_groups[0]['lr'])
print(model.weight)
