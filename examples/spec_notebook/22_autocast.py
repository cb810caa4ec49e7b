"""The spec notebook's "半精度训练" autocast cells: `from torch.cuda.amp import autocast`, an
`@autocast()` forward and `with autocast():`. Without a GPU torch warns and runs them in float32;
ember does the same (the warnings are printed here so the comparison sees them). Then the same
program on CPU as torch runs it: bfloat16 autocast and a GradScaler training step.
`python examples/spec_notebook/22_autocast.py` runs it on ember, `... --torch` on PyTorch."""
import sys
import warnings

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn


def show(caught):
    """Deliberate addition: print the warnings a cell raised (they go to stderr otherwise)."""
    for w in caught:
        print(f"{w.category.__name__}: {w.message}")


torch.manual_seed(0)

# from torch.cuda.amp import autocast, and a model whose forward runs under @autocast()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    if "--torch" in sys.argv:
        from torch.cuda.amp import autocast
    else:
        from ember.cuda.amp import autocast

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.fc2 = nn.Linear(8, 3)

        @autocast()
        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x)))
show(caught)

model = Net()
x = torch.randn(5, 4)
out = model(x)
print(out.dtype, out.shape)

# with autocast(): the forward pass and the loss
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with autocast():
        out = model(x)
        loss = nn.functional.cross_entropy(out, torch.tensor([0, 1, 2, 0, 1]))
show(caught)
print(out.dtype, loss.dtype, f"{loss.item():.4f}")

# The same on CPU, as torch runs it there: bfloat16 autocast, float32 master weights, GradScaler
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    scaler_cuda = torch.amp.GradScaler("cuda")
show(caught)
print(scaler_cuda.is_enabled())

optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8, growth_interval=2)
y = torch.tensor([0, 1, 2, 0, 1])
for step in range(4):
    optimizer.zero_grad()
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        out = model(x)
        hidden = model.fc1(x)
        loss = nn.functional.cross_entropy(out, y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    print(step, hidden.dtype, out.dtype, loss.dtype, f"{loss.item():.2f}", scaler.get_scale(),
          model.fc1.weight.grad.dtype)
print(scaler.state_dict())
print(model.fc1.weight.dtype)
