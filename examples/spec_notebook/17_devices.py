"""The spec notebook's "多gpu并行计算" cells that run on a CPU-only machine: choosing a device,
moving a model and its data with .to(device), and the DataParallel guard (which needs more than
one GPU, so it does not fire here). GPU work itself, DataParallel and DDP are not covered (see
README.md). `python examples/spec_notebook/17_devices.py` runs it on ember, `... --torch` on
PyTorch. Nothing printed depends on whether a GPU is present."""
import os
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that weights and inputs match.
torch.manual_seed(0)

# 设置在文件最开始部分 (the notebook's "CUDA_VISIBLE_DEVICE" misses the final S)
os.environ["CUDA_VISIBLE_DEVICES"] = "2"  # 设置默认的显卡

# torch.device: a type and an optional index
for spec in ["cpu", "cuda", "cuda:1"]:
    d = torch.device(spec)
    print(repr(d), str(d), d.type, d.index)
print(torch.device("cuda", 0) == torch.device("cuda:0"), torch.device("cpu") == "cpu")
try:
    torch.device("gpu:0")
except RuntimeError as err:
    print(type(err).__name__, str(err).splitlines()[0][:60])

# 单卡训练: 只要将模型和数据移到 device 上 (here the CPU)
device = torch.device("cpu")
model = nn.Linear(3, 2)
model = model.to(device)
x = torch.randn(4, 3).to(device)
print(next(model.parameters()).device, x.device, model(x).device)
print(x.to("cpu") is x, x.to(torch.float64).dtype, x.cpu().is_cuda)

# 多卡DP: only with more than one GPU
if torch.cuda.device_count() > 1:  # 含有多张GPU的卡
    model = nn.DataParallel(model)  # 单机多卡DP训练
print(type(model).__name__)
