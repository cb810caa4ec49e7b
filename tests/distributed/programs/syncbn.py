"""SyncBatchNorm on N ranks equals BatchNorm on the concatenated batch (one process): outputs,
input gradients, summed parameter gradients and running statistics, for 2d/1d inputs, with and
without affine/momentum=None. Prints `ok <rank>`."""
import numpy as np

import ember
import ember.distributed as dist

dist.init_process_group("mpi")
R, N = dist.get_rank(), dist.get_world_size()
nn = ember.nn

for shape, kw in [((3, 4, 5, 2), {}), ((4, 4), {"momentum": None}),
                  ((2, 4, 7), {"affine": False}), ((3, 4, 2, 2, 2), {"eps": 1e-3})]:
    rows = shape[0]
    rng = np.random.default_rng(5)
    full = (rng.standard_normal((N * rows, *shape[1:])) * 3 + 1).astype(np.float32)
    up = rng.standard_normal(full.shape).astype(np.float32)
    ref = nn.BatchNorm3d(4, **kw) if len(shape) == 5 else nn.BatchNorm1d(4, **kw) \
        if len(shape) < 4 else nn.BatchNorm2d(4, **kw)
    sync = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(ref))[0]
    assert type(sync) is nn.SyncBatchNorm
    sync = nn.SyncBatchNorm(4, **kw)
    sync.load_state_dict(ref.state_dict())
    if sync.weight is not None:
        with ember.no_grad():
            for m in (ref, sync):
                m.weight.copy_(ember.linspace(0.5, 2, 4))
                m.bias.copy_(ember.linspace(-1, 1, 4))
    for step in range(2):
        x = ember.from_numpy(full.copy()).requires_grad_()
        y = ref(x)
        y.backward(ember.from_numpy(up))
        mine = ember.from_numpy(full[R * rows:(R + 1) * rows].copy()).requires_grad_()
        ys = sync(mine)
        ys.backward(ember.from_numpy(up[R * rows:(R + 1) * rows]))
        tol = {"rtol": 2e-4, "atol": 2e-5}
        np.testing.assert_allclose(ys.detach().numpy(), y.detach().numpy()[R * rows:(R + 1) * rows],
                                   **tol)
        np.testing.assert_allclose(mine.grad.numpy(), x.grad.numpy()[R * rows:(R + 1) * rows],
                                   **tol)
        for a, b in [(sync.running_mean, ref.running_mean), (sync.running_var, ref.running_var)]:
            np.testing.assert_allclose(a.numpy(), b.numpy(), **tol)
        assert int(sync.num_batches_tracked) == int(ref.num_batches_tracked) == step + 1
        if sync.weight is not None:
            for p, q in [(sync.weight, ref.weight), (sync.bias, ref.bias)]:
                g = p.grad.clone()
                dist.all_reduce(g)   # weight/bias grads are local; DDP would average them
                np.testing.assert_allclose(g.numpy(), q.grad.numpy(), **tol)
                p.grad = None
                q.grad = None
sync.eval()                          # eval uses the running statistics, no communication
probe = ember.randn(2, 4, 2, 2, 2)
np.testing.assert_allclose(sync(probe).detach().numpy(), ref.eval()(probe).detach().numpy(),
                           rtol=1e-5)
dist.destroy_process_group()
print(f"ok {R}", flush=True)  # one string: ranks share the pipe, pieces could interleave
