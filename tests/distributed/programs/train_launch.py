"""Replicas (what `ember-train --nproc N` uses) on N ranks: the shards of the training set cover
it once per epoch, the wrapped model is DDP, only rank 0 prints. argv[1]: a file per rank."""
import sys

import ember
from ember.distributed._train_launch import Replicas

rep = Replicas(ember, 2)
assert rep.active and rep.world_size == 2
ds = ember.utils.data.TensorDataset(ember.arange(10.0).reshape(10, 1))
loader = rep.loader(ds, seed=3, batch_size=2)
net = rep.wrap(ember.nn.Linear(1, 1))
assert type(net) is ember.nn.parallel.DistributedDataParallel
opt = ember.optim.SGD(net.parameters(), lr=0.01)
for epoch in range(2):
    rep.set_epoch(loader, epoch)
    seen = []
    for (x,) in loader:
        opt.zero_grad()
        net(x).sum().backward()
        opt.step()
        seen += x.flatten().tolist()
    with open(f"{sys.argv[1]}.{rep.rank}.{epoch}", "w") as f:
        f.write(" ".join(str(int(v)) for v in seen))
print(f"printed by rank {rep.rank}", flush=True)
rep.barrier()
rep.close()
