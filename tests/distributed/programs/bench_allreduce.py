"""all_reduce bandwidth, ember.distributed against raw mpi4py, float32 buffers 1 KB - 64 MB.
`mpiexec -n 2 python -m mpi4py bench_allreduce.py`; rank 0 prints one row per size."""
import time

import numpy as np
from mpi4py import MPI

import ember
import ember.distributed as dist

dist.init_process_group("mpi")
comm = MPI.COMM_WORLD.Dup()


def timed(fn, nbytes: int) -> float:
    reps = max(3, min(200, (64 << 20) // nbytes))
    fn()
    comm.Barrier()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    comm.Barrier()
    return (time.perf_counter() - t) / reps


if dist.get_rank() == 0:
    print(f"{'size':>8} {'mpi4py GB/s':>12} {'ember GB/s':>11} {'ember/mpi4py':>13}")
for shift in range(10, 27, 2):
    nbytes = 1 << shift
    a = np.ones(nbytes // 4, np.float32)
    t = ember.ones(nbytes // 4)
    raw = min(timed(lambda a=a: comm.Allreduce(MPI.IN_PLACE, a), nbytes) for _ in range(3))
    ours = min(timed(lambda t=t: dist.all_reduce(t), nbytes) for _ in range(3))
    if dist.get_rank() == 0:
        label = f"{nbytes >> 10} KB" if nbytes < 1 << 20 else f"{nbytes >> 20} MB"
        print(f"{label:>8} {nbytes / raw / 1e9:12.3f} {nbytes / ours / 1e9:11.3f} "
              f"{raw / ours:13.2f}", flush=True)
dist.destroy_process_group()
