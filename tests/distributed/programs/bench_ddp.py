"""DDP scaling of benchmarks/models.py's mlp_large (784-1024-1024-10, Adam, batch 256 per rank):
samples/s on N ranks with gradient all-reduce overlapped with backward or not, and on 1 process
without DDP. `mpiexec -n N python -m mpi4py bench_ddp.py [STEPS]`; rank 0 prints."""
import sys
import time

import ember
import ember.distributed as dist

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
dist.init_process_group("mpi")
R, N = dist.get_rank(), dist.get_world_size()
nn = ember.nn


def run(mode: str) -> float:
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                          nn.Linear(1024, 10))
    net = model
    if mode != "no DDP":
        net = nn.parallel.DistributedDataParallel(model)
        net._overlap = mode == "overlap on"
    opt = ember.optim.Adam(model.parameters(), lr=1e-3)
    x, y = ember.randn(256, 784), ember.randint(0, 10, (256,))

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    for _ in range(3):
        step()
    dist.barrier()
    t = time.perf_counter()
    for _ in range(STEPS):
        step()
    dist.barrier()
    return 256 * N * STEPS / (time.perf_counter() - t)


modes = ["no DDP"] if N == 1 else ["overlap on", "overlap off"]
for mode in modes:
    rate = run(mode)
    if R == 0:
        print(f"mlp_large ranks={N} {mode}: {rate:.0f} samples/s", flush=True)
dist.destroy_process_group()
