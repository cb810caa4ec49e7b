"""A few steps of DDP training, written once against the torch API and run under either
framework: `python -m mpi4py ddp_train.py ember|torch OUT [PORT]`.

Every rank starts from different parameters (DDP must broadcast rank 0's), trains on its own
shard of each batch with gradient accumulation (the first micro-batch under no_sync()), and saves
its losses, parameters, gradients and buffers to OUT_<variant>.<rank>.npz, for three variants:
"plain"; "buckets" uses tiny buckets;
"unused" has a layer only rank 0 uses and one nobody uses (find_unused_parameters=True);
"buckets" also has a BatchNorm, whose buffers DDP broadcasts from rank 0 at every forward.
"""
import contextlib
import os
import sys

import numpy as np

FRAMEWORK, OUT = sys.argv[1:3]
if FRAMEWORK == "torch":
    import torch
    os.environ.update(RANK=os.environ["PMI_RANK"], WORLD_SIZE=os.environ["PMI_SIZE"],
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=sys.argv[3])
else:
    import ember as torch
dist = torch.distributed
nn = torch.nn
F = torch.nn.functional

dist.init_process_group("gloo")
R, N = dist.get_rank(), dist.get_world_size()
ROWS, STEPS = 4, 3



class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 3)
        self.b = nn.Linear(6, 3)
        self.never = nn.Linear(6, 3)

    def forward(self, x):
        return self.a(x) + self.b(x) if R == 0 else self.a(x)


def train(VARIANT):
    torch.manual_seed(0)
    if VARIANT == "unused":
        model = Branchy()
    elif VARIANT == "buckets":
        model = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 3))
    else:
        model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * R)
    ddp = nn.parallel.DistributedDataParallel(
        model, bucket_cap_mb=0.0002 if VARIANT == "buckets" else None,
        find_unused_parameters=VARIANT == "unused")
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((STEPS, 2, N * ROWS, 6)).astype(np.float32)
    Y = rng.standard_normal((STEPS, 2, N * ROWS, 3)).astype(np.float32)
    losses = []
    for s in range(STEPS):
        opt.zero_grad()
        for m in range(2):
            x = torch.from_numpy(X[s, m, R * ROWS:(R + 1) * ROWS])
            y = torch.from_numpy(Y[s, m, R * ROWS:(R + 1) * ROWS])
            with ddp.no_sync() if m == 0 else contextlib.nullcontext():
                loss = F.mse_loss(ddp(x), y)
                loss.backward()
        losses.append(loss.item())
        print(f"{VARIANT} rank {R} step {s} loss {loss.item():.6f}", flush=True)
        if s < STEPS - 1:
            opt.step()
    saved = {"losses": np.array(losses)}
    for name, p in ddp.named_parameters():
        saved["param." + name] = p.detach().numpy()
        if p.grad is not None:
            saved["grad." + name] = p.grad.numpy()
    for name, b in ddp.named_buffers():
        saved["buffer." + name] = b.numpy()
    np.savez(f"{OUT}_{VARIANT}.{R}.npz", **saved)


for variant in ("plain", "buckets", "unused"):
    train(variant)
dist.destroy_process_group()
if FRAMEWORK == "torch":
    # torch's gloo threads can abort ("terminate called without an active exception") when the
    # rank hosting the TCP store exits first: meet on MPI, finalize, and leave without running
    # the C++ destructors at interpreter exit.
    from mpi4py import MPI
    MPI.COMM_WORLD.Barrier()
    MPI.Finalize()
    sys.stdout.flush()
    os._exit(0)
