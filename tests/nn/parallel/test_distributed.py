"""DistributedDataParallel on 2 MPI ranks (tests/distributed/programs/ddp_train.py): the same
losses, parameters and gradients as torch's DDP (gloo, 2 processes) running the same program, and
the same parameters as single-process training on the concatenated batch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.distributed.mpi import free_port, mpirun, worlds_of_one

VARIANTS = ("plain", "buckets", "unused")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """{framework: {variant: [rank 0 npz, rank 1 npz]}}: one 2-rank run per framework."""
    out = {}
    for framework in ("ember", "torch"):
        stem = tmp_path_factory.mktemp("ddp") / framework
        res = mpirun("ddp_train.py", 2, framework, str(stem), free_port(), timeout=300)
        assert res.stdout.count("loss") == 2 * 3 * len(VARIANTS), res.stdout
        out[framework] = {v: [dict(np.load(f"{stem}_{v}.{r}.npz")) for r in range(2)]
                          for v in VARIANTS}
    return out


@pytest.mark.parametrize("variant", VARIANTS)
def test_ddp_matches_torch_ddp(trained, variant):
    for got, want in zip(trained["ember"][variant], trained["torch"][variant]):
        assert sorted(got) == sorted(want)  # the same gradients exist (a layer nobody used: none)
        for k in want:
            np.testing.assert_allclose(got[k], want[k], rtol=1e-5, atol=1e-6, err_msg=k)


def test_ddp_matches_single_process_on_the_concatenated_batch(trained):
    ranks = trained["ember"]["plain"]
    ember.manual_seed(0)
    nn = ember.nn
    model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 2, 8, 6)).astype(np.float32)
    Y = rng.standard_normal((3, 2, 8, 3)).astype(np.float32)
    for s in range(3):
        opt.zero_grad()
        for m in range(2):
            loss = nn.functional.mse_loss(model(ember.from_numpy(X[s, m])),
                                          ember.from_numpy(Y[s, m]))
            loss.backward()
        if s < 2:
            opt.step()
    for saved in ranks:
        for name, p in model.named_parameters():
            np.testing.assert_allclose(saved["param.module." + name], p.detach().numpy(),
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(saved["grad.module." + name], p.grad.numpy(),
                                       rtol=1e-5, atol=1e-6)


def test_ddp_in_a_world_of_one_is_the_module_with_torchs_prefix_repr_and_grads():
    with worlds_of_one():
        net = ember.nn.Linear(4, 2)
        tnet = torch.nn.Linear(4, 2)
        net.load_state_dict({k: ember.from_numpy(v.numpy()) for k, v in tnet.state_dict().items()})
        ddp = ember.nn.parallel.DistributedDataParallel(net)
        tddp = torch.nn.parallel.DistributedDataParallel(tnet)
        assert list(ddp.state_dict()) == list(tddp.state_dict())
        assert repr(ddp) == repr(tddp) and ddp.module is net
        x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
        ddp(ember.from_numpy(x)).sum().backward()
        tddp(torch.from_numpy(x)).sum().backward()
        np.testing.assert_allclose(net.weight.grad.numpy(), tnet.weight.grad.numpy(), rtol=1e-6)
        with pytest.raises(ValueError) as want:
            torch.nn.parallel.DistributedDataParallel(tnet, device_ids=[0])
        with pytest.raises(ValueError) as got:
            ember.nn.parallel.DistributedDataParallel(net, device_ids=[0])
        assert str(got.value) == str(want.value)
        with pytest.raises(RuntimeError) as want:
            torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 2).requires_grad_(False))
        with pytest.raises(RuntimeError) as got:
            ember.nn.parallel.DistributedDataParallel(ember.nn.Linear(2, 2).requires_grad_(False))
        assert str(got.value) == str(want.value)


def _two(nn):
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2)
            self.b = nn.Linear(2, 2)

        def forward(self, x):
            return self.a(x)
    return Two()


def test_unused_parameter_without_find_unused_raises_torchs_error_on_the_next_forward():
    with worlds_of_one():
        errors = []
        for lib in (torch, ember):
            ddp = lib.nn.parallel.DistributedDataParallel(_two(lib.nn))
            ddp(lib.ones(1, 2)).sum().backward()
            with pytest.raises(RuntimeError) as err:
                ddp(lib.ones(1, 2))
            errors.append(str(err.value))
        assert errors[1] == errors[0]
