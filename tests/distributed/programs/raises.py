"""Rank 1 raises while rank 0 waits in a collective that can never complete: `python -m mpi4py`
must abort every rank. Each rank first writes its pid to DIR/pid.<rank> (argv[1])."""
import os
import sys

import ember
import ember.distributed as dist

dist.init_process_group("mpi")
rank = dist.get_rank()
with open(os.path.join(sys.argv[1], f"pid.{rank}"), "w") as f:
    f.write(str(os.getpid()))
dist.barrier()
if rank == 1:
    raise RuntimeError("rank 1 fails on purpose")
dist.all_reduce(ember.ones(3))  # rank 1 never joins: only the abort ends this
print("unreachable", flush=True)
