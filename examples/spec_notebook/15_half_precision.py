"""The spec notebook's "半精度训练" notes, the parts that run on a CPU: float32 by default, float16
halves the storage, its range and precision, a model and its inputs converted with .half().
`torch.cuda.amp.autocast` itself is CUDA-only in the notebook and is not part of ember yet (see
README.md). `python examples/spec_notebook/15_half_precision.py` runs it on ember, `... --torch`
on PyTorch."""
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that weights and inputs match.
torch.manual_seed(0)

# 默认的数据存储方式为torch.float32
x = torch.randn(2, 4)
print(x.dtype, torch.get_default_dtype(), x.element_size(), x.nbytes)
# 半精度: float16 保留一半的数据长度
h = x.half()
print(h, h.element_size(), h.nbytes)
print(torch.finfo(torch.float16))
print(torch.finfo(torch.float32).eps, torch.finfo(torch.float16).eps)
# 精度更低: overflow above 65504 and rounding of small increments
print(torch.tensor(65504.0, dtype=torch.float16) * 2)
print(torch.tensor(1.0, dtype=torch.float16) + 1e-4, torch.tensor(1.0) + 1e-4)
print(torch.tensor([0.1, 1 / 3, 1000.7]).half().float())
print(torch.tensor([1e-8, 6e-5], dtype=torch.float16))  # underflow and subnormals
# bfloat16: float32's range, fewer digits
# Deliberate addition: ember's bfloat16 needs the optional ml_dtypes package
# (pip install 'ember[bf16]'); without it the bfloat16 lines are skipped with a note on stderr.
try:
    print(torch.finfo(torch.bfloat16))
except RuntimeError as exc:
    print(f"note: skipped the bfloat16 lines: {exc}", file=sys.stderr)
    has_bfloat16 = False
else:
    has_bfloat16 = True
    print(torch.tensor([65504.0 * 2, 1 / 3]).bfloat16())

# A model in half precision. Bias-free: ember's F.linear rounds x @ W.T to half before adding
# the bias, where torch rounds once (reported to the lead), which can move the last bit.
model = nn.Sequential(nn.Linear(4, 3, bias=False), nn.ReLU(), nn.Linear(3, 2, bias=False))
model_half = nn.Sequential(nn.Linear(4, 3, bias=False), nn.ReLU(),
                           nn.Linear(3, 2, bias=False))
model_half.load_state_dict(model.state_dict())
model_half.half()
print(model_half[0].weight.dtype)
print(model(x))
print(model_half(h))
print((model(x) - model_half(h).float()).abs().max() < 1e-2)
if has_bfloat16:
    print(model.to(torch.bfloat16)(x.bfloat16()))
print(torch.float16.itemsize, torch.bfloat16.is_floating_point, torch.float16.is_floating_point)
